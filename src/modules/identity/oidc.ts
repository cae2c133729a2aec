import * as client from 'openid-client';
import { DomainError } from '../../platform/errors/errors.js';
import type { IdentityProvider, ProviderSignIn, VerifiedClaims } from './identity-provider.js';
import { IdentityErrors } from './identity.errors.js';
import { normalisePersonalId, validatePersonalId } from './personal-id.js';

/**
 * The national electronic identity through OpenID Connect (openid-client 6): discovery of the issuer on first use
 * (so the portal starts even while the provider is down), authorization code flow with PKCE (S256), state and
 * nonce, ID token validation, then the userinfo endpoint for the claims. Works against VNeID or the local sandbox.
 */
export interface OidcProviderOptions {
  /** Provider name in paths and account links. Default 'vneid'. */
  id?: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Scopes asked for. Default: openid profile phone email vneid. */
  scope?: string;
  /** Claim names of the personal identity number and the identification level. */
  personalIdClaim?: string;
  levelClaim?: string;
}

function failed(cause: unknown): DomainError {
  return new DomainError(IdentityErrors.providerSignInFailed, { cause });
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

export class OidcIdentityProvider implements IdentityProvider {
  readonly id: string;
  private configuration: Promise<client.Configuration> | null = null;

  constructor(private readonly options: OidcProviderOptions) {
    this.id = options.id ?? 'vneid';
  }

  /** Discovery, once; retried on the next sign-in when it failed. */
  private config(): Promise<client.Configuration> {
    if (!this.configuration) {
      const insecure = this.options.issuer.startsWith('http:');
      this.configuration = client
        .discovery(new URL(this.options.issuer), this.options.clientId, undefined, client.ClientSecretBasic(this.options.clientSecret), {
          ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
          timeout: 10,
        })
        .catch((error: unknown) => {
          this.configuration = null;
          throw new DomainError(IdentityErrors.providerUnavailable, { cause: error });
        });
    }
    return this.configuration;
  }

  async authorizationUrl(request: { state: string; nonce: string; codeVerifier: string; redirectUri: string }): Promise<URL> {
    const config = await this.config();
    return client.buildAuthorizationUrl(config, {
      redirect_uri: request.redirectUri,
      scope: this.options.scope ?? 'openid profile phone email vneid',
      state: request.state,
      nonce: request.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(request.codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  async handleCallback(callback: {
    params: Record<string, string>;
    expectedState: string;
    expectedNonce: string;
    codeVerifier: string;
    redirectUri: string;
  }): Promise<ProviderSignIn> {
    const config = await this.config();
    const current = new URL(callback.redirectUri);
    for (const [key, value] of Object.entries(callback.params)) current.searchParams.set(key, value);
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: callback.codeVerifier,
        expectedState: callback.expectedState,
        expectedNonce: callback.expectedNonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw failed(error);
    }
    const idClaims = tokens.claims();
    const idToken = tokens.id_token;
    if (!idClaims || !idToken) throw failed(new Error('no ID token'));
    let info: Record<string, unknown>;
    try {
      info = { ...(await client.fetchUserInfo(config, tokens.access_token, idClaims.sub)) };
    } catch (error) {
      throw failed(error);
    }
    return { claims: this.verifiedClaims({ ...idClaims, ...info }), idToken };
  }

  async endSessionUrl(request: { idToken: string; postLogoutRedirectUri: string }): Promise<URL | null> {
    const config = await this.config();
    if (!config.serverMetadata().end_session_endpoint) return null;
    return client.buildEndSessionUrl(config, { id_token_hint: request.idToken, post_logout_redirect_uri: request.postLogoutRedirectUri });
  }

  /** The claims the portal relies on, checked: a valid identity number and a name are required. */
  private verifiedClaims(raw: Record<string, unknown>): VerifiedClaims {
    const subject = text(raw.sub);
    const personalId = normalisePersonalId(text(raw[this.options.personalIdClaim ?? 'personal_id']) ?? '');
    const fullName = text(raw.name);
    const birthDate = text(raw.birthdate);
    const gender = text(raw.gender);
    const sex = gender === 'male' || gender === 'female' ? gender : null;
    if (!subject || !fullName || validatePersonalId(personalId, { birthDate: birthDate && /^\d{4}-\d{2}-\d{2}$/.test(birthDate) ? birthDate : null, sex }).length > 0) {
      throw failed(new Error('the provider gave no valid personal identity number or name'));
    }
    const level = raw[this.options.levelClaim ?? 'identity_level'];
    return {
      subject,
      personalId,
      fullName: fullName.normalize('NFC').slice(0, 200),
      birthDate: birthDate && /^\d{4}-\d{2}-\d{2}$/.test(birthDate) ? birthDate : null,
      sex,
      phone: text(raw.phone_number),
      email: text(raw.email),
      assuranceLevel: typeof level === 'number' ? level : typeof level === 'string' && /^\d$/.test(level) ? Number(level) : null,
    };
  }
}
