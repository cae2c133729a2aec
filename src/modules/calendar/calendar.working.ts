import { DomainError } from '../../platform/errors/errors.js';
import { CalendarErrors } from './calendar.errors.js';
import { computeStatutoryHolidays, defaultStatutoryRules, type CalendarDayEntry, type StatutoryRules } from './calendar.holidays.js';
import {
  epochDayOf,
  epochDayOfInstant,
  instantAt,
  localDateOfEpochDay,
  MS_PER_HOUR,
  parseClock,
  weekdayOfEpochDay,
  yearOfEpochDay,
  type LocalDate,
  type Weekday,
} from './calendar.time.js';

/** One opening interval of an agency (the shape of `agency.office_hours`): weekday 1 = Monday ... 7 = Sunday. */
export interface OfficeHoursInterval {
  day: number;
  open: string;
  close: string;
}

/**
 * Office hours used when an agency has none: Monday to Friday 07:30–11:30 and 13:30–17:00 (the usual hours of
 * one-stop desks; each province fixes its own, which agencies record in their office hours).
 */
export const defaultOfficeHours: readonly OfficeHoursInterval[] = Object.freeze(
  [1, 2, 3, 4, 5].flatMap((day) => [
    { day, open: '07:30', close: '11:30' },
    { day, open: '13:30', close: '17:00' },
  ]),
);

/** A time the deadline clock stood still, e.g. waiting for the applicant's supplement; `to: null` = still paused. */
export interface PauseInterval {
  from: Date;
  to: Date | null;
}

/** Working time between two instants. */
export interface WorkingDuration {
  /** Exact working time in milliseconds (negative when the end is before the start). */
  milliseconds: number;
  hours: number;
  /** `hours` divided by the length of this calendar's standard working day ({@link WorkingCalendar.hoursPerWorkingDay}). */
  days: number;
}

/** Why a date is or is not a working day. */
export type DayStatus = 'working' | 'weekly_rest' | 'holiday' | 'day_off' | 'swapped_working';

export interface DayInfo {
  date: LocalDate;
  weekday: Weekday;
  working: boolean;
  status: DayStatus;
  /** The table entry that decided the status, if any. */
  entry: CalendarDayEntry | null;
  /** `official`: the year has an official table (database); `computed`: the statutory base computed in code. */
  origin: 'official' | 'computed';
  /** The office intervals of the day, empty on a day off. */
  intervals: Array<{ open: Date; close: Date }>;
}

export interface WorkingCalendarOptions {
  /**
   * Official tables by year (the latest active version of each year). A year present here is authoritative: its
   * entries replace the computed base for that year, so a table lists every holiday and day off of its year.
   */
  officialYears?: ReadonlyMap<number, readonly CalendarDayEntry[]>;
  /** Rules of the computed base for the other years, and the weekly rest days (default Saturday and Sunday). */
  rules?: StatutoryRules;
  /** The agency's office hours; empty or missing means {@link defaultOfficeHours}. */
  officeHours?: readonly OfficeHoursInterval[];
}

/** Minutes after midnight: [open, close]. */
type Segment = readonly [number, number];

// A guard against a calendar without any working day (every weekday a rest day): stop after ten years of nothing.
const MAX_DAYS_WITHOUT_WORK = 3660;

/**
 * The working-day calendar of one agency: which days are working days and when the office is open on them, with
 * the arithmetic statutory deadlines need. Pure: built from the holiday tables and office hours, no database.
 * All dates and clock times are Vietnamese (UTC+7, no daylight saving) whatever the server's time zone.
 *
 * A working day excludes weekly rest days (Saturday, Sunday), public holidays and official days off, and includes
 * swapped working Saturdays (RULES.md, Deadlines). Working time is the office hours of working days. An instant
 * exactly at an opening or closing time belongs to the working day (intervals are closed), so "due at 17:00" and
 * "received at 17:00" are on that day.
 */
export class WorkingCalendar {
  /** Hours of a standard working day (the Monday hours; 7.5 with the default office hours). */
  readonly hoursPerWorkingDay: number;
  private readonly byWeekday: ReadonlyArray<readonly Segment[]>;
  private readonly standard: readonly Segment[];
  private readonly rest: ReadonlySet<number>;
  private readonly rules: StatutoryRules;
  private readonly official = new Map<number, Map<number, CalendarDayEntry>>();
  private readonly computed = new Map<number, Map<number, CalendarDayEntry>>();

