import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import type { SessionUser } from '../../platform/http/auth.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { ReportsRepository, ReportsService, monthBounds, monthOf } from './index.js';

/*
 * The indicators computed from dossiers in the database, on a fixture whose every count and score is worked out by
 * hand below. Commune X offers procedure A (online, with a fee, complete public record) and B (not online, no fee,
 * durations not stated); department Y offers A.
 */

let database: Database;
let service: ReportsService;
let repository: ReportsRepository;
const ids: Record<string, number> = {};
const officer = (agencyId: number, roles: string[]): SessionUser => ({ id: 1, kind: 'officer', displayName: 'x', agencyId, roles });

/** A moment in Vietnam time (UTC+7). */
const vn = (iso: string) => new Date(`${iso}+07:00`);

before(async () => {
  database = await openTestDatabase();
  const db = database.db;
  const sector = await db.insertInto('sector').values({ name: 'Hộ tịch thử', slug: 'ho-tich-thu' }).returning('id').executeTakeFirstOrThrow();
  const stated = { durationStatus: 'stated', feeStatus: 'stated' };
  const procedure = async (code: string, online: boolean, fee: boolean, channels: object[]) => {
    const p = await db.insertInto('procedure').values({ code, name: `Thủ tục ${code}`, sector_id: sector.id, online_offered: online, has_fee: fee, levels: ['commune'], service_level: null, competent_agency: '', handling_agency: '', applicant_types: [], min_duration_days: null, current_version_id: null }).returning('id').executeTakeFirstOrThrow();
    const content = { channels, requirements: [{ name: 'Tờ khai' }], legalBases: [{ number: 'Luật 1' }] };
    const v = await db.insertInto('procedure_version').values({ procedure_id: p.id, version: 1, decision_number: '', effective_from: '2026-01-01', effective_to: null, content: JSON.stringify(content), raw: '{}', source_hash: code }).returning('id').executeTakeFirstOrThrow();
    await db.updateTable('procedure').set({ current_version_id: v.id }).where('id', '=', p.id).execute();
    return { id: p.id, versionId: v.id };
  };
  const a = await procedure('9.000001', true, true, [stated, stated]);
  const b = await procedure('9.000002', false, false, [{ durationStatus: 'value_without_unit', feeStatus: 'free' }]);
  const agency = async (code: string) => (await db.insertInto('agency').values({ code, kind: 'commune_committee', name: `Cơ quan ${code}` }).returning('id').executeTakeFirstOrThrow()).id;
  ids.x = await agency('000.99.01.H42');
  ids.y = await agency('000.99.02.H42');
  await db.insertInto('procedure_agency').values([{ procedure_id: a.id, agency_id: ids.x }, { procedure_id: b.id, agency_id: ids.x }, { procedure_id: a.id, agency_id: ids.y }]).execute();

  let n = 0;
  const dossier = async (p: { id: number; versionId: number }, agencyId: number, channel: 'online' | 'in_person' | 'post', receivedAt: Date, values: object) => {
    n++;
    const row = await db
      .insertInto('dossier')
      .values({
        code: `X-261001-${String(n).padStart(4, '0')}`, lookup_secret: 's', procedure_id: p.id, procedure_version_id: p.versionId, form_version: '1',
        applicant: JSON.stringify({ fullName: 'A' }), receiving_agency_id: agencyId, holder_agency_id: agencyId, channel, status: 'processing',
        values: JSON.stringify(values), result_delivery: 'online', received_at: receivedAt, submitted_at: receivedAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  };
  const complete = (dossierId: number, at: Date, timing: 'early' | 'on_time' | 'late') =>
    db.insertInto('dossier_completion').values({ dossier_id: dossierId, completed_at: at, due_at: at, outcome: 'result_returned', timing, supplement_count: 0, indicator_timing: timing }).execute();
  const fee = (dossierId: number) =>
    db.insertInto('dossier_fee').values({ dossier_id: dossierId, procedure_version_id: a.versionId, lines: '[]', total_vnd: 50_000, due_stage: 'submission' }).execute();

  // Commune X, October 2026 (Vietnam time).
  const d1 = await dossier(a, ids.x, 'online', vn('2026-10-02T09:00:00'), { x: 1 }); // fee paid online; early; signed result
  const d2 = await dossier(a, ids.x, 'online', vn('2026-10-05T09:00:00'), { x: 1 }); // fee not paid; late
  const d3 = await dossier(b, ids.x, 'in_person', vn('2026-10-06T09:00:00'), {}); // paper, no e-form data; on time
  const d4 = await dossier(a, ids.x, 'post', vn('2026-10-07T09:00:00'), { x: 1 }); // a document from the vault; open
  await dossier(a, ids.x, 'online', vn('2026-10-31T23:30:00'), { x: 1 }); // still October in Vietnam (16:30 UTC)
  await dossier(a, ids.x, 'online', vn('2026-11-01T00:10:00'), { x: 1 }); // November in Vietnam (31 Oct UTC)
  // Department Y: one online dossier finished on time.
  const d7 = await dossier(a, ids.y, 'online', vn('2026-10-03T09:00:00'), { x: 1 });

  await fee(d1);
  await fee(d2);
  await db.insertInto('payment').values({ dossier_id: d1, reference: 'MCTEST00001', method: 'gateway', amount_vnd: 50_000, status: 'paid', expires_at: vn('2026-10-03T09:00:00'), paid_at: vn('2026-10-02T10:00:00') }).execute();
  await db.insertInto('payment').values({ dossier_id: d2, reference: 'MCTEST00002', method: 'vietqr', amount_vnd: 50_000, status: 'failed', expires_at: vn('2026-10-06T09:00:00') }).execute();
  await complete(d1, vn('2026-10-10T10:00:00'), 'early');
  await complete(d2, vn('2026-10-20T10:00:00'), 'late');
  await complete(d3, vn('2026-10-09T10:00:00'), 'on_time');
  await complete(d7, vn('2026-10-12T10:00:00'), 'on_time');
  await db.insertInto('dossier_result').values({ dossier_id: d1, origin: 'signed', verification_code: 'VC1', title: 'Kết quả', file_key: 'k', file_name: 'k.pdf', mime: 'application/pdf', size_bytes: 1, sha256: '0'.repeat(64), issuer_agency_id: ids.x }).execute();
  await db.insertInto('dossier_document').values({ dossier_id: d4, field_id: 'f', requirement_name: '', pages: null, storage_key: 'v', file_name: 'v.pdf', mime: 'application/pdf', size_bytes: 1, sha256: '0'.repeat(64), source: 'vault' }).execute();
  // Complaints: two about d1 (finished in October; one filed in November, after it finished) count once; one about d4
  // (not finished) does not count. Ratings: d1 4 and d3 2 (both finished in October); d7 at Y 5.
  const complaint = (dossierId: number, agencyId: number, at: Date, status: 'open' | 'answered' = 'open') =>
    db.insertInto('complaint').values({ dossier_id: dossierId, agency_id: agencyId, category: 'delay', body: 'Chậm', via: 'account', received_at: at, due_at: at, status }).execute();
  await complaint(d1, ids.x, vn('2026-10-08T10:00:00'), 'answered');
  await complaint(d1, ids.x, vn('2026-11-03T10:00:00'));
  await complaint(d4, ids.x, vn('2026-10-20T10:00:00'));
  const rating = (dossierId: number, agencyId: number, overall: number) =>
    db.insertInto('satisfaction_rating').values({ dossier_id: dossierId, agency_id: agencyId, overall, answers: '{}', comment: '', via: 'account' }).execute();
  await rating(d1, ids.x, 4);
  await rating(d3, ids.x, 2);
  await rating(d7, ids.y, 5);

  repository = new ReportsRepository(db);
  service = new ReportsService(repository, undefined, () => vn('2026-11-15T12:00:00'));
  await repository.refreshMonth('2026-10-01');
  await repository.refreshMonth('2026-11-01');
});

after(async () => {
  await database?.close();
});

test('months are Vietnam months', () => {
  const { start, end } = monthBounds('2026-10-01');
  assert.equal(start.toISOString(), '2026-09-30T17:00:00.000Z');
  assert.equal(end.toISOString(), '2026-10-31T17:00:00.000Z');
  assert.equal(monthOf(new Date('2026-10-31T17:10:00Z')), '2026-11-01');
});

test('the monthly counts of commune X in October, by hand', async () => {
  const [row] = await repository.dossierCounts({ agencyIds: [ids.x!], from: '2026-10-01', to: '2026-10-01' });
  assert.deepEqual(
    { ...row },
    {
      received: 5, received_online: 3, received_in_person: 1, received_by_post: 1, received_digitised: 4, received_reusing_data: 1,
      fee_due: 2, paid_online: 1, finished: 3, finished_early: 1, finished_on_time: 1, finished_late: 1, finished_electronic_result: 1,
      complaints: 1, rated: 2, rating_sum: 6,
    },
  );
  const [november] = await repository.dossierCounts({ agencyIds: [ids.x!], from: '2026-11-01', to: '2026-11-01' });
  assert.equal(november!.received, 1, 'the dossier received at 00:10 on 1 November (Vietnam) counts in November');
});

test('every indicator of commune X in October, by hand', async () => {
  const { report, scope, ratings } = await service.dashboard(officer(ids.x!, ['leader']), { from: '2026-10', to: '2026-10' });
  assert.equal(scope.agencyId, ids.x);
  assert.deepEqual(ratings, { count: 2, average: 3, complaints: 1 }, 'd1 rated 4 and d3 rated 2: (4 + 2)/2; d1 had complaints');
  const score = Object.fromEntries(report.indicators.map((i) => [i.id, i.score]));
  assert.deepEqual(score, {
    'transparency.proceduresPublished': 4.5, //    1 of 2 procedures complete → 9 × 0.5
    'transparency.dossiersTracked': 9, //          5 of 5
    'progress.onTime': 13.33, //                   (1 early + 1 on time) / 3 → 20 × 2/3
    'online.proceduresOffered': 2.5, //            1/2 = 0.5, full at 0.8 → 4 × 0.625
    'online.proceduresUsed': 4, //                 A had online dossiers
    'online.dossiersOnline': 4, //                 3/5 = 0.6 ≥ 0.5
    'payment.proceduresPayable': 5, //             A: fee and online
    'payment.dossiersPaidOnline': 2.5, //          1 of 2 with a fee
    satisfaction: 6.67, //                         (3 − 1 late − 1 with a complaint)/3 = 0.333, full at 0.9 → 18 × 0.3704
    'digitisation.electronicResults': 2.67, //     1 of 3 finished → 8/3
    'digitisation.digitised': 7, //                4/5 = 0.8
    'digitisation.reuse': 1.75, //                 1/5 = 0.2, full at 0.8 → 7 × 0.25
  });
  assert.equal(report.total, 62.92);
  assert.equal(report.outOf100, 62.92);
});

test('refreshing a month again changes nothing', async () => {
  const before = await repository.dossierCounts({ agencyIds: null, from: '2026-10-01', to: '2026-11-01' });
  await repository.refreshMonth('2026-10-01');
  await Promise.all([repository.refreshMonth('2026-10-01'), repository.refreshMonth('2026-10-01')]);
  assert.deepEqual(await repository.dossierCounts({ agencyIds: null, from: '2026-10-01', to: '2026-11-01' }), before);
});

test('a leader sees only their agency; a system administrator sees all and the ranking; citizens and handlers none', async () => {
  await assert.rejects(service.dashboard(officer(ids.x!, ['leader']), { agencyId: ids.y!, from: '2026-10', to: '2026-10' }), /REPORTS_NOT_ALLOWED/);
  await assert.rejects(service.dashboard(officer(ids.x!, ['handler']), {}), /REPORTS_NOT_ALLOWED/);
  await assert.rejects(service.dashboard({ id: 2, kind: 'citizen', displayName: 'c', agencyId: null, roles: [] }, {}), /REPORTS_NOT_ALLOWED/);
  await assert.rejects(service.dashboard(officer(ids.x!, ['leader']), { from: '2026-12', to: '2026-10' }), /REPORTS_PERIOD_INVALID/);
  const all = await service.dashboard(officer(ids.x!, ['system_admin']), { from: '2026-10', to: '2026-11' });
  assert.equal(all.scope.agencyId, null);
  assert.deepEqual(all.ranking.map((r) => r.agencyId).sort(), [ids.x, ids.y].sort());
  const y = all.ranking.find((r) => r.agencyId === ids.y)!;
  assert.equal(y.received, 1);
  assert.deepEqual(all.trend.map((t) => [t.month, t.received]), [['2026-10-01', 6], ['2026-11-01', 1]]);
});

test('the drill-down lists the dossiers behind a number', async () => {
  const late = await service.drillDown(officer(ids.x!, ['leader']), 'progress.late', { from: '2026-10', to: '2026-10' });
  assert.equal(late.rows.length, 1);
  assert.equal(late.rows[0]!.timing, 'late');
  const online = await service.drillDown(officer(ids.x!, ['leader']), 'online.dossiersOnline', { from: '2026-10', to: '2026-10' });
  assert.equal(online.rows.length, 3);
  assert.ok(online.rows.every((r) => r.channel === 'online'));
});

test('the refresh job recomputes this month and the one before', async () => {
  await sql`delete from indicator_month`.execute(database.db);
  const done = await service.refreshRecent();
  assert.deepEqual(done.months, ['2026-10-01', '2026-11-01']);
  const [row] = await repository.dossierCounts({ agencyIds: [ids.x!], from: '2026-10-01', to: '2026-10-01' });
  assert.equal(row!.received, 5);
});

/** The old read of "procedures used online": distinct procedures over every month's procedure-level rows. */
async function usedOnlineByMonths(from: string, to: string) {
  const { rows } = await sql<{ agency_id: number | null; n: number }>`
    select m.agency_id, count(distinct m.procedure_id)::int as n from indicator_month m join procedure p on p.id = m.procedure_id
    where m.month >= ${from}::date and m.month <= ${to}::date and m.received_online > 0 and p.online_offered
    group by grouping sets ((m.agency_id), ())`.execute(database.db);
  return {
    overall: rows.find((r) => r.agency_id === null)?.n ?? 0,
    byAgency: new Map(rows.filter((r) => r.agency_id !== null).map((r) => [r.agency_id!, r.n])),
  };
}

test('recomputing a month after its only online dossier moved clears the month’s bit', async () => {
  const db = database.db;
  const bits = async () =>
    (await db.selectFrom('indicator_online_use').select(['year', 'procedure_id', 'months']).where('agency_id', '=', ids.y!).execute()).map((r) => ({ ...r }));
  const [a] = await db.selectFrom('procedure').select('id').where('code', '=', '9.000001').execute();
  assert.deepEqual(await bits(), [{ year: 2026, procedure_id: a!.id, months: 1 << 9 }], 'Y: procedure A used online in October only');
  const d7 = await db.selectFrom('dossier').select(['id', 'received_at']).where('receiving_agency_id', '=', ids.y!).executeTakeFirstOrThrow();
  await db.updateTable('dossier').set({ received_at: vn('2026-09-20T09:00:00') }).where('id', '=', d7.id).execute();
  await repository.refreshMonth('2026-10-01');
  assert.deepEqual(await bits(), [], 'October recomputed: the bit is cleared and the row without months deleted');
  assert.deepEqual(await repository.proceduresUsedOnline({ agencyIds: [ids.y!], from: '2026-10-01', to: '2026-11-01' }), { overall: 0, byAgency: new Map() });
  await repository.refreshMonth('2026-09-01');
  assert.deepEqual(await bits(), [{ year: 2026, procedure_id: a!.id, months: 1 << 8 }], 'September recomputed: its bit is set');
  const x = await repository.proceduresUsedOnline({ agencyIds: null, from: '2026-09-01', to: '2026-09-01' });
  assert.deepEqual(x, { overall: 1, byAgency: new Map([[ids.y!, 1]]) });
  // Back in October, as the other tests expect.
  await db.updateTable('dossier').set({ received_at: d7.received_at! }).where('id', '=', d7.id).execute();
  await repository.refreshMonth('2026-09-01');
  await repository.refreshMonth('2026-10-01');
  assert.deepEqual(await bits(), [{ year: 2026, procedure_id: a!.id, months: 1 << 9 }]);
});

test('procedures used online: the yearly month bits give the count(distinct) over the monthly rows, for every period across two years', async () => {
  const db = database.db;
  const procedures = await db.selectFrom('procedure').select(['id', 'code', 'current_version_id']).where('code', 'in', ['9.000001', '9.000002']).orderBy('code').execute();
  const [a, b] = procedures as [(typeof procedures)[0], (typeof procedures)[0]];
  let n = 100;
  const add = async (p: typeof a, agencyId: number, channel: 'online' | 'in_person', at: string) => {
    n++;
    await db.insertInto('dossier').values({
      code: `X-261001-${String(n).padStart(4, '0')}`, lookup_secret: 's', procedure_id: p.id, procedure_version_id: p.current_version_id!, form_version: '1',
      applicant: JSON.stringify({ fullName: 'A' }), receiving_agency_id: agencyId, holder_agency_id: agencyId, channel, status: 'processing',
      values: '{}', result_delivery: 'online', received_at: vn(at), submitted_at: vn(at),
    }).execute();
  };
  // A online at X in December and at Y in January and March; B (not offered online, yet with an online dossier) at
  // X in January; in person only at Y in February.
  await add(a, ids.x!, 'online', '2026-12-10T09:00:00');
  await add(a, ids.y!, 'online', '2027-01-05T09:00:00');
  await add(b, ids.x!, 'online', '2027-01-06T09:00:00');
  await add(a, ids.y!, 'in_person', '2027-02-07T09:00:00');
  await add(a, ids.y!, 'online', '2027-03-31T23:00:00');
  const months = ['2026-09-01', '2026-10-01', '2026-11-01', '2026-12-01', '2027-01-01', '2027-02-01', '2027-03-01', '2027-04-01'];
  for (const m of months) await repository.refreshMonth(m);
  let periods = 0;
  for (const [i, from] of months.entries()) {
    for (const to of months.slice(i)) {
      const got = await repository.proceduresUsedOnline({ agencyIds: null, from, to });
      assert.deepEqual(got, await usedOnlineByMonths(from, to), `${from} … ${to}`);
      const atY = await repository.proceduresUsedOnline({ agencyIds: [ids.y!], from, to });
      assert.equal(atY.overall, (await usedOnlineByMonths(from, to)).byAgency.get(ids.y!) ?? 0, `Y, ${from} … ${to}`);
      periods++;
    }
  }
  assert.equal(periods, 36);
  assert.deepEqual(await repository.proceduresUsedOnline({ agencyIds: null, from: '2026-11-01', to: '2027-02-01' }), { overall: 1, byAgency: new Map([[ids.x!, 1], [ids.y!, 1]]) }, 'A at X (December) and Y (January) once overall; B not offered online');
});
