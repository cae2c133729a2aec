import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { CommonErrors, DomainError } from '../../platform/errors/errors.js';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { FieldCipher } from '../../platform/crypto/index.js';
import type { SessionUser } from '../../platform/http/auth.js';
import type { UsersService } from '../admin/index.js';
import { accountConsentPurpose, consentNoticeVersion } from './accounts.service.js';
import type { VerifiedClaims } from './identity-provider.js';
import { IdentityErrors } from './identity.errors.js';
import { ProfileRepository } from './profile.repository.js';

/**
 * Accounts and the national electronic identity: signing in with a linked identity, linking one to the signed-in
 * citizen's account, and creating an account from one (with the citizen's consent). An identity is never attached
 * to an account by matching e-mail, phone or identity number: linking is always an explicit act of a citizen who
 * is signed in to that account. Each sign-in or link refreshes the profile with the verified claims.
 */
export type ProviderOutcome =
  | { status: 'signedIn'; userId: number }
  | { status: 'linked'; userId: number }
  /** No account has this identity yet: ask the person to create one (consent) or to sign in and link. */
  | { status: 'unknown' };

export class ProviderSignInService {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly cipher: FieldCipher,
    /** The users service over a given transaction (account creation writes user, profile, consent and link at once). */
    private readonly usersIn: (db: Kysely<Schema>) => UsersService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The outcome of a verified callback; `actor` is the signed-in user when the flow was started to link. */
  async complete(provider: string, claims: VerifiedClaims, actor: SessionUser | null): Promise<ProviderOutcome> {
    const now = this.now();
    const link = await this.findLink(provider, claims.subject);
    if (actor) {
      if (actor.kind !== 'citizen') throw new DomainError(IdentityErrors.identityLinkNotForOfficers);
      if (link && link.user_id !== actor.id) throw new DomainError(IdentityErrors.identityLinkedElsewhere);
      if (!link) {
        const own = await this.db.selectFrom('external_identity').select('subject').where('user_id', '=', actor.id).where('provider', '=', provider).executeTakeFirst();
        if (own) throw new DomainError(IdentityErrors.identityLinkedElsewhere);
      }
      await this.db.transaction().execute(async (trx) => {
        if (!link) {
          await trx.insertInto('external_identity').values({ provider, subject: claims.subject, user_id: actor.id, linked_at: now, last_signed_in_at: now }).execute();
        }
        await new ProfileRepository(trx, this.cipher).applyVerifiedIdentity(actor.id, claims, provider, now);
      });
      return { status: 'linked', userId: actor.id };
    }
    if (!link) return { status: 'unknown' };
    const kind = await this.db.selectFrom('app_user').select('kind').where('id', '=', link.user_id).executeTakeFirstOrThrow();
    if (kind.kind !== 'citizen') throw new DomainError(IdentityErrors.identityLinkNotForOfficers);
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable('external_identity').set({ last_signed_in_at: now }).where('provider', '=', provider).where('subject', '=', claims.subject).execute();
      await new ProfileRepository(trx, this.cipher).applyVerifiedIdentity(link.user_id, claims, provider, now);
    });
    return { status: 'signedIn', userId: link.user_id };
  }

  /**
   * A new citizen account for a person the provider vouched for, after they agreed to the personal-data notice.
   * Its username is derived from the identity (it signs in through the provider; no password is known to anyone).
   */
  async createAccount(provider: string, claims: VerifiedClaims, input: { consent: boolean; ip: string | null }): Promise<number> {
    if (!input.consent) {
      throw new DomainError(CommonErrors.validation, { fields: [{ field: 'consent', messageKey: 'identity.field.consent.required' }] });
    }
    const existing = await this.findLink(provider, claims.subject);
    if (existing) return existing.user_id;
    const now = this.now();
    const username = `${provider}.${createHash('sha256').update(`${provider}\0${claims.subject}`).digest('hex').slice(0, 24)}`;
    return this.db.transaction().execute(async (trx) => {
      const user = await this.usersIn(trx).create({ kind: 'citizen', username, displayName: claims.fullName, password: randomBytes(32).toString('base64url') });
      const profiles = new ProfileRepository(trx, this.cipher);
      await profiles.applyVerifiedIdentity(user.id, claims, provider, now);
      // Decree 13/2023/NĐ-CP art. 11: consent is explicit, specific to a purpose and recorded so it can be proven.
      await profiles.insertConsent({ userId: user.id, purpose: accountConsentPurpose, noticeVersion: consentNoticeVersion, givenAt: now, ip: input.ip });
      await trx.insertInto('external_identity').values({ provider, subject: claims.subject, user_id: user.id, linked_at: now, last_signed_in_at: now }).execute();
      return user.id;
    });
  }

  /** Whether the user's account is linked to this provider (the profile page offers linking when not). */
  async isLinked(userId: number, provider: string): Promise<boolean> {
    return Boolean(await this.db.selectFrom('external_identity').select('subject').where('user_id', '=', userId).where('provider', '=', provider).executeTakeFirst());
  }

  private findLink(provider: string, subject: string) {
    return this.db.selectFrom('external_identity').select(['user_id']).where('provider', '=', provider).where('subject', '=', subject).executeTakeFirst();
  }
}
