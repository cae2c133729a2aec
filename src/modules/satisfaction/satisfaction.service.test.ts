import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import type { SessionUser } from '../../platform/http/auth.js';
import { seedOfficialCalendar } from '../calendar/index.js';
import { createNotificationService } from '../notifications/index.js';
import { ReportsRepository, satisfactionIndicators } from '../reports/index.js';
import { createSatisfactionService, type SatisfactionService } from './index.js';

/*
 * Ratings, rating links and complaints against a real database (PGlite, or PostgreSQL with DATABASE_URL), with the
 * real outbox, audit trail, calendar (official 2026 table) and indicator counts. The clock is the test's.
 */

let database: Database;
let service: SatisfactionService;
let now = new Date('2026-10-05T03:00:00Z'); // Monday 5 October 2026, 10:00 in Vietnam
const ids: Record<string, number> = {};
const vn = (iso: string) => new Date(`${iso}+07:00`);
const citizen = (id: number): SessionUser => ({ id, kind: 'citizen', displayName: 'c', agencyId: null, roles: [] });
const officer = (id: number, agencyId: number, roles: string[]): SessionUser => ({ id, kind: 'officer', displayName: 'o', agencyId, roles });
const survey = { publicInfo: 'yes', guidance: 'yes', attitude: 'no', timeliness: 'yes', noExtraDocuments: 'yes', noExtraFees: 'yes' };

