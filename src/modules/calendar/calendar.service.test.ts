import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { DomainError } from '../../platform/errors/errors.js';
import { officialEditions } from './calendar.official.js';
import type { CalendarActor, CalendarDayInput } from './calendar.service.js';
import { createCalendarService, seedOfficialCalendar } from './index.js';

let database: Database;
let admin: CalendarActor;
let deskOfficer: CalendarActor;

/** An officer account (in a test agency unless a system administrator); the calendar only needs id and roles. */
async function buildUser(username: string, roles: string[]): Promise<CalendarActor> {
  let agencyId: number | null = null;
  if (!roles.includes('system_admin')) {
    const agency = await database.db
      .insertInto('agency')
      .values({ code: `H99.${username.length}`, kind: 'other', name: `Cơ quan thử nghiệm ${username}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    agencyId = agency.id;
  }
  const row = await database.db
    .insertInto('app_user')
    .values({ kind: 'officer', username, display_name: username, password_hash: 'x', roles, agency_id: agencyId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { userId: row.id, roles };
}

function hasCode(code: string, fields?: string[]) {
  return (error: unknown) => {
    assert.ok(error instanceof DomainError, String(error));
    assert.equal(error.code, code);
    if (fields) assert.deepEqual(error.details.fields?.map((f) => f.field), fields);
    return true;
  };
}

const culture2026 = '2026-11-24';

before(async () => {
  database = await openTestDatabase();
  admin = await buildUser('calendar-admin', ['system_admin']);
  deskOfficer = await buildUser('calendar-desk', ['desk', 'agency_admin']);
});
after(async () => {
  await database.close();
});

describe('seedOfficialCalendar', () => {
  test('does write version 1 of 2025 and 2026, then nothing when run again', async () => {
    const first = await seedOfficialCalendar(database);
    assert.deepEqual(first, {
      inserted: [
        { year: 2025, version: 1 },
        { year: 2026, version: 1 },
      ],
      skipped: [],
    });
    const again = await seedOfficialCalendar(database);
    assert.deepEqual(again, { inserted: [], skipped: [2025, 2026] });
    const editions = await createCalendarService(database).listEditions();
    assert.deepEqual(
      editions.map((e) => [e.year, e.version, e.inForce, e.createdBy, e.dayCount]),
      officialEditions.map((e) => [e.year, 1, true, null, e.days.length]),
    );
  });

  test('does read back exactly the seeded days, dates unshifted', async () => {
    const detail = await createCalendarService(database).getEdition(2026, 1);
    assert.deepEqual(detail.days, officialEditions.find((e) => e.year === 2026)!.days);
    assert.equal(detail.inForce, true);
  });
});

describe('CalendarService.calendar', () => {
  test('does build the working calendar from the tables in force', async () => {
    const calendar = await createCalendarService(database).calendar();
    assert.equal(calendar.isWorkingDay('2025-04-26'), true);
    assert.equal(calendar.isWorkingDay('2025-05-02'), false);
    assert.equal(calendar.isWorkingDay('2025-02-03'), true);
    assert.equal(calendar.yearOrigin(2026), 'official');
    assert.equal(calendar.yearOrigin(2027), 'computed');
  });

  test('does reuse the calendar while nothing changed, one per office-hours schedule', async () => {
    const service = createCalendarService(database);
    const first = await service.calendar();
    assert.equal(await service.calendar(), first);
    const saturday = [{ day: 6, open: '07:30', close: '11:30' }];
    const other = await service.calendar(saturday);
    assert.notEqual(other, first);
    assert.equal(await service.calendar(saturday), other);
  });
});

describe('versions of a year', () => {
  test('does publish an amendment as the next version and keep the previous one', async () => {
    const service = createCalendarService(database);
    const elsewhere = createCalendarService(database); // another process with its own cache
    const before = await elsewhere.calendar();
    assert.equal(before.isWorkingDay(culture2026), false);

    const v2 = await service.amendYear(
      { year: 2026, remove: [culture2026], legalSource: 'Bộ luật Lao động chưa được sửa (thử nghiệm)', note: 'bỏ 24/11' },
      admin,
    );
    assert.deepEqual([v2.year, v2.version, v2.inForce, v2.createdBy, v2.status], [2026, 2, true, admin.userId, 'active']);

    const afterwards = await elsewhere.calendar();
    assert.notEqual(afterwards, before);
    assert.equal(afterwards.isWorkingDay(culture2026), true);
    assert.equal(afterwards.isWorkingDay('2026-08-22'), true, 'the rest of the table is carried over');

    const history = await service.listEditions(2026);
    assert.deepEqual(
      history.map((e) => [e.version, e.inForce, e.status]),
      [
        [1, false, 'active'],
        [2, true, 'active'],
      ],
    );
    const v1 = await service.getEdition(2026, 1);
    assert.ok(v1.days.some((d) => d.date === culture2026), 'history keeps the first version');
  });

  test('does put the previous version back in force when the latest is withdrawn, and refuse a second withdrawal', async () => {
    const service = createCalendarService(database);
    const withdrawn = await service.withdrawEdition(2026, 2, admin);
    assert.equal(withdrawn.status, 'withdrawn');
    assert.equal(withdrawn.withdrawnBy, admin.userId);
    assert.ok(withdrawn.withdrawnAt instanceof Date);
    assert.equal((await service.calendar()).isWorkingDay(culture2026), false);
    assert.deepEqual(
      (await service.listEditions(2026)).map((e) => [e.version, e.inForce]),
      [
        [1, true],
        [2, false],
      ],
    );
    await assert.rejects(service.withdrawEdition(2026, 2, admin), hasCode('CALENDAR_EDITION_CONFLICT'));
    await assert.rejects(service.withdrawEdition(2026, 9, admin), hasCode('CALENDAR_EDITION_NOT_FOUND'));
  });

  test('does publish a complete table for a year that had none, in place of the computed base', async () => {
    const service = createCalendarService(database);
    assert.equal((await service.calendar()).isWorkingDay('2027-02-10'), false, 'computed compensatory day');
    const days: CalendarDayInput[] = service
      .computedYear(2027)
      .filter((d) => d.kind === 'holiday')
      .map((d) => ({ ...d }));
    days.push({
      date: '2027-02-13',
      kind: 'working_day',
      nameVi: 'Làm việc bù (thử nghiệm)',
      nameEn: 'Working Saturday (test)',
      legalSource: 'Thông báo thử nghiệm',
    });
    const v1 = await service.publishYear({ year: 2027, days, legalSource: 'Thông báo thử nghiệm' }, admin);
    assert.deepEqual([v1.version, v1.inForce, v1.dayCount], [1, true, days.length]);
    const calendar = await service.calendar();
    assert.equal(calendar.yearOrigin(2027), 'official');
    assert.equal(calendar.isWorkingDay('2027-02-10'), true, 'the official table has no compensatory day here');
    assert.equal(calendar.describeDay('2027-02-13').status, 'swapped_working');
  });

  test('does number concurrent publications of one year one after the other', async () => {
    const service = createCalendarService(database);
    const amend = (date: string) =>
      service.amendYear(
        {
          year: 2028,
          set: [{ date, kind: 'day_off', nameVi: 'Nghỉ (thử nghiệm)', nameEn: 'Day off (test)', legalSource: 'Thử nghiệm' }],
          legalSource: 'Thử nghiệm',
        },
        admin,
      );
    const results = await Promise.all([amend('2028-03-06'), amend('2028-03-07'), amend('2028-03-08')]);
    assert.deepEqual(results.map((r) => r.version).sort(), [1, 2, 3]);
    const latest = (await service.listEditions(2028)).at(-1)!;
    const detail = await service.getEdition(2028, latest.version);
    assert.equal(detail.days.filter((d) => d.date.startsWith('2028-03-0')).length, 3, 'each amendment builds on the previous');
  });
});

describe('validation and authorisation', () => {
  const entry = (date: string, kind = 'holiday'): CalendarDayInput => ({
    date,
    kind,
    nameVi: 'Ngày thử',
    nameEn: 'Test day',
    legalSource: 'Thử nghiệm',
  });

  test('does refuse a table with bad entries and say which fields', async () => {
    const service = createCalendarService(database);
    await assert.rejects(
      service.publishYear(
        {
          year: 2029,
          days: [
            entry('2029-02-30'),
            entry('2030-01-01'),
            entry('2029-03-05'),
            entry('2029-03-05'),
            entry('2029-03-06', 'working_day'), // a Tuesday
            entry('2029-03-07', 'party'),
            { ...entry('2029-03-08'), nameEn: ' ' },
          ],
          legalSource: 'Thử nghiệm',
        },
        admin,
      ),
      hasCode('CALENDAR_TABLE_INVALID', [
        'days[0].date',
        'days[1].date',
        'days[3].date',
        'days[4].kind',
        'days[5].kind',
        'days[6].nameEn',
      ]),
    );
    await assert.rejects(
      service.publishYear({ year: 2029.5, days: [], legalSource: '' }, admin),
      hasCode('CALENDAR_TABLE_INVALID', ['year', 'legalSource']),
    );
    await assert.rejects(
      service.amendYear({ year: 2029, remove: ['2029-07-04'], legalSource: 'Thử nghiệm' }, admin),
      hasCode('CALENDAR_TABLE_INVALID', ['remove[0]']),
    );
    assert.deepEqual(await service.listEditions(2029), [], 'nothing was written');
  });

  test('does let only a system administrator publish or withdraw', async () => {
    const service = createCalendarService(database);
    await assert.rejects(
      service.publishYear({ year: 2029, days: [entry('2029-03-05')], legalSource: 'Thử nghiệm' }, deskOfficer),
      hasCode('CALENDAR_FORBIDDEN'),
    );
    await assert.rejects(service.amendYear({ year: 2029, legalSource: 'Thử nghiệm' }, deskOfficer), hasCode('CALENDAR_FORBIDDEN'));
    await assert.rejects(service.withdrawEdition(2025, 1, deskOfficer), hasCode('CALENDAR_FORBIDDEN'));
  });

  test('does answer CALENDAR_EDITION_NOT_FOUND for a version that does not exist', async () => {
    await assert.rejects(createCalendarService(database).getEdition(2031, 1), hasCode('CALENDAR_EDITION_NOT_FOUND'));
  });
});

describe('seeding after changes', () => {
  test('does not add a seed version over an administrator version', async () => {
    const service = createCalendarService(database);
    await service.amendYear({ year: 2025, remove: ['2025-09-01'], legalSource: 'Thử nghiệm' }, admin);
    const before = await service.listEditions(2025);
    const result = await seedOfficialCalendar(database);
    assert.deepEqual(result.inserted, []);
    assert.deepEqual(await service.listEditions(2025), before);
  });

  test('does add corrected seed data as the next version once, when only the seed wrote the year', async () => {
    const service = createCalendarService(database);
    const original = {
      year: 2030,
      legalSource: 'Thử nghiệm',
      note: 'seed',
      days: [{ date: '2030-01-01', kind: 'holiday' as const, nameVi: 'Tết Dương lịch', nameEn: "New Year's Day", legalSource: 'BLLĐ', verified: true }],
    };
    assert.deepEqual((await service.seed([original])).inserted, [{ year: 2030, version: 1 }]);
    const corrected = { ...original, days: [...original.days, { ...original.days[0]!, date: '2030-01-02', kind: 'day_off' as const }] };
    assert.deepEqual((await service.seed([corrected])).inserted, [{ year: 2030, version: 2 }]);
    assert.deepEqual((await service.seed([corrected])).inserted, []);
    assert.deepEqual((await service.seed([original])).inserted, [], 'an older seed never comes back');
  });
});
