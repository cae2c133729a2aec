import { randomBytes } from 'node:crypto';

/**
 * Payment references: `MC` + 10 characters of Crockford's base 32 (50 random bits), e.g. `MC7Q2K9XH3RT`. Letters and
 * digits only, so the reference survives what banks do to a transfer's purpose text (upper-casing, dropping
 * punctuation and diacritics, adding their own prefixes); unguessable, so nobody can pay, or look up, someone
 * else's order by trying references.
 */
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newPaymentReference(): string {
  const bytes = randomBytes(10);
  let out = 'MC';
  for (const b of bytes) out += alphabet[b & 31];
  return out;
}

const pattern = /MC[0-9A-HJKMNP-TV-Z]{10}/g;

/** Every well-formed reference inside a bank description (upper-cased first; spaces inside are not repaired). */
export function referencesIn(description: string): string[] {
  return [...new Set(description.toUpperCase().match(pattern) ?? [])];
}

export function isPaymentReference(text: unknown): text is string {
  return typeof text === 'string' && /^MC[0-9A-HJKMNP-TV-Z]{10}$/.test(text);
}
