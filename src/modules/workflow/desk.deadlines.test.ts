import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WorkingCalendar, formatVietnamTime, officialEditions, vietnamInstant } from '../calendar/index.js';
import { addLocalDays, addLocalMonths, dueAtFor, statutoryDurationFor, supplementWindow, type StatutoryDuration } from './desk.deadlines.js';

/** The calendar production builds from the seeded 2025/2026 tables, with a commune's hours (07:00–11:30, 13:30–17:00). */
const hours = [1, 2, 3, 4, 5].flatMap((day) => [
  { day, open: '07:00', close: '11:30' },
  { day, open: '13:30', close: '17:00' },
]);
const calendar = new WorkingCalendar({ officialYears: new Map(officialEditions.map((e) => [e.year, e.days])), officeHours: hours });

const at = (text: string) => {
  const [date, clock] = text.split(' ');
  return vietnamInstant(date!, clock);
};
const local = (instant: Date) => formatVietnamTime(instant).replace('T', ' ').replace('+07:00', '');
const due = (received: string, duration: StatutoryDuration) => local(dueAtFor(calendar, at(received), duration));

describe('statutoryDurationFor', () => {
  const content = {
    channels: [
      { channel: 'in_person', durations: [{ value: 5, unit: 'working_day' }] },
      { channel: 'online', durations: [] },
      { channel: 'online', durations: [{ value: 1, unit: 'working_day' }, { value: 3, unit: 'working_day' }] },
      { channel: 'online', durations: [{ value: 3, unit: 'working_day' }] },
    ],
  };

  test('does take the first duration stated for the dossier’s channel (the one the receipt slip prints)', () => {
    assert.deepEqual(statutoryDurationFor(content, 'online'), { value: 1, unit: 'working_day' });
    assert.deepEqual(statutoryDurationFor(content, 'in_person'), { value: 5, unit: 'working_day' });
  });

  test('does answer null when the channel states no duration, rather than borrowing another channel’s', () => {
    assert.equal(statutoryDurationFor(content, 'post'), null);
    assert.equal(statutoryDurationFor({ channels: [{ channel: 'online', durations: [{ value: 3, unit: 'fortnight' }] }] }, 'online'), null);
    assert.equal(statutoryDurationFor(null, 'online'), null);
    assert.equal(statutoryDurationFor({ channels: 'garbage' }, 'online'), null);
  });
});

describe('dueAtFor', () => {
  test('does count working days from the day after reception, due at closing time', () => {
    assert.equal(due('2026-03-09 09:00', { value: 3, unit: 'working_day' }), '2026-03-12 17:00');
  });

  test('does land after Tết 2026 for 3 working days received the working day before it', () => {
    assert.equal(due('2026-02-13 10:00', { value: 3, unit: 'working_day' }), '2026-02-25 17:00');
  });

  test('does put half a working day between the same day and one working day', () => {
    const half = dueAtFor(calendar, at('2026-03-09 09:00'), { value: 0.5, unit: 'working_day' }).getTime();
    const none = dueAtFor(calendar, at('2026-03-09 09:00'), { value: 0, unit: 'working_day' }).getTime();
    const one = dueAtFor(calendar, at('2026-03-09 09:00'), { value: 1, unit: 'working_day' }).getTime();
    assert.ok(none < half && half < one, 'monotonic in the duration');
    assert.equal(due('2026-03-09 09:00', { value: 0.5, unit: 'working_day' }), '2026-03-10 11:00');
  });

  test('does count working hours across the lunch break and the night', () => {
    // 1 hour on Monday, 4.5 on Tuesday morning, 2.5 after lunch.
    assert.equal(due('2026-03-09 16:00', { value: 8, unit: 'working_hour' }), '2026-03-10 16:00');
  });

  test('does count plain days as calendar days, moving a last day off to the next working day (Civil Code art. 148(2))', () => {
    // Friday 6 March + 15 days = Saturday 21 March → Monday 23 March.
    assert.equal(due('2026-03-06 10:00', { value: 15, unit: 'day' }), '2026-03-23 17:00');
    // Monday 9 March + 10 days = Thursday 19 March.
    assert.equal(due('2026-03-09 10:00', { value: 10, unit: 'day' }), '2026-03-19 17:00');
  });

  test('does count months to the same day number, or the month’s last day', () => {
    assert.equal(due('2026-03-09 10:00', { value: 1, unit: 'month' }), '2026-04-09 17:00');
    assert.equal(addLocalMonths('2026-01-31', 1), '2026-02-28');
    assert.equal(addLocalDays('2026-12-30', 3), '2027-01-02');
  });

  test('does move plain hours that end outside office hours to the next opening', () => {
    assert.equal(due('2026-03-09 16:00', { value: 2, unit: 'hour' }), '2026-03-10 07:00');
    assert.equal(due('2026-03-09 08:00', { value: 2, unit: 'hour' }), '2026-03-09 10:00');
  });
});

describe('supplementWindow (Resolution 66.7/2025/NQ-CP: 8 working hours from submission)', () => {
  const policy = { limitHours: 8, warnHours: 2 };

  test('does count the 8 hours in office time from a submission at night', () => {
    const w = supplementWindow(calendar, at('2026-03-09 21:00'), 'online', at('2026-03-10 08:00'), policy)!;
    assert.equal(local(w.deadline), '2026-03-10 17:00');
    assert.equal(w.state, 'open');
    assert.equal(w.hoursLeft, 7);
  });

  test('does warn when two working hours or fewer are left, and says when the limit has passed', () => {
    assert.equal(supplementWindow(calendar, at('2026-03-09 21:00'), 'online', at('2026-03-10 14:30'), policy)!.state, 'open');
    assert.equal(supplementWindow(calendar, at('2026-03-09 21:00'), 'online', at('2026-03-10 15:00'), policy)!.state, 'near');
    assert.equal(supplementWindow(calendar, at('2026-03-09 21:00'), 'online', at('2026-03-10 17:00'), policy)!.state, 'near');
    assert.equal(supplementWindow(calendar, at('2026-03-09 21:00'), 'online', at('2026-03-10 17:01'), policy)!.state, 'passed');
  });

  test('does not apply to dossiers received on paper', () => {
    assert.equal(supplementWindow(calendar, at('2026-03-09 21:00'), 'in_person', at('2026-03-10 08:00'), policy), null);
  });
});
