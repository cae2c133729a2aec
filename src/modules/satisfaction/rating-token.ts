import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The token of the rating link in the result-returned message: `<nonce>.<mac>`, the nonce random (18 bytes) and the
 * mac an HMAC-SHA256 of it under a key derived from the session secret. A token that was not issued here fails the
 * HMAC without a database read; an issued one is found by the SHA-256 of the whole token (the only thing stored) and
 * is accepted once (satisfaction_invitation.used_at).
 */
export class RatingTokens {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('motcua satisfaction link v1').digest();
  }

  issue(): { token: string; hash: string } {
    const nonce = randomBytes(18).toString('base64url');
    const token = `${nonce}.${this.mac(nonce)}`;
    return { token, hash: tokenHash(token) };
  }

  /** The hash to look up, or null when the token is malformed or its mac is wrong. */
  verify(token: string): string | null {
    const match = /^([A-Za-z0-9_-]{24})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return null;
    const expected = Buffer.from(this.mac(match[1]!));
    const given = Buffer.from(match[2]!);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    return tokenHash(token);
  }

  private mac(nonce: string): string {
    return createHmac('sha256', this.key).update(nonce).digest('base64url');
  }
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
