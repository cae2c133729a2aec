import Holidays from 'date-holidays';
import type { CalendarDayKind } from './calendar.tables.js';
import {
  epochDayOf,
  isLocalDate,
  localDateOfEpochDay,
  weekdayOfEpochDay,
  type LocalDate,
  type Weekday,
} from './calendar.time.js';

/** One dated entry of a year's table: a public holiday, an extra day off, or a swapped working day. */
export interface CalendarDayEntry {
  date: LocalDate;
  kind: CalendarDayKind;
  nameVi: string;
  nameEn: string;
  /** The legal text the entry follows, e.g. `Bộ luật Lao động 2019, điều 112 khoản 1 điểm c`. */
  legalSource: string;
  /** False when the date is not (yet) confirmed by an official text; shown as such to officers. */
  verified: boolean;
}

/** A fixed-date holiday added by configuration rather than by the computed Labour Code list. */
export interface ExtraFixedHoliday {
  month: number;
  day: number;
  /** First date on which the holiday applies (the law's entry into force). */
  from: LocalDate;
  nameVi: string;
  nameEn: string;
  legalSource: string;
  verified: boolean;
}

/**
 * The rules of the computed base, used for every year that has no official table in the database.
 * Configuration, not constants: what is not settled in law (the 2/9 adjacent day, Culture Day) can be changed
 * without a code change by passing other rules to `createCalendarService`.
 */
export interface StatutoryRules {
  /**
   * Weekly rest days of civil servants: Saturday and Sunday (the 40-hour week, Decision 188/1999/QĐ-TTg;
   * Labour Code 2019 art. 111).
   */
  weeklyRestDays: readonly Weekday[];
  /**
   * The day adjacent to 2/9 (Labour Code 2019 art. 112(1)(đ): "02/9 and one adjacent day before or after"; the
   * Prime Minister picks it every year, art. 112(3)). `auto` follows the choices of 2021–2026: 3/9 when 2/9 is a
   * Monday, Thursday or Sunday, otherwise 1/9 (a heuristic, unverified for future years).
   */
  nationalDayAdjacent: 'auto' | 'before' | 'after';
  /** Fixed-date holidays beyond the Labour Code list, such as Vietnamese Culture Day (24/11, unverified). */
  extraFixedHolidays: readonly ExtraFixedHoliday[];
}

/** The Labour Code 2019, in force 1 January 2021: art. 111 (weekly rest), art. 112 (public holidays). */
export const LABOUR_CODE = 'Bộ luật Lao động 2019 (45/2019/QH14)';
export const legalSources = {
  newYear: `${LABOUR_CODE}, điều 112 khoản 1 điểm a`,
  lunarNewYear: `${LABOUR_CODE}, điều 112 khoản 1 điểm b (ngày cụ thể do Thủ tướng quyết định, khoản 3)`,
  reunification: `${LABOUR_CODE}, điều 112 khoản 1 điểm c`,
  labourDay: `${LABOUR_CODE}, điều 112 khoản 1 điểm d`,
  nationalDay: `${LABOUR_CODE}, điều 112 khoản 1 điểm đ`,
  nationalDayAdjacent: `${LABOUR_CODE}, điều 112 khoản 1 điểm đ (ngày liền kề do Thủ tướng quyết định, khoản 3)`,
  hungKings: `${LABOUR_CODE}, điều 112 khoản 1 điểm e`,
  /** Art. 111(3): a holiday falling on a weekly rest day is compensated on the next working day. */
  compensatory: `${LABOUR_CODE}, điều 111 khoản 3 (nghỉ bù)`,
} as const;

/**
 * Vietnamese Culture Day, 24 November. RULES.md (Deadlines) has it as a public holiday "since 1 July 2026
 * (unverified)": Politburo Resolution 80-NQ/TW chose the day and Government Resolution 30/NQ-CP (2026) asks for
 * Labour Code art. 112(1) to be amended; the amendment itself is not confirmed here, hence `verified: false`.
 */
