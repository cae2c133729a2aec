import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { CryptoErrors, PersonalDataError } from './crypto.errors.js';

/**
 * The pure pieces of envelope encryption (no database): AES-256-GCM with a fresh 12-byte IV for fields and for
 * wrapped keys, the self-describing field format, and the blind index (HMAC-SHA256 over a normalised value).
 *
 * Field format, version 1: `pd1.<data key id>.<base64url(iv ‖ ciphertext ‖ tag)>`. The prefix and key id are the
 * additional authenticated data, so changing any byte of the string — including the key id — fails the tag check.
 * A stored value without the `pd1.` prefix is plaintext written before encryption existed (read as it is).
 */
export const FIELD_PREFIX = 'pd1.';

const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

/** A key-encryption key from configuration (DATA_ENCRYPTION_KEYS). */
export interface MasterKey {
  id: string;
  key: Buffer;
}

/** AES-256-GCM: iv ‖ ciphertext ‖ tag, bound to `aad`. */
export function gcmSeal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]);
}

/** The inverse of `gcmSeal`; a changed byte, a wrong key or another `aad` throw PERSONAL_DATA_TAMPERED. */
export function gcmOpen(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new PersonalDataError(CryptoErrors.tampered, 'too short');
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(sealed.length - TAG_BYTES);
  const body = sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (cause) {
    throw new PersonalDataError(CryptoErrors.tampered, 'authentication failed', cause);
  }
}

/** A data or index key wrapped by a master key; the purpose is authenticated so an index key cannot pass for a data key. */
export function wrapKey(master: MasterKey, key: Buffer, purpose: string): string {
  return gcmSeal(master.key, key, `motcua-key.${purpose}`).toString('base64url');
}

export function unwrapKey(master: MasterKey, wrapped: string, purpose: string): Buffer {
  const key = gcmOpen(master.key, Buffer.from(wrapped, 'base64url'), `motcua-key.${purpose}`);
  if (key.length !== KEY_BYTES) throw new PersonalDataError(CryptoErrors.tampered, 'wrapped key has the wrong length');
  return key;
}

export function isSealed(value: string): boolean {
  return value.startsWith(FIELD_PREFIX);
}

/** Encrypts one field under a data key. */
export function sealField(keyId: number, key: Buffer, plaintext: string): string {
  const header = `${FIELD_PREFIX}${keyId}`;
  return `${header}.${gcmSeal(key, Buffer.from(plaintext, 'utf8'), header).toString('base64url')}`;
}

/** Splits a sealed field into its key id and body; PERSONAL_DATA_TAMPERED when the shape is wrong. */
export function parseSealed(value: string): { keyId: number; header: string; body: Buffer } {
  const match = /^pd1\.(\d{1,9})\.([A-Za-z0-9_-]+)$/.exec(value);
  if (!match) throw new PersonalDataError(CryptoErrors.tampered, 'not a pd1 value');
  return { keyId: Number(match[1]), header: `${FIELD_PREFIX}${match[1]}`, body: Buffer.from(match[2]!, 'base64url') };
}

export function openField(key: Buffer, parsed: { header: string; body: Buffer }): string {
  return gcmOpen(key, parsed.body, parsed.header).toString('utf8');
}

/** What a blind index is computed over. */
export type IndexKind = 'phone' | 'personalId' | 'zalo';

/**
 * The one spelling a value is indexed under, or null when it is not such a value: a Vietnamese mobile number in
 * national format (0 + 9 digits; +84, 84 and 0084 prefixes, spaces, dots, dashes and brackets accepted) or a
 * 12-digit personal identity number (spaces accepted); a Zalo user id as it is (trimmed).
 */
export function normaliseForIndex(kind: IndexKind, value: string): string | null {
  if (kind === 'zalo') return value.trim() === '' ? null : value.trim();
  if (kind === 'personalId') {
    const digits = value.replace(/\s/g, '');
    return /^\d{12}$/.test(digits) ? digits : null;
  }
  const digits = nationalPhoneSpelling(value);
  return /^0\d{9}$/.test(digits) ? digits : null;
}

/**
 * A Vietnamese phone number as typed (spaces, dots, dashes, brackets; +84, 84 or 0084 for the leading 0) in its
 * national spelling, unchecked: the blind index and the identity module's `normalisePhone` (which also checks the
 * mobile prefixes) share this one rule, so a number indexes the same however it was typed.
 */
export function nationalPhoneSpelling(input: string): string {
  const digits = input.trim().replace(/[\s.\-()]/g, '');
  if (digits.startsWith('+84')) return `0${digits.slice(3)}`;
  if (digits.startsWith('0084')) return `0${digits.slice(4)}`;
  if (digits.startsWith('84') && digits.length === 11) return `0${digits.slice(2)}`;
  return digits;
}

/** HMAC-SHA256 of the kind and the normalised value, base64url (43 characters). */
export function blindIndexOf(indexKey: Buffer, kind: IndexKind, normalised: string): string {
  return createHmac('sha256', indexKey).update(`${kind}:${normalised}`, 'utf8').digest('base64url');
}

export function newKey(): Buffer {
  return randomBytes(KEY_BYTES);
}
