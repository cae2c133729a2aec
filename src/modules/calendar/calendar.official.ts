import { LABOUR_CODE, legalSources, vietnameseCultureDay, type CalendarDayEntry } from './calendar.holidays.js';
import { epochDayOf, localDateOfEpochDay, type LocalDate } from './calendar.time.js';

/**
 * The official yearly tables seeded into `calendar_day` (version 1 of each year, by the system). Each table is
 * complete for its year: every public holiday and extra day off on a weekday, every holiday on a weekend, and every
 * swapped working Saturday. Weekends without an entry are ordinary rest days.
 *
 * Checked against press reports of the cited notices (Government portal / VNA / SGGP / Vietnam News / Lao Động),
 * not against the gazette texts themselves. An entry whose date is not settled by an official text is marked
 * `verified: false` and "(chưa xác minh)" (unverified) in its legal source.
 */
export interface OfficialEditionSeed {
  year: number;
  /** The notices the whole table follows. */
  legalSource: string;
  note: string;
  days: CalendarDayEntry[];
}

function day(
  date: LocalDate,
  kind: CalendarDayEntry['kind'],
  nameVi: string,
  nameEn: string,
  legalSource: string,
  verified = true,
): CalendarDayEntry {
  return { date, kind, nameVi, nameEn, legalSource, verified };
}

/** Consecutive dates `from`..`to` (inclusive) with the same kind, names and source. */
function days(
  from: LocalDate,
  to: LocalDate,
  kind: CalendarDayEntry['kind'],
  nameVi: string,
  nameEn: string,
  legalSource: string,
): CalendarDayEntry[] {
  const entries: CalendarDayEntry[] = [];
  for (let d = epochDayOf(from); d <= epochDayOf(to); d += 1) entries.push(day(localDateOfEpochDay(d), kind, nameVi, nameEn, legalSource));
  return entries;
}

// ---- 2025 ---------------------------------------------------------------------------------------------------------
// Công văn 8726/VPCP-KGVX (26/11/2024): the Prime Minister approved the Ministry of Labour's plan; the Ministry then
// published it as Thông báo 6150/TB-LĐTBXH (12/2024).
const TB_6150 = 'Thông báo 6150/TB-LĐTBXH (12/2024), theo Công văn 8726/VPCP-KGVX ngày 26/11/2024';