  constructor(options: WorkingCalendarOptions = {}) {
    this.rules = options.rules ?? defaultStatutoryRules;
    this.rest = new Set(this.rules.weeklyRestDays);
    if (this.rest.size >= 7) throw new RangeError('a calendar needs at least one weekday that is not a rest day');
    const hours = options.officeHours && options.officeHours.length > 0 ? options.officeHours : defaultOfficeHours;
    this.byWeekday = segmentsByWeekday(hours);
    this.standard = standardSegments(this.byWeekday);
    this.hoursPerWorkingDay = this.standard.reduce((sum, [open, close]) => sum + close - open, 0) / 60;
    for (const [year, entries] of options.officialYears ?? []) {
      const table = new Map<number, CalendarDayEntry>();
      for (const entry of entries) {
        const day = epochDayOf(entry.date);
        if (yearOfEpochDay(day) !== year) throw new RangeError(`${entry.date} is not in the table of ${year}`);
        table.set(day, entry);
      }
      this.official.set(year, table);
    }
  }

  /** Whether the year's days come from an official table or from the computed base. */
  yearOrigin(year: number): 'official' | 'computed' {
    return this.official.has(year) ? 'official' : 'computed';
  }

  /** The table in force for a year (official, or computed when there is none), sorted by date. */
  entriesOf(year: number): CalendarDayEntry[] {
    return [...this.tableOf(year).entries()].sort((a, b) => a[0] - b[0]).map(([, entry]) => entry);
  }

  isWorkingDay(date: LocalDate | Date): boolean {
    return this.segmentsOf(toEpochDay(date)).length > 0;
  }

  describeDay(date: LocalDate | Date): DayInfo {
    const day = toEpochDay(date);
    const weekday = weekdayOfEpochDay(day);
    const entry = this.entryOf(day) ?? null;
    const segments = this.segmentsOf(day);
    let status: DayStatus;
    if (entry?.kind === 'holiday') status = 'holiday';
    else if (entry?.kind === 'day_off') status = 'day_off';
    else if (entry?.kind === 'working_day' && this.rest.has(weekday)) status = 'swapped_working';
    else status = this.rest.has(weekday) ? 'weekly_rest' : 'working';
    return {
      date: localDateOfEpochDay(day),
      weekday,
      working: segments.length > 0,
      status,
      entry,
      origin: this.yearOrigin(yearOfEpochDay(day)),
      intervals: segments.map(([open, close]) => ({ open: new Date(instantAt(day, open)), close: new Date(instantAt(day, close)) })),
    };
  }

  /** The first working day after `date`. */
  nextWorkingDay(date: LocalDate | Date): LocalDate {
    return localDateOfEpochDay(this.nextWorkingEpochDay(toEpochDay(date)));
  }

  /** The closing time of a working day's last office interval (a day off has none: RangeError). */
  endOfWorkingDay(date: LocalDate | Date): Date {
    const day = toEpochDay(date);
    if (!this.isWorkingEpochDay(day)) throw new RangeError(`${localDateOfEpochDay(day)} is not a working day`);
    return new Date(this.closeOf(day));
  }

  /**
   * The first instant at or after `instant` when the office is open on a working day. A dossier submitted online
   * after office hours, at night, on a weekend or a holiday counts as received at this moment (RULES.md, Deadlines:
   * "an online dossier received after office hours counts from the next working day"; the same principle as
   * Circular 87/2021/TT-BTC art. 10 and Decision 2988/QĐ-TCHQ art. 7(5): "ngoài giờ làm việc thì thời điểm tiếp
   * nhận hồ sơ là giờ làm việc đầu tiên của ngày làm việc kế tiếp"). During the lunch break it is the afternoon
   * opening; at exactly a closing time it is that instant.
   */
  nextWorkingMoment(instant: Date): Date {
    return new Date(this.nextWorkingMs(instant.getTime()));
  }

  /** The working day a dossier received at `instant` counts as received on: the date of {@link nextWorkingMoment}. */
  receptionDate(instant: Date): LocalDate {
    return localDateOfEpochDay(epochDayOfInstant(this.nextWorkingMs(instant.getTime())));
  }

