import { nationalPhoneSpelling } from '../../platform/crypto/index.js';

/**
 * Phone numbers and e-mail addresses as citizens type them, and the one form we store.
 */

/**
 * Vietnamese mobile numbers: ten digits starting 0 + a mobile network prefix, as numbered since the 2018 move of
 * 11-digit subscriber numbers to 10 digits (Ministry of Information and Communications, Decision 798/QĐ-BTTTT
 * of 2018; numbering plan of Circular 22/2014/TT-BTTTT as amended). Prefixes in use: 032–039, 052, 055, 056, 058,
 * 059, 070, 076–079, 081–089, 090–099.
 */
const nationalMobile = /^0(3[2-9]|5[25689]|7[06-9]|8[1-9]|9\d)\d{7}$/;

/**
 * The national form (0xxxxxxxxx) of a Vietnamese mobile number typed in any usual way: with spaces, dots, dashes
 * or brackets, with +84, 84 or 0084 instead of the leading 0. Null when it is not a Vietnamese mobile number.
 */
export function normalisePhone(input: string): string | null {
  const digits = nationalPhoneSpelling(input);
  return nationalMobile.test(digits) ? digits : null;
}

/**
 * A pragmatic e-mail check (one @, a dotted domain, no spaces, at most 254 characters per RFC 5321 §4.5.3.1.3);
 * the one-time code proves the address works. Returns the address lower-cased, or null.
 */
export function normaliseEmail(input: string): string | null {
  const email = input.normalize('NFC').trim().toLowerCase();
  if (email.length > 254) return null;
  return /^[^\s@"<>()[\],;:]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/.test(email) ? email : null;
}

export type Contact = { kind: 'phone'; value: string } | { kind: 'email'; value: string };

/** A phone number or an e-mail address (the account name of a citizen), or null when it is neither. */
export function parseContact(input: string): Contact | null {
  if (input.includes('@')) {
    const email = normaliseEmail(input);
    return email ? { kind: 'email', value: email } : null;
  }
  const phone = normalisePhone(input);
  return phone ? { kind: 'phone', value: phone } : null;
}

/**
 * The username to look an account up by: the stored form of a citizen's phone or e-mail, otherwise the input as
 * typed (officers sign in with staff logins such as `hoalu.desk`; the users service lower-cases them).
 */
export function accountUsername(input: string): string {
  return parseContact(input)?.value ?? input.trim();
}

/** The channel that reaches a contact. */
export function channelOf(contact: Contact): 'sms' | 'email' {
  return contact.kind === 'phone' ? 'sms' : 'email';
}

