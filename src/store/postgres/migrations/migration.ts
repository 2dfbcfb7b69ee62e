/** One step of the schema history. Versions are applied in ascending order, each exactly once. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** SQL run as one script (simple query protocol, no parameters) inside the migration's transaction. */
  readonly up: string;
}
