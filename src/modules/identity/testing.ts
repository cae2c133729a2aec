import type { FastifyInstance } from 'fastify';
import type { LightMyRequestResponse } from 'fastify';
import { demoOfficerTotpSecret, totpCodeAt, totpStep } from './totp.js';

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

// ---------------------------------------------------------------------------------------------------------------
// Signing in, second factor included

/** Path of the second-factor step of an officer's sign-in (TOTP or recovery code). */
export const secondFactorPath = '/dang-nhap/ma-xac-thuc';
/** Path where an officer without an authenticator enrols one during sign-in. */
export const totpEnrolmentPath = '/dang-nhap/dang-ky-ma-xac-thuc';

/** TOTP secrets learnt by enrolling officers in this test process, by username (demo officers use the demo secret). */
const knownTotpSecrets = new Map<string, string>();
/** The last TOTP step each officer used in this process: the portal refuses a step twice. */
const usedTotpSteps = new Map<string, number>();

/** The TOTP secret `signInOfficer` uses for `username`: the one it enrolled, else the demo officers' secret. */
export function totpSecretFor(username: string): string {
  return knownTotpSecrets.get(username.toLowerCase()) ?? demoOfficerTotpSecret;
}

/** Tells the helpers an officer's secret (for a test that enrolled an officer by itself). */
export function rememberTotpSecret(username: string, secret: string): void {
  knownTotpSecrets.set(username.toLowerCase(), secret);
}

/**
 * A TOTP code for `username` that the portal has not seen used yet: the current step's, or the next one's when
 * this process already used the current step (the portal accepts one step either side of now); waits for a new
 * step when both were used.
 */
export async function nextTotpCode(username: string): Promise<string> {
  const key = username.toLowerCase();
  for (;;) {
    const now = totpStep(new Date());
    const last = usedTotpSteps.get(key) ?? -1;
    const step = Math.max(now, last + 1);
    if (step <= now + 1) {
      usedTotpSteps.set(key, step);
      return totpCodeAt(totpSecretFor(key), step);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** The manual-entry secret an enrolment page shows. */
export function totpSecretIn(html: string): string | null {
  return /id="totp-secret"[^>]*>([A-Z2-7 ]+)</.exec(html)?.[1]?.replace(/ /g, '') ?? null;
}

/**
 * Signs an officer in as a browser would: password, then whatever second-factor step the portal asks for
 * (the TOTP code, or enrolment of an authenticator when the officer has none, whose secret is remembered for the
 * next sign-in). Returns the last response: a 303 to where the officer lands (after enrolment: a 200 page showing
 * the recovery codes). Fails the test when the sign-in does not succeed.
 */
export async function signInOfficer(browser: TestBrowser, username: string, password: string, next?: string): Promise<LightMyRequestResponse> {
  await browser.get(next ? `/dang-nhap?next=${encodeURIComponent(next)}` : '/dang-nhap');
  let res = await browser.post('/dang-nhap', { account: username, password, ...(next ? { next } : {}) });
  if (res.statusCode !== 303) throw new Error(`${username} could not sign in (${res.statusCode}): ${res.body.slice(0, 300)}`);
  const location = String(res.headers.location ?? '');
  if (location.startsWith(totpEnrolmentPath)) {
    const page = await browser.get(location);
    const secret = totpSecretIn(page.body);
    if (!secret) throw new Error(`${username}: the enrolment page shows no secret: ${page.body.slice(0, 300)}`);
    rememberTotpSecret(username, secret);
    res = await browser.post(totpEnrolmentPath, { code: await nextTotpCode(username), next: next ?? '' });
    if (res.statusCode !== 200) throw new Error(`${username}: enrolment failed (${res.statusCode}): ${res.body.slice(0, 300)}`);
  } else if (location.startsWith(secondFactorPath)) {
    await browser.get(location);
    res = await browser.post(secondFactorPath, { code: await nextTotpCode(username), next: next ?? '' });
    if (res.statusCode !== 303) throw new Error(`${username}: second factor refused (${res.statusCode}): ${res.body.slice(0, 300)}`);
  }
  return res;
}

/** Signs a citizen in with a password (citizens have no second factor); returns the 303 response. */
export async function signInCitizen(browser: TestBrowser, account: string, password: string, next?: string): Promise<LightMyRequestResponse> {
  await browser.get(next ? `/dang-nhap?next=${encodeURIComponent(next)}` : '/dang-nhap');
  const res = await browser.post('/dang-nhap', { account, password, ...(next ? { next } : {}) });
  if (res.statusCode !== 303) throw new Error(`${account} could not sign in (${res.statusCode}): ${res.body.slice(0, 300)}`);
  return res;
}
