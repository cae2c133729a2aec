import type { Sex } from './personal-id.js';

/**
 * The seam for signing in with the national electronic identity (VNeID, `nationalIdentityProvider` in the
 * glossary), reached through OpenID Connect. Not implemented yet: the login page shows the VNeID button only when
 * a provider is given to the identity routes, and the routes only start the redirect. The issue that adds VNeID
 * implements this interface (e.g. with openid-client), the callback route, and the linking of the verified
 * personal identity number to a citizen account.
 */
export interface IdentityProvider {
  /** Short stable name, e.g. 'vneid'; used in paths and logs. */
  readonly id: string;
  /** The provider's sign-in page for this attempt. `state` and `nonce` are random and kept by the portal. */
  authorizationUrl(request: { state: string; nonce: string; redirectUri: string }): Promise<URL>;
  /**
   * Exchanges the callback's parameters for verified claims: checks `state`, redeems the code, validates the ID
   * token (signature, issuer, audience, nonce, expiry). Throws a DomainError when anything does not match.
   */
  handleCallback(callback: {
    /** Query parameters of the callback request. */
    params: Record<string, string>;
    expectedState: string;
    expectedNonce: string;
    redirectUri: string;
  }): Promise<VerifiedClaims>;
}

/** What the national identity vouches for, after verification. */
export interface VerifiedClaims {
  /** The provider's subject identifier. */
  subject: string;
  /** 12-digit personal identity number. */
  personalId: string;
  fullName: string;
  /** YYYY-MM-DD */
  birthDate: string | null;
  sex: Sex | null;
  phone: string | null;
  email: string | null;
  /** The identification level the provider asserts (VNeID level 1 or 2, Decree 69/2024/NĐ-CP). */
  assuranceLevel: number | null;
}
