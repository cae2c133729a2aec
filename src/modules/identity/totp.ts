import { HOTP, Secret, TOTP } from 'otpauth';

/**
 * Time-based one-time passwords (RFC 6238) for officers' second factor: SHA-1, 6 digits, 30-second steps — what
 * every authenticator app reads from an `otpauth://` URI. Codes are checked step by step (HOTP over the step
 * number) so the caller can refuse a step already used: a code read over an officer's shoulder is worth nothing
 * once the officer has used it (RFC 6238 §5.2).
 */
export const totpPeriodSeconds = 30;
const digits = 6;
/** One step either side of now: clocks of phones drift, and typing takes time. */
const window = 1;

/**
 * The TOTP secret every demo officer is seeded with (development and tests only; printed by `npm start`). Tests
 * compute the current code from it; a real deployment's officers enrol their own authenticator.
 */
export const demoOfficerTotpSecret = 'MOTCUADEMOTOTPSECRETXYZMOTCUA234';

/** A new random 160-bit secret in base32, as authenticator apps expect. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function isTotpSecret(value: string): boolean {
  return /^[A-Z2-7]{16,128}$/.test(value);
}

/** The step number of a moment. */
export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / totpPeriodSeconds);
}

/** The code of one step. */
export function totpCodeAt(secret: string, step: number): string {
  return HOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits, counter: step });
}

/** The step `code` belongs to, within one step of `at`, later than `lastUsedStep`; null when none. */
export function matchTotp(secret: string, code: string, at: Date, lastUsedStep: number | null): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const now = totpStep(at);
  for (let step = now - window; step <= now + window; step++) {
    if (lastUsedStep !== null && step <= lastUsedStep) continue;
    if (totpCodeAt(secret, step) === token) return step;
  }
  return null;
}

/** The `otpauth://totp/...` URI an authenticator app scans. */
export function otpauthUri(secret: string, account: string, issuer: string): string {
  return new TOTP({ issuer, label: account, secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits, period: totpPeriodSeconds }).toString();
}
