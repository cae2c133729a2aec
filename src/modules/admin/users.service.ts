import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { CommonErrors, DomainError } from '../../platform/errors/errors.js';
import { AdminErrors } from './admin.errors.js';
import type { AgencyRepository } from './agency.repository.js';
import { isUniqueViolation } from './agency.service.js';
import type { UserRow, UsersRepository } from './users.repository.js';

export type UserKind = 'citizen' | 'officer';

/** desk receives and returns dossiers, handler processes them, leader approves and signs, admins manage. */
export type OfficerRole = 'desk' | 'handler' | 'leader' | 'agency_admin' | 'system_admin';
export const officerRoles: readonly OfficerRole[] = ['desk', 'handler', 'leader', 'agency_admin', 'system_admin'];

export interface UserView {
  id: number;
  kind: UserKind;
  /** Lower case: an e-mail address or phone number for citizens, a staff login for officers. */
  username: string;
  displayName: string;
  agencyId: number | null;
  roles: OfficerRole[];
  createdAt: Date;
}

export interface NewUser {
  kind: UserKind;
  username: string;
  displayName: string;
  password: string;
  /** Required for officers unless they are system administrators; never for citizens. */
  agencyId?: number | null;
  /** Officers only; at least one of `officerRoles` (checked here, so raw input such as a CLI flag may be passed). */
  roles?: readonly string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Password hashing
//
// scrypt from Node's own crypto: no native add-on to build or ship (argon2 needs one), and a memory-hard function
// that OWASP's Password Storage Cheat Sheet accepts. The stored string names its algorithm and parameters
// (`scrypt$N$r$p$salt$hash`, salt and hash in base64), so stronger parameters, or argon2id later, can be introduced
// without invalidating existing hashes: verification reads the parameters from the string itself.

export interface PasswordHashParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
}

/** One of OWASP's equivalent scrypt settings (N=2^15, r=8, p=3): 32 MiB per hash, about 0.3 s here. */
export const defaultPasswordHashParams: PasswordHashParams = { N: 2 ** 15, r: 8, p: 3 };

const saltBytes = 16;
const keyBytes = 32;

function derive(password: string, salt: Buffer, params: PasswordHashParams, length: number): Promise<Buffer> {
  // Node refuses more than 32 MiB by default; scrypt needs 128·N·r bytes plus a little.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    // NFC first: the same Vietnamese password typed with different input methods must match (NIST SP 800-63B 5.1.1.2).
    scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: PasswordHashParams = defaultPasswordHashParams): Promise<string> {
  const salt = randomBytes(saltBytes);
  const hash = await derive(password, salt, params, keyBytes);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** True when the password matches the stored hash; false also for a malformed or unknown hash format. */
export async function checkPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const validParams =
    Number.isInteger(N) && N >= 2 ** 10 && N <= 2 ** 20 && (N & (N - 1)) === 0 &&
    Number.isInteger(r) && r >= 1 && r <= 32 &&
    Number.isInteger(p) && p >= 1 && p <= 16;
  if (!validParams) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (salt.length < 8 || expected.length < 16) return false;
  const actual = await derive(password, salt, { N, r, p }, expected.length);
  return timingSafeEqual(actual, expected);
}

export function isOfficerRole(role: string): role is OfficerRole {
  return (officerRoles as readonly string[]).includes(role);
}

// ---------------------------------------------------------------------------------------------------------------

const usernamePattern = /^[a-z0-9._@+-]{3,100}$/;

/** Accounts of citizens and officers, with their passwords. */
export class UsersService {
  private readonly hashParams: PasswordHashParams;
  private decoyHash: Promise<string> | undefined;

  constructor(
    private readonly users: UsersRepository,
    private readonly agencies: AgencyRepository,
    options: { hashParams?: PasswordHashParams } = {},
  ) {
    this.hashParams = options.hashParams ?? defaultPasswordHashParams;
  }

