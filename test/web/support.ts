/**
 * A browser's part in the pages' HTTP exchanges, over inject: a cookie jar
 * that honours Max-Age=0, and posting forms with the CSRF field the last
 * page carried, as a browser submitting that page's form would.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

export interface SetCookie {
  readonly name: string;
  readonly value: string;
  readonly attributes: readonly string[];
}

export function setCookiesOf(response: LightMyRequestResponse): SetCookie[] {
  const header = response.headers['set-cookie'];
  const lines = header === undefined ? [] : Array.isArray(header) ? header : [String(header)];
  return lines.map((line) => {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
    const separator = pair.indexOf('=');
    return { name: pair.slice(0, separator), value: pair.slice(separator + 1), attributes };
  });
}

export class PageSession {
  readonly cookies = new Map<string, string>();
  private csrf: string | undefined;

  constructor(
    private readonly app: FastifyInstance,
    private readonly remoteAddress = '127.0.0.1',
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  private cookieHeader(): Record<string, string> {
    return this.cookies.size === 0 ? {} : { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
  }

  private remember(response: LightMyRequestResponse): LightMyRequestResponse {
    for (const cookie of setCookiesOf(response)) {
      if (cookie.attributes.includes('Max-Age=0')) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token !== undefined) this.csrf = token;
    return response;
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.remember(await this.app.inject({ method: 'GET', url, remoteAddress: this.remoteAddress, headers: { ...this.extraHeaders, ...this.cookieHeader() } }));
  }

  /** Posts `fields` with the CSRF token of the last page (unless `csrf` says otherwise). */
  async post(url: string, fields: Record<string, string> = {}, options: { readonly csrf?: string | null } = {}): Promise<LightMyRequestResponse> {
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    const body = new URLSearchParams({ ...(csrf !== null && csrf !== undefined ? { _csrf: csrf } : {}), ...fields }).toString();
    return this.remember(
      await this.app.inject({
        method: 'POST',
        url,
        remoteAddress: this.remoteAddress,
        headers: { ...this.extraHeaders, ...this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        payload: body,
      }),
    );
  }

  /** Opens the console and signs in with `adminKey`. */
  async signIn(adminKey: string, prefix = ''): Promise<LightMyRequestResponse> {
    await this.get(`${prefix}/console`);
    return this.post(`${prefix}/console/sign-in`, { adminKey });
  }
}

/** The text of an HTML answer without its tags, for asserting what a person reads. */
export function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
