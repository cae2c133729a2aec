import type { FastifyInstance } from 'fastify';
import type { LightMyRequestResponse } from 'fastify';

/**
 * A minimal browser for HTTP tests through `app.inject()`: keeps cookies like a browser does and fills the CSRF
 * field of the form it last loaded. Test support only (imported by *.test.ts files).
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  /** The HTML of the last page loaded. */
  lastPage = '';

  constructor(
    private readonly app: FastifyInstance,
    /** Client address, so rate limits of one test do not spill into another. */
    private readonly remoteAddress = '127.0.0.1',
  ) {}

  async get(url: string): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: 'GET', url, headers: this.headers(), remoteAddress: this.remoteAddress });
    this.keep(res);
    if ((res.headers['content-type'] ?? '').toString().startsWith('text/html')) this.lastPage = res.body;
    return res;
  }

  /** Posts a urlencoded form, adding the CSRF token of the last page unless `_csrf` is given (or null: none). */
  async post(url: string, fields: Record<string, string>, options: { csrf?: string | null } = {}): Promise<LightMyRequestResponse> {
    const form = new URLSearchParams(fields);
    const token = options.csrf === undefined ? csrfTokenIn(this.lastPage) : options.csrf;
    if (token !== null) form.set('_csrf', token);
    const res = await this.app.inject({
      method: 'POST',
      url,
      headers: { ...this.headers(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: form.toString(),
      remoteAddress: this.remoteAddress,
    });
    this.keep(res);
    if ((res.headers['content-type'] ?? '').toString().startsWith('text/html')) this.lastPage = res.body;
    return res;
  }

  /** Loads `pageUrl`, then posts `fields` to `action` with that page's token. */
  async submit(pageUrl: string, action: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
    await this.get(pageUrl);
    return this.post(action, fields);
  }

  headers(): Record<string, string> {
    if (this.cookies.size === 0) return {};
    return { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
  }

  private keep(res: LightMyRequestResponse): void {
    for (const cookie of res.cookies as { name: string; value: string; expires?: Date; maxAge?: number }[]) {
      const expired = cookie.value === '' || cookie.maxAge === 0 || (cookie.expires !== undefined && cookie.expires.getTime() <= Date.now());
      if (expired) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
  }
}

export function csrfTokenIn(html: string): string | null {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? null;
}

/** The 6-digit code in the newest message to `recipient` shown by the development mailbox page. */
export function codeFromMailbox(html: string, recipient: string): string | null {
  const rows = html.split('<tr').filter((row) => row.includes(`<span class="recipient">${recipient}</span>`));
  const body = rows.length > 0 ? /class="pre-text">([^<]*)</.exec(rows[0]!)?.[1] : undefined;
  return body ? (/\b(\d{6})\b/.exec(body)?.[1] ?? null) : null;
}
