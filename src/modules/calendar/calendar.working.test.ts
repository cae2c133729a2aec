import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DomainError } from '../../platform/errors/errors.js';
import { officialEditions } from './calendar.official.js';
import { formatVietnamTime, vietnamDateOf, vietnamInstant as at } from './calendar.time.js';
import { WorkingCalendar, type OfficeHoursInterval } from './calendar.working.js';

/** The calendar as production builds it from the seeded tables: 2025 and 2026 official, other years computed. */
const official = new Map(officialEditions.map((edition) => [edition.year, edition.days]));
const calendar = new WorkingCalendar({ officialYears: official });

/** `2025-02-05 17:00` style, Vietnamese wall-clock time (the assertion output stays readable). */
function local(instant: Date): string {
  return formatVietnamTime(instant).replace('T', ' ').replace('+07:00', '');
}

function parseLocal(text: string): Date {
  const [date, clock] = text.split(' ');
  return at(date!, clock);
}

describe('addWorkingDays (reception day not counted; due at closing time of the n-th working day)', () => {
  const cases: Array<[string, string, number, string]> = [
    // [what, received, working days, due]
    ['does count from the next working day when received on a Monday morning', '2025-03-10 09:00', 3, '2025-03-13 17:00'],
    ['does give the closing time of the reception day for a same-day duration', '2025-03-10 09:00', 0, '2025-03-10 17:00'],
    ['does move a same-day duration to the next day when received after hours', '2025-03-10 18:00', 0, '2025-03-11 17:00'],
    ['does count a dossier received at 16:59 on Friday as received that Friday', '2025-03-07 16:59', 1, '2025-03-10 17:00'],
    ['does count a dossier received at 17:30 on Friday from Monday', '2025-03-07 17:30', 1, '2025-03-11 17:00'],
    ['does count a dossier received on a Sunday from Monday', '2025-03-09 10:00', 1, '2025-03-11 17:00'],
    // Tết Ất Tỵ 2025: off 25/01–02/02 (Thông báo 6150/TB-LĐTBXH).
    ['does land after Tết 2025 when received the working day before it', '2025-01-24 10:00', 3, '2025-02-05 17:00'],
    ['does make the Monday after Tết 2025 day 1 (no computed compensatory day)', '2025-01-24 10:00', 1, '2025-02-03 17:00'],
    ['does count a dossier submitted during Tết 2025 from the first day back', '2025-01-29 09:00', 1, '2025-02-04 17:00'],
    // Tết Bính Ngọ 2026: off 14/02–22/02 (Thông báo 9441/TB-BNV).
    ['does land after Tết 2026 when received the working day before it', '2026-02-13 10:00', 3, '2026-02-25 17:00'],
    ['does count a dossier received after hours before Tết 2026 from 23/02', '2026-02-13 17:30', 1, '2026-02-24 17:00'],
    // 30/4–1/5 2025: Saturday 26/04 worked in exchange for Friday 02/05.
    ['does count the swapped Saturday 26/4/2025 as a working day', '2025-04-24 09:00', 2, '2025-04-26 17:00'],
    ['does skip the Sunday after the swapped Saturday', '2025-04-24 09:00', 3, '2025-04-28 17:00'],
    ['does bridge 30/4–4/5/2025 including the swapped Friday 2/5', '2025-04-24 09:00', 5, '2025-05-05 17:00'],
    ['does bridge 30/4–4/5/2025 from the last working day before it', '2025-04-29 09:00', 1, '2025-05-05 17:00'],
    ['does receive on the swapped Saturday itself', '2025-04-26 10:00', 1, '2025-04-28 17:00'],
    ['does count a dossier received after hours on the swapped Saturday from Monday', '2025-04-26 18:00', 1, '2025-04-29 17:00'],
    // National Day 2025: off 30/08–02/09 (01/09 and 02/09).
    ['does bridge National Day 2025 (1/9 and 2/9 off)', '2025-08-29 10:00', 1, '2025-09-03 17:00'],
    // National Day 2026: off 29/08–02/09, Saturday 22/08 worked for Monday 31/08.
    ['does count the swapped Saturday 22/8/2026', '2026-08-21 10:00', 1, '2026-08-22 17:00'],
    ['does continue on Monday 24/8/2026 after the swapped Saturday', '2026-08-21 10:00', 2, '2026-08-24 17:00'],
    ['does bridge National Day 2026 (31/8 swapped, 1/9 and 2/9 off)', '2026-08-28 10:00', 1, '2026-09-03 17:00'],
    // Hùng Kings 2026 falls on Sunday 26/04: compensatory Monday 27/04 (Labour Code 2019 art. 111(3)).
    ['does skip the compensatory Monday after a holiday on Sunday', '2026-04-24 10:00', 1, '2026-04-28 17:00'],
    ['does chain the Hùng Kings and 30/4–1/5 breaks of 2026', '2026-04-24 10:00', 3, '2026-05-04 17:00'],
    // New Year 2026: off 01–04/01, Saturday 10/01 worked for Friday 02/01 (Công văn 12729/VPCP-KGVX).
    ['does bridge New Year 2026 across the year boundary', '2025-12-31 10:00', 1, '2026-01-05 17:00'],
    ['does count the swapped Saturday 10/1/2026', '2026-01-09 10:00', 1, '2026-01-10 17:00'],
    // Years without an official table use the computed base.
    ['does skip computed compensatory days for Tết 2027 on a weekend', '2027-02-04 10:00', 3, '2027-02-16 17:00'],
    ['does push a compensatory day past a Monday holiday (30/4/2028 on Sunday)', '2028-04-28 10:00', 1, '2028-05-03 17:00'],
  ];
  for (const [what, received, n, due] of cases) {
    test(what, () => {
      assert.equal(local(calendar.addWorkingDays(parseLocal(received), n)), due);
    });
  }

  test('does refuse a negative or fractional number of days', () => {
    assert.throws(() => calendar.addWorkingDays(at('2025-03-10', '09:00'), -1), RangeError);
    assert.throws(() => calendar.addWorkingDays(at('2025-03-10', '09:00'), 1.5), RangeError);
  });
});

