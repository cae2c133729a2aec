import { createHash } from 'node:crypto';
import { DomainError, type FieldProblem } from '../../platform/errors/errors.js';
import { CalendarErrors } from './calendar.errors.js';
import { computeStatutoryHolidays, defaultStatutoryRules, type CalendarDayEntry, type StatutoryRules } from './calendar.holidays.js';
import type { OfficialEditionSeed } from './calendar.official.js';
import type { CalendarRepository, DayRow, EditionRow } from './calendar.repository.js';
import type { CalendarDayKind, CalendarEditionStatus } from './calendar.tables.js';
import { epochDayOf, isLocalDate, weekdayOfEpochDay, yearOfEpochDay, type LocalDate } from './calendar.time.js';
import { WorkingCalendar, type OfficeHoursInterval } from './calendar.working.js';

/** Who changes the national calendar; only system administrators may (checked here and declared on the route). */
export interface CalendarActor {
  userId: number;
  roles: readonly string[];
}

/** A version of a year's table, as views and the API see it. */
export interface CalendarEditionView {
  year: number;
  version: number;
  status: CalendarEditionStatus;
  /** True for the version in force: the latest active version of its year. */
  inForce: boolean;
  legalSource: string;
  note: string | null;
  dayCount: number;
  /** Null when the system wrote it (the official seed). */
  createdBy: number | null;
  createdAt: Date;
  withdrawnBy: number | null;
  withdrawnAt: Date | null;
}

export interface CalendarEditionDetail extends CalendarEditionView {
  days: CalendarDayEntry[];
}

/** One entry as typed by an administrator; `verified` defaults to true. */
export interface CalendarDayInput {
  date: string;
  kind: string;
  nameVi: string;
  nameEn: string;
  legalSource: string;
  verified?: boolean;
}

/** A complete new table for a year (replaces the one in force as a new version). */
export interface PublishYearInput {
  year: number;
  days: readonly CalendarDayInput[];
  /** The notice the new version follows, e.g. `Thông báo 9441/TB-BNV ngày 16/10/2025`. */
  legalSource: string;
  note?: string | null;
}

/** A change to the table in force (or to the computed base when the year has none), saved as a new version. */
export interface AmendYearInput {
  year: number;
  /** Entries to add, or to replace on the same date. */
  set?: readonly CalendarDayInput[];
  /** Dates whose entries are removed. */
  remove?: readonly string[];
  legalSource: string;
  note?: string | null;
}

export interface SeedResult {
  /** Versions written by this run. */
  inserted: Array<{ year: number; version: number }>;
  /** Years left alone: already seeded with the same table, or changed since by an administrator. */
  skipped: number[];
}

const kinds: readonly CalendarDayKind[] = ['holiday', 'day_off', 'working_day'];
const MAX_NAME = 200;
const MAX_SOURCE = 500;
const MAX_NOTE = 2000;

interface CacheEntry {
  signature: string;
  official: Map<number, CalendarDayEntry[]>;
  calendars: Map<string, WorkingCalendar>;
}

/**
 * The working-day calendar backed by the database: the official yearly tables (versioned editions) on top of the
 * holidays computed from the Labour Code. Builds {@link WorkingCalendar}s, cached until the set of versions in force
 * changes (checked with one small query per call, so a version published by another process is seen at once).
 */
export class CalendarService {
  private readonly rules: StatutoryRules;
  private cache: CacheEntry | undefined;

  constructor(
    private readonly calendars: CalendarRepository,
    options: { rules?: StatutoryRules } = {},
  ) {
    this.rules = options.rules ?? defaultStatutoryRules;
  }

