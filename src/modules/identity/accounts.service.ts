import type { FieldCipher } from '../../platform/crypto/index.js';
import { CommonErrors, DomainError, type FieldProblem } from '../../platform/errors/errors.js';
import type { Locale } from '../../platform/i18n/i18n.js';
import type { UsersService, UserView } from '../admin/index.js';
import type { NotificationRequest } from '../notifications/index.js';
import { accountUsername, channelOf, parseContact, type Contact } from './contact.js';
import { IdentityErrors } from './identity.errors.js';
import type { OneTimeCodePurpose } from './identity.tables.js';
import { OneTimeCodes, oneTimeCodePolicy } from './one-time-code.js';
import type { OneTimeCodeRepository } from './one-time-code.repository.js';
import type { PasswordSetter } from './password.adapter.js';
import type { ProfileRepository } from './profile.repository.js';
import type { SessionRepository } from './session.repository.js';
import type { SignInLockout } from './lockout.js';
import { lockedError, type SecondFactorService } from './totp.service.js';

/**
 * Version of the personal-data notice shown at registration (text: `identity.consent.*` in the catalogue).
 * Change it whenever the notice text changes: each consent row records the version the person agreed to.
 */
export const consentNoticeVersion = '2026-11-23';
export const accountConsentPurpose = 'account';

/** Everything a registration, verification or recovery writes, bound to one transaction. */
export interface IdentityUnitOfWork {
  users: UsersService;
  profiles: ProfileRepository;
  codes: OneTimeCodeRepository;
  sessions: SessionRepository;
  /** Queues a message in the same transaction (outbox). */
  notify(message: NotificationRequest): Promise<void>;
}

export type InTransaction = <T>(work: (unit: IdentityUnitOfWork) => Promise<T>) => Promise<T>;

export interface RegistrationInput {
  /** Phone number or e-mail address, as typed. */
  contact: string;
  fullName: string;
  password: string;
  /** The consent box was ticked. */
  consent: boolean;
  locale: Locale;
  /** Client address, recorded with the consent. */
  ip: string | null;
}

export type SignInOutcome =
  | { status: 'signedIn'; user: UserView }
  /** An officer's password was right; the second factor (or its enrolment, when `enrolled` is false) comes next. */
  | { status: 'secondFactorRequired'; user: UserView; enrolled: boolean }
  /** Right password, but the account's phone or e-mail was never proven: a new code is on its way (throttled). */
  | { status: 'verificationRequired'; account: string };

export interface AccountsOptions {
  /** Server secret for one-time-code HMACs (the session secret is fine). */
  codeSecret: string;
  now?: () => Date;
  /** Per-account lockout with exponential backoff after failed sign-ins (absent: none, for unit tests). */
  lockout?: SignInLockout;
  /** Officers' second factor; `required` false only for development (OFFICER_SECOND_FACTOR=off). */
  secondFactor?: { service: SecondFactorService; required: boolean };
  /** Personal-data encryption: a phone account's username is the phone's blind index, never the number. */
  cipher: FieldCipher;
}

/** Usernames of accounts registered with a phone: `phone.` + the hex of the phone's blind index. */
const PHONE_USERNAME_PREFIX = 'phone.';

/**
 * The username an account registered with this contact has. An e-mail address is its own username; a phone number
 * is stored only as its blind index (Decree 13/2023: no phone number in plaintext in app_user), so signing in with
 * the number finds the account by recomputing the index. The number itself is sealed in the profile.
 */
export async function contactUsername(cipher: FieldCipher, contact: Contact): Promise<string> {
  if (contact.kind === 'email') return contact.value;
  const index = await cipher.blindIndex('phone', contact.value);
  if (index === null) throw new Error('a normalised phone always has a blind index');
  return `${PHONE_USERNAME_PREFIX}${Buffer.from(index, 'base64url').toString('hex')}`;
}

const passwordMin = 8;
const passwordMax = 256;

