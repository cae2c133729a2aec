import { DeliveryError, internationalPhone, isPermanentHttpStatus, type NotificationChannel, type OutgoingMessage } from './channels.js';

/**
 * SMS and Zalo adapters over HTTP (global fetch). Both send JSON and give up when the dispatcher's signal aborts or
 * after `timeoutMs`.
 */

export interface HttpChannelOptions {
  url: string;
  /** Per attempt (default 10 s): a hanging provider costs one lane's slot this long, never the other channels. */
  timeoutMs?: number;
}

async function postJson(url: string, headers: Record<string, string>, body: unknown, signal: AbortSignal, timeoutMs: number): Promise<{ status: number; json: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
  } catch (error) {
    throw new DeliveryError(`provider unreachable: ${(error as Error).message}`, false);
  }
  const text = await response.text().catch(() => '');
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const detail = text.slice(0, 200);
    throw new DeliveryError(`provider answered HTTP ${response.status}${detail ? `: ${detail}` : ''}`, isPermanentHttpStatus(response.status));
  }
  return { status: response.status, json };
}

/**
 * A generic JSON SMS gateway ("brandname" SMS providers share this shape): `POST url` with
 * `Authorization: Bearer <API key>` and `{ to: "84…", text, reference }`; a 2xx answer with `{ id }` (or
 * `messageId`) is accepted.
 */
export class HttpSmsChannel implements NotificationChannel {
  readonly name = 'sms' as const;
  constructor(private readonly options: HttpChannelOptions & { apiKey: string }) {}

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<{ providerMessageId: string | null }> {
    const { json } = await postJson(
      this.options.url,
      { authorization: `Bearer ${this.options.apiKey}` },
      { to: internationalPhone(message.recipient), text: message.body, reference: String(message.id) },
      signal,
      this.options.timeoutMs ?? 10_000,
    );
    const answer = (json ?? {}) as { id?: unknown; messageId?: unknown };
    const id = answer.id ?? answer.messageId;
    return { providerMessageId: id === undefined || id === null ? null : String(id) };
  }
}

/**
 * Zalo Official Account message API style: `POST url` with the header `access_token` and
 * `{ recipient: { user_id } | { phone }, message: { text } }`. Zalo answers HTTP 200 with `{ error: 0, data: {
 * message_id } }` on success and a negative `error` otherwise; those are retried (token expiry and quota are
 * temporary), except the request errors named below.
 */
export class ZaloOaChannel implements NotificationChannel {
  readonly name = 'zalo' as const;
  constructor(private readonly options: HttpChannelOptions & { accessToken: string }) {}

  async send(message: OutgoingMessage, signal: AbortSignal): Promise<{ providerMessageId: string | null }> {
    // A national mobile number goes as a phone (ZNS-capable providers); anything else is a Zalo user id (a reply
    // to someone who wrote to the OA).
    const phone = /^0\d{9,10}$/.test(message.recipient) ? internationalPhone(message.recipient) : null;
    const text = message.subject ? `${message.subject}\n${message.body}` : message.body;
    const { json } = await postJson(
      this.options.url,
      { access_token: this.options.accessToken },
      { recipient: phone ? { phone } : { user_id: message.recipient }, message: { text }, tracking_id: String(message.id) },
      signal,
      this.options.timeoutMs ?? 10_000,
    );
    const answer = (json ?? {}) as { error?: unknown; message?: unknown; data?: { message_id?: unknown } };
    const code = Number(answer.error ?? 0);
    if (code !== 0) {
      throw new DeliveryError(`Zalo error ${code}: ${String(answer.message ?? '')}`.slice(0, 300), zaloPermanentErrors.has(code));
    }
    const id = answer.data?.message_id;
    return { providerMessageId: id === undefined || id === null ? null : String(id) };
  }
}

// Zalo OA errors that a retry cannot fix: invalid parameters, and a user who does not follow the OA.
const zaloPermanentErrors = new Set([-201, -213]);
