/**
 * The identity module: citizen accounts (registration with consent, verification by one-time code, sign-in,
 * recovery), the profile e-forms prefill from, the organisations a citizen acts for, and the storage behind the
 * platform's sessions. Other modules import only from here.
 */
import type { Database } from '../../platform/db/database.js';
import { createUnitsService, createUsersService, type PasswordHashParams } from '../admin/index.js';
import type { NotificationService } from '../notifications/index.js';
import { AccountsService, type InTransaction } from './accounts.service.js';
import { OneTimeCodeRepository } from './one-time-code.repository.js';
import { OrganisationRepository } from './organisation.repository.js';
import { AppUserPasswordWriter } from './password.adapter.js';
import { ProfileRepository } from './profile.repository.js';
import { ProfileService } from './profile.service.js';
import { SessionRepository } from './session.repository.js';
import { SessionsService } from './sessions.service.js';
import { SignInLockout, type LockoutPolicy } from './lockout.js';
import { SecondFactorService } from './totp.service.js';
import { SecurityKeyService } from './security-key.service.js';
import { ProviderSignInService } from './oidc.service.js';
import { demoOfficerTotpSecret } from './totp.js';

// Sessions and CSRF live in the platform (every module's routes rely on them); re-exported for the composition root.
export { sessionPlugin, login, logout, logoutEverywhere, SessionManager, SESSION_COOKIE, hashSessionToken } from '../../platform/http/session.js';
export type { SessionPluginOptions, SessionPolicy, SessionStore, StoredSession } from '../../platform/http/session.js';
export { csrfPlugin, CsrfField, csrfAction, renewCsrfSecret, CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER } from '../../platform/http/csrf.js';
export type { CsrfPluginOptions } from '../../platform/http/csrf.js';

export { AccountsService, consentNoticeVersion, accountConsentPurpose, contactUsername } from './accounts.service.js';
export type { RegistrationInput, SignInOutcome, IdentityUnitOfWork, InTransaction } from './accounts.service.js';
export { ProfileService, parseBirthDate } from './profile.service.js';
export type { ProfileView, ProfileInput, OrganisationView, OrganisationInput, UnitOption } from './profile.service.js';
export { SessionRepository } from './session.repository.js';
export type { SessionListItem } from './session.repository.js';
export { SessionsService } from './sessions.service.js';
export { SecondFactorService } from './totp.service.js';
export { SecurityKeyService } from './security-key.service.js';
export type { SecurityKeyOptions, SecurityKeyView } from './security-key.service.js';
export { SignInLockout, defaultLockoutPolicy, lockSeconds } from './lockout.js';
export type { LockoutPolicy } from './lockout.js';
export { demoOfficerTotpSecret } from './totp.js';
export { oneTimeCodePolicy } from './one-time-code.js';
export type { PasswordSetter } from './password.adapter.js';
export { IdentityErrors } from './identity.errors.js';
export { identityRoutes, identityProviderCallbackPath, postLogoutPath } from './identity.routes.js';
export type { IdentityRouteDeps } from './identity.routes.js';
export type { IdentityProvider, VerifiedClaims, ProviderSignIn } from './identity-provider.js';
export { OidcIdentityProvider } from './oidc.js';
export type { OidcProviderOptions } from './oidc.js';
export { ProviderSignInService } from './oidc.service.js';
export type { ProviderOutcome } from './oidc.service.js';
export type { RunningSandbox, SandboxClient, DemoCitizen } from './vneid-sandbox.js';

/**
 * Starts the local VNeID sandbox (development and tests). Loaded on demand, so a production web process never
 * loads the OpenID provider library.
 */
export async function startVneidSandbox(options: import('./vneid-sandbox.js').SandboxOptions): Promise<import('./vneid-sandbox.js').RunningSandbox> {
  return (await import('./vneid-sandbox.js')).startVneidSandbox(options);
}

/** The sandbox's demo citizens and their password (loaded on demand, like the sandbox). */
export async function vneidSandboxCitizens(): Promise<{ citizens: readonly import('./vneid-sandbox.js').DemoCitizen[]; password: string }> {
  const sandbox = await import('./vneid-sandbox.js');
  return { citizens: sandbox.sandboxCitizens, password: sandbox.sandboxCitizenPassword };
}
export type { IdentityViewContext } from './identity.components.js';
export { MyDataService } from './my-data.service.js';
export type { AccessLogEntry, MyDataPorts, PersonalDataSection, PersonalDataSource } from './my-data.service.js';
export { MyDataRepository } from './my-data.repository.js';
export { myDataRoutes, myDataPath } from './my-data.routes.js';
export { purgeExpiredIdentityData } from './retention.js';
export {
  validatePersonalId,
  parsePersonalId,
  normalisePersonalId,
  birthRegistrationProvinceCodes,
} from './personal-id.js';
export type { PersonalIdProblem, PersonalIdParts, PersonalIdFacts, Sex } from './personal-id.js';
export { normalisePhone, normaliseEmail, parseContact, accountUsername } from './contact.js';
export type { Contact } from './contact.js';

