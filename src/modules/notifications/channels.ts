import type { ChannelName } from './notifications.tables.js';

/**
 * The port every delivery channel implements (e-mail over SMTP, SMS and Zalo over HTTP). The dispatcher hands a
 * rendered message to `send` and records the outcome; an adapter knows nothing about the outbox.
 */
export interface NotificationChannel {
  readonly name: ChannelName;
  /**
   * Delivers one message. Resolves with the provider's id of it once the provider accepted it; rejects with a
   * `DeliveryError` (or any error, counted as temporary). Must give up when `signal` aborts (the claim is ending).
   */
  send(message: OutgoingMessage, signal: AbortSignal): Promise<{ providerMessageId: string | null }>;
  /** Releases connections (SMTP pool). */
  close?(): Promise<void>;
}

export interface OutgoingMessage {
  /** The outbox row id: providers get it as a reference, so a provider that deduplicates can do so. */
  id: number;
  channel: ChannelName;
  recipient: string;
  subject: string;
  body: string;
  locale: 'vi' | 'en';
}

/**
 * A failed delivery attempt. `permanent` failures (the provider refused the request itself: bad recipient, bad
 * credentials, 4xx) are not retried; temporary ones (network, timeout, 5xx, 429) are, with backoff.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** A national mobile number (0xxxxxxxxx) in the international form providers expect (84xxxxxxxxx); others unchanged. */
export function internationalPhone(recipient: string): string {
  const digits = recipient.replace(/[\s.+-]/g, '');
  if (/^0\d{9,10}$/.test(digits)) return `84${digits.slice(1)}`;
  return recipient;
}

/** The national form (0xxxxxxxxx) of a mobile number given as 84xxxxxxxxx, +84… or 0…; null if it is not one. */
export function nationalPhone(input: string): string | null {
  const digits = input.replace(/[\s.()-]/g, '').replace(/^\+/, '');
  if (/^84\d{9,10}$/.test(digits)) return `0${digits.slice(2)}`;
  if (/^0\d{9,10}$/.test(digits)) return digits;
  return null;
}

/** Whether an HTTP status means "do not try again with the same request". */
export function isPermanentHttpStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 425 && status !== 429;
}
