import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { nationalPhone } from './channels.js';
import type { ChannelName } from './notifications.tables.js';

/**
 * The local stand-in for the providers (development, tests, demo, benchmarks): a real SMTP server (smtp-server)
 * and a small HTTP server speaking the SMS gateway's and Zalo OA's request shapes. It keeps what it received in
 * memory (newest first, the last 1,000) and can be told to fail the next N requests of a channel, or all of them,
 * so that retries can be seen and tested.
 *
 * HTTP routes: `POST /sms` (Bearer API key), `POST /zalo` (header access_token), `GET /messages?channel=`,
 * `DELETE /messages`, `POST /control/fail` `{ channel, times }` (times -1: until told 0). Never in production.
 */
export interface SandboxMessage {
  id: string;
  channel: ChannelName;
  /** As the provider got it (84… for phones). */
  to: string;
  subject: string;
  text: string;
  /** The outbox id the portal sent along. */
  reference: string | null;
  receivedAt: string;
}

export interface SandboxOptions {
  host?: string;
  /** HTTP port (0: a free one). */
  httpPort: number;
  /** SMTP port (0: a free one); null: no SMTP server. */
  smtpPort: number | null;
  smsApiKey: string;
  zaloAccessToken: string;
  /** Most messages kept (default 1,000). */
  capacity?: number;
}

export class NotificationSandbox {
  private readonly received: SandboxMessage[] = [];
  private readonly failures = new Map<ChannelName, number>();
  private http: Server | null = null;
  private smtp: SMTPServer | null = null;
  private httpPort = 0;
  private smtpPortNumber = 0;
  private readonly waiters = new Set<() => void>();
  private total = 0;

  private constructor(private readonly options: SandboxOptions) {}

  static async start(options: SandboxOptions): Promise<NotificationSandbox> {
    const sandbox = new NotificationSandbox(options);
    try {
      await sandbox.listen();
    } catch (error) {
      await sandbox.close().catch(() => undefined);
      throw error;
    }
    return sandbox;
  }

  /** e.g. http://127.0.0.1:3025 */
  get url(): string {
    return `http://${this.options.host ?? '127.0.0.1'}:${this.httpPort}`;
  }

  get smtpPort(): number {
    return this.smtpPortNumber;
  }

  /** Messages received since start, including those no longer kept. */
  get receivedCount(): number {
    return this.total;
  }

  /** Newest first. */
  messages(channel?: ChannelName): SandboxMessage[] {
    return channel ? this.received.filter((m) => m.channel === channel) : [...this.received];
  }

  clear(): void {
    this.received.length = 0;
  }

  /** Fails the next `times` requests of `channel` (-1: every request until called again with 0). */
  fail(channel: ChannelName, times: number): void {
    if (times === 0) this.failures.delete(channel);
    else this.failures.set(channel, times);
  }