describe('isWorkingDay and describeDay', () => {
  const cases: Array<[string, boolean, string]> = [
    ['2025-03-10', true, 'working'],
    ['2025-03-08', false, 'weekly_rest'],
    ['2025-01-27', false, 'holiday'],
    ['2025-02-03', true, 'working'],
    ['2025-04-26', true, 'swapped_working'],
    ['2025-05-02', false, 'day_off'],
    ['2025-09-01', false, 'holiday'],
    ['2026-01-02', false, 'day_off'],
    ['2026-01-10', true, 'swapped_working'],
    ['2026-04-26', false, 'holiday'],
    ['2026-04-27', false, 'day_off'],
    ['2026-08-22', true, 'swapped_working'],
    ['2026-08-31', false, 'day_off'],
    ['2026-11-24', false, 'holiday'],
    ['2027-02-10', false, 'day_off'],
  ];
  for (const [date, working, status] of cases) {
    test(`does say ${date} is ${status}`, () => {
      assert.equal(calendar.isWorkingDay(date), working);
      const info = calendar.describeDay(date);
      assert.equal(info.status, status);
      assert.equal(info.working, working);
      assert.equal(info.intervals.length > 0, working);
    });
  }

  test('does mark the unverified Culture Day entry and say where each year comes from', () => {
    const info = calendar.describeDay('2026-11-24');
    assert.equal(info.entry?.verified, false);
    assert.match(info.entry?.legalSource ?? '', /chưa xác minh/);
    assert.equal(info.origin, 'official');
    assert.equal(calendar.describeDay('2027-11-24').origin, 'computed');
    assert.equal(calendar.yearOrigin(2025), 'official');
  });

  test('does accept an instant and judge it by its Vietnamese date', () => {
    // 2025-03-09T20:00Z is Monday 10/03 03:00 in Vietnam (Sunday in UTC).
    assert.equal(calendar.isWorkingDay(new Date('2025-03-09T20:00:00Z')), true);
    assert.equal(calendar.isWorkingDay(new Date('2025-03-09T16:59:59Z')), false);
  });

  test('does name the next working day after a bridge', () => {
    assert.equal(calendar.nextWorkingDay('2025-04-29'), '2025-05-05');
    assert.equal(calendar.nextWorkingDay('2025-04-25'), '2025-04-26');
  });
});