  /** The working calendar for an agency's office hours (default hours when empty or missing). */
  async calendar(officeHours: readonly OfficeHoursInterval[] = []): Promise<WorkingCalendar> {
    const active = await this.calendars.activeEditionIds();
    const signature = active.map((e) => e.id).join(',');
    let cache = this.cache;
    if (!cache || cache.signature !== signature) {
      const rows = await this.calendars.daysOf(active.map((e) => e.id));
      const official = new Map<number, CalendarDayEntry[]>(active.map((e) => [e.year, []]));
      const yearOfEdition = new Map(active.map((e) => [e.id, e.year]));
      for (const row of rows) official.get(yearOfEdition.get(row.edition_id)!)!.push(entryOf(row));
      cache = { signature, official, calendars: new Map() };
      this.cache = cache;
    }
    const key = JSON.stringify(officeHours);
    let calendar = cache.calendars.get(key);
    if (!calendar) {
      calendar = new WorkingCalendar({ officialYears: cache.official, rules: this.rules, officeHours });
      cache.calendars.set(key, calendar);
    }
    return calendar;
  }

  /** The holidays the law gives a year before any notice: a starting point for an administrator's new table. */
  computedYear(year: number): CalendarDayEntry[] {
    if (!Number.isInteger(year) || year < 1900 || year > 2999) throw yearInvalid();
    return computeStatutoryHolidays(year, this.rules);
  }

  async listEditions(year?: number): Promise<CalendarEditionView[]> {
    const rows = await this.calendars.listEditions(year);
    const inForce = new Map<number, number>();
    for (const row of rows) {
      if (row.status === 'active' && row.version > (inForce.get(row.year) ?? 0)) inForce.set(row.year, row.version);
    }
    return rows.map((row) => editionView(row, inForce.get(row.year) === row.version));
  }

  async getEdition(year: number, version: number): Promise<CalendarEditionDetail> {
    const row = await this.calendars.findEdition(year, version);
    if (!row) throw new DomainError(CalendarErrors.editionNotFound, { params: { year, version } });
    const latest = await this.calendars.latestActiveEdition(year);
    const days = (await this.calendars.daysOf([row.id])).map(entryOf);
    return { ...editionView(row, latest?.id === row.id), days };
  }

  /** Saves a complete table for a year as its next version, which is then in force. */
  async publishYear(input: PublishYearInput, actor: CalendarActor): Promise<CalendarEditionView> {
    authorise(actor);
    const header = this.validateHeader(input);
    const days = this.validateDays(input.year, input.days);
    return this.insert(input.year, days, header, actor.userId);
  }

  /**
   * Applies a notice's changes to the table in force (e.g. a swapped working day announced late in the year) and
   * saves the result as the next version. Without a table in force, the computed base is the starting point.
   */
  async amendYear(input: AmendYearInput, actor: CalendarActor): Promise<CalendarEditionView> {
    authorise(actor);
    const header = this.validateHeader(input);
    const changes = this.validateDays(input.year, input.set ?? [], 'set');
    return this.calendars.transaction(async (calendars) => {
      await calendars.lockYear(input.year);
      const current = await calendars.latestActiveEdition(input.year);
      const base = current ? (await calendars.daysOf([current.id])).map(entryOf) : computeStatutoryHolidays(input.year, this.rules);
      const table = new Map(base.map((entry) => [entry.date, entry]));
      const problems: FieldProblem[] = [];
      (input.remove ?? []).forEach((date, index) => {
        if (!table.delete(date)) {
          problems.push({ field: `remove[${index}]`, messageKey: 'calendar.field.dateNotInTable', params: { date: String(date) } });
        }
      });
      if (problems.length > 0) throw new DomainError(CalendarErrors.tableInvalid, { fields: problems });
      for (const entry of changes) table.set(entry.date, entry);
      const days = this.validateDays(input.year, [...table.values()]);
      return this.insertLocked(calendars, input.year, days, header, actor.userId);
    });
  }

  /** Withdraws a version; the latest remaining active version of the year (or the computed base) is then in force. */
  async withdrawEdition(year: number, version: number, actor: CalendarActor): Promise<CalendarEditionView> {
    authorise(actor);
    return this.calendars.transaction(async (calendars) => {
      await calendars.lockYear(year);
      const row = await calendars.findEdition(year, version);
      if (!row) throw new DomainError(CalendarErrors.editionNotFound, { params: { year, version } });
      if (!(await calendars.withdrawEdition(row.id, actor.userId))) {
        throw new DomainError(CalendarErrors.editionConflict, { params: { year, version } });
      }
      const updated = (await calendars.findEdition(year, version))!;
      return editionView(updated, false);
    });
  }