export interface IdentityOptions {
  /** The outbox that carries one-time codes and account notices. */
  notifications: NotificationService;
  /** Server secret of 32+ characters for one-time-code HMACs; SESSION_SECRET is fine. */
  secret: string;
  /** Lower scrypt cost in tests; production keeps the default. */
  hashParams?: PasswordHashParams;
  /** Clock, for tests. */
  now?: () => Date;
  /** Officers need a TOTP second factor (default true; false only for development: OFFICER_SECOND_FACTOR=off). */
  officerSecondFactor?: boolean;
  /** Name shown by authenticator apps next to the officer's account. Default 'Motcua'. */
  totpIssuer?: string;
  /** Lockout thresholds (default: 5 free failures, then 30 s doubling up to an hour). */
  lockout?: LockoutPolicy;
  /** Officers' security keys (WebAuthn): the relying party (WEBAUTHN_RP_ID, WEBAUTHN_ORIGIN). Absent: no keys. */
  securityKeys?: { rpId: string; origin: string; rpName: string };
}

export interface IdentityServices {
  accounts: AccountsService;
  profiles: ProfileService;
  /** Storage for `sessionPlugin` (`{ store: identity.sessionStore, ... }`). */
  sessionStore: SessionRepository;
  /** "My sessions". */
  sessions: SessionsService;
  /** Officers' TOTP and recovery codes; null when OFFICER_SECOND_FACTOR is off. */
  secondFactor: SecondFactorService | null;
  /** Officers' security keys beside the TOTP; null when the second factor is off or no relying party is given. */
  securityKeys: SecurityKeyService | null;
  lockout: SignInLockout;
  /** Sign-in with, linking of and account creation from the national electronic identity. */
  providerSignIn: ProviderSignInService;
}

/** Builds the identity services over a database (the caller owns the database handle). */
export function createIdentityServices(database: Database, options: IdentityOptions): IdentityServices {
  const db = database.db;
  const userOptions = options.hashParams ? { hashParams: options.hashParams } : {};
  // One transaction for everything a registration, verification or recovery writes, outbox message included.
  const inTransaction: InTransaction = (work) =>
    db.transaction().execute((trx) =>
      work({
        users: createUsersService({ ...database, db: trx }, userOptions),
        profiles: new ProfileRepository(trx, database.cipher),
        codes: new OneTimeCodeRepository(trx, database.cipher),
        sessions: new SessionRepository(trx),
        notify: async (message) => {
          await options.notifications.enqueue(trx, message);
        },
      }),
    );
  const users = createUsersService(database, userOptions);
  const timing = options.now ? { now: options.now } : {};
  const lockout = new SignInLockout(db, options.lockout);
  const secondFactorService = new SecondFactorService(db, lockout, { secret: options.secret, issuer: options.totpIssuer ?? 'Motcua', ...timing });
  const secondFactor = options.officerSecondFactor === false ? null : secondFactorService;
  const accounts = new AccountsService(
    inTransaction,
    users,
    new ProfileRepository(db, database.cipher),
    new OneTimeCodeRepository(db, database.cipher),
    new AppUserPasswordWriter(db, options.hashParams),
    { codeSecret: options.secret, cipher: database.cipher, ...timing, lockout, ...(secondFactor ? { secondFactor: { service: secondFactor, required: true } } : {}) },
  );
  const profiles = new ProfileService(new ProfileRepository(db, database.cipher), new OrganisationRepository(db), users, createUnitsService(database), timing);
  const sessionStore = new SessionRepository(db);
  const providerSignIn = new ProviderSignInService(db, database.cipher, (trx) => createUsersService({ ...database, db: trx }, userOptions), options.now);
  const securityKeys =
    secondFactor && options.securityKeys ? new SecurityKeyService(db, lockout, secondFactor, { ...options.securityKeys, ...timing }) : null;
  return { accounts, profiles, sessionStore, sessions: new SessionsService(sessionStore, options.now), secondFactor, securityKeys, lockout, providerSignIn };
}

/**
 * Gives every demo officer without an authenticator the demo TOTP secret (`demoOfficerTotpSecret`, printed by
 * `npm start`), so the demo and the tests can complete the second factor. An officer who enrolled an own
 * authenticator keeps it. Demo data only.
 */
export async function seedDemoAuthenticators(database: Database, secret: string, usernames: string[]): Promise<number> {
  const service = new SecondFactorService(database.db, new SignInLockout(database.db), { secret, issuer: 'Motcua' });
  let seeded = 0;
  for (const username of usernames) {
    const user = await database.db.selectFrom('app_user').select(['id', 'kind']).where('username', '=', username).executeTakeFirst();
    if (!user || user.kind !== 'officer' || (await service.status(user.id)) !== 'none') continue;
    await service.enrolWithSecret(user.id, demoOfficerTotpSecret);
    seeded++;
  }
  return seeded;
}
