import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeStatutoryHolidays, defaultStatutoryRules, type CalendarDayEntry, type StatutoryRules } from './calendar.holidays.js';
import { officialEditions } from './calendar.official.js';
import { epochDayOf, localDateOfEpochDay, weekdayOf } from './calendar.time.js';
import { WorkingCalendar } from './calendar.working.js';

function kinds(entries: readonly CalendarDayEntry[]): Record<string, string> {
  return Object.fromEntries(entries.map((e) => [e.date, e.kind]));
}

function official(year: number) {
  const edition = officialEditions.find((e) => e.year === year);
  assert.ok(edition, `no seed for ${year}`);
  return edition;
}

describe('computeStatutoryHolidays (the base for years without an official table)', () => {
  test('does list the Labour Code holidays of 2026 with the lunar dates and the Sunday compensation', () => {
    assert.deepEqual(kinds(computeStatutoryHolidays(2026)), {
      '2026-01-01': 'holiday',
      '2026-02-16': 'holiday', // New Year's Eve (29 tháng Chạp) ...
      '2026-02-17': 'holiday', // ... mùng 1 Tết Bính Ngọ ...
      '2026-02-18': 'holiday',
      '2026-02-19': 'holiday',
      '2026-02-20': 'holiday', // ... mùng 4
      '2026-04-26': 'holiday', // 10/3 âm lịch, a Sunday
      '2026-04-27': 'day_off', // compensatory Monday (art. 111(3))
      '2026-04-30': 'holiday',
      '2026-05-01': 'holiday',
      '2026-09-01': 'holiday',
      '2026-09-02': 'holiday',
      '2026-11-24': 'holiday', // Culture Day, configured and unverified
    });
  });

  test('does give Tết five days and find Hùng Kings on 10/3 lunar (2025: 28/1–1/2 and 7/4)', () => {
    const entries = computeStatutoryHolidays(2025);
    assert.deepEqual(
      entries.filter((e) => e.nameEn.startsWith('Lunar New Year')).map((e) => e.date),
      ['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31', '2025-02-01'],
    );
    assert.equal(entries.find((e) => e.nameEn.startsWith('Hùng'))?.date, '2025-04-07');
  });

  test('does compensate a holiday on Saturday on the next Monday (1/1/2028)', () => {
    const entries = computeStatutoryHolidays(2028);
    assert.equal(kinds(entries)['2028-01-03'], 'day_off');
    assert.match(entries.find((e) => e.date === '2028-01-03')!.legalSource, /điều 111 khoản 3/);
  });

  test('does move the compensatory day past another holiday (30/4/2028 Sunday, 1/5 Monday → Tuesday 2/5)', () => {
    const table = kinds(computeStatutoryHolidays(2028));
    assert.equal(table['2028-05-01'], 'holiday');
    assert.equal(table['2028-05-02'], 'day_off');
  });

  test('does give two compensatory days when two Tết days fall on a weekend (2027)', () => {
    const table = kinds(computeStatutoryHolidays(2027));
    assert.equal(table['2027-02-10'], 'day_off');
    assert.equal(table['2027-02-11'], 'day_off');
    assert.equal(table['2027-02-12'], undefined);
  });

  test('does reproduce the adjacent day of 2/9 the government chose in 2021–2026', () => {
    // 2021 Thu → 3/9; 2022 Fri → 1/9; 2023 Sat → 1/9 (+ compensatory 4/9); 2024 Mon → 3/9; 2025 Tue → 1/9; 2026 Wed → 1/9.
    const chosen: Record<number, string> = {
      2021: '2021-09-03',
      2022: '2022-09-01',
      2023: '2023-09-01',
      2024: '2024-09-03',
      2025: '2025-09-01',
      2026: '2026-09-01',
    };
    for (const [year, date] of Object.entries(chosen)) {
      const adjacent = computeStatutoryHolidays(Number(year)).find((e) => e.nameEn === 'National Day (adjacent day)');
      assert.equal(adjacent?.date, date, year);
      assert.equal(adjacent?.verified, false, 'the automatic choice is a heuristic');
    }
    assert.equal(kinds(computeStatutoryHolidays(2023))['2023-09-04'], 'day_off');
  });

  test('does follow a configured adjacent day and give 2/9 one day before 2021', () => {
    const after: StatutoryRules = { ...defaultStatutoryRules, nationalDayAdjacent: 'after' };
    assert.equal(kinds(computeStatutoryHolidays(2025, after))['2025-09-03'], 'holiday');
    const before2021 = computeStatutoryHolidays(2019).filter((e) => e.date.startsWith('2019-09') || e.date.startsWith('2019-08'));
    assert.deepEqual(before2021.map((e) => e.date), ['2019-09-02']);
  });

  test('does add Culture Day only from its configured start, and not at all when configured out', () => {
    assert.equal(kinds(computeStatutoryHolidays(2025))['2025-11-24'], undefined);
    const culture = computeStatutoryHolidays(2027).find((e) => e.date === '2027-11-24');
    assert.equal(culture?.verified, false);
    assert.match(culture?.legalSource ?? '', /chưa xác minh/);
    const without: StatutoryRules = { ...defaultStatutoryRules, extraFixedHolidays: [] };
    assert.equal(kinds(computeStatutoryHolidays(2027, without))['2027-11-24'], undefined);
  });

  test('does refuse a year outside 1900–2999', () => {
    assert.throws(() => computeStatutoryHolidays(1899), RangeError);
  });
});