const year2025: OfficialEditionSeed = {
  year: 2025,
  legalSource: `${LABOUR_CODE}, điều 111–112; ${TB_6150}`,
  note:
    'Tết Ất Tỵ: nghỉ 25/01–02/02/2025 (9 ngày: 5 ngày Tết 27–31/01 và 4 ngày nghỉ hằng tuần). 30/4–1/5: nghỉ 30/4–04/5/2025, ' +
    'làm bù thứ Bảy 26/4 cho thứ Sáu 02/5. Quốc khánh: nghỉ 30/8–02/9/2025 (01/9 và 02/9).',
  days: [
    day('2025-01-01', 'holiday', 'Tết Dương lịch', "New Year's Day", legalSources.newYear),
    // 28 tháng Chạp Giáp Thìn to mùng 3 Ất Tỵ; with the weekends 25–26/01 and 01–02/02 the break runs 25/01–02/02.
    ...days('2025-01-27', '2025-01-31', 'holiday', 'Tết Nguyên đán Ất Tỵ', 'Lunar New Year (Tết)', `${legalSources.lunarNewYear}; ${TB_6150}`),
    day('2025-04-07', 'holiday', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', "Hùng Kings' Commemoration Day", legalSources.hungKings),
    day(
      '2025-04-26',
      'working_day',
      'Làm việc bù cho thứ Sáu 02/5/2025',
      'Working Saturday in exchange for Friday 2 May 2025',
      TB_6150,
    ),
    day('2025-04-30', 'holiday', 'Ngày Chiến thắng (30/4)', 'Reunification Day (30 April)', legalSources.reunification),
    day('2025-05-01', 'holiday', 'Ngày Quốc tế Lao động (1/5)', 'International Labour Day (1 May)', legalSources.labourDay),
    day(
      '2025-05-02',
      'day_off',
      'Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)',
      'Day off swapped with Saturday 26 April 2025',
      TB_6150,
    ),
    // The break ran Saturday 30/08 to Tuesday 02/09: the two National Day holidays are 01/09 and 02/09.
    day('2025-09-01', 'holiday', 'Quốc khánh (ngày liền kề)', 'National Day (adjacent day)', `${legalSources.nationalDayAdjacent}; ${TB_6150}`),
    day('2025-09-02', 'holiday', 'Quốc khánh (2/9)', 'National Day (2 September)', legalSources.nationalDay),
  ],
};

// ---- 2026 ---------------------------------------------------------------------------------------------------------
// Tết and National Day: approved by the Prime Minister (Government document of 13/10/2025), published as Thông báo
// 9441/TB-BNV (16/10/2025). New Year: Công văn 12729/VPCP-KGVX (25/12/2025) on the Ministry's proposal
// 12556/BNV-CVL (24/12/2025).
const TB_9441 = 'Thông báo 9441/TB-BNV ngày 16/10/2025';
const CV_12729 = 'Công văn 12729/VPCP-KGVX ngày 25/12/2025';

const year2026: OfficialEditionSeed = {
  year: 2026,
  legalSource: `${LABOUR_CODE}, điều 111–112; ${CV_12729}; ${TB_9441}`,
  note:
    'Tết Dương lịch: nghỉ 01–04/01/2026, làm bù thứ Bảy 10/01 cho thứ Sáu 02/01. Tết Bính Ngọ: nghỉ 14–22/02/2026 (9 ngày: ' +
    '5 ngày Tết 16–20/02 và 4 ngày nghỉ hằng tuần). Giỗ Tổ 26/4 (Chủ nhật) nghỉ bù thứ Hai 27/4. 30/4–1/5: nghỉ 30/4–03/5. ' +
    'Quốc khánh: nghỉ 29/8–02/9/2026 (01/9 và 02/9), làm bù thứ Bảy 22/8 cho thứ Hai 31/8. ' +
    'Ngày Văn hóa Việt Nam 24/11: chưa xác minh (chờ sửa Bộ luật Lao động).',
  days: [
    day('2026-01-01', 'holiday', 'Tết Dương lịch', "New Year's Day", legalSources.newYear),
    day('2026-01-02', 'day_off', 'Nghỉ hoán đổi (làm bù thứ Bảy 10/01/2026)', 'Day off swapped with Saturday 10 January 2026', CV_12729),
    day('2026-01-10', 'working_day', 'Làm việc bù cho thứ Sáu 02/01/2026', 'Working Saturday in exchange for Friday 2 January 2026', CV_12729),
    // 29 tháng Chạp Ất Tỵ (New Year's Eve) to mùng 4 Bính Ngọ; with the weekends the break runs 14/02–22/02.
    ...days('2026-02-16', '2026-02-20', 'holiday', 'Tết Nguyên đán Bính Ngọ', 'Lunar New Year (Tết)', `${legalSources.lunarNewYear}; ${TB_9441}`),
    day('2026-04-26', 'holiday', 'Giỗ Tổ Hùng Vương (10/3 âm lịch)', "Hùng Kings' Commemoration Day", legalSources.hungKings),
    day(
      '2026-04-27',
      'day_off',
      'Nghỉ bù Giỗ Tổ Hùng Vương (trùng Chủ nhật)',
      "Compensatory day off for Hùng Kings' Commemoration Day (on a Sunday)",
      legalSources.compensatory,
    ),
    day('2026-04-30', 'holiday', 'Ngày Chiến thắng (30/4)', 'Reunification Day (30 April)', legalSources.reunification),
    day('2026-05-01', 'holiday', 'Ngày Quốc tế Lao động (1/5)', 'International Labour Day (1 May)', legalSources.labourDay),
    day('2026-08-22', 'working_day', 'Làm việc bù cho thứ Hai 31/8/2026', 'Working Saturday in exchange for Monday 31 August 2026', TB_9441),
    day('2026-08-31', 'day_off', 'Nghỉ hoán đổi (làm bù thứ Bảy 22/8/2026)', 'Day off swapped with Saturday 22 August 2026', TB_9441),
    day('2026-09-01', 'holiday', 'Quốc khánh (ngày liền kề)', 'National Day (adjacent day)', `${legalSources.nationalDayAdjacent}; ${TB_9441}`),
    day('2026-09-02', 'holiday', 'Quốc khánh (2/9)', 'National Day (2 September)', legalSources.nationalDay),
    // (unverified) RULES.md: a holiday since 1 July 2026; the Labour Code amendment is not confirmed. A later version
    // of the 2026 table removes it if the law does not pass in time.
    day('2026-11-24', 'holiday', vietnameseCultureDay.nameVi, vietnameseCultureDay.nameEn, vietnameseCultureDay.legalSource, false),
  ],
};

export const officialEditions: readonly OfficialEditionSeed[] = Object.freeze([year2025, year2026]);
