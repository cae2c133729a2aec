import type { AgencyKind, OfficeHours } from '../../platform/db/schema.js';
import { CommonErrors, DomainError, type FieldProblem } from '../../platform/errors/errors.js';
import { AdminErrors } from './admin.errors.js';
import type { AgencyFields, AgencyRepository, AgencyRow } from './agency.repository.js';
import type { UnitsRepository } from './units.repository.js';

export type { AgencyKind, OfficeHours };

export const agencyKinds: readonly AgencyKind[] = [
  'ministry',
  'province_committee',
  'department',
  'service_centre',
  'commune_committee',
  'other',
];

/** An agency as other modules and views see it. */
export interface AgencyView {
  id: number;
  /** Electronic identifier (Decision 20/2020/QĐ-TTg), e.g. `000.00.00.H42`. */
  code: string;
  parentId: number | null;
  kind: AgencyKind;
  name: string;
  nameEn: string | null;
  shortName: string | null;
  /** Province the agency serves (administrative-unit code). */
  provinceCode: string | null;
  /** Commune the agency serves, for commune People's Committees and their service centres. */
  communeCode: string | null;
  address: string | null;
  phone: string | null;
  email: string | null;
  /** Opening intervals, sorted by weekday (1 = Monday) and time; a day may have a morning and an afternoon. */
  officeHours: OfficeHours[];
  active: boolean;
}

export interface AgencyTreeNode extends AgencyView {
  children: AgencyTreeNode[];
}

export interface AgencyInput {
  code: string;
  kind: AgencyKind;
  name: string;
  parentId?: number | null;
  nameEn?: string | null;
  shortName?: string | null;
  provinceCode?: string | null;
  communeCode?: string | null;
  address?: string | null;
  phone?: string | null;
  email?: string | null;
  officeHours?: OfficeHours[];
}

/** Fields to change; omitted fields keep their value, null clears an optional one. */
export type AgencyPatch = Partial<AgencyInput> & { active?: boolean };

