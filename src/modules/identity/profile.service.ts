import { CommonErrors, DomainError, type FieldProblem } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import { AdminErrors, type AdministrativeUnitView, type UnitsService, type UsersService } from '../admin/index.js';
import { normaliseEmail, normalisePhone, parseContact } from './contact.js';
import { IdentityErrors } from './identity.errors.js';
import type { OrganisationRecord, OrganisationRepository } from './organisation.repository.js';
import { normalisePersonalId, validatePersonalId, type Sex } from './personal-id.js';
import type { ProfileFields, ProfileRepository } from './profile.repository.js';

/** An organisation a citizen acts for, as forms and dossiers see it. */
export interface OrganisationView {
  id: number;
  /** 10 digits, or 10 + "-" + 3 for a dependent unit. */
  taxCode: string;
  name: string;
  address: string;
}

/** What the e-forms prefill from: plain data, no database rows. Unknown values are null. */
export interface ProfileView {
  userId: number;
  personalId: string | null;
  fullName: string;
  /** YYYY-MM-DD */
  birthDate: string | null;
  sex: Sex | null;
  /** Province and commune codes of the current edition of administrative units. */
  provinceCode: string | null;
  communeCode: string | null;
  /** House number, street, hamlet. */
  addressLine: string | null;
  phone: string | null;
  email: string | null;
  organisations: OrganisationView[];
  /**
   * Set when the national identity vouched for the personal id, name, birth date and sex: those fields are then
   * locked (shown read-only, like fields read from a registry) and `update` keeps the verified values.
   */
  identityVerified: { at: Date; by: string } | null;
}

/** The profile form as typed: every value a string, validated here. */
export interface ProfileInput {
  personalId: string;
  fullName: string;
  birthDay: string;
  birthMonth: string;
  birthYear: string;
  /** '', 'male' or 'female' */
  sex: string;
  provinceCode: string;
  communeCode: string;
  addressLine: string;
  phone: string;
  email: string;
}

export interface OrganisationInput {
  taxCode: string;
  name: string;
  address: string;
}

export interface UnitOption {
  code: string;
  name: string;
}

const taxCodePattern = /^\d{10}(-\d{3})?$/;

function problem(field: string, messageKey: string, params?: Record<string, string | number>): FieldProblem {
  return params ? { field, messageKey, params } : { field, messageKey };
}