  /**
   * The due moment of a duration of `n` working days for a dossier received at `instant` ("ngày hẹn trả").
   *
   * Convention (explicit): the reception day is not counted; day 1 is the first working day after the reception
   * day, and the duration ends when the office closes on the n-th working day. With the default hours, a dossier
   * received on Monday with 3 working days is due on Thursday at 17:00. Sources: Civil Code 2015 (91/2015/QH13)
   * art. 147(2)–(3) — for a period in days the day of the triggering event is not counted, counting starts on the
   * next day — and art. 148(1) — the period ends at the end of its last day; art. 148 would end the day at 24:00,
   * here it ends at the office's closing time, the last moment the desk can return a result. Statutory durations
   * run from reception ("kể từ ngày nhận đủ hồ sơ hợp lệ", e.g. Hanoi's internal process QĐ 1594/QĐ-TTPVHCC 2025:
   * "30 ngày làm việc kể từ ngày nhận đủ hồ sơ đề nghị hợp lệ"), so reception is the triggering event; an online
   * dossier received after hours is received at {@link nextWorkingMoment}.
   *
   * `n = 0` (same-day procedures) gives the closing time of the reception day. Chaining is exact:
   * `addWorkingDays(addWorkingDays(t, a), b)` equals `addWorkingDays(t, a + b)`.
   */
  addWorkingDays(instant: Date, n: number): Date {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0, not ${n}`);
    let day = epochDayOfInstant(this.nextWorkingMs(instant.getTime()));
    for (let i = 0; i < n; i += 1) day = this.nextWorkingEpochDay(day);
    return new Date(this.closeOf(day));
  }

  /**
   * The earliest instant at which `hours` of office time have passed since `instant` (lunch breaks, nights, rest
   * days and holidays do not count). Civil Code 2015 art. 147(1): a period in hours starts at the given moment.
   * Used for durations in working hours (e.g. Resolution 66.7/2025/NQ-CP: a missing-data supplement for an online
   * dossier within 8 working hours) and for a step's share of a duration. A result that fills an interval exactly
   * is its closing time (11:30, not 13:30). `hours` may be fractional; it is rounded to the millisecond.
   */
  addWorkingHours(instant: Date, hours: number): Date {
    if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`working hours must be a finite number ≥ 0, not ${hours}`);
    const start = instant.getTime();
    let remaining = Math.round(hours * MS_PER_HOUR);
    if (remaining === 0) return new Date(start);
    let day = epochDayOfInstant(start);
    let idle = 0;
    for (;;) {
      const segments = this.segmentsOf(day);
      if (segments.length === 0 && (idle += 1) > MAX_DAYS_WITHOUT_WORK) throw noWorkingDay(day);
      for (const [open, close] of segments) {
        const from = Math.max(instantAt(day, open), start);
        const to = instantAt(day, close);
        if (to <= from) continue;
        if (remaining <= to - from) return new Date(from + remaining);
        remaining -= to - from;
      }
      if (segments.length > 0) idle = 0;
      day += 1;
    }
  }

  /**
   * Working time from `start` to `end`, leaving out `pauses` (RULES.md, Deadlines: the clock pauses while waiting
   * for the applicant's supplement; Decision 766/QĐ-TTg indicators exclude supplement time).
   * Pauses may overlap each other or reach outside the span; an open pause (`to: null`) runs to `end`.
   * The result is negative when `end` is before `start` (e.g. the time left before a due date that has passed).
   */
  workingTimeBetween(start: Date, end: Date, pauses: readonly PauseInterval[] = []): WorkingDuration {
    const a = start.getTime();
    const b = end.getTime();
    const [low, high] = a <= b ? [a, b] : [b, a];
    let ms = this.workingMs(low, high);
    for (const [from, to] of mergePauses(pauses, low, high)) ms -= this.workingMs(from, to);
    const signed = ms === 0 ? 0 : a <= b ? ms : -ms;
    return {
      milliseconds: signed,
      hours: signed / MS_PER_HOUR,
      days: signed / (this.hoursPerWorkingDay * MS_PER_HOUR),
    };
  }

  // ---------------------------------------------------------------------------------------------------------------

  private tableOf(year: number): Map<number, CalendarDayEntry> {
    const official = this.official.get(year);
    if (official) return official;
    let computed = this.computed.get(year);
    if (!computed) {
      computed = new Map();
      // Outside 1900–2999 there is no statutory base: only the weekly rest days apply.
      if (year >= 1900 && year <= 2999) {
        for (const entry of computeStatutoryHolidays(year, this.rules)) computed.set(epochDayOf(entry.date), entry);
      }
      this.computed.set(year, computed);
    }
    return computed;
  }

  private entryOf(day: number): CalendarDayEntry | undefined {
    return this.tableOf(yearOfEpochDay(day)).get(day);
  }

  /**
   * Office intervals of a date, empty when it is not a working day. A normal weekday uses the agency's hours for
   * that weekday (the standard day when it has none); a swapped working Saturday replaces a full weekday, so it
   * uses the standard day even when the agency also opens on Saturday mornings.
   */
  private segmentsOf(day: number): readonly Segment[] {
    const entry = this.entryOf(day);
    const weekday = weekdayOfEpochDay(day);
    if (entry && entry.kind !== 'working_day') return [];
    if (this.rest.has(weekday)) return entry ? this.standard : [];
    const own = this.byWeekday[weekday]!;
    return own.length > 0 ? own : this.standard;
  }

  private isWorkingEpochDay(day: number): boolean {
    return this.segmentsOf(day).length > 0;
  }

  private nextWorkingEpochDay(day: number): number {
    for (let next = day + 1; next <= day + MAX_DAYS_WITHOUT_WORK; next += 1) {
      if (this.isWorkingEpochDay(next)) return next;
    }
    throw noWorkingDay(day);
  }

  private closeOf(day: number): number {
    const segments = this.segmentsOf(day);
    return instantAt(day, segments[segments.length - 1]![1]);
  }

  private nextWorkingMs(ms: number): number {
    const first = epochDayOfInstant(ms);
    for (let day = first; day <= first + MAX_DAYS_WITHOUT_WORK; day += 1) {
      for (const [open, close] of this.segmentsOf(day)) {
        if (day > first) return instantAt(day, open);
        if (ms <= instantAt(day, close)) return Math.max(ms, instantAt(day, open));
      }
    }
    throw noWorkingDay(first);
  }

  /** Office time in [low, high], low ≤ high. */
  private workingMs(low: number, high: number): number {
    let total = 0;
    const last = epochDayOfInstant(high);
    for (let day = epochDayOfInstant(low); day <= last; day += 1) {
      for (const [open, close] of this.segmentsOf(day)) {
        const from = Math.max(instantAt(day, open), low);
        const to = Math.min(instantAt(day, close), high);
        if (to > from) total += to - from;
      }
    }
    return total;
  }
}

function toEpochDay(date: LocalDate | Date): number {
  return typeof date === 'string' ? epochDayOf(date) : epochDayOfInstant(date.getTime());
}

function noWorkingDay(day: number): Error {
  return new Error(`no working day within ${MAX_DAYS_WITHOUT_WORK} days after ${localDateOfEpochDay(day)}: the calendar is misconfigured`);
}

/** Pauses clipped to [low, high], sorted and merged so that none overlap. */
function mergePauses(pauses: readonly PauseInterval[], low: number, high: number): Array<[number, number]> {
  const clipped: Array<[number, number]> = [];
  for (const pause of pauses) {
    const from = pause.from.getTime();
    const to = pause.to === null ? high : pause.to.getTime();
    if (Number.isNaN(from) || Number.isNaN(to) || to < from) throw new RangeError('a pause must end after it starts');
    const a = Math.max(from, low);
    const b = Math.min(to, high);
    if (b > a) clipped.push([a, b]);
  }
  clipped.sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const interval of clipped) {
    const previous = merged[merged.length - 1];
    if (previous && interval[0] <= previous[1]) previous[1] = Math.max(previous[1], interval[1]);
    else merged.push([interval[0], interval[1]]);
  }
  return merged;
}

/** Validates office hours and groups them by weekday, sorted, with overlapping or touching intervals merged. */
function segmentsByWeekday(hours: readonly OfficeHoursInterval[]): Segment[][] {
  const byDay: Array<Array<[number, number]>> = [[], [], [], [], [], [], [], []];
  hours.forEach((interval, index) => {
    const invalid = (reason: string) =>
      new DomainError(CalendarErrors.officeHoursInvalid, { params: { index, reason } });
    if (typeof interval !== 'object' || interval === null) throw invalid('not an object');
    const { day, open, close } = interval;
    if (!Number.isInteger(day) || day < 1 || day > 7) throw invalid('day must be 1 (Monday) to 7 (Sunday)');
    const from = typeof open === 'string' ? parseClock(open) : undefined;
    const to = typeof close === 'string' ? parseClock(close) : undefined;
    if (from === undefined || to === undefined) throw invalid('open and close must be HH:MM');
    if (from >= to) throw invalid('open must be before close');
    byDay[day]!.push([from, to]);
  });
  return byDay.map((segments) => {
    segments.sort((x, y) => x[0] - y[0]);
    const merged: Array<[number, number]> = [];
    for (const segment of segments) {
      const previous = merged[merged.length - 1];
      if (previous && segment[0] <= previous[1]) previous[1] = Math.max(previous[1], segment[1]);
      else merged.push([segment[0], segment[1]]);
    }
    return merged;
  });
}

/** The standard working day: Monday's hours, else the first of Tuesday–Friday with hours, else the default day. */
function standardSegments(byWeekday: ReadonlyArray<readonly Segment[]>): readonly Segment[] {
  for (const weekday of [1, 2, 3, 4, 5]) {
    const segments = byWeekday[weekday]!;
    if (segments.length > 0) return segments;
  }
  return segmentsByWeekday(defaultOfficeHours)[1]!;
}
