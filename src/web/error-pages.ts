/**
 * Failures of the pages as pages: a service's ScimError with its status and
 * detail, anything unexpected as a generic 500 naming the request id (the
 * error itself goes to the log only). Never a stack trace.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isScimError } from '../core/errors/scim-error.js';
import { html, type SafeHtml } from './html.js';
import { sendPage } from './layout.js';
import type { PageContext } from './page-context.js';

const TITLES: Record<number, string> = {
  400: 'That did not work',
  401: 'Sign in again',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Already exists',
  410: 'This link is no longer valid',
  413: 'Too large',
  429: 'Too many attempts',
  500: 'Something went wrong',
  503: 'Temporarily unavailable',
};

/** `forPortal`: the page is seen by a customer's IT admin, who has no use for a link to the operator console. */
export function sendErrorPage(context: PageContext, reply: FastifyReply, status: number, message: string, options: { readonly extra?: SafeHtml; readonly forPortal?: boolean } = {}): FastifyReply {
  const title = TITLES[status] ?? (status >= 500 ? TITLES[500]! : TITLES[400]!);
  return sendPage(
    context,
    reply,
    {
      title,
      area: '',
      body: html`<div class="card"><h1>${title}</h1><p>${message}</p>${options.extra}${options.forPortal === true ? '' : html`<p><a href="${context.paths.console()}">Operator console</a></p>`}</div>`,
    },
    status,
  );
}

export function pageErrorHandler(context: PageContext) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const options = { forPortal: request.url.startsWith(context.paths.setup()) };
    if (isScimError(error)) return sendErrorPage(context, reply, Number(error.status), error.detail, options);
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return sendErrorPage(context, reply, status, error.validation !== undefined ? 'The form was not filled in as expected; go back and check it.' : error.message, options);
    }
    request.log.error({ err: error }, 'page failed');
    return sendErrorPage(context, reply, 500, `The server could not finish this request (request id ${request.id}). It has been logged.`, options);
  };
}
