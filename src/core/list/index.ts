export { cursorBinding, decodeCursor, encodeCursor, type CursorPosition, type CursorRequest, type CursorSortValue } from './cursor.js';
export { parseListQuery, parseProjectionQuery, type ListRequest, type ListSettings } from './list-request.js';
export { LIST_RESPONSE_SCHEMA, listResponse, type CursorPage } from './list-response.js';
export { SEARCH_REQUEST_SCHEMA, parseSearchRequest } from './search-request.js';
export type { ListSort } from './sort.js';