export interface ListOptions {
  /** Closed agencies (e.g. merged away) are hidden unless asked for. */
  includeInactive?: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Identifier codes

export interface AgencyCodeParts {
  /**
   * `decision20`: level-1 group first, e.g. `H42.01.05` (Decision 20/2020/QĐ-TTg art. 4).
   * `legacy`: `V1V2V3.Z1Z2.Y1Y2.MX1X2`, level-1 group last, e.g. `000.00.00.H42` (QCVN 102:2016/BTTTT, Circular
   * 10/2016/TT-BTTTT), still printed on the national portal and in dossier codes.
   */
  form: 'decision20' | 'legacy';
  /** The level-1 code MX1X2, e.g. `H42`. */
  level1: string;
  groups: string[];
}

/** Level-1 code MX1X2: M a letter A–Y, X1 X2 digits (Decision 20/2020/QĐ-TTg art. 4(2)). */
const level1Pattern = /^[A-Y][0-9]{2}$/;

/**
 * Parses an agency identifier, or returns the reason it is not one. Decision 20/2020/QĐ-TTg art. 4(1): at most 35
 * characters, only dots, digits 0–9 and capital letters A–Z, in groups separated by dots.
 */
export function parseAgencyCode(code: string): AgencyCodeParts | { error: string } {
  if (code.length === 0) return { error: 'empty' };
  if (code.length > 35) return { error: 'longer than 35 characters' };
  if (!/^[0-9A-Z.]+$/.test(code)) return { error: 'only digits, capital letters A–Z and dots are allowed' };
  const groups = code.split('.');
  if (groups.some((g) => g.length === 0)) return { error: 'empty group between dots' };
  if (level1Pattern.test(groups[0]!)) return { form: 'decision20', level1: groups[0]!, groups };
  const last = groups[groups.length - 1]!;
  if (
    groups.length === 4 &&
    level1Pattern.test(last) &&
    groups[0]!.length === 3 &&
    groups[1]!.length === 2 &&
    groups[2]!.length === 2 &&
    groups.slice(0, 3).every((g) => /^[0-9A-Z]+$/.test(g))
  ) {
    return { form: 'legacy', level1: last, groups };
  }
  return { error: 'no level-1 group (a letter A–Y and two digits) first, nor in the form 000.00.00.H00' };
}

export function isAgencyCode(code: string): boolean {
  return !('error' in parseAgencyCode(code));
}

// ---------------------------------------------------------------------------------------------------------------
// Office hours

const timePattern = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

/**
 * Validates and sorts office hours. Each interval is one weekday (1 = Monday ... 7 = Sunday) with HH:MM times,
 * opening before closing; intervals of one day must not overlap (a lunch break makes two intervals).
 */
export function normaliseOfficeHours(input: unknown): OfficeHours[] {
  if (!Array.isArray(input)) throw officeHoursInvalid(0, 'not a list');
  const hours = input.map((entry: unknown, index): OfficeHours => {
    if (typeof entry !== 'object' || entry === null) throw officeHoursInvalid(index, 'not an object');
    const { day, open, close } = entry as Record<string, unknown>;
    if (typeof day !== 'number' || !Number.isInteger(day) || day < 1 || day > 7) {
      throw officeHoursInvalid(index, 'day must be 1 (Monday) to 7 (Sunday)');
    }
    if (typeof open !== 'string' || !timePattern.test(open)) throw officeHoursInvalid(index, 'open must be HH:MM');
    if (typeof close !== 'string' || !timePattern.test(close)) throw officeHoursInvalid(index, 'close must be HH:MM');
    if (open >= close) throw officeHoursInvalid(index, 'open must be before close');
    return { day, open, close };
  });
  hours.sort((a, b) => a.day - b.day || a.open.localeCompare(b.open));
  for (let i = 1; i < hours.length; i += 1) {
    const previous = hours[i - 1]!;
    const current = hours[i]!;
    if (previous.day === current.day && current.open < previous.close) {
      throw officeHoursInvalid(i, `overlapping intervals on day ${current.day}`);
    }
  }
  return hours;
}

function officeHoursInvalid(index: number, reason: string): DomainError {
  return new DomainError(AdminErrors.agencyOfficeHoursInvalid, { params: { index, reason } });
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * Which kinds of parent each kind accepts (null: a root). Since 1 July 2025 local government has two levels, so
 * commune People's Committees sit directly under the province People's Committee (Law 72/2025/QH15 on the
 * Organisation of Local Government); service centres exist at province and commune level (Decree 118/2025/NĐ-CP
 * art. 7).
 */
const allowedParents: Record<AgencyKind, ReadonlyArray<AgencyKind | null>> = {
  ministry: [null, 'ministry'],
  province_committee: [null],
  department: ['province_committee', 'ministry'],
  service_centre: ['province_committee', 'commune_committee'],
  commune_committee: ['province_committee'],
  other: [null, 'ministry', 'province_committee', 'department', 'service_centre', 'commune_committee', 'other'],
};

// Siblings are shown committee first, then the service centre, departments, communes.
const kindRank: Record<AgencyKind, number> = {
  ministry: 0,
  province_committee: 1,
  service_centre: 2,
  department: 3,
  other: 4,
  commune_committee: 5,
};
const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const phonePattern = /^\+?[0-9 .()-]{6,20}$/;

/** The agency tree: ministries, province and commune People's Committees, departments, service centres. */
export class AgencyService {
  constructor(
    private readonly agencies: AgencyRepository,
    private readonly units: UnitsRepository,
  ) {}

  async create(input: AgencyInput): Promise<AgencyView> {
    const fields = await this.validate({
      code: input.code,
      parent_id: input.parentId ?? null,
      kind: input.kind,
      name: input.name,
      name_en: input.nameEn ?? null,
      short_name: input.shortName ?? null,
      province_code: input.provinceCode ?? null,
      commune_code: input.communeCode ?? null,
      address: input.address ?? null,
      phone: input.phone ?? null,
      email: input.email ?? null,
      office_hours: input.officeHours ?? [],
      active: true,
    });
    if (await this.agencies.findByCode(fields.code)) throw codeTaken(fields.code);
    try {
      return presentAgency(await this.agencies.insert(fields));
    } catch (error) {
      throw isUniqueViolation(error) ? codeTaken(fields.code, error) : error;
    }
  }

  async update(id: number, patch: AgencyPatch): Promise<AgencyView> {
    const current = await this.requireRow(id);
    const pick = <K extends keyof AgencyPatch, T>(key: K, fallback: T): T =>
      (patch[key] === undefined ? fallback : patch[key]) as T;
    const fields = await this.validate(
      {
        code: pick('code', current.code),
        parent_id: pick('parentId', current.parent_id),
        kind: pick('kind', current.kind),
        name: pick('name', current.name),
        name_en: pick('nameEn', current.name_en),
        short_name: pick('shortName', current.short_name),
        province_code: pick('provinceCode', current.province_code),
        commune_code: pick('communeCode', current.commune_code),
        address: pick('address', current.address),
        phone: pick('phone', current.phone),
        email: pick('email', current.email),
        office_hours: pick('officeHours', current.office_hours),
        active: pick('active', current.active),
      },
      current,
    );
    if (fields.code !== current.code) {
      const holder = await this.agencies.findByCode(fields.code);
      if (holder && holder.id !== id) throw codeTaken(fields.code);
    }
    try {
      const row = await this.agencies.update(id, fields);
      if (!row) throw notFound(id);
      return presentAgency(row);
    } catch (error) {
      throw isUniqueViolation(error) ? codeTaken(fields.code, error) : error;
    }
  }

  async get(id: number): Promise<AgencyView> {
    return presentAgency(await this.requireRow(id));
  }

  async getByCode(code: string): Promise<AgencyView> {
    const row = await this.agencies.findByCode(code);
    if (!row) throw new DomainError(AdminErrors.agencyNotFound, { params: { code } });
    return presentAgency(row);
  }

  /** Direct children of an agency, in display order. */
  async children(id: number, options: ListOptions = {}): Promise<AgencyView[]> {
    await this.requireRow(id);
    const rows = await this.agencies.listChildren(id, options.includeInactive ?? false);
    return rows.map(presentAgency).sort(displayOrder);
  }

  /**
   * The agency tree: with `rootId`, one root (that agency) and its descendants; without, every root agency.
   * Children are in display order.
   */
  async tree(rootId?: number, options: ListOptions = {}): Promise<AgencyTreeNode[]> {
    const includeInactive = options.includeInactive ?? false;
    let rows: AgencyRow[];
    if (rootId === undefined) {
      rows = await this.agencies.listAll(includeInactive);
    } else {
      await this.requireRow(rootId);
      rows = await this.agencies.listSubtree(rootId, includeInactive);
    }
    const nodes = new Map<number, AgencyTreeNode>(rows.map((row) => [row.id, { ...presentAgency(row), children: [] }]));
    const roots: AgencyTreeNode[] = [];
    for (const node of nodes.values()) {
      const parent = node.id === rootId || node.parentId === null ? undefined : nodes.get(node.parentId);
      if (parent) parent.children.push(node);
      // Without a root, agencies under a hidden (inactive) parent stay hidden with it.
      else if (rootId === undefined ? node.parentId === null : node.id === rootId) roots.push(node);
    }
    const sortDeep = (list: AgencyTreeNode[]) => {
      list.sort(displayOrder);
      for (const node of list) sortDeep(node.children);
    };
    sortDeep(roots);
    return roots;
  }

  async listByKind(kind: AgencyKind, options: ListOptions & { provinceCode?: string } = {}): Promise<AgencyView[]> {
    if (!agencyKinds.includes(kind)) throw validation('kind', 'error.fieldInvalid');
    const rows = await this.agencies.listByKind(kind, options.provinceCode, options.includeInactive ?? false);
    return rows.map(presentAgency).sort(displayOrder);
  }

  /** Active agencies whose name, English name, short name or code contains the text (diacritics optional). */
  async search(text: string, limit = 50): Promise<AgencyView[]> {
    const query = text.trim();
    if (query.length === 0) return [];
    const rows = await this.agencies.search(query, Math.min(Math.max(limit, 1), 200));
    return rows.map(presentAgency).sort(displayOrder);
  }

  private async requireRow(id: number): Promise<AgencyRow> {
    const row = await this.agencies.findById(id);
    if (!row) throw notFound(id);
    return row;
  }

  /** Checks every rule on the full set of fields; `current` is the stored row when updating. */
  private async validate(fields: AgencyFields, current?: AgencyRow): Promise<AgencyFields> {
    const code = fields.code.trim();
    const parsed = parseAgencyCode(code);
    if ('error' in parsed) {
      throw new DomainError(AdminErrors.agencyCodeInvalid, { params: { code, reason: parsed.error } });
    }
    if (!agencyKinds.includes(fields.kind)) throw validation('kind', 'error.fieldInvalid');

    const problems: FieldProblem[] = [];
    const name = fields.name.trim();
    if (name.length === 0 || name.length > 300) problems.push({ field: 'name', messageKey: 'error.fieldInvalid' });
    const email = blankToNull(fields.email);
    if (email !== null && !emailPattern.test(email)) problems.push({ field: 'email', messageKey: 'error.fieldInvalid' });
    const phone = blankToNull(fields.phone);
    if (phone !== null && !phonePattern.test(phone)) problems.push({ field: 'phone', messageKey: 'error.fieldInvalid' });
    if (problems.length > 0) throw new DomainError(CommonErrors.validation, { fields: problems });

    const officeHours = normaliseOfficeHours(fields.office_hours);
    await this.checkParent(fields.kind, fields.parent_id, current);
    const { provinceCode, communeCode } = await this.checkUnits(
      fields.kind,
      blankToNull(fields.province_code),
      blankToNull(fields.commune_code),
    );

    return {
      code,
      parent_id: fields.parent_id,
      kind: fields.kind,
      name,
      name_en: blankToNull(fields.name_en),
      short_name: blankToNull(fields.short_name),
      province_code: provinceCode,
      commune_code: communeCode,
      address: blankToNull(fields.address),
      phone,
      email,
      office_hours: officeHours,
      active: fields.active,
    };
  }

  private async checkParent(kind: AgencyKind, parentId: number | null, current?: AgencyRow): Promise<void> {
    const allowed = allowedParents[kind];
    let parentKind: AgencyKind | null = null;
    if (parentId !== null) {
      const parent = await this.agencies.findById(parentId);
      if (!parent) throw parentInvalid(kind, 'parent does not exist');
      parentKind = parent.kind;
      if (current) {
        if (parentId === current.id) throw parentInvalid(kind, 'an agency cannot be its own parent');
        const ancestors = await this.agencies.listAncestorIds(parentId);
        if (ancestors.includes(current.id)) throw parentInvalid(kind, 'the parent is a descendant of the agency');
      }
    }
    if (!allowed.includes(parentKind)) {
      throw parentInvalid(kind, parentKind === null ? 'needs a parent agency' : `cannot be under a ${parentKind}`);
    }
    // A changed kind must still be a valid parent for the existing children.
    if (current && current.kind !== kind) {
      const children = await this.agencies.listChildren(current.id, true);
      const misfit = children.find((child) => !allowedParents[child.kind].includes(kind));
      if (misfit) throw parentInvalid(misfit.kind, `child ${misfit.code} cannot be under a ${kind}`);
    }
  }

  /** Unit codes must exist in the current edition; a commune fixes the province. */
  private async checkUnits(
    kind: AgencyKind,
    provinceCode: string | null,
    communeCode: string | null,
  ): Promise<{ provinceCode: string | null; communeCode: string | null }> {
    if (kind === 'province_committee' && provinceCode === null) throw unitInvalid('', 'a province committee needs a province');
    if (kind === 'commune_committee' && communeCode === null) throw unitInvalid('', 'a commune committee needs a commune');
    if (provinceCode === null && communeCode === null) return { provinceCode, communeCode };
    if (!(await this.units.currentEdition())) throw new DomainError(AdminErrors.unitsNotLoaded);
    let province = provinceCode;
    if (communeCode !== null) {
      const commune = await this.units.findCurrentUnit(communeCode);
      if (!commune || commune.level !== 'commune') throw unitInvalid(communeCode, 'not a commune of the current edition');
      if (province !== null && province !== commune.parent_code) {
        throw unitInvalid(communeCode, `the commune belongs to province ${commune.parent_code ?? ''}`);
      }
      province = commune.parent_code;
    } else if (province !== null) {
      const unit = await this.units.findCurrentUnit(province);
      if (!unit || unit.level !== 'province') throw unitInvalid(province, 'not a province of the current edition');
    }
    return { provinceCode: province, communeCode };
  }
}

export function presentAgency(row: AgencyRow): AgencyView {
  return {
    id: row.id,
    code: row.code,
    parentId: row.parent_id,
    kind: row.kind,
    name: row.name,
    nameEn: row.name_en,
    shortName: row.short_name,
    provinceCode: row.province_code,
    communeCode: row.commune_code,
    address: row.address,
    phone: row.phone,
    email: row.email,
    officeHours: Array.isArray(row.office_hours)
      ? row.office_hours.map((h) => ({ day: h.day, open: h.open, close: h.close }))
      : [],
    active: row.active,
  };
}

function displayOrder(a: AgencyView, b: AgencyView): number {
  return kindRank[a.kind] - kindRank[b.kind] || collator.compare(a.name, b.name) || a.id - b.id;
}

function blankToNull(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed.length === 0 ? null : trimmed;
}

function notFound(id: number): DomainError {
  return new DomainError(AdminErrors.agencyNotFound, { params: { id } });
}

function codeTaken(code: string, cause?: unknown): DomainError {
  return new DomainError(AdminErrors.agencyCodeTaken, { params: { code }, ...(cause === undefined ? {} : { cause }) });
}

function parentInvalid(kind: AgencyKind, reason: string): DomainError {
  return new DomainError(AdminErrors.agencyParentInvalid, { params: { kind, reason } });
}

function unitInvalid(code: string, reason: string): DomainError {
  return new DomainError(AdminErrors.agencyUnitInvalid, { params: { code, reason } });
}

function validation(field: string, messageKey: string): DomainError {
  return new DomainError(CommonErrors.validation, { fields: [{ field, messageKey }] });
}

/** PostgreSQL unique_violation (SQLSTATE 23505), as raised by both pg and PGlite. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