export const vietnameseCultureDay: ExtraFixedHoliday = Object.freeze({
  month: 11,
  day: 24,
  from: '2026-07-01',
  nameVi: 'Ngày Văn hóa Việt Nam (24/11)',
  nameEn: 'Vietnamese Culture Day (24 November)',
  legalSource:
    'Nghị quyết 80-NQ/TW; Nghị quyết 30/NQ-CP (2026): sửa đổi điều 112 khoản 1 Bộ luật Lao động, áp dụng từ 01/7/2026 (chưa xác minh)',
  verified: false,
});

export const defaultStatutoryRules: StatutoryRules = Object.freeze({
  weeklyRestDays: Object.freeze([6, 7] as Weekday[]),
  nationalDayAdjacent: 'auto',
  extraFixedHolidays: Object.freeze([vietnameseCultureDay]),
});

// The Labour Code 2019 (in force 1 January 2021) gave 2/9 its second day; earlier years had one.
const NATIONAL_DAY_TWO_DAYS_FROM = 2021;

const names = {
  newYear: { vi: 'Tết Dương lịch', en: "New Year's Day" },
  lunarNewYear: { vi: 'Tết Nguyên đán', en: 'Lunar New Year (Tết)' },
  hungKings: { vi: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', en: "Hùng Kings' Commemoration Day" },
  reunification: { vi: 'Ngày Chiến thắng (30/4)', en: 'Reunification Day (30 April)' },
  labourDay: { vi: 'Ngày Quốc tế Lao động (1/5)', en: 'International Labour Day (1 May)' },
  nationalDay: { vi: 'Quốc khánh (2/9)', en: 'National Day (2 September)' },
  nationalDayAdjacent: { vi: 'Quốc khánh (ngày liền kề)', en: 'National Day (adjacent day)' },
} as const;

// date-holidays computes the lunar dates (Tết, Hùng Kings) with its Vietnamese calendar; that takes ~100 ms per
// year, so one instance serves the process and each year's result is kept.
let holidaysVn: Holidays | undefined;
const libraryYears = new Map<number, LibraryHoliday[]>();

interface LibraryHoliday {
  date: LocalDate;
  days: number;
  rule: string;
  nameVi: string;
  nameEn: string;
}

function libraryHolidays(year: number): LibraryHoliday[] {
  const cached = libraryYears.get(year);
  if (cached) return cached;
  holidaysVn ??= new Holidays('VN', { types: ['public'] });
  const vi = holidaysVn.getHolidays(year, 'vi');
  const en = holidaysVn.getHolidays(year, 'en');
  const result = vi.map((holiday, index): LibraryHoliday => {
    const date = holiday.date.slice(0, 10);
    // start and end are the local midnights in Asia/Ho_Chi_Minh; whole days apart.
    const days = Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / 86_400_000));
    return { date, days, rule: holiday.rule, nameVi: holiday.name, nameEn: en[index]?.name ?? holiday.name };
  });
  libraryYears.set(year, result);
  return result;
}

/**
 * The public holidays of a year as the law computes them, before any government notice: the Labour Code list
 * (lunar dates from date-holidays), the adjacent day of 2/9, configured extra holidays, and a compensatory day off
 * for each holiday that falls on a weekly rest day. Sorted by date. Official notices (Tết distribution, bridges,
 * swapped Saturdays) are not here: they are the yearly tables in the database.
 */