describe('nextWorkingMoment (an online dossier received after hours counts from the next working moment)', () => {
  const cases: Array<[string, string, string]> = [
    ['does move 17:30 on Friday to 07:30 on Monday', '2025-03-07 17:30', '2025-03-10 07:30'],
    ['does move an early-morning submission to the opening', '2025-03-10 06:00', '2025-03-10 07:30'],
    ['does move a lunch-time submission to the afternoon opening', '2025-03-10 12:00', '2025-03-10 13:30'],
    ['does keep an instant inside office hours', '2025-03-10 09:15', '2025-03-10 09:15'],
    ['does keep the closing instant itself', '2025-03-10 11:30', '2025-03-10 11:30'],
    ['does keep a moment on the swapped Saturday', '2025-04-26 10:00', '2025-04-26 10:00'],
    ['does move a submission during Tết 2026 to the first day back', '2026-02-14 10:00', '2026-02-23 07:30'],
    ['does move a submission at night before a holiday past the holiday', '2025-08-29 22:00', '2025-09-03 07:30'],
  ];
  for (const [what, received, moment] of cases) {
    test(what, () => {
      assert.equal(local(calendar.nextWorkingMoment(parseLocal(received))), moment);
    });
  }

  test('does move one second after closing to the next working day', () => {
    const justAfter = new Date(at('2026-02-13', '17:00').getTime() + 1000);
    assert.equal(local(calendar.nextWorkingMoment(justAfter)), '2026-02-23 07:30');
    assert.equal(calendar.receptionDate(justAfter), '2026-02-23');
    assert.equal(calendar.receptionDate(at('2026-02-13', '17:00')), '2026-02-13');
  });
});

describe('addWorkingHours (within office hours)', () => {
  const cases: Array<[string, string, number, string]> = [
    ['does carry the time across the lunch break', '2025-03-10 10:30', 2, '2025-03-10 14:30'],
    ['does stop at 11:30 when the morning is used up exactly', '2025-03-10 10:30', 1, '2025-03-10 11:30'],
    ['does start a lunch-time instant at the afternoon opening', '2025-03-10 12:00', 0.5, '2025-03-10 14:00'],
    ['does carry the time across the night', '2025-03-10 16:00', 8, '2025-03-11 16:30'],
    ['does carry 8 working hours across a weekend (Resolution 66.7/2025 supplement limit)', '2025-03-07 15:00', 8, '2025-03-10 15:30'],
    ['does start a weekend instant on Monday morning', '2025-03-08 09:00', 1, '2025-03-10 08:30'],
    ['does use the swapped Saturday', '2025-04-25 16:00', 2, '2025-04-26 08:30'],
    ['does skip the 30/4–4/5/2025 bridge', '2025-04-29 16:00', 2, '2025-05-05 08:30'],
    ['does return the instant itself for zero hours', '2025-03-08 09:00', 0, '2025-03-08 09:00'],
  ];
  for (const [what, start, hours, end] of cases) {
    test(what, () => {
      assert.equal(local(calendar.addWorkingHours(parseLocal(start), hours)), end);
    });
  }

  test('does refuse negative or infinite hours', () => {
    assert.throws(() => calendar.addWorkingHours(at('2025-03-10', '09:00'), -1), RangeError);
    assert.throws(() => calendar.addWorkingHours(at('2025-03-10', '09:00'), Number.POSITIVE_INFINITY), RangeError);
  });
});