  async create(input: NewUser): Promise<UserView> {
    const username = normaliseUsername(input.username);
    if (!usernamePattern.test(username)) throw new DomainError(AdminErrors.userUsernameInvalid, { params: { username } });
    const displayName = input.displayName.trim();
    if (displayName.length === 0 || displayName.length > 200) {
      throw new DomainError(CommonErrors.validation, { fields: [{ field: 'displayName', messageKey: 'error.fieldInvalid' }] });
    }
    if (input.password.length < 8 || input.password.length > 256) throw new DomainError(AdminErrors.userPasswordWeak);

    const roles = [...new Set(input.roles ?? [])];
    const agencyId = input.agencyId ?? null;
    if (input.kind === 'citizen') {
      if (roles.length > 0) throw new DomainError(AdminErrors.userRoleInvalid, { params: { role: roles.join(',') } });
      if (agencyId !== null) throw new DomainError(AdminErrors.userAgencyRequired, { params: { kind: input.kind } });
    } else if (input.kind === 'officer') {
      const unknown = roles.find((role) => !isOfficerRole(role));
      if (roles.length === 0 || unknown !== undefined) {
        throw new DomainError(AdminErrors.userRoleInvalid, { params: { role: unknown ?? '' } });
      }
      // The one exception to "an officer works for an agency": the system administrator (also a CHECK in app_user).
      if (agencyId === null && !roles.includes('system_admin')) {
        throw new DomainError(AdminErrors.userAgencyRequired, { params: { kind: input.kind } });
      }
      if (agencyId !== null && !(await this.agencies.findById(agencyId))) {
        throw new DomainError(AdminErrors.agencyNotFound, { params: { id: agencyId } });
      }
    } else {
      throw new DomainError(CommonErrors.validation, { fields: [{ field: 'kind', messageKey: 'error.fieldInvalid' }] });
    }

    if (await this.users.findByUsername(username)) throw usernameTaken(username);
    const passwordHash = await hashPassword(input.password, this.hashParams);
    try {
      const row = await this.users.insert({
        kind: input.kind,
        username,
        display_name: displayName,
        password_hash: passwordHash,
        agency_id: agencyId,
        roles,
      });
      return presentUser(row);
    } catch (error) {
      throw isUniqueViolation(error) ? usernameTaken(username, error) : error;
    }
  }

  /**
   * The user when the password is right, otherwise null (unknown user or wrong password alike). An unknown user
   * still costs one hash, so response time does not reveal which usernames exist.
   */
  async verifyPassword(username: string, password: string): Promise<UserView | null> {
    const row = await this.users.findByUsername(normaliseUsername(username));
    if (!row) {
      this.decoyHash ??= hashPassword('decoy password', this.hashParams);
      await checkPassword(password, await this.decoyHash);
      return null;
    }
    return (await checkPassword(password, row.password_hash)) ? presentUser(row) : null;
  }

  async get(id: number): Promise<UserView> {
    const row = await this.users.findById(id);
    if (!row) throw new DomainError(AdminErrors.userNotFound, { params: { id } });
    return presentUser(row);
  }

  async getByUsername(username: string): Promise<UserView> {
    const row = await this.users.findByUsername(normaliseUsername(username));
    if (!row) throw new DomainError(AdminErrors.userNotFound, { params: { username } });
    return presentUser(row);
  }

  /** Like getByUsername, but null when there is no such account. */
  async findByUsername(username: string): Promise<UserView | null> {
    const row = await this.users.findByUsername(normaliseUsername(username));
    return row ? presentUser(row) : null;
  }
}

/** Usernames compare case-insensitively (e-mail addresses are typed in any case), so they are stored lower-cased. */
export function normaliseUsername(username: string): string {
  return username.normalize('NFC').trim().toLowerCase();
}

export function presentUser(row: UserRow): UserView {
  return {
    id: row.id,
    kind: row.kind,
    username: row.username,
    displayName: row.display_name,
    agencyId: row.agency_id,
    roles: row.roles.filter(isOfficerRole),
    createdAt: row.created_at,
  };
}

function usernameTaken(username: string, cause?: unknown): DomainError {
  return new DomainError(AdminErrors.userUsernameTaken, { params: { username }, ...(cause === undefined ? {} : { cause }) });
}
