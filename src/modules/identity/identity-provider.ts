import type { Sex } from './personal-id.js';

/**
 * Signing in with the national electronic identity (VNeID, `nationalIdentityProvider` in the glossary), reached
 * through OpenID Connect: authorization code flow with PKCE, state and nonce (`oidc.ts` implements it with
 * openid-client; `vneid-sandbox.ts` is the local provider for the demo and tests).
 */
export interface IdentityProvider {
  /** Short stable name, e.g. 'vneid'; used in paths, logs and account links. */
  readonly id: string;
  /** The provider's sign-in page for this attempt. `state`, `nonce` and the PKCE verifier are random and kept by the portal. */
  authorizationUrl(request: { state: string; nonce: string; codeVerifier: string; redirectUri: string }): Promise<URL>;
  /**
   * Exchanges the callback's parameters for verified claims: checks `state`, redeems the code with the PKCE verifier,
   * validates the ID token (signature, issuer, audience, nonce, expiry), reads the claims. Throws a DomainError
   * when anything does not match.
   */
  handleCallback(callback: {
    /** Query parameters of the callback request. */
    params: Record<string, string>;
    expectedState: string;
    expectedNonce: string;
    codeVerifier: string;
    redirectUri: string;
  }): Promise<ProviderSignIn>;
  /** Where to send the browser to end the provider's session too (RP-initiated logout); null when it has none. */
  endSessionUrl(request: { idToken: string; postLogoutRedirectUri: string }): Promise<URL | null>;
}

export interface ProviderSignIn {
  claims: VerifiedClaims;
  /** The raw ID token, kept with the session for RP-initiated logout. */
  idToken: string;
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