function optional(value: string): string | null {
  const trimmed = value.normalize('NFC').trim().replace(/\s+/g, ' ');
  return trimmed === '' ? null : trimmed;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * The birth date typed in three boxes (GOV.UK date input), as YYYY-MM-DD, or a problem. `today` bounds it.
 */
export function parseBirthDate(day: string, month: string, year: string, today: Date): { value: string | null } | { problem: string } {
  const parts = [day, month, year].map((p) => p.trim());
  if (parts.every((p) => p === '')) return { value: null };
  if (parts.some((p) => p === '')) return { problem: 'identity.field.birthDate.incomplete' };
  if (!parts.every((p) => /^\d+$/.test(p)) || parts[2]!.length !== 4) return { problem: 'identity.field.birthDate.invalid' };
  const [d, m, y] = parts.map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (m < 1 || m > 12 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return { problem: 'identity.field.birthDate.invalid' };
  }
  const value = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
  const todayIso = `${pad(today.getFullYear(), 4)}-${pad(today.getMonth() + 1, 2)}-${pad(today.getDate(), 2)}`;
  if (value > todayIso) return { problem: 'identity.field.birthDate.future' };
  if (y < 1900) return { problem: 'identity.field.birthDate.tooOld' };
  return { value };
}

/**
 * A citizen's profile (prefill for e-forms) and the organisations they act for. Only citizens have one; every
 * change is checked against the signed-in actor here, not only in the route.
 */
export class ProfileService {
  private readonly now: () => Date;

  constructor(
    private readonly profiles: ProfileRepository,
    private readonly organisationStore: OrganisationRepository,
    private readonly users: UsersService,
    private readonly units: UnitsService,
    options: { now?: () => Date } = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * The profile of an account. An account without a saved profile (e.g. made by an administrator) still answers:
   * its display name, and its phone or e-mail when the username is one.
   */
  async get(userId: number): Promise<ProfileView> {
    const user = await this.users.get(userId);
    const profile = await this.profiles.find(userId);
    const organisations = await this.organisations(userId);
    if (!profile) {
      const contact = user.kind === 'citizen' ? parseContact(user.username) : null;
      return {
        userId,
        personalId: null,
        fullName: user.displayName,
        birthDate: null,
        sex: null,
        provinceCode: null,
        communeCode: null,
        addressLine: null,
        phone: contact?.kind === 'phone' ? contact.value : null,
        email: contact?.kind === 'email' ? contact.value : null,
        organisations,
        identityVerified: null,
      };
    }
    return {
      userId,
      personalId: profile.personalId,
      fullName: profile.fullName,
      birthDate: profile.birthDate,
      sex: profile.sex,
      provinceCode: profile.provinceCode,
      communeCode: profile.communeCode,
      addressLine: profile.addressLine,
      phone: profile.phone,
      email: profile.email,
      organisations,
      identityVerified: profile.identityVerifiedAt ? { at: profile.identityVerifiedAt, by: profile.identityVerifiedBy ?? '' } : null,
    };
  }

  /** Validates and saves the actor's own profile; VALIDATION_FAILED lists every field in error at once. */
  async update(actor: SessionUser, input: ProfileInput): Promise<ProfileView> {
    requireCitizen(actor);
    const problems: FieldProblem[] = [];
    // Verified facts are not the citizen's to change here: keep what the national identity vouched for.
    const stored = await this.profiles.find(actor.id);
    if (stored?.identityVerifiedAt) {
      const [year = '', month = '', day = ''] = stored.birthDate ? stored.birthDate.split('-') : [];
      input = {
        ...input,
        personalId: stored.personalId ?? '',
        fullName: stored.fullName,
        birthDay: day,
        birthMonth: month,
        birthYear: year,
        sex: stored.sex ?? '',
      };
    }

    const fullName = optional(input.fullName);
    if (fullName === null) problems.push(problem('fullName', 'identity.field.fullName.required'));
    else if (fullName.length > 200) problems.push(problem('fullName', 'identity.field.fullName.tooLong', { max: 200 }));

    const birth = parseBirthDate(input.birthDay, input.birthMonth, input.birthYear, this.now());
    if ('problem' in birth) problems.push(problem('birthDay', birth.problem));
    const birthDate = 'value' in birth ? birth.value : null;

    let sex: Sex | null = null;
    if (input.sex === 'male' || input.sex === 'female') sex = input.sex;
    else if (input.sex !== '') problems.push(problem('sex', 'identity.field.sex.invalid'));

    const personalId = optional(normalisePersonalId(input.personalId));
    if (personalId !== null) {
      // Law on Identity 2023 art. 12; structure per Circular 59/2021/TT-BCA (see personal-id.ts).
      const found = validatePersonalId(personalId, { birthDate, sex, today: this.now() });
      if (found.length > 0) problems.push(problem('personalId', `identity.personalId.${found[0]}`));
    }

    const provinceCode = optional(input.provinceCode);
    const communeCode = optional(input.communeCode);
    if (provinceCode !== null) {
      const province = await this.units.findUnit(provinceCode);
      if (!province || province.level !== 'province') problems.push(problem('provinceCode', 'identity.field.province.invalid'));
    }
    if (communeCode !== null) {
      const commune = await this.units.findUnit(communeCode);
      if (provinceCode === null) problems.push(problem('communeCode', 'identity.field.commune.provinceFirst'));
      else if (!commune || commune.level !== 'commune' || commune.provinceCode !== provinceCode) {
        problems.push(problem('communeCode', 'identity.field.commune.notInProvince'));
      }
    }

    const addressLine = optional(input.addressLine);
    if (addressLine !== null && addressLine.length > 300) problems.push(problem('addressLine', 'identity.field.addressLine.tooLong', { max: 300 }));

    let phone: string | null = null;
    if (optional(input.phone) !== null) {
      phone = normalisePhone(input.phone);
      if (phone === null) problems.push(problem('phone', 'identity.field.phone.invalid'));
    }
    let email: string | null = null;
    if (optional(input.email) !== null) {
      email = normaliseEmail(input.email);
      if (email === null) problems.push(problem('email', 'identity.field.email.invalid'));
    }

    if (problems.length > 0 || fullName === null) throw new DomainError(CommonErrors.validation, { fields: problems });
    const fields: ProfileFields = { personalId, fullName, birthDate, sex, provinceCode, communeCode, addressLine, phone, email };
    await this.profiles.save(actor.id, fields, this.now());
    return this.get(actor.id);
  }

  /** Provinces, and the communes of `provinceCode` when it is one; empty lists before units are imported. */
  async addressOptions(provinceCode: string | null): Promise<{ provinces: UnitOption[]; communes: UnitOption[] }> {
    const provinces = await this.units.listProvinces().catch(ignoreMissingUnits);
    const communes = provinceCode ? await this.units.listCommunes(provinceCode).catch(ignoreMissingUnits) : [];
    const option = (u: AdministrativeUnitView): UnitOption => ({ code: u.code, name: u.fullName });
    return { provinces: provinces.map(option), communes: communes.map(option) };
  }

  async organisations(userId: number): Promise<OrganisationView[]> {
    return (await this.organisationStore.listForUser(userId)).map(presentOrganisation);
  }

  /** Adds an organisation the actor acts for. The tax code is checked for format only (no register to ask yet). */
  async addOrganisation(actor: SessionUser, input: OrganisationInput): Promise<OrganisationView> {
    requireCitizen(actor);
    const problems: FieldProblem[] = [];
    const taxCode = input.taxCode.replace(/\s/g, '');
    if (taxCode === '') problems.push(problem('taxCode', 'identity.field.taxCode.required'));
    // Law on Tax Administration 2019 art. 3(5); Circular 105/2020/TT-BTC art. 5: N1…N10, or N1…N10-N11N12N13.
    else if (!taxCodePattern.test(taxCode)) problems.push(problem('taxCode', 'identity.field.taxCode.invalid'));
    const name = optional(input.name);
    if (name === null) problems.push(problem('organisationName', 'identity.field.organisationName.required'));
    else if (name.length > 300) problems.push(problem('organisationName', 'identity.field.organisationName.tooLong', { max: 300 }));
    const address = optional(input.address);
    if (address === null) problems.push(problem('organisationAddress', 'identity.field.organisationAddress.required'));
    else if (address.length > 500) problems.push(problem('organisationAddress', 'identity.field.organisationAddress.tooLong', { max: 500 }));
    if (problems.length > 0 || name === null || address === null) throw new DomainError(CommonErrors.validation, { fields: problems });
    if (await this.organisationStore.findByTaxCode(actor.id, taxCode)) {
      throw new DomainError(IdentityErrors.organisationExists, {
        params: { taxCode },
        fields: [problem('taxCode', 'identity.error.ORGANISATION_ALREADY_ADDED', { taxCode })],
      });
    }
    return presentOrganisation(await this.organisationStore.insert({ userId: actor.id, taxCode, name, address }));
  }

  /**
   * The organisation when `userId` acts for it (use before letting a dossier be filed on its behalf); otherwise
   * ORGANISATION_NOT_FOUND, which does not say whether it exists for someone else.
   */
  async actingFor(userId: number, organisationId: number): Promise<OrganisationView> {
    const found = Number.isSafeInteger(organisationId) ? await this.organisationStore.findForUser(userId, organisationId) : undefined;
    if (!found) throw new DomainError(IdentityErrors.organisationNotFound, { params: { id: organisationId } });
    return presentOrganisation(found);
  }
}

function requireCitizen(actor: SessionUser): void {
  if (actor.kind !== 'citizen') throw new DomainError(IdentityErrors.profileNotAvailable);
}

function ignoreMissingUnits(error: unknown): AdministrativeUnitView[] {
  if (error instanceof DomainError && (error.code === AdminErrors.unitsNotLoaded.code || error.code === AdminErrors.unitNotFound.code)) return [];
  throw error;
}

function presentOrganisation(record: OrganisationRecord): OrganisationView {
  return { id: record.id, taxCode: record.taxCode, name: record.name, address: record.address };
}
