/** The page shell shared by the console and the setup portal, and the small pieces every page uses. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CSRF_FIELD } from './csrf.js';
import { html, type HtmlValue, type SafeHtml } from './html.js';
import { csrfTokenFor, type PageContext } from './page-context.js';

export interface PageShell {
  readonly title: string;
  /** Shown in the header: "Operator console" or "Setup". */
  readonly area: string;
  /** Header navigation (links), already rendered. */
  readonly nav?: SafeHtml;
  readonly body: SafeHtml;
}

/** Writes a whole page. Every page is private to whoever holds the cookie: never cached. */
export function sendPage(context: PageContext, reply: FastifyReply, page: PageShell, status = 200): FastifyReply {
  const document = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · Scimitar</title>
<link rel="stylesheet" href="${context.paths.asset('pages.css')}">
<script src="${context.paths.asset('pages.js')}" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<span class="brand">Scimitar <span class="area">${page.area}</span></span>
${page.nav}
</header>
<main id="main" tabindex="-1">
${page.body}
</main>
</body>
</html>`;
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(document.text);
}

/** A form posting to `action` with the CSRF field; `fields` are its inputs and buttons. */
export function postForm(context: PageContext, request: FastifyRequest, reply: FastifyReply, action: string, fields: HtmlValue, options: { readonly className?: string; readonly confirm?: string } = {}): SafeHtml {
  const token = csrfTokenFor(context, request, reply);
  return html`<form method="post" action="${action}" class="${options.className ?? ''}"${options.confirm !== undefined ? html` data-confirm="${options.confirm}"` : ''}><input type="hidden" name="${CSRF_FIELD}" value="${token}">${fields}</form>`;
}

/** A secret shown once, with a copy button. */
export function shownOnce(label: string, secret: string, note: string): SafeHtml {
  return html`<div class="once" role="status">
<p><strong>${label}</strong> ${note}</p>
<div class="copyable"><code id="secret-value">${secret}</code> <button type="button" data-copy="secret-value">Copy</button></div>
</div>`;
}

export function notice(kind: 'ok' | 'error' | 'info', text: HtmlValue): SafeHtml {
  return html`<p class="notice ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${text}</p>`;
}

/** A timestamp as people read it, in UTC, with the exact value for machines. */
export function when(iso: string | null | undefined): SafeHtml {
  if (iso === null || iso === undefined) return html`<span class="muted">never</span>`;
  return html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}</time>`;
}

export function statusBadge(status: number): SafeHtml {
  const kind = status < 400 ? 'ok' : status < 500 ? 'warn' : 'bad';
  return html`<span class="badge ${kind}">${status}</span>`;
}