let n = 0;
async function dossier(options: { status?: 'result_returned' | 'processing'; agency?: number; owner?: number | null; completedAt?: Date } = {}): Promise<{ id: number; code: string }> {
  n++;
  const code = `T-261005-${String(n).padStart(4, '0')}`;
  const row = await database.db
    .insertInto('dossier')
    .values({
      code, lookup_secret: 's', procedure_id: ids.procedure!, procedure_version_id: ids.version!, form_version: '1', applicant_user_id: options.owner === undefined ? ids.citizenA! : options.owner,
      applicant: JSON.stringify({ fullName: 'Nguyễn Văn A', phone: '0912345678', email: `a${n}@example.vn`, personalId: null, address: null }),
      receiving_agency_id: options.agency ?? ids.x!, holder_agency_id: options.agency ?? ids.x!, channel: 'online', status: options.status ?? 'result_returned',
      values: '{}', result_delivery: 'online', received_at: vn('2026-09-20T09:00:00'), submitted_at: vn('2026-09-20T09:00:00'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  if ((options.status ?? 'result_returned') === 'result_returned') {
    const at = options.completedAt ?? vn('2026-10-02T10:00:00');
    await database.db.insertInto('dossier_completion').values({ dossier_id: id, completed_at: at, due_at: at, outcome: 'result_returned', timing: 'on_time', supplement_count: 0, indicator_timing: 'on_time' }).execute();
  }
  return { id, code };
}

before(async () => {
  database = await openTestDatabase();
  const db = database.db;
  await seedOfficialCalendar(database);
  const sector = await db.insertInto('sector').values({ name: 'Hộ tịch thử', slug: 'ho-tich-thu-hl' }).returning('id').executeTakeFirstOrThrow();
  const p = await db.insertInto('procedure').values({ code: '9.100001', name: 'Thủ tục thử', sector_id: sector.id, online_offered: true, has_fee: false, levels: ['commune'], service_level: null, competent_agency: '', handling_agency: '', applicant_types: [], min_duration_days: null, current_version_id: null }).returning('id').executeTakeFirstOrThrow();
  const v = await db.insertInto('procedure_version').values({ procedure_id: p.id, version: 1, decision_number: '', effective_from: '2026-01-01', effective_to: null, content: '{}', raw: '{}', source_hash: 'hl' }).returning('id').executeTakeFirstOrThrow();
  ids.procedure = p.id;
  ids.version = v.id;
  ids.x = (await db.insertInto('agency').values({ code: '000.98.01.H42', kind: 'commune_committee', name: 'UBND xã X' }).returning('id').executeTakeFirstOrThrow()).id;
  ids.y = (await db.insertInto('agency').values({ code: '000.98.02.H42', kind: 'department', name: 'Sở Y' }).returning('id').executeTakeFirstOrThrow()).id;
  const user = async (username: string, kind: 'citizen' | 'officer', agencyId: number | null, roles: string[]) =>
    (await db.insertInto('app_user').values({ kind, username, display_name: username, password_hash: '', agency_id: agencyId, roles }).returning('id').executeTakeFirstOrThrow()).id;
  ids.citizenA = await user('a@example.vn', 'citizen', null, []);
  ids.citizenB = await user('b@example.vn', 'citizen', null, []);
  ids.deskX = await user('x.desk', 'officer', ids.x, ['desk']);
  ids.leaderX = await user('x.leader', 'officer', ids.x, ['leader']);
  ids.handlerX = await user('x.handler', 'officer', ids.x, ['handler']);
  ids.deskY = await user('y.desk', 'officer', ids.y, ['desk']);
  service = createSatisfactionService(database, {
    notifications: createNotificationService(database),
    secret: 'a-test-secret-of-some-length-0123456789',
    baseUrl: 'https://dichvucong.example.vn/',
    indicators: satisfactionIndicators(database),
    clock: () => now,
  });
});

after(async () => {
  await database?.close();
});

async function auditActions(dossierId: number): Promise<string[]> {
  const rows = await database.db.selectFrom('audit_event').select('action').where('subject_type', '=', 'dossier').where('subject_id', '=', String(dossierId)).orderBy('id').execute();
  return rows.map((r) => r.action);
}

async function invite(dossierId: number): Promise<string> {
  const url = await database.db.transaction().execute((trx) => service.invite(trx, dossierId));
  const token = /\/danh-gia\/([^/]+)$/.exec(url)?.[1];
  assert.ok(url.startsWith('https://dichvucong.example.vn/danh-gia/') && token, url);
  return token;
}

test('a returned dossier is rated once by its applicant; the rating is audited', async () => {
  const d = await dossier();
  await assert.rejects(service.rate(citizen(ids.citizenB!), d.code, { overall: '4', answers: survey, comment: '' }), /SATISFACTION_DOSSIER_NOT_FOUND/);
  await assert.rejects(service.rate(citizen(ids.citizenA!), d.code, { overall: '6', answers: { ...survey, guidance: '' }, comment: '' }), (error: { details: { fields: { field: string }[] } }) => {
    assert.deepEqual(error.details.fields.map((f) => f.field), ['overall', 'guidance']);
    return true;
  });
  await service.rate(citizen(ids.citizenA!), d.code, { overall: '4', answers: survey, comment: ' Cán bộ nhiệt tình ' });
  await assert.rejects(service.rate(citizen(ids.citizenA!), d.code, { overall: '5', answers: survey, comment: '' }), /SATISFACTION_ALREADY_RATED/);
  const summary = await service.summary(citizen(ids.citizenA!), d.code);
  assert.deepEqual({ overall: summary.rating?.overall, comment: summary.rating?.comment, attitude: summary.rating?.answers.attitude, canRate: summary.canRate }, { overall: 4, comment: 'Cán bộ nhiệt tình', attitude: 'no', canRate: false });
  assert.deepEqual(await auditActions(d.id), ['satisfaction.rate']);
});

test('a dossier in progress cannot be rated yet', async () => {
  const d = await dossier({ status: 'processing' });
  await assert.rejects(service.rate(citizen(ids.citizenA!), d.code, { overall: '5', answers: survey, comment: '' }), /SATISFACTION_NOT_RETURNED/);
  assert.equal((await service.summary(citizen(ids.citizenA!), d.code)).canRate, false);
});

test('the rating link works once, for a walk-in applicant without an account; forged and expired links do not', async () => {
  const d = await dossier({ owner: null });
  const token = await invite(d.id);
  const stored = await database.db.selectFrom('satisfaction_invitation').select('token_hash').where('dossier_id', '=', d.id).executeTakeFirstOrThrow();
  assert.notEqual(stored.token_hash, token, 'only a hash of the token is stored');
  assert.equal((await service.byLink(token)).code, d.code);
  const forged = `${token.slice(0, 24)}.${'A'.repeat(43)}`;
  await assert.rejects(service.byLink(forged), /SATISFACTION_LINK_INVALID/);
  await assert.rejects(service.rateByLink(forged, { overall: '5', answers: survey, comment: '' }), /SATISFACTION_LINK_INVALID/);
  // A form problem leaves the link usable.
  await assert.rejects(service.rateByLink(token, { overall: '', answers: survey, comment: '' }), /VALIDATION_FAILED/);
  const done = await service.rateByLink(token, { overall: '2', answers: survey, comment: '', complain: 'yes', category: 'delay', body: 'Trả kết quả muộn hai ngày' });
  assert.equal(done.code, d.code);
  assert.ok(done.complaintDueAt);
  await assert.rejects(service.byLink(token), /SATISFACTION_LINK_INVALID/);
  await assert.rejects(service.rateByLink(token, { overall: '5', answers: survey, comment: '' }), /SATISFACTION_LINK_INVALID/);
  const rating = await database.db.selectFrom('satisfaction_rating').selectAll().where('dossier_id', '=', d.id).executeTakeFirstOrThrow();
  assert.deepEqual([rating.overall, rating.via, rating.rated_by_user_id], [2, 'link', null]);
  assert.deepEqual(await auditActions(d.id), ['satisfaction.rate', 'complaint.file']);

  const later = await dossier({ owner: null });
  const old = await invite(later.id);
  const saved = now;
  now = new Date(now.getTime() + 91 * 86_400_000);
  try {
    await assert.rejects(service.byLink(old), /SATISFACTION_LINK_INVALID/, 'expired after 90 days');
  } finally {
    now = saved;
  }
});

test('the complaint deadline is 10 working days after receipt: over the National Day holidays, and from a Saturday', async () => {
  const saved = now;
  try {
    // Friday 28 August 2026: 29–30 weekend, 31/8 day off (swapped), 1–2/9 National Day; day 1 is Thursday 3/9, day 10 Wednesday 16/9.
    now = vn('2026-08-28T10:00:00');
    const a = await dossier();
    const filed = await service.complain(citizen(ids.citizenA!), a.code, { category: 'attitude', body: 'Cán bộ không hướng dẫn' });
    assert.equal(filed.dueAt.toISOString(), vn('2026-09-16T17:00:00').toISOString());
    // Saturday 10 October 2026: received Monday 12 (not counted); day 10 is Monday 26 October.
    now = vn('2026-10-10T09:00:00');
    const b = await dossier();
    const second = await service.complain(citizen(ids.citizenA!), b.code, { category: 'other', body: 'Góp ý' });
    assert.equal(second.dueAt.toISOString(), vn('2026-10-26T17:00:00').toISOString());
  } finally {
    now = saved;
  }
});

test("complaints go to the receiving agency: another agency's officer neither sees nor answers them; a handler cannot", async () => {
  now = vn('2026-10-05T10:00:00');
  const d = await dossier({ owner: ids.citizenA! });
  const { id, dueAt } = await service.complain(citizen(ids.citizenA!), d.code, { category: 'extra_requirements', body: 'Bị yêu cầu nộp thêm bản sao' });
  assert.equal(dueAt.toISOString(), vn('2026-10-19T17:00:00').toISOString());
  await assert.rejects(service.complain(citizen(ids.citizenA!), d.code, { category: 'other', body: 'Lần nữa' }), /COMPLAINT_NOT_ALLOWED/, 'one open complaint at a time');
  await assert.rejects(service.complain(citizen(ids.citizenB!), d.code, { category: 'other', body: 'x' }), /SATISFACTION_DOSSIER_NOT_FOUND/);

  const y = officer(ids.deskY!, ids.y!, ['desk']);
  assert.ok(!(await service.queue(y)).open.some((c) => c.id === id));
  await assert.rejects(service.complaintFor(y, id), /COMPLAINT_NOT_FOUND/);
  await assert.rejects(service.answer(y, id, 1, 'Trả lời'), /COMPLAINT_NOT_FOUND/);
  await assert.rejects(service.queue(officer(ids.handlerX!, ids.x!, ['handler'])), /COMPLAINT_OFFICER_REQUIRED/);
  await assert.rejects(service.answer(officer(ids.handlerX!, ids.x!, ['handler']), id, 1, 'Trả lời'), /COMPLAINT_OFFICER_REQUIRED/);

  const desk = officer(ids.deskX!, ids.x!, ['desk']);
  const queue = await service.queue(desk);
  const dues = queue.open.map((c) => c.dueAt.getTime());
  assert.deepEqual(dues, [...dues].sort((a, b) => a - b), 'most urgent first');
  const overdue = queue.open.find((c) => c.dueAt.getTime() < now.getTime());
  assert.ok(overdue?.overdue, 'the complaint due 16 September is overdue on 5 October');
  assert.ok(queue.open.some((c) => c.id === id && !c.overdue));

  await assert.rejects(service.answer(desk, id, 1, '   '), /VALIDATION_FAILED/);
  now = vn('2026-10-19T16:59:00');
  assert.deepEqual(await service.answer(desk, id, 1, 'Cơ quan đã rà soát; bản sao không bắt buộc, xin lỗi ông/bà.'), { timing: 'on_time' });
  await assert.rejects(service.answer(officer(ids.leaderX!, ids.x!, ['leader']), id, 1, 'Lần hai'), /COMPLAINT_ALREADY_ANSWERED/);
  const answered = await service.summary(citizen(ids.citizenA!), d.code);
  assert.equal(answered.complaints[0]!.answer, 'Cơ quan đã rà soát; bản sao không bắt buộc, xin lỗi ông/bà.');
  assert.equal(answered.canComplain, true, 'a new complaint may follow the answer');
  const messages = await database.db.selectFrom('notification_outbox').select(['template_key', 'channel', 'body']).where('dossier_id', '=', d.id).orderBy('id').execute();
  assert.deepEqual(
    messages.filter((m) => m.channel === 'email').map((m) => m.template_key),
    ['satisfaction.message.complaintReceived', 'satisfaction.message.complaintAnswered'],
  );
  assert.match(messages.find((m) => m.template_key === 'satisfaction.message.complaintAnswered')!.body, /bản sao không bắt buộc/);
  assert.deepEqual(await auditActions(d.id), ['complaint.file', 'complaint.answer']);

  // The overdue one, answered by the leader: recorded late.
  assert.deepEqual(await service.answer(officer(ids.leaderX!, ids.x!, ['leader']), overdue!.id, overdue!.rowVersion, 'Đã xử lý'), { timing: 'late' });
  const row = await database.db.selectFrom('complaint').select(['answer_timing', 'answered_by_user_id']).where('id', '=', overdue!.id).executeTakeFirstOrThrow();
  assert.deepEqual(row, { answer_timing: 'late', answered_by_user_id: ids.leaderX });
});

test('a complaint or rating about a dossier finished months ago counts at once in that month; a refresh agrees', async () => {
  const reports = new ReportsRepository(database.db);
  const d = await dossier({ agency: ids.y!, completedAt: vn('2026-06-15T10:00:00') });
  const other = await dossier({ agency: ids.y!, completedAt: vn('2026-06-20T10:00:00') });
  await reports.refreshMonth('2026-06-01');
  const june = async () => (await reports.dossierCounts({ agencyIds: [ids.y!], from: '2026-06-01', to: '2026-06-01' }))[0]!;
  assert.deepEqual({ finished: (await june()).finished, complaints: (await june()).complaints, rated: (await june()).rated }, { finished: 2, complaints: 0, rated: 0 });
  now = vn('2026-10-06T10:00:00');
  await service.complain(citizen(ids.citizenA!), d.code, { category: 'result', body: 'Sai tên trên kết quả' });
  await service.rate(citizen(ids.citizenA!), d.code, { overall: '3', answers: survey, comment: '' });
  await service.rate(citizen(ids.citizenA!), other.code, { overall: '5', answers: survey, comment: '' });
  await service.answer(officer(ids.deskY!, ids.y!, ['desk']), (await service.summary(citizen(ids.citizenA!), d.code)).complaints[0]!.id, 1, 'Đã đính chính');
  await service.complain(citizen(ids.citizenA!), d.code, { category: 'other', body: 'Lần hai' }); // the same dossier: still one
  const counted = await june();
  assert.deepEqual({ complaints: counted.complaints, rated: counted.rated, rating_sum: counted.rating_sum }, { complaints: 1, rated: 2, rating_sum: 8 });
  await reports.refreshMonth('2026-06-01');
  const refreshed = await june();
  assert.deepEqual({ complaints: refreshed.complaints, rated: refreshed.rated, rating_sum: refreshed.rating_sum }, { complaints: 1, rated: 2, rating_sum: 8 });
});
