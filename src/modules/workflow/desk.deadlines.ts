import type { WorkingCalendar } from '../calendar/index.js';
import type { DossierChannel } from '../dossiers/index.js';

/**
 * The deadline rules of the one-stop desk, pure (a calendar in, instants out): which statutory duration applies to a
 * dossier, its due moment once received, and the Resolution 66.7/2025/NQ-CP window for asking an online applicant
 * for missing data.
 */

/** Units of a duration as the catalogue parser reads them (procedure_version.content.channels[].durations[]). */
export type DurationUnit = 'working_day' | 'day' | 'working_hour' | 'hour' | 'month' | 'year';

export interface StatutoryDuration {
  value: number;
  unit: DurationUnit;
}

const units: readonly DurationUnit[] = ['working_day', 'day', 'working_hour', 'hour', 'month', 'year'];

/**
 * The statutory duration of a dossier: the first duration stated for the dossier's channel in the procedure's parsed
 * content, or null when the catalogue states none (the slip then prints "theo quy định của thủ tục" and no due date is
 * set). The first one is the one the receipt slip (form 01) prints, so slip and due date always agree. A catalogue row
 * with several durations ("1 working day when the data is in the national database; 3 when it must be verified")
 * lists the ordinary case first.
 */
export function statutoryDurationFor(content: unknown, channel: DossierChannel): StatutoryDuration | null {
  const channels = (content as { channels?: unknown } | null)?.channels;
  if (!Array.isArray(channels)) return null;
  for (const entry of channels) {
    if (!entry || typeof entry !== 'object' || (entry as { channel?: unknown }).channel !== channel) continue;
    const durations = (entry as { durations?: unknown }).durations;
    if (!Array.isArray(durations)) continue;
    for (const d of durations) {
      const value = (d as { value?: unknown } | null)?.value;
      const unit = (d as { unit?: unknown } | null)?.unit;
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && units.includes(unit as DurationUnit)) {
        return { value, unit: unit as DurationUnit };
      }
    }
  }
  return null;
}

/**
 * The due moment ("ngày hẹn trả") of a dossier received at `receivedAt` (already a working moment: see
 * `WorkingCalendar.nextWorkingMoment`), for its statutory duration. The rule, unit by unit:
 *
 * - `working_day`: the calendar's convention — the reception day is not counted and the duration ends when the office
 *   closes on the n-th working day after it (Civil Code 2015 art. 147(2), 148(1); see `addWorkingDays`). A fractional
 *   duration ("0,5 ngày làm việc") adds the fraction as working hours of a standard working day after the whole days,
 *   so that 0.5 day falls between 0 and 1 day.
 * - `working_hour`: office hours counted from the reception moment (Civil Code art. 147(1)); lunch breaks, nights,
 *   rest days and holidays do not count.
 * - `day` (plain "ngày"): calendar days, reception day not counted; the last day ends at the office's closing time,
 *   and when it is a rest day or a holiday the period ends at the close of the next working day (Civil Code 2015 art.
 *   148(2)). A fraction is rounded up to a whole day.
 * - `month`, `year`: the same as `day`, on the same day number n months (12 n for years) later, or the month's last
 *   day when it has no such day (art. 148(1)).
 * - `hour` (plain "giờ"): elapsed hours from the reception moment; a due moment outside office hours moves to the next
 *   moment the office is open, where the result can actually be returned.
 */
export function dueAtFor(calendar: WorkingCalendar, receivedAt: Date, duration: StatutoryDuration): Date {
  const { value, unit } = duration;
  switch (unit) {
    case 'working_day': {
      const whole = Math.floor(value);
      const end = calendar.addWorkingDays(receivedAt, whole);
      const fraction = value - whole;
      return fraction > 0 ? calendar.addWorkingHours(end, fraction * calendar.hoursPerWorkingDay) : end;
    }
    case 'working_hour':
      return calendar.addWorkingHours(receivedAt, value);
    case 'hour':
      return calendar.nextWorkingMoment(new Date(receivedAt.getTime() + Math.round(value * 3_600_000)));
    case 'day':
      return closeOfPeriod(calendar, addLocalDays(calendar.receptionDate(receivedAt), Math.ceil(value)));
    case 'month':
      return closeOfPeriod(calendar, addLocalMonths(calendar.receptionDate(receivedAt), Math.ceil(value)));
    case 'year':
      return closeOfPeriod(calendar, addLocalMonths(calendar.receptionDate(receivedAt), Math.ceil(value) * 12));
  }
}

/** The end of a period whose last day is `last`: its closing time, or the next working day's when it is a day off. */
function closeOfPeriod(calendar: WorkingCalendar, last: string): Date {
  return calendar.endOfWorkingDay(calendar.isWorkingDay(last) ? last : calendar.nextWorkingDay(last));
}

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y!, m!, d!];
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `date` (YYYY-MM-DD) plus n calendar days. */
export function addLocalDays(date: string, n: number): string {
  const [y, m, d] = parts(date);
  return isoDate(Date.UTC(y, m - 1, d + n));
}

/** `date` plus n months; the 31st of a 30-day month becomes the 30th (the month's last day). */
export function addLocalMonths(date: string, n: number): string {
  const [y, m, d] = parts(date);
  const lastDay = new Date(Date.UTC(y, m - 1 + n + 1, 0)).getUTCDate();
  return isoDate(Date.UTC(y, m - 1 + n, Math.min(d, lastDay)));
}

/** How the 8-working-hour window for asking an online applicant for missing data stands at `now`. */
export interface SupplementWindow {
  /** The last moment a missing-data supplement may be requested. */
  deadline: Date;
  /** Working hours left (negative once passed). */
  hoursLeft: number;
  /** `near`: at most `warnHours` left; `passed`: the deadline is behind us. */
  state: 'open' | 'near' | 'passed';
}

export interface SupplementWindowPolicy {
  /** Working hours after submission within which the request must be sent (8 by Resolution 66.7/2025/NQ-CP). */
  limitHours: number;
  /** Working hours before the deadline from which the queue warns. */
  warnHours: number;
}

/**
 * Resolution 66.7/2025/NQ-CP (section on reusing data, point 1): for a dossier submitted online, the authority must
 * ask for missing or incomplete data "không muộn hơn 08 giờ làm việc ... kể từ khi Hệ thống thông tin giải quyết thủ
 * tục hành chính tiếp nhận hồ sơ" — counted from the moment the system received the submission, in working hours.
 * Null for dossiers not submitted online (paper dossiers have one working day, point 2, counted from reception).
 */
export function supplementWindow(
  calendar: WorkingCalendar,
  submittedAt: Date,
  channel: DossierChannel,
  now: Date,
  policy: SupplementWindowPolicy,
): SupplementWindow | null {
  if (channel !== 'online') return null;
  const deadline = calendar.addWorkingHours(submittedAt, policy.limitHours);
  const hoursLeft = calendar.workingTimeBetween(now, deadline).hours;
  const state = now.getTime() > deadline.getTime() ? 'passed' : hoursLeft <= policy.warnHours ? 'near' : 'open';
  return { deadline, hoursLeft, state };
}