function problem(field: string, messageKey: string, params?: Record<string, string | number>): FieldProblem {
  return params ? { field, messageKey, params } : { field, messageKey };
}

function invalid(fields: FieldProblem[]): DomainError {
  return new DomainError(CommonErrors.validation, { fields });
}

function codeInvalid(): DomainError {
  return new DomainError(IdentityErrors.codeInvalid, { fields: [problem('code', 'identity.error.ONE_TIME_CODE_INVALID')] });
}

function checkPassword(field: string, password: string, problems: FieldProblem[]): void {
  if (password.length === 0) problems.push(problem(field, 'identity.field.password.required'));
  else if (password.length < passwordMin) problems.push(problem(field, 'identity.field.password.tooShort', { min: passwordMin }));
  else if (password.length > passwordMax) problems.push(problem(field, 'identity.field.password.tooLong', { max: passwordMax }));
}

function checkContact(field: string, input: string, problems: FieldProblem[]): Contact | null {
  if (input.trim() === '') {
    problems.push(problem(field, 'identity.field.contact.required'));
    return null;
  }
  const contact = parseContact(input);
  if (!contact) problems.push(problem(field, 'identity.field.contact.invalid'));
  return contact;
}

function checkCodeFormat(code: string, problems: FieldProblem[]): void {
  if (code.trim() === '') problems.push(problem('code', 'identity.field.code.required'));
  else if (!/^\d{6}$/.test(code.trim())) problems.push(problem('code', 'identity.field.code.format'));
}

/**
 * Citizen accounts: registration with consent, proof of the phone or e-mail by one-time code, sign-in, and password
 * recovery. Answers never reveal whether an account exists (OWASP Authentication Cheat Sheet, "authentication and
 * error messages"): registration of a taken name, recovery of an unknown name and a wrong code all look alike.
 */
export class AccountsService {
  private readonly now: () => Date;
  private readonly codes: OneTimeCodes;
  private readonly lockout: SignInLockout | null;
  private readonly secondFactor: { service: SecondFactorService; required: boolean } | null;
  private readonly cipher: FieldCipher;

  constructor(
    private readonly inTransaction: InTransaction,
    private readonly users: UsersService,
    private readonly profiles: ProfileRepository,
    private readonly codeStore: OneTimeCodeRepository,
    private readonly passwords: PasswordSetter,
    options: AccountsOptions,
  ) {
    if (options.codeSecret.length < 32) throw new Error('the one-time-code secret needs 32+ characters');
    this.now = options.now ?? (() => new Date());
    this.codes = new OneTimeCodes(options.codeSecret, this.now);
    this.lockout = options.lockout ?? null;
    this.secondFactor = options.secondFactor ?? null;
    this.cipher = options.cipher;
  }

  /**
   * The username of the account for a contact. During the transition (`motcua data:encrypt` not yet run, or an
   * account an administrator made with a phone as its username) a phone account may still be named by the number
   * itself: when no account has the blind-index name but one has the plain number, that one is meant.
   */
  private async usernameOf(contact: Contact): Promise<string> {
    const username = await contactUsername(this.cipher, contact);
    if (contact.kind === 'phone' && !(await this.users.findByUsername(username)) && (await this.users.findByUsername(contact.value))) return contact.value;
    return username;
  }

