import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The bank's credit notification ("báo có"): when money arrives on the collection account, the bank (or its
 * open-banking partner) POSTs a JSON notification. Authentication: header `x-bank-timestamp` (Unix seconds) and
 * `x-bank-signature` = hex HMAC-SHA256 of `{timestamp}.{raw body}` under the shared webhook secret. A timestamp more
 * than `toleranceSeconds` away from now is refused, so a captured notification cannot be replayed later; replays
 * inside the window are stopped by the transaction id (credited once). Pure.
 */
export const BANK_TIMESTAMP_HEADER = 'x-bank-timestamp';
export const BANK_SIGNATURE_HEADER = 'x-bank-signature';

export interface BankCredit {
  /** The bank's id of the transaction: unique per credit. */
  transactionId: string;
  bankBin: string;
  accountNumber: string;
  amountVnd: number;
  /** The transfer's purpose text as the bank recorded it (often upper-cased, diacritics and punctuation dropped). */
  description: string;
  creditedAt: Date;
}

export function signBankNotification(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

export type BankAuthResult = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'forged' };

export function verifyBankNotification(secret: string, headers: { timestamp: unknown; signature: unknown }, rawBody: string, now: Date, toleranceSeconds = 300): BankAuthResult {
  const { timestamp, signature } = headers;
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp) || typeof signature !== 'string') return { ok: false, reason: 'missing' };
  if (!/^[0-9a-f]{64}$/i.test(signature)) return { ok: false, reason: 'forged' };
  const expected = Buffer.from(signBankNotification(secret, Number(timestamp), rawBody), 'hex');
  const given = Buffer.from(signature.toLowerCase(), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'forged' };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return { ok: false, reason: 'stale' };
  return { ok: true };
}

/** The notification's fields, or null when the JSON does not have them. */
export function parseBankCredit(body: unknown): BankCredit | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  const str = (v: unknown, max: number) => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : null);
  const transactionId = str(b.transactionId, 100);
  const bankBin = str(b.bankBin, 10);
  const accountNumber = str(b.accountNumber, 40);
  const description = typeof b.description === 'string' && b.description.length <= 500 ? b.description : null;
  const amount = b.amount;
  const creditedAt = typeof b.creditedAt === 'string' ? new Date(b.creditedAt) : null;
  if (!transactionId || !bankBin || !accountNumber || description === null) return null;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) return null;
  if (!creditedAt || Number.isNaN(creditedAt.getTime())) return null;
  return { transactionId, bankBin, accountNumber, amountVnd: amount, description, creditedAt };
}
