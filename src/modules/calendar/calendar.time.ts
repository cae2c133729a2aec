/**
 * Vietnam civil time without the host's time zone. Vietnam keeps UTC+7 all year (Indochina Time, no daylight
 * saving since 1975), so a local date and clock time are plain arithmetic on the UTC milliseconds: nothing here
 * calls a `Date` getter that depends on the server's TZ.
 */

/** A calendar date in Vietnam, `YYYY-MM-DD`. */
export type LocalDate = string;

/** ISO weekday: 1 = Monday ... 7 = Sunday (as in agencies' office hours). */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const VIETNAM_UTC_OFFSET_MINUTES = 7 * 60;

export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;
const OFFSET_MS = VIETNAM_UTC_OFFSET_MINUTES * MS_PER_MINUTE;

const localDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a Vietnamese date; throws RangeError on a malformed or impossible date. */
export function epochDayOf(date: LocalDate): number {
  const day = parseEpochDay(date);
  if (day === undefined) throw new RangeError(`not a date YYYY-MM-DD: ${JSON.stringify(date)}`);
  return day;
}

/** Like {@link epochDayOf} but answers undefined instead of throwing (for validation). */
export function parseEpochDay(date: string): number | undefined {
  const match = localDatePattern.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2026-02-30 over into March; a round trip exposes it.
  if (new Date(ms).toISOString().slice(0, 10) !== date) return undefined;
  return ms / MS_PER_DAY;
}

export function isLocalDate(value: unknown): value is LocalDate {
  return typeof value === 'string' && parseEpochDay(value) !== undefined;
}

export function localDateOfEpochDay(epochDay: number): LocalDate {
  return new Date(epochDay * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The Vietnamese date an instant falls on. */
export function vietnamDateOf(instant: Date): LocalDate {
  return localDateOfEpochDay(epochDayOfInstant(instant.getTime()));
}

export function epochDayOfInstant(ms: number): number {
  return Math.floor((ms + OFFSET_MS) / MS_PER_DAY);
}

/** Milliseconds since Vietnamese midnight of the instant's own day. */
export function msIntoVietnamDay(ms: number): number {
  return ms + OFFSET_MS - epochDayOfInstant(ms) * MS_PER_DAY;
}

/** The instant of a Vietnamese date at `minuteOfDay` minutes after midnight (UTC+7). */
export function instantAt(epochDay: number, minuteOfDay: number): number {
  return epochDay * MS_PER_DAY + minuteOfDay * MS_PER_MINUTE - OFFSET_MS;
}

/** `vietnamInstant('2025-04-24', '09:00')`: a readable way to name a moment in Vietnam (tests, seeds). */
export function vietnamInstant(date: LocalDate, clock = '00:00'): Date {
  const minutes = parseClock(clock);
  if (minutes === undefined) throw new RangeError(`not a clock time HH:MM: ${JSON.stringify(clock)}`);
  return new Date(instantAt(epochDayOf(date), minutes));
}

/** ISO weekday of a day number; 1970-01-01 was a Thursday. */
export function weekdayOfEpochDay(epochDay: number): Weekday {
  return ((((epochDay + 3) % 7) + 7) % 7) + 1 as Weekday;
}

export function weekdayOf(date: LocalDate): Weekday {
  return weekdayOfEpochDay(epochDayOf(date));
}

export function yearOfEpochDay(epochDay: number): number {
  return new Date(epochDay * MS_PER_DAY).getUTCFullYear();
}

/** Minutes after midnight of `HH:MM` (00:00–23:59), as agencies' office hours write them. */
export function parseClock(clock: string): number | undefined {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(clock);
  if (!match) return undefined;
  return Number(match[1]) * 60 + Number(match[2]);
}

/** `HH:MM` of a minute of the day. */
export function formatClock(minuteOfDay: number): string {
  const hours = Math.floor(minuteOfDay / 60);
  const minutes = minuteOfDay % 60;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

/** `2026-02-23T07:30+07:00` (seconds and milliseconds only when not zero): Vietnamese wall-clock time of an instant. */
export function formatVietnamTime(instant: Date): string {
  const ms = instant.getTime();
  const into = msIntoVietnamDay(ms);
  const minute = Math.floor(into / MS_PER_MINUTE);
  const rest = into - minute * MS_PER_MINUTE;
  const seconds = rest === 0 ? '' : `:${(rest / 1000).toFixed(3).padStart(6, '0').replace(/\.000$/, '')}`;
  return `${localDateOfEpochDay(epochDayOfInstant(ms))}T${formatClock(minute)}${seconds}+07:00`;
}