  /**
   * Creates a citizen account waiting for its code, records the consent and queues the code, in one transaction.
   * When the name is taken nothing visible changes (same answer, similar time); if it is the owner's own pending
   * registration with the same password, a fresh code is sent.
   */
  async register(input: RegistrationInput): Promise<{ contact: Contact }> {
    const problems: FieldProblem[] = [];
    const contact = checkContact('contact', input.contact, problems);
    const fullName = input.fullName.normalize('NFC').trim().replace(/\s+/g, ' ');
    if (fullName === '') problems.push(problem('fullName', 'identity.field.fullName.required'));
    else if (fullName.length > 200) problems.push(problem('fullName', 'identity.field.fullName.tooLong', { max: 200 }));
    checkPassword('password', input.password, problems);
    if (!input.consent) problems.push(problem('consent', 'identity.field.consent.required'));
    if (problems.length > 0 || !contact) throw invalid(problems);

    const username = await this.usernameOf(contact);
    const existing = await this.users.findByUsername(username);
    if (existing) {
      // Costs one password hash, like creating the account would.
      const same = await this.users.verifyPassword(username, input.password);
      const profile = same?.kind === 'citizen' ? await this.profiles.find(same.id) : undefined;
      if (same && profile && profile.contactVerifiedAt === null) {
        await this.inTransaction((unit) => this.sendCode(unit, same.id, 'verify_contact', contact, input.locale));
      }
      return { contact };
    }

    const now = this.now();
    await this.inTransaction(async (unit) => {
      const user = await unit.users.create({ kind: 'citizen', username, displayName: fullName, password: input.password });
      await unit.profiles.insert(
        user.id,
        {
          personalId: null,
          fullName,
          birthDate: null,
          sex: null,
          provinceCode: null,
          communeCode: null,
          addressLine: null,
          phone: contact.kind === 'phone' ? contact.value : null,
          email: contact.kind === 'email' ? contact.value : null,
        },
        null,
        now,
      );
      // Decree 13/2023/NĐ-CP art. 11: consent is explicit, specific to a purpose and recorded so it can be proven.
      await unit.profiles.insertConsent({
        userId: user.id,
        purpose: accountConsentPurpose,
        noticeVersion: consentNoticeVersion,
        givenAt: now,
        ip: input.ip,
      });
      await this.sendCode(unit, user.id, 'verify_contact', contact, input.locale);
    });
    return { contact };
  }

  /** Proves the account's phone or e-mail with the code sent at registration; then the citizen can sign in. */
  async verifyContact(input: { account: string; code: string }): Promise<void> {
    const problems: FieldProblem[] = [];
    const contact = checkContact('account', input.account, problems);
    checkCodeFormat(input.code, problems);
    if (problems.length > 0 || !contact) throw invalid(problems);
    const user = await this.users.findByUsername(await this.usernameOf(contact));
    const profile = user?.kind === 'citizen' ? await this.profiles.find(user.id) : undefined;
    if (!user || !profile || profile.contactVerifiedAt !== null) throw codeInvalid();
    if (!(await this.codes.check(this.codeStore, user.id, 'verify_contact', input.code.trim()))) throw codeInvalid();
    await this.profiles.markContactVerified(user.id, this.now());
  }

  /** Sends a new verification code when the account is waiting for one; says nothing either way. */
  async resendVerification(input: { account: string; locale: Locale }): Promise<void> {
    const problems: FieldProblem[] = [];
    const contact = checkContact('account', input.account, problems);
    if (!contact) throw invalid(problems);
    const user = await this.users.findByUsername(await this.usernameOf(contact));
    const profile = user?.kind === 'citizen' ? await this.profiles.find(user.id) : undefined;
    if (!user || !profile || profile.contactVerifiedAt !== null) return;
    await this.inTransaction((unit) => this.sendCode(unit, user.id, 'verify_contact', contact, input.locale));
  }