  /** Resolves once `predicate` holds over the received messages (tests). */
  async waitFor(predicate: (messages: SandboxMessage[]) => boolean, timeoutMs = 10_000): Promise<SandboxMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.messages())) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the sandbox to receive messages');
      await new Promise<void>((resolve) => {
        const done = () => {
          this.waiters.delete(done);
          resolve();
        };
        this.waiters.add(done);
        setTimeout(done, 50).unref();
      });
    }
    return this.messages();
  }

  async close(): Promise<void> {
    const http = this.http;
    const smtp = this.smtp;
    this.http = null;
    this.smtp = null;
    if (http) {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
    if (smtp) await new Promise<void>((resolve) => smtp.close(() => resolve()));
  }

  private record(message: Omit<SandboxMessage, 'id' | 'receivedAt'>): SandboxMessage {
    const stored = { ...message, id: randomUUID(), receivedAt: new Date().toISOString() };
    this.received.unshift(stored);
    this.total += 1;
    if (this.received.length > (this.options.capacity ?? 1000)) this.received.length = this.options.capacity ?? 1000;
    for (const wake of [...this.waiters]) wake();
    return stored;
  }

  /** True when this request must fail (and counts it down). */
  private shouldFail(channel: ChannelName): boolean {
    const left = this.failures.get(channel);
    if (left === undefined) return false;
    if (left > 0) {
      if (left === 1) this.failures.delete(channel);
      else this.failures.set(channel, left - 1);
    }
    return true;
  }

  private async listen(): Promise<void> {
    const host = this.options.host ?? '127.0.0.1';
    this.http = createServer((request, response) => {
      this.handle(request, response).catch((error: Error) => send(response, 500, { error: error.message }));
    });
    await new Promise<void>((resolve, reject) => {
      this.http!.once('error', reject);
      this.http!.listen(this.options.httpPort, host, () => resolve());
    });
    this.httpPort = (this.http.address() as AddressInfo).port;
    if (this.options.smtpPort === null) return;
    this.smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: 5 * 1024 * 1024,
      onData: (stream, session, callback) => {
        if (this.shouldFail('email')) {
          stream.resume();
          stream.on('end', () => callback(Object.assign(new Error('sandbox told to fail'), { responseCode: 451 })));
          return;
        }
        simpleParser(stream)
          .then((mail) => {
            const to = session.envelope.rcptTo.map((r) => r.address).join(', ');
            this.record({
              channel: 'email',
              to,
              subject: mail.subject ?? '',
              text: (mail.text ?? '').trimEnd(),
              reference: headerText(mail.headers.get('x-motcua-message-id')),
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.smtp!.server.once('error', reject);
      this.smtp!.listen(this.options.smtpPort!, host, () => resolve());
    });
    this.smtpPortNumber = (this.smtp.server.address() as AddressInfo).port;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://sandbox');
    if (request.method === 'GET' && url.pathname === '/messages') {
      const channel = url.searchParams.get('channel');
      return send(response, 200, { messages: this.messages(isChannel(channel) ? channel : undefined) });
    }
    if (request.method === 'DELETE' && url.pathname === '/messages') {
      this.clear();
      return send(response, 204, null);
    }
    const body = await readJson(request);
    if (request.method === 'POST' && url.pathname === '/control/fail') {
      const { channel, times } = (body ?? {}) as { channel?: string; times?: number };
      if (!isChannel(channel) || typeof times !== 'number') return send(response, 400, { error: 'channel and times required' });
      this.fail(channel, times);
      return send(response, 200, { channel, times });
    }
    if (request.method === 'POST' && url.pathname === '/sms') {
      if (request.headers.authorization !== `Bearer ${this.options.smsApiKey}`) return send(response, 401, { error: 'invalid API key' });
      const { to, text, reference } = (body ?? {}) as { to?: unknown; text?: unknown; reference?: unknown };
      if (typeof to !== 'string' || typeof text !== 'string' || to === '' || text === '') return send(response, 400, { error: 'to and text required' });
      if (this.shouldFail('sms')) return send(response, 503, { error: 'sandbox told to fail' });
      const stored = this.record({ channel: 'sms', to, subject: '', text, reference: typeof reference === 'string' ? reference : null });
      return send(response, 200, { id: stored.id, status: 'accepted' });
    }
    if (request.method === 'POST' && url.pathname === '/zalo') {
      if (request.headers.access_token !== this.options.zaloAccessToken) return send(response, 200, { error: -124, message: 'Access token is invalid' });
      const { recipient, message, tracking_id } = (body ?? {}) as { recipient?: { user_id?: unknown; phone?: unknown }; message?: { text?: unknown }; tracking_id?: unknown };
      const to = recipient?.phone ?? recipient?.user_id;
      if (typeof to !== 'string' || typeof message?.text !== 'string' || message.text === '') return send(response, 200, { error: -201, message: 'Parameters are invalid' });
      if (this.shouldFail('zalo')) return send(response, 200, { error: -32, message: 'sandbox told to fail' });
      const stored = this.record({ channel: 'zalo', to, subject: '', text: message.text, reference: typeof tracking_id === 'string' ? tracking_id : null });
      return send(response, 200, { error: 0, message: 'Success', data: { message_id: stored.id } });
    }
    return send(response, 404, { error: 'not found' });
  }
}

/** Reads what a sandbox received, from another process (the development mailbox page). */
export async function fetchSandboxMessages(url: string, timeoutMs = 2000): Promise<SandboxMessage[] | null> {
  try {
    const response = await fetch(`${url}/messages`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return null;
    return ((await response.json()) as { messages: SandboxMessage[] }).messages;
  } catch {
    return null;
  }
}

/** How the mailbox shows a sandbox recipient: phones back in national form, so they match the outbox. */
export function displayRecipient(message: SandboxMessage): string {
  return message.channel === 'email' ? message.to : (nationalPhone(message.to) ?? message.to);
}

function isChannel(value: unknown): value is ChannelName {
  return value === 'email' || value === 'sms' || value === 'zalo';
}

function headerText(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return;
  response.writeHead(status, body === null ? {} : { 'content-type': 'application/json' });
  response.end(body === null ? undefined : JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 1_048_576) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  if (chunks.length === 0) return null;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}