describe('workingTimeBetween', () => {
  const mon8 = at('2025-03-10', '08:00');
  const thu9 = at('2025-03-13', '09:00');

  test('does count office hours only (3.5 + 3.5 + 7.5 + 7.5 + 1.5)', () => {
    const duration = calendar.workingTimeBetween(mon8, thu9);
    assert.equal(duration.hours, 23.5);
    assert.equal(duration.milliseconds, 23.5 * 3_600_000);
  });

  test('does leave out a supplement pause', () => {
    const pause = { from: at('2025-03-10', '10:00'), to: at('2025-03-12', '14:00') };
    // Monday 08:00–10:00, Wednesday 14:00–17:00, Thursday 07:30–09:00.
    assert.equal(calendar.workingTimeBetween(mon8, thu9, [pause]).hours, 6.5);
  });

  test('does merge overlapping pauses and run an open pause to the end', () => {
    const pauses = [
      { from: at('2025-03-10', '10:00'), to: at('2025-03-12', '14:00') },
      { from: at('2025-03-11', '09:00'), to: at('2025-03-11', '10:00') },
      { from: at('2025-03-12', '16:00'), to: null },
    ];
    assert.equal(calendar.workingTimeBetween(mon8, thu9, pauses).hours, 4);
  });

  test('does ignore pauses outside the span and refuse a pause that ends before it starts', () => {
    const outside = { from: at('2025-03-01', '08:00'), to: at('2025-03-05', '08:00') };
    assert.equal(calendar.workingTimeBetween(mon8, thu9, [outside]).hours, 23.5);
    assert.throws(() => calendar.workingTimeBetween(mon8, thu9, [{ from: thu9, to: mon8 }]), RangeError);
  });

  test('does give a negative duration when the end comes first', () => {
    assert.equal(calendar.workingTimeBetween(thu9, mon8).hours, -23.5);
    assert.equal(Object.is(calendar.workingTimeBetween(thu9, thu9).milliseconds, 0), true);
  });

  test('does count only the hours on either side of Tết 2026', () => {
    assert.equal(calendar.workingTimeBetween(at('2026-02-13', '16:00'), at('2026-02-23', '08:30')).hours, 2);
  });

  test('does express days in standard working days (7.5 hours with the default hours)', () => {
    assert.equal(calendar.hoursPerWorkingDay, 7.5);
    assert.equal(calendar.workingTimeBetween(at('2025-03-10', '07:30'), at('2025-03-11', '17:00')).days, 2);
  });
});