describe('the official tables seeded for 2025 and 2026', () => {
  test('does keep every entry inside its year, once, with names and a legal source', () => {
    for (const edition of officialEditions) {
      const dates = edition.days.map((d) => d.date);
      assert.equal(new Set(dates).size, dates.length, `${edition.year} has a duplicate date`);
      for (const entry of edition.days) {
        assert.ok(entry.date.startsWith(`${edition.year}-`), entry.date);
        assert.ok(entry.nameVi && entry.nameEn && entry.legalSource, entry.date);
        if (entry.kind === 'working_day') assert.ok(weekdayOf(entry.date) >= 6, `${entry.date} is not a weekend day`);
        if (!entry.verified) assert.match(entry.legalSource, /chưa xác minh/, entry.date);
      }
    }
  });

  test('does differ from the 2026 computed base exactly by the announced swaps', () => {
    const base = kinds(computeStatutoryHolidays(2026));
    const table = kinds(official(2026).days);
    assert.deepEqual(table, {
      ...base,
      '2026-01-02': 'day_off', // Công văn 12729/VPCP-KGVX
      '2026-01-10': 'working_day',
      '2026-08-22': 'working_day', // Thông báo 9441/TB-BNV
      '2026-08-31': 'day_off',
    });
  });

  test('does replace the 2025 computed Tết split by the announced one (27/1–31/1, no compensatory 3/2)', () => {
    const base = kinds(computeStatutoryHolidays(2025));
    const table = kinds(official(2025).days);
    assert.equal(base['2025-02-01'], 'holiday');
    assert.equal(base['2025-02-03'], 'day_off');
    assert.equal(table['2025-02-03'], undefined);
    assert.equal(table['2025-01-27'], 'holiday');
    assert.equal(table['2025-04-26'], 'working_day');
    assert.equal(table['2025-05-02'], 'day_off');
  });

  test('does mark only Culture Day 2026 as unverified', () => {
    const unverified = officialEditions.flatMap((e) => e.days.filter((d) => !d.verified).map((d) => d.date));
    assert.deepEqual(unverified, ['2026-11-24']);
  });

  // The announced lengths of each break, weekends included.
  const breaks: Array<[string, string, string, number]> = [
    ['Tết 2025', '2025-01-29', '2025-01-25', 9],
    ['30/4–1/5 2025', '2025-04-30', '2025-04-30', 5],
    ['National Day 2025', '2025-09-02', '2025-08-30', 4],
    ['New Year 2026', '2026-01-01', '2026-01-01', 4],
    ['Tết 2026', '2026-02-17', '2026-02-14', 9],
    ['Hùng Kings 2026', '2026-04-26', '2026-04-25', 3],
    ['30/4–1/5 2026', '2026-04-30', '2026-04-30', 4],
    ['National Day 2026', '2026-09-02', '2026-08-29', 5],
  ];
  const calendar = new WorkingCalendar({ officialYears: new Map(officialEditions.map((e) => [e.year, e.days])) });
  for (const [name, inside, first, length] of breaks) {
    test(`does give ${name} a break of ${length} days from ${first}`, () => {
      let start = epochDayOf(inside);
      while (!calendar.isWorkingDay(localDateOfEpochDay(start - 1))) start -= 1;
      let end = epochDayOf(inside);
      while (!calendar.isWorkingDay(localDateOfEpochDay(end + 1))) end += 1;
      assert.equal(localDateOfEpochDay(start), first);
      assert.equal(end - start + 1, length);
    });
  }
});
