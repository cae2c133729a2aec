import { isIP } from 'node:net';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Kysely } from 'kysely';
import { appendAudit } from '../../platform/audit/index.js';
import type { Database as Schema } from '../../platform/db/schema.js';
import { CommonErrors, DomainError } from '../../platform/errors/errors.js';
import { IdentityErrors } from './identity.errors.js';
import type { SignInLockout } from './lockout.js';
import { SecurityKeyRepository, type ChallengePurpose } from './security-key.repository.js';
import { lockedError, type SecondFactorService } from './totp.service.js';

/**
 * Officers' security keys (WebAuthn, with @simplewebauthn/server): registration from the security page, sign-in
 * with a key as the second step after the password, and removal. A key is an alternative to the TOTP
 * authenticator, never a replacement: every officer keeps the TOTP (and recovery codes), so a lost key or a browser
 * without WebAuthn locks nobody out.
 *
 * Each ceremony's challenge is made here, stored in `webauthn_challenge` for the account and purpose, and taken
 * (deleted) by the answer's check: it is accepted once, within `challengeSeconds`. A sign-in's failures count
 * towards the account lockout like wrong codes; registration and removal write audit events in their transaction.
 */
export interface SecurityKeyOptions {
  /** Relying party id: the portal's host name (WEBAUTHN_RP_ID). */
  rpId: string;
  /** The origin browsers report (WEBAUTHN_ORIGIN), e.g. https://dichvucong.ninhbinh.gov.vn. */
  origin: string;
  /** Name the browser shows while registering. */
  rpName: string;
  /** How long a ceremony may take (default five minutes). */
  challengeSeconds?: number;
  now?: () => Date;
}