describe('office hours per agency', () => {
  // A service centre: 8-hour weekdays and Saturday-morning reception.
  const hours: OfficeHoursInterval[] = [
    ...[1, 2, 3, 4, 5].flatMap((day) => [
      { day, open: '07:00', close: '11:00' },
      { day, open: '13:00', close: '17:00' },
    ]),
    { day: 6, open: '07:30', close: '11:30' },
  ];
  const centre = new WorkingCalendar({ officialYears: official, officeHours: hours });

  test('does take the standard day from the agency hours', () => {
    assert.equal(centre.hoursPerWorkingDay, 8);
    assert.equal(local(centre.addWorkingHours(at('2025-03-10', '10:00'), 2)), '2025-03-10 14:00');
  });

  test('does not count Saturday-morning reception hours on an ordinary Saturday', () => {
    assert.equal(centre.isWorkingDay('2025-03-08'), false);
    assert.equal(local(centre.nextWorkingMoment(at('2025-03-08', '09:00'))), '2025-03-10 07:00');
  });

  test('does give a swapped Saturday a full standard day', () => {
    const day = centre.describeDay('2025-04-26');
    assert.deepEqual(
      day.intervals.map((i) => [local(i.open), local(i.close)]),
      [
        ['2025-04-26 07:00', '2025-04-26 11:00'],
        ['2025-04-26 13:00', '2025-04-26 17:00'],
      ],
    );
    assert.equal(local(centre.endOfWorkingDay('2025-04-26')), '2025-04-26 17:00');
  });

  test('does use the standard day on a weekday the agency left without hours', () => {
    const noFriday = new WorkingCalendar({ officeHours: hours.filter((h) => h.day !== 5) });
    assert.equal(local(noFriday.endOfWorkingDay('2025-03-14')), '2025-03-14 17:00');
  });

  test('does merge touching intervals and use the default hours when none are given', () => {
    const touching = new WorkingCalendar({
      officeHours: [
        { day: 1, open: '08:00', close: '10:00' },
        { day: 1, open: '10:00', close: '12:00' },
      ],
    });
    assert.equal(touching.describeDay('2025-03-10').intervals.length, 1);
    assert.equal(new WorkingCalendar({ officeHours: [] }).hoursPerWorkingDay, 7.5);
  });

  test('does refuse malformed office hours with CALENDAR_OFFICE_HOURS_INVALID', () => {
    for (const bad of [
      [{ day: 8, open: '07:30', close: '11:30' }],
      [{ day: 1, open: '11:30', close: '07:30' }],
      [{ day: 1, open: '7:30', close: '11:30' }],
    ]) {
      assert.throws(
        () => new WorkingCalendar({ officeHours: bad }),
        (error: unknown) => error instanceof DomainError && error.code === 'CALENDAR_OFFICE_HOURS_INVALID',
      );
    }
  });

  test('does refuse an official table entry dated in another year', () => {
    const wrong = new Map([[2025, [{ ...officialEditions[1]!.days[0]! }]]]);
    assert.throws(() => new WorkingCalendar({ officialYears: wrong }), RangeError);
  });
});