  /**
   * Checks a password (citizens by phone or e-mail in any usual spelling, officers by staff login). A wrong name
   * and a wrong password give the same SIGN_IN_FAILED. Rate limiting per client address is the route's job.
   */
  async signIn(input: { account: string; password: string; locale: Locale }): Promise<SignInOutcome> {
    const problems: FieldProblem[] = [];
    if (input.account.trim() === '') problems.push(problem('account', 'identity.field.account.required'));
    if (input.password === '') problems.push(problem('password', 'identity.field.password.required'));
    if (problems.length > 0) throw invalid(problems);
    const typed = parseContact(input.account);
    const username = typed ? await this.usernameOf(typed) : accountUsername(input.account);
    const now = this.now();
    // A locked account is refused before its password is even checked: guesses during the lock teach nothing.
    const candidate = this.lockout ? await this.users.findByUsername(username) : null;
    if (candidate && this.lockout) {
      const until = await this.lockout.lockedUntil(candidate.id, now);
      if (until) throw lockedError(until, now);
    }
    const user = await this.users.verifyPassword(username, input.password.slice(0, passwordMax * 4));
    if (!user) {
      if (candidate && this.lockout) {
        const until = await this.lockout.recordFailure(candidate.id, now);
        if (until) throw lockedError(until, now);
      }
      throw new DomainError(IdentityErrors.signInFailed, { fields: [problem('account', 'identity.error.SIGN_IN_FAILED')] });
    }
    if (user.kind === 'officer' && this.secondFactor?.required) {
      // The failures are forgotten only once the second factor is right too.
      return { status: 'secondFactorRequired', user, enrolled: (await this.secondFactor.service.status(user.id)) === 'confirmed' };
    }
    await this.lockout?.recordSuccess(user.id);
    if (user.kind === 'citizen') {
      const profile = await this.profiles.find(user.id);
      // The account's own contact: the phone (sealed in the profile) of a phone account, else the e-mail username.
      const contact = user.username.startsWith(PHONE_USERNAME_PREFIX)
        ? profile?.phone ? parseContact(profile.phone) : null
        : parseContact(user.username);
      if (profile && profile.contactVerifiedAt === null && contact) {
        await this.inTransaction((unit) => this.sendCode(unit, user.id, 'verify_contact', contact, input.locale));
        return { status: 'verificationRequired', account: contact.value };
      }
    }
    return { status: 'signedIn', user };
  }

  /** Sends a recovery code to a citizen account's phone or e-mail; says nothing about whether there is one. */
  async requestPasswordReset(input: { account: string; locale: Locale }): Promise<{ contact: Contact }> {
    const problems: FieldProblem[] = [];
    const contact = checkContact('account', input.account, problems);
    if (!contact) throw invalid(problems);
    const user = await this.users.findByUsername(await this.usernameOf(contact));
    if (user && user.kind === 'citizen') {
      await this.inTransaction((unit) => this.sendCode(unit, user.id, 'reset_password', contact, input.locale));
    }
    return { contact };
  }

  /**
   * Sets a new password with a recovery code, then ends every session of the account and tells the owner. The code
   * also proves the contact, so a registration still waiting for verification becomes verified.
   */
  async resetPassword(input: { account: string; code: string; password: string; locale: Locale }): Promise<void> {
    const problems: FieldProblem[] = [];
    const contact = checkContact('account', input.account, problems);
    checkCodeFormat(input.code, problems);
    checkPassword('password', input.password, problems);
    if (problems.length > 0 || !contact) throw invalid(problems);
    const user = await this.users.findByUsername(await this.usernameOf(contact));
    if (!user || user.kind !== 'citizen') throw codeInvalid();
    if (!(await this.codes.check(this.codeStore, user.id, 'reset_password', input.code.trim()))) throw codeInvalid();
    await this.passwords.setPassword(user.id, input.password);
    const now = this.now();
    await this.inTransaction(async (unit) => {
      await unit.sessions.deleteForUser(user.id);
      await unit.profiles.markContactVerified(user.id, now);
      await unit.notify({ channel: channelOf(contact), recipient: contact.value, template: 'identity.message.passwordChanged', locale: input.locale });
    });
  }

  private async sendCode(unit: IdentityUnitOfWork, userId: number, purpose: OneTimeCodePurpose, contact: Contact, locale: Locale): Promise<boolean> {
    const channel = channelOf(contact);
    const code = await this.codes.issue(unit.codes, { userId, purpose, channel, recipient: contact.value });
    if (code === null) return false;
    await unit.notify({
      channel,
      recipient: contact.value,
      template: purpose === 'verify_contact' ? 'identity.message.verifyCode' : 'identity.message.resetCode',
      params: { code, minutes: oneTimeCodePolicy.ttlSeconds / 60 },
      locale,
    });
    return true;
  }
}