  /**
   * Writes an official table unless the year already has one: idempotent, and never over an administrator's
   * version. When the seed data of a year was corrected in code after it was seeded, and nobody changed the year
   * since, the corrected table is added as the next version.
   */
  async seed(seeds: readonly OfficialEditionSeed[]): Promise<SeedResult> {
    const result: SeedResult = { inserted: [], skipped: [] };
    for (const seed of seeds) {
      const days = this.validateDays(seed.year, seed.days);
      const checksum = checksumOf(days);
      const inserted = await this.calendars.transaction(async (calendars) => {
        await calendars.lockYear(seed.year);
        const editions = await calendars.listEditions(seed.year);
        const latestActive = editions.filter((e) => e.status === 'active').at(-1);
        const fresh = editions.length === 0;
        const correctedSeed =
          latestActive !== undefined &&
          latestActive.created_by === null &&
          latestActive.checksum !== checksum &&
          editions.every((e) => e.checksum !== checksum);
        if (!fresh && !correctedSeed) return undefined;
        return this.insertLocked(calendars, seed.year, days, { legalSource: seed.legalSource, note: seed.note }, null);
      });
      if (inserted) result.inserted.push({ year: inserted.year, version: inserted.version });
      else result.skipped.push(seed.year);
    }
    return result;
  }

  // ---------------------------------------------------------------------------------------------------------------

  private async insert(
    year: number,
    days: CalendarDayEntry[],
    header: { legalSource: string; note: string | null },
    createdBy: number | null,
  ): Promise<CalendarEditionView> {
    return this.calendars.transaction(async (calendars) => {
      await calendars.lockYear(year);
      return this.insertLocked(calendars, year, days, header, createdBy);
    });
  }

  private async insertLocked(
    calendars: CalendarRepository,
    year: number,
    days: CalendarDayEntry[],
    header: { legalSource: string; note: string | null },
    createdBy: number | null,
  ): Promise<CalendarEditionView> {
    const { version } = await calendars.insertEdition({
      year,
      legal_source: header.legalSource,
      note: header.note,
      checksum: checksumOf(days),
      created_by: createdBy,
      days: days.map((d) => ({
        date: d.date,
        kind: d.kind,
        name_vi: d.nameVi,
        name_en: d.nameEn,
        legal_source: d.legalSource,
        verified: d.verified,
      })),
    });
    this.cache = undefined;
    return editionView((await calendars.findEdition(year, version))!, true);
  }

  private validateHeader(input: { year: unknown; legalSource: unknown; note?: unknown }): { legalSource: string; note: string | null } {
    const problems: FieldProblem[] = [];
    if (typeof input.year !== 'number' || !Number.isInteger(input.year) || input.year < 1900 || input.year > 2999) {
      problems.push({ field: 'year', messageKey: 'calendar.field.yearInvalid' });
    }
    const legalSource = typeof input.legalSource === 'string' ? input.legalSource.trim() : '';
    if (!legalSource || legalSource.length > MAX_SOURCE) problems.push({ field: 'legalSource', messageKey: 'calendar.field.legalSourceRequired' });
    const note = typeof input.note === 'string' && input.note.trim() ? input.note.trim() : null;
    if (note && note.length > MAX_NOTE) problems.push({ field: 'note', messageKey: 'calendar.field.noteTooLong' });
    if (problems.length > 0) throw new DomainError(CalendarErrors.tableInvalid, { fields: problems });
    return { legalSource, note };
  }