describe('time zone', () => {
  test('does compute the same results whatever the server time zone', () => {
    const compute = () => [
      local(calendar.addWorkingDays(at('2026-02-13', '10:00'), 3)),
      local(calendar.nextWorkingMoment(at('2025-03-07', '17:30'))),
      local(calendar.addWorkingHours(at('2025-03-10', '16:00'), 8)),
      String(calendar.isWorkingDay(new Date('2025-04-25T18:00:00Z'))), // Saturday 26/04 01:00 in Vietnam
      vietnamDateOf(new Date('2025-12-31T17:00:00Z')),
    ];
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const reference = compute();
      assert.deepEqual(reference, ['2026-02-25 17:00', '2025-03-10 07:30', '2025-03-11 16:30', 'true', '2026-01-01']);
      for (const zone of ['America/New_York', 'Pacific/Kiritimati', 'Asia/Ho_Chi_Minh', 'Europe/London']) {
        process.env.TZ = zone;
        assert.deepEqual(compute(), reference, zone);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Properties, over 2024–2028 (computed, official, official, computed, computed years) and two office schedules.

const from = at('2024-01-01').getTime();
const to = at('2028-12-31', '23:59').getTime();
const anyInstant = fc.integer({ min: from, max: to }).map((ms) => new Date(ms));
// Whole minutes keep hour sums exact in floating point.
const anyMinutes = fc.integer({ min: 0, max: 60 * 120 });
const centre = new WorkingCalendar({
  officialYears: official,
  officeHours: [
    ...[1, 2, 3, 4, 5].flatMap((day) => [
      { day, open: '07:00', close: '11:00' },
      { day, open: '13:00', close: '17:00' },
    ]),
    { day: 6, open: '07:30', close: '11:30' },
  ],
});

for (const [label, cal] of [
  ['default hours', calendar],
  ['service-centre hours', centre],
] as const) {
  describe(`properties (${label})`, () => {
    test('does land addWorkingDays on the closing time of a working day, not before reception', () => {
      fc.assert(
        fc.property(anyInstant, fc.integer({ min: 0, max: 60 }), (start, n) => {
          const due = cal.addWorkingDays(start, n);
          assert.ok(cal.isWorkingDay(due));
          assert.equal(due.getTime(), cal.endOfWorkingDay(vietnamDateOf(due)).getTime());
          assert.ok(due.getTime() >= start.getTime());
        }),
      );
    });

    test('does make addWorkingDays strictly increasing in n', () => {
      fc.assert(
        fc.property(anyInstant, fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 20 }), (start, n, more) => {
          assert.ok(cal.addWorkingDays(start, n).getTime() < cal.addWorkingDays(start, n + more).getTime());
        }),
      );
    });

    test('does give the same due date for a + b days as for a days then b days', () => {
      fc.assert(
        fc.property(anyInstant, fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }), (start, a, b) => {
          assert.equal(cal.addWorkingDays(cal.addWorkingDays(start, a), b).getTime(), cal.addWorkingDays(start, a + b).getTime());
        }),
      );
    });

    test('does measure exactly h working hours between start and addWorkingHours(start, h)', () => {
      fc.assert(
        fc.property(anyInstant, anyMinutes, (start, minutes) => {
          const end = cal.addWorkingHours(start, minutes / 60);
          assert.equal(cal.workingTimeBetween(start, end).milliseconds, minutes * 60_000);
        }),
      );
    });

    test('does give the same end for a + b hours as for a hours then b hours', () => {
      fc.assert(
        fc.property(anyInstant, anyMinutes, anyMinutes, (start, a, b) => {
          const chained = cal.addWorkingHours(cal.addWorkingHours(start, a / 60), b / 60);
          assert.equal(chained.getTime(), cal.addWorkingHours(start, (a + b) / 60).getTime());
        }),
      );
    });

    test('does add working time over consecutive spans', () => {
      fc.assert(
        fc.property(anyInstant, anyInstant, anyInstant, (x, y, z) => {
          const [a, b, c] = [x, y, z].sort((p, q) => p.getTime() - q.getTime()) as [Date, Date, Date];
          const sum = cal.workingTimeBetween(a, b).milliseconds + cal.workingTimeBetween(b, c).milliseconds;
          assert.equal(sum, cal.workingTimeBetween(a, c).milliseconds);
        }),
        { numRuns: 50 },
      );
    });

    test('does subtract exactly the paused working time', () => {
      fc.assert(
        fc.property(anyInstant, anyInstant, anyInstant, anyInstant, (w, x, y, z) => {
          const [a, b] = [w, x].sort((p, q) => p.getTime() - q.getTime()) as [Date, Date];
          const [pFrom, pTo] = [y, z].sort((p, q) => p.getTime() - q.getTime()) as [Date, Date];
          const inside = [Math.max(a.getTime(), pFrom.getTime()), Math.min(b.getTime(), pTo.getTime())] as const;
          const paused = inside[1] > inside[0] ? cal.workingTimeBetween(new Date(inside[0]), new Date(inside[1])).milliseconds : 0;
          const total = cal.workingTimeBetween(a, b).milliseconds;
          assert.equal(cal.workingTimeBetween(a, b, [{ from: pFrom, to: pTo }]).milliseconds, total - paused);
        }),
        { numRuns: 50 },
      );
    });

    test('does make nextWorkingMoment a working instant reached without working time', () => {
      fc.assert(
        fc.property(anyInstant, (start) => {
          const moment = cal.nextWorkingMoment(start);
          assert.ok(moment.getTime() >= start.getTime());
          assert.equal(cal.nextWorkingMoment(moment).getTime(), moment.getTime());
          assert.equal(cal.workingTimeBetween(start, moment).milliseconds, 0);
          assert.ok(cal.describeDay(moment).intervals.some((i) => i.open <= moment && moment <= i.close));
        }),
      );
    });
  });
}