export function computeStatutoryHolidays(year: number, rules: StatutoryRules = defaultStatutoryRules): CalendarDayEntry[] {
  if (!Number.isInteger(year) || year < 1900 || year > 2999) throw new RangeError(`year out of range: ${year}`);
  const rest = new Set<number>(rules.weeklyRestDays);
  const holidays = new Map<number, CalendarDayEntry>();
  const add = (date: LocalDate, name: { vi: string; en: string }, legalSource: string, verified = true) => {
    const day = epochDayOf(date);
    if (!holidays.has(day)) {
      holidays.set(day, { date, kind: 'holiday', nameVi: name.vi, nameEn: name.en, legalSource, verified });
    }
  };

  for (const holiday of libraryHolidays(year)) {
    switch (holiday.rule) {
      case '01-01':
        add(holiday.date, names.newYear, legalSources.newYear);
        break;
      case '1 day before vietnamese 1-0-1 P5D': {
        // Five days from the lunar New Year's Eve (1 before, 4 after): the usual split, which the Prime Minister
        // may change each year (art. 112(3)); the official table then replaces it.
        const first = epochDayOf(holiday.date);
        for (let i = 0; i < holiday.days; i += 1) add(localDateOfEpochDay(first + i), names.lunarNewYear, legalSources.lunarNewYear);
        break;
      }
      case 'vietnamese 1-0-1':
        add(holiday.date, names.lunarNewYear, legalSources.lunarNewYear); // inside the five days above
        break;
      case 'vietnamese 3-0-10':
        add(holiday.date, names.hungKings, legalSources.hungKings);
        break;
      case '04-30':
        add(holiday.date, names.reunification, legalSources.reunification);
        break;
      case '05-01':
        add(holiday.date, names.labourDay, legalSources.labourDay);
        break;
      case '09-02':
        add(holiday.date, names.nationalDay, legalSources.nationalDay);
        break;
      default: {
        // A public holiday the library learnt after this code was written: keep it, under the library's names.
        const first = epochDayOf(holiday.date);
        for (let i = 0; i < holiday.days; i += 1) {
          add(localDateOfEpochDay(first + i), { vi: holiday.nameVi, en: holiday.nameEn }, 'date-holidays (VN)', false);
        }
      }
    }
  }

  if (year >= NATIONAL_DAY_TWO_DAYS_FROM) {
    const nationalDay = epochDayOf(`${year}-09-02`);
    add(
      localDateOfEpochDay(nationalDay + nationalDayAdjacentOffset(weekdayOfEpochDay(nationalDay), rules.nationalDayAdjacent)),
      names.nationalDayAdjacent,
      legalSources.nationalDayAdjacent,
      rules.nationalDayAdjacent !== 'auto',
    );
  }

  for (const extra of rules.extraFixedHolidays) {
    const date = `${year}-${String(extra.month).padStart(2, '0')}-${String(extra.day).padStart(2, '0')}`;
    if (!isLocalDate(date) || !isLocalDate(extra.from)) throw new RangeError(`bad extra holiday ${JSON.stringify(extra)}`);
    if (date >= extra.from) add(date, { vi: extra.nameVi, en: extra.nameEn }, extra.legalSource, extra.verified);
  }

  // Labour Code 2019 art. 111(3): a holiday on a weekly rest day gives a day off on the next working day, i.e. the
  // next day that is neither a rest day, nor a holiday, nor already another holiday's compensatory day.
  const entries = [...holidays.entries()].sort((a, b) => a[0] - b[0]);
  const taken = new Set(holidays.keys());
  const compensatory: Array<[number, CalendarDayEntry]> = [];
  for (const [day, holiday] of entries) {
    if (!rest.has(weekdayOfEpochDay(day))) continue;
    let next = day + 1;
    while (rest.has(weekdayOfEpochDay(next)) || taken.has(next)) next += 1;
    taken.add(next);
    compensatory.push([
      next,
      {
        date: localDateOfEpochDay(next),
        kind: 'day_off',
        nameVi: `Nghỉ bù ${holiday.nameVi}`,
        nameEn: `Compensatory day off for ${holiday.nameEn}`,
        legalSource: legalSources.compensatory,
        verified: holiday.verified,
      },
    ]);
  }
  return [...entries, ...compensatory].sort((a, b) => a[0] - b[0]).map(([, entry]) => entry);
}

/** +1 (3/9) or −1 (1/9) from 2/9. */
function nationalDayAdjacentOffset(weekday: Weekday, choice: StatutoryRules['nationalDayAdjacent']): number {
  if (choice === 'before') return -1;
  if (choice === 'after') return 1;
  // 2021 Thu → 3/9, 2022 Fri → 1/9, 2023 Sat → 1/9, 2024 Mon → 3/9, 2025 Tue → 1/9, 2026 Wed → 1/9: the day that
  // joins 2/9 to a weekend or to a swapped bridge.
  return weekday === 1 || weekday === 4 || weekday === 7 ? 1 : -1;
}