  /**
   * Checks a year's entries: real dates inside the year, each date once, a known kind, names and a legal source,
   * and `working_day` only on a weekly rest day (a swapped Saturday; on a weekday it would mean nothing).
   */
  private validateDays(year: number, input: readonly CalendarDayInput[], path = 'days'): CalendarDayEntry[] {
    if (!Number.isInteger(year) || year < 1900 || year > 2999) throw yearInvalid();
    const problems: FieldProblem[] = [];
    const seen = new Set<string>();
    const rest = new Set<number>(this.rules.weeklyRestDays);
    const entries: CalendarDayEntry[] = [];
    input.forEach((raw, index) => {
      const field = (name: string) => `${path}[${index}].${name}`;
      const before = problems.length;
      const date = typeof raw?.date === 'string' ? raw.date : '';
      if (!isLocalDate(date)) {
        problems.push({ field: field('date'), messageKey: 'calendar.field.dateInvalid' });
      } else if (yearOfEpochDay(epochDayOf(date)) !== year) {
        problems.push({ field: field('date'), messageKey: 'calendar.field.dateOutsideYear', params: { date, year } });
      } else if (seen.has(date)) {
        problems.push({ field: field('date'), messageKey: 'calendar.field.dateDuplicate', params: { date } });
      }
      seen.add(date);
      const kind = raw?.kind as CalendarDayKind;
      if (!kinds.includes(kind)) {
        problems.push({ field: field('kind'), messageKey: 'calendar.field.kindInvalid' });
      } else if (kind === 'working_day' && isLocalDate(date) && !rest.has(weekdayOfEpochDay(epochDayOf(date)))) {
        problems.push({ field: field('kind'), messageKey: 'calendar.field.workingDayNotRestDay', params: { date } });
      }
      const nameVi = typeof raw?.nameVi === 'string' ? raw.nameVi.trim() : '';
      const nameEn = typeof raw?.nameEn === 'string' ? raw.nameEn.trim() : '';
      if (!nameVi || nameVi.length > MAX_NAME) problems.push({ field: field('nameVi'), messageKey: 'calendar.field.nameRequired' });
      if (!nameEn || nameEn.length > MAX_NAME) problems.push({ field: field('nameEn'), messageKey: 'calendar.field.nameRequired' });
      const legalSource = typeof raw?.legalSource === 'string' ? raw.legalSource.trim() : '';
      if (!legalSource || legalSource.length > MAX_SOURCE) {
        problems.push({ field: field('legalSource'), messageKey: 'calendar.field.legalSourceRequired' });
      }
      if (problems.length === before) {
        entries.push({ date, kind, nameVi, nameEn, legalSource, verified: raw.verified !== false });
      }
    });
    if (problems.length > 0) throw new DomainError(CalendarErrors.tableInvalid, { fields: problems });
    return entries.sort((a, b) => a.date.localeCompare(b.date));
  }
}

function authorise(actor: CalendarActor): void {
  if (!actor.roles.includes('system_admin')) throw new DomainError(CalendarErrors.forbidden);
}

function yearInvalid(): DomainError {
  return new DomainError(CalendarErrors.tableInvalid, { fields: [{ field: 'year', messageKey: 'calendar.field.yearInvalid' }] });
}

function entryOf(row: DayRow): CalendarDayEntry {
  return {
    date: row.date as LocalDate,
    kind: row.kind,
    nameVi: row.name_vi,
    nameEn: row.name_en,
    legalSource: row.legal_source,
    verified: row.verified,
  };
}

function editionView(row: EditionRow, inForce: boolean): CalendarEditionView {
  return {
    year: row.year,
    version: row.version,
    status: row.status,
    inForce,
    legalSource: row.legal_source,
    note: row.note,
    dayCount: Number(row.day_count),
    createdBy: row.created_by,
    createdAt: row.created_at,
    withdrawnBy: row.withdrawn_by,
    withdrawnAt: row.withdrawn_at,
  };
}

/** SHA-256 of the entries in date order: the same table always gives the same checksum. */
export function checksumOf(days: readonly CalendarDayEntry[]): string {
  const canonical = [...days]
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((d) => [d.date, d.kind, d.nameVi, d.nameEn, d.legalSource, d.verified]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
