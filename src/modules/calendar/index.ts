/**
 * The calendar module: which days are working days in Vietnam and the deadline arithmetic on them (working days and
 * working hours within an agency's office hours, pauses, after-hours reception), on top of the yearly official
 * tables of holidays, days off and swapped working days kept as versioned editions in the database.
 * Other modules import only from here; rows and the repository stay inside the module.
 */
import type { Database } from '../../platform/db/database.js';
import type { StatutoryRules } from './calendar.holidays.js';
import { officialEditions } from './calendar.official.js';
import { CalendarRepository } from './calendar.repository.js';
import { CalendarService, type SeedResult } from './calendar.service.js';

export { CalendarErrors } from './calendar.errors.js';

export { WorkingCalendar, defaultOfficeHours } from './calendar.working.js';
export type {
  DayInfo,
  DayStatus,
  OfficeHoursInterval,
  PauseInterval,
  WorkingCalendarOptions,
  WorkingDuration,
} from './calendar.working.js';

export {
  computeStatutoryHolidays,
  defaultStatutoryRules,
  legalSources,
  vietnameseCultureDay,
  LABOUR_CODE,
} from './calendar.holidays.js';
export type { CalendarDayEntry, ExtraFixedHoliday, StatutoryRules } from './calendar.holidays.js';

export { officialEditions } from './calendar.official.js';
export type { OfficialEditionSeed } from './calendar.official.js';

export { CalendarService } from './calendar.service.js';
export type {
  AmendYearInput,
  CalendarActor,
  CalendarDayInput,
  CalendarEditionDetail,
  CalendarEditionView,
  PublishYearInput,
  SeedResult,
} from './calendar.service.js';
export type { CalendarDayKind, CalendarEditionStatus } from './calendar.tables.js';

export {
  VIETNAM_UTC_OFFSET_MINUTES,
  formatVietnamTime,
  isLocalDate,
  vietnamDateOf,
  vietnamInstant,
  weekdayOf,
} from './calendar.time.js';
export type { LocalDate, Weekday } from './calendar.time.js';

/** The calendar service over a database (the caller owns the handle); `rules` configures the computed base. */
export function createCalendarService(database: Database, options: { rules?: StatutoryRules } = {}): CalendarService {
  return new CalendarService(new CalendarRepository(database.db), options);
}

/**
 * Seeds the official tables of 2025 and 2026 (see calendar.official.ts). Idempotent: a year that already has a
 * table is left alone, unless only the seed wrote it and the seed data has since been corrected.
 */
export async function seedOfficialCalendar(database: Database): Promise<SeedResult> {
  return createCalendarService(database).seed(officialEditions);
}