export interface SecurityKeyView {
  id: number;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** Who acts, for the audit trail. */
export interface KeyActor {
  userId: number;
  ip?: string | null;
}

const nameMax = 60;

function invalidKey(field: string, cause?: unknown): DomainError {
  return new DomainError(IdentityErrors.securityKeyInvalid, {
    fields: [{ field, messageKey: 'identity.error.SECURITY_KEY_INVALID' }],
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The challenge (base64url) inside a response's clientDataJSON, or null when it cannot be read. */
function challengeOf(clientDataJSON: unknown): string | null {
  if (typeof clientDataJSON !== 'string') return null;
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof data.challenge === 'string' && /^[A-Za-z0-9_-]{16,200}$/.test(data.challenge) ? data.challenge : null;
  } catch {
    return null;
  }
}

/** A response posted by the page's script: JSON of a PublicKeyCredential, or null when it is not one. */
function parseResponse<T extends RegistrationResponseJSON | AuthenticationResponseJSON>(raw: string): T | null {
  if (!raw || raw.length > 20_000) return null;
  try {
    const value = JSON.parse(raw) as T;
    if (!value || typeof value !== 'object' || typeof value.id !== 'string' || value.type !== 'public-key' || !value.response) return null;
    return value;
  } catch {
    return null;
  }
}

export class SecurityKeyService {
  private readonly keys: SecurityKeyRepository;
  private readonly now: () => Date;
  private readonly challengeSeconds: number;
  /** Browsers accept a domain name as relying party id, never an IP address. */
  readonly available: boolean;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly lockout: SignInLockout,
    private readonly secondFactor: SecondFactorService,
    private readonly options: SecurityKeyOptions,
  ) {
    this.keys = new SecurityKeyRepository(db);
    this.now = options.now ?? (() => new Date());
    this.challengeSeconds = options.challengeSeconds ?? 300;
    this.available = options.rpId !== '' && isIP(options.rpId) === 0;
  }

  async list(userId: number): Promise<SecurityKeyView[]> {
    const rows = await this.keys.listByUser(userId);
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt }));
  }

  /** Options for navigator.credentials.create(): a new challenge, and the account's keys to exclude. */
  async registrationOptions(userId: number): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const user = await this.db.selectFrom('app_user').select(['username', 'display_name', 'kind']).where('id', '=', userId).executeTakeFirst();
    if (!user || user.kind !== 'officer') throw new DomainError(IdentityErrors.securityKeyNotFound);
    const existing = await this.keys.listByUser(userId);
    const options = await generateRegistrationOptions({
      rpName: this.options.rpName,
      rpID: this.options.rpId,
      userName: user.username,
      userDisplayName: user.display_name,
      // The account's number, not a name: the authenticator keeps it (WebAuthn §14.6.1, no personal data).
      userID: new TextEncoder().encode(`motcua-user-${userId}`),
      timeout: this.challengeSeconds * 1000,
      attestationType: 'none',
      excludeCredentials: existing.map((k) => ({ id: k.credentialId, transports: k.transports })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    await this.storeChallenge(userId, 'registration', options.challenge);
    return options;
  }

  /**
   * Registers the key whose attestation the page posted, under `name`; writes `security_key.add` in the same
   * transaction. The challenge must be one made for this account's registration, unused and unexpired.
   */
  async register(actor: KeyActor, name: string, rawResponse: string): Promise<SecurityKeyView> {
    const trimmed = name.trim().replace(/\s+/g, ' ');
    if (!trimmed || trimmed.length > nameMax) {
      throw new DomainError(CommonErrors.validation, {
        fields: [{ field: 'name', messageKey: trimmed ? 'identity.securityKeys.error.nameTooLong' : 'identity.securityKeys.error.nameMissing', params: { max: nameMax } }],
      });
    }
    const response = parseResponse<RegistrationResponseJSON>(rawResponse);
    if (!response) throw invalidKey('add-key');
    const challenge = challengeOf(response.response.clientDataJSON);
    const now = this.now();
    if (!challenge || !(await this.keys.takeChallenge(actor.userId, 'registration', challenge, now))) throw invalidKey('add-key');
    let verified;
    try {
      verified = await verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.options.origin,
        expectedRPID: this.options.rpId,
        requireUserVerification: false,
      });
    } catch (error) {
      throw invalidKey('add-key', error);
    }
    if (!verified.verified) throw invalidKey('add-key');
    const { credential } = verified.registrationInfo;
    return this.db.transaction().execute(async (trx) => {
      const id = await new SecurityKeyRepository(trx).insert({
        userId: actor.userId,
        credentialId: credential.id,
        publicKey: credential.publicKey,
        signCount: credential.counter,
        transports: (credential.transports ?? []).filter((t) => /^[a-z-]{1,20}$/.test(t)),
        name: trimmed,
        createdAt: now,
      });
      // The browser was told to exclude the account's keys; a key registered to anyone already is refused.
      if (id === null) throw invalidKey('add-key');
      await appendAudit(trx, {
        actorUserId: actor.userId,
        actorKind: 'officer',
        action: 'security_key.add',
        subjectType: 'user',
        subjectId: actor.userId,
        ip: actor.ip ?? null,
        at: now,
        details: { keyId: id, name: trimmed, userVerified: verified.registrationInfo.userVerified },
      });
      return { id, name: trimmed, createdAt: now, lastUsedAt: null };
    });
  }

  /**
   * Removes one of the officer's keys after a fresh second-factor check (a TOTP code or recovery code, as for any
   * change to the second factor; a wrong code counts towards the lockout). Writes `security_key.remove`.
   */
  async remove(actor: KeyActor, keyId: number, code: string): Promise<void> {
    const mine = (await this.keys.listByUser(actor.userId)).some((k) => k.id === keyId);
    if (!mine) throw new DomainError(IdentityErrors.securityKeyNotFound);
    await this.secondFactor.verify(actor.userId, code);
    await this.db.transaction().execute(async (trx) => {
      const removed = await new SecurityKeyRepository(trx).delete(actor.userId, keyId);
      if (!removed) throw new DomainError(IdentityErrors.securityKeyNotFound);
      await appendAudit(trx, {
        actorUserId: actor.userId,
        actorKind: 'officer',
        action: 'security_key.remove',
        subjectType: 'user',
        subjectId: actor.userId,
        ip: actor.ip ?? null,
        at: this.now(),
        details: { keyId, name: removed.name },
      });
    });
  }

  /** Options for navigator.credentials.get() at sign-in, or null when the account has no key. */
  async authenticationOptions(userId: number): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
    const keys = await this.keys.listByUser(userId);
    if (keys.length === 0) return null;
    const options = await generateAuthenticationOptions({
      rpID: this.options.rpId,
      allowCredentials: keys.map((k) => ({ id: k.credentialId, transports: k.transports })),
      timeout: this.challengeSeconds * 1000,
      userVerification: 'preferred',
    });
    await this.storeChallenge(userId, 'authentication', options.challenge);
    return options;
  }

  /**
   * Checks a sign-in's assertion: a key of this account, this site and origin, a challenge made for this account's
   * sign-in (taken now), a valid signature, and a signature counter above the stored one (unless both are 0: keys
   * without a counter). Stores the new counter and the time of use. A failure counts towards the lockout.
   */
  async authenticate(userId: number, rawResponse: string): Promise<{ keyId: number }> {
    const now = this.now();
    const lockedUntil = await this.lockout.lockedUntil(userId, now);
    if (lockedUntil) throw lockedError(lockedUntil, now, 'security-key');
    try {
      const keyId = await this.checkAssertion(userId, rawResponse, now);
      await this.lockout.recordSuccess(userId);
      return { keyId };
    } catch (error) {
      if (!(error instanceof DomainError) || error.definition !== IdentityErrors.securityKeyInvalid) throw error;
      const until = await this.lockout.recordFailure(userId, now);
      if (until) throw lockedError(until, now, 'security-key');
      throw error;
    }
  }

  private async checkAssertion(userId: number, rawResponse: string, now: Date): Promise<number> {
    const response = parseResponse<AuthenticationResponseJSON>(rawResponse);
    if (!response) throw invalidKey('security-key');
    const key = await this.keys.findByCredentialId(response.id);
    if (!key || key.userId !== userId) throw invalidKey('security-key');
    const challenge = challengeOf(response.response.clientDataJSON);
    if (!challenge || !(await this.keys.takeChallenge(userId, 'authentication', challenge, now))) throw invalidKey('security-key');
    let verified;
    try {
      verified = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: this.options.origin,
        expectedRPID: this.options.rpId,
        credential: { id: key.credentialId, publicKey: key.publicKey, counter: key.signCount, transports: key.transports },
        requireUserVerification: false,
      });
    } catch (error) {
      // Includes "counter lower than expected": a cloned key, or an assertion replayed (WebAuthn §6.1.1).
      throw invalidKey('security-key', error);
    }
    if (!verified.verified) throw invalidKey('security-key');
    // Compare-and-set on the counter checked above: of two assertions racing with one counter, one wins.
    if (!(await this.keys.recordUse(key.id, key.signCount, verified.authenticationInfo.newCounter, now))) throw invalidKey('security-key');
    return key.id;
  }

  private async storeChallenge(userId: number, purpose: ChallengePurpose, challenge: string): Promise<void> {
    const now = this.now();
    await this.keys.saveChallenge(userId, purpose, challenge, new Date(now.getTime() + this.challengeSeconds * 1000), now);
  }
}
