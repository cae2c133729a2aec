import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createWebApp } from '../../main/app.js';
import { loadDemoData } from '../../main/seed.js';
import { verifyAuditChain } from '../../platform/audit/index.js';
import { loadConfig } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { seedOfficialCalendar } from '../calendar/index.js';
import { createUsersService } from '../admin/index.js';
import { TestBrowser, signInCitizen, signInOfficer } from '../identity/testing.js';
import { postedFields, submitOnline } from '../dossiers/testing.js';

/*
 * The back-office journey through app.inject(): a citizen submits online; the commune's desk receives it (due date);
 * the handler asks for a supplement (the clock pauses); the citizen supplements (it resumes); the handler forwards;
 * the Department of Justice is consulted (a step of the commune's process run there) and answers; the leader approves;
 * the desk returns the result. The citizen follows each step on "my dossiers" and on the public lookup, and the
 * control slip lists every hand-over. Then: two officers act on one task at once, and exactly one wins.
 */

let database: Database;
let app: FastifyInstance;
let dataDir: string;

before(async () => {
  database = await openTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'motcua-tasks-'));
  const config = loadConfig({ LOG_LEVEL: 'silent' }, { dataDir });
  await loadDemoData(database, config, { quiet: true });
  await seedOfficialCalendar(database);
  app = await createWebApp({ config, database });
});

after(async () => {
  await app?.close();
  await database?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function officer(name: string, ip: string): Promise<TestBrowser> {
  const b = new TestBrowser(app, ip);
  await signInOfficer(b, name, 'Demo@2026');
  return b;
}

/** The open task of the dossier, as its inbox row links it. */
async function taskLinkIn(b: TestBrowser, code: string): Promise<string> {
  const inbox = await b.get('/can-bo/viec-can-lam');
  assert.equal(inbox.statusCode, 200);
  const row = inbox.body.split('<tr').find((r) => r.includes(`>${code}</a>`));
  assert.ok(row, `${code} is in the inbox`);
  return /href="(\/can-bo\/viec\/\d+)"/.exec(row)![1]!;
}

async function act(b: TestBrowser, taskUrl: string, slug: string, values: Record<string, string> = {}) {
  const page = await b.get(taskUrl);
  assert.equal(page.statusCode, 200);
  const form = postedFields(page.body, `/${slug}`);
  const res = await b.post(form.action, { ...form.fields, ...values }, { csrf: form.fields._csrf ?? null });
  assert.equal(res.statusCode, 303, `${slug}: ${/error-summary[\s\S]{0,600}/.exec(res.body)?.[0] ?? res.statusCode}`);
  return res;
}

const dossierRow = (code: string) =>
  database.db.selectFrom('dossier').select(['id', 'status', 'holder_agency_id', 'receiving_agency_id', 'due_at', 'lookup_secret', 'row_version']).where('code', '=', code).executeTakeFirstOrThrow();

describe('the back-office journey', () => {
  let code = '';
  let citizen: TestBrowser;
  let justiceId = 0;
  let communeId = 0;

  test('a citizen submits; the commune has its own process with a step at the Department of Justice', async () => {
    citizen = new TestBrowser(app, '10.8.0.1');
    await signInCitizen(citizen, 'citizen@demo.motcua.vn', 'Demo@2026');
    code = await submitOnline(citizen);
    const d = await dossierRow(code);
    communeId = d.receiving_agency_id;
    const justice = await database.db.selectFrom('app_user').select('agency_id').where('username', '=', 'justice.handler').executeTakeFirstOrThrow();
    justiceId = justice.agency_id!;
    const procedure = await database.db.selectFrom('procedure').select('id').where('code', '=', '1.010041').executeTakeFirstOrThrow();
    const def = await database.db
      .insertInto('process_definition')
      .values({ procedure_id: procedure.id, agency_id: communeId, version: 1, name: 'Quy trình thử có liên thông', is_current: true })
      .returning('id')
      .executeTakeFirstOrThrow();
    const step = (position: number, kind: string, role: string, share: number, name: string, agencyId: number | null = null) => ({
      definition_id: def.id,
      position,
      kind: kind as never,
      role: role as never,
      agency_mode: agencyId ? ('fixed' as const) : ('receiving' as const),
      agency_id: agencyId,
      share_percent: share,
      name,
      name_en: null,
    });
    await database.db
      .insertInto('process_step')
      .values([
        step(1, 'receive', 'desk', 10, 'Tiếp nhận'),
        step(2, 'handle', 'handler', 40, 'Thẩm định'),
        step(3, 'consult', 'handler', 20, 'Sở Tư pháp cho ý kiến', justiceId),
        step(4, 'approve', 'leader', 20, 'Phê duyệt'),
        step(5, 'return', 'desk', 10, 'Trả kết quả'),
      ])
      .execute();
  });

  test('the desk receives it: the process is snapshotted and the handler’s task opens with a step due date', async () => {
    const desk = await officer('hoalu.desk', '10.8.0.2');
    const page = await desk.get(`/can-bo/ho-so/${code}`);
    const receive = postedFields(page.body, '/tiep-nhan');
    const res = await desk.post(receive.action, receive.fields, { csrf: receive.fields._csrf ?? null });
    assert.equal(res.statusCode, 303);
    const d = await dossierRow(code);
    assert.equal(d.status, 'received');
    const steps = await database.db.selectFrom('dossier_step').selectAll().where('dossier_id', '=', d.id).orderBy('position').execute();
    assert.deepEqual(steps.map((s) => [s.kind, s.agency_id]), [['receive', communeId], ['handle', communeId], ['consult', justiceId], ['approve', communeId], ['return', communeId]]);
    assert.equal(steps[4]!.due_at!.getTime(), d.due_at!.getTime(), 'the last step is due when the dossier is');
    for (let i = 1; i < steps.length; i++) assert.ok(steps[i]!.due_at! >= steps[i - 1]!.due_at!, 'step due moments in order');
    const tasks = await database.db.selectFrom('dossier_task').selectAll().where('dossier_id', '=', d.id).orderBy('id').execute();
    assert.deepEqual(tasks.map((t) => [t.kind, t.status]), [['receive', 'done'], ['handle', 'open']]);
    assert.equal(tasks[1]!.due_at!.getTime(), steps[1]!.due_at!.getTime());
    // A later edit of the definition does not change this dossier.
    await database.db.updateTable('process_step').set({ name: 'Tên đã sửa' }).where('name', '=', 'Thẩm định').execute();
    const again = await database.db.selectFrom('dossier_step').select('name').where('dossier_id', '=', d.id).where('position', '=', 2).executeTakeFirstOrThrow();
    assert.equal(again.name, 'Thẩm định');
  });

  test('the handler asks for a supplement: the clock pauses; the citizen supplements: due dates move by the pause', async () => {
    const handler = await officer('hoalu.handler', '10.8.0.3');
    const taskUrl = await taskLinkIn(handler, code);
    const before = await dossierRow(code);
    await act(handler, taskUrl, 'bo-sung', { items: 'Bản sao giấy khai sinh: bản chụp bị mờ' });
    const paused = await dossierRow(code);
    assert.equal(paused.status, 'awaiting_supplement');
    const task = await database.db.selectFrom('dossier_task').select(['status', 'paused_at', 'due_at']).where('id', '=', Number(taskUrl.split('/').pop())).executeTakeFirstOrThrow();
    assert.equal(task.status, 'paused');
    assert.ok(task.paused_at);

    const mine = await citizen.get(`/ho-so/${code}`);
    assert.match(mine.body, /Chờ bổ sung hồ sơ/);
    const token = /action="\/ho-so\/[^"?]+\/bo-sung\?_csrf=([^"]+)"/.exec(mine.body)![1]!;
    const answered = await app.inject({
      method: 'POST',
      url: `/ho-so/${code}/bo-sung?_csrf=${token}`,
      headers: { ...citizen.headers(), 'content-type': 'multipart/form-data; boundary=xyz' },
      payload: '--xyz\r\nContent-Disposition: form-data; name="note"\r\n\r\nĐã nộp bản rõ hơn\r\n--xyz--\r\n',
      remoteAddress: '10.8.0.1',
    });
    assert.equal(answered.statusCode, 303, answered.body.slice(0, 300));
    const resumed = await dossierRow(code);
    assert.equal(resumed.status, 'processing');
    const after = await database.db.selectFrom('dossier_task').select(['status', 'paused_at', 'due_at']).where('id', '=', Number(taskUrl.split('/').pop())).executeTakeFirstOrThrow();
    assert.equal(after.status, 'open', 'the task is open again');
    assert.equal(after.paused_at, null);
    assert.ok(after.due_at!.getTime() >= task.due_at!.getTime() && resumed.due_at!.getTime() >= before.due_at!.getTime(), 'due moments never move earlier');
    const event = await database.db.selectFrom('dossier_event').select('action').where('dossier_id', '=', resumed.id).where('action', '=', 'deadline_resumed').execute();
    assert.equal(event.length, 1);
  });

  test('the Department of Justice sees nothing before the dossier reaches it', async () => {
    const justice = await officer('justice.handler', '10.8.0.4');
    const inbox = await justice.get('/can-bo/viec-can-lam');
    assert.ok(!inbox.body.includes(code));
    const task = await database.db.selectFrom('dossier_task').select('id').where('status', '=', 'open').where('dossier_id', '=', (await dossierRow(code)).id).executeTakeFirstOrThrow();
    const page = await justice.get(`/can-bo/viec/${task.id}`);
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /TASK_NOT_FOUND/);
  });

  test('handler forwards; the Department of Justice answers; the leader approves; the desk returns the result', async () => {
    const handler = await officer('hoalu.handler', '10.8.0.3');
    await act(handler, await taskLinkIn(handler, code), 'chuyen-tiep', { note: 'Đủ điều kiện, xin ý kiến Sở Tư pháp' });
    let d = await dossierRow(code);
    assert.equal(d.status, 'processing');
    assert.equal(d.holder_agency_id, justiceId, 'the Department of Justice holds it now');

    const justice = await officer('justice.handler', '10.8.0.4');
    await act(justice, await taskLinkIn(justice, code), 'chuyen-tiep', { note: 'Thống nhất' });
    d = await dossierRow(code);
    assert.equal(d.holder_agency_id, communeId, 'it came back');

    const leader = await officer('hoalu.leader', '10.8.0.5');
    await act(leader, await taskLinkIn(leader, code), 'phe-duyet');
    d = await dossierRow(code);
    assert.equal(d.status, 'result_ready');

    const desk = await officer('hoalu.desk', '10.8.0.2');
    const res = await act(desk, await taskLinkIn(desk, code), 'tra-ket-qua', { delivery: 'online' });
    const done = await desk.get(String(res.headers.location));
    assert.match(done.body, /Đã trả kết quả hồ sơ/);
    d = await dossierRow(code);
    assert.equal(d.status, 'result_returned');
    const completion = await database.db.selectFrom('dossier_completion').selectAll().where('dossier_id', '=', d.id).executeTakeFirstOrThrow();
    assert.equal(completion.supplement_count, 1);
    assert.ok(completion.timing === 'early' || completion.timing === 'on_time');
    assert.equal(completion.indicator_timing, completion.timing, 'one supplement request keeps the timing');
  });

  test('the citizen sees each step on "my dossiers" and on the public lookup', async () => {
    const list = await citizen.get('/ho-so');
    assert.ok(list.body.includes(code));
    const page = await citizen.get(`/ho-so/${code}`);
    assert.match(page.body, /Đã trả kết quả/);
    for (const label of ['Tiếp nhận hồ sơ', 'Yêu cầu bổ sung', 'Đã bổ sung hồ sơ', 'Chuyển bước xử lý', 'Phê duyệt', 'Trả kết quả']) assert.ok(page.body.includes(label), `my dossier shows "${label}"`);
    const d = await dossierRow(code);
    const lookup = await new TestBrowser(app, '10.8.0.9').get(`/tra-cuu/${code}?s=${d.lookup_secret}`);
    assert.equal(lookup.statusCode, 200);
    for (const label of ['Tiếp nhận hồ sơ', 'Yêu cầu bổ sung', 'Chuyển bước xử lý', 'Phê duyệt', 'Trả kết quả']) assert.ok(lookup.body.includes(label), `lookup shows "${label}"`);
    const messages = await database.db.selectFrom('notification_outbox').select('template_key').where('dossier_id', '=', d.id).execute();
    const templates = new Set(messages.map((m) => m.template_key));
    for (const t of ['workflow.message.received', 'workflow.message.supplementNoNote', 'workflow.message.resumed', 'workflow.message.progress', 'workflow.message.resultReady', 'workflow.message.resultReturned.online']) {
      assert.ok(templates.has(t), `the applicant was told: ${t}`);
    }
  });

  test('the control slip lists every hand-over with the step, its due moment and timing; the audit trail holds', async () => {
    const d = await dossierRow(code);
    const events = await database.db.selectFrom('dossier_event').selectAll().where('dossier_id', '=', d.id).orderBy('id').execute();
    const handOvers = events.filter((e) => ['received', 'forwarded', 'approved', 'result_returned'].includes(e.action));
    assert.deepEqual(
      handOvers.map((e) => [e.action, e.step_name]),
      [
        ['received', 'Tiếp nhận'],
        ['forwarded', 'Thẩm định'],
        ['forwarded', 'Sở Tư pháp cho ý kiến'],
        ['approved', 'Phê duyệt'],
        ['result_returned', 'Trả kết quả'],
      ],
    );
    for (const e of handOvers) {
      assert.ok(e.step_due_at, `${e.action} has the step's due moment`);
      assert.ok(e.timing === 'early' || e.timing === 'on_time', `${e.action} timing`);
    }
    assert.equal(handOvers[2]!.from_agency_id, justiceId);
    assert.equal(handOvers[2]!.to_agency_id, communeId);
    const audits = await database.db.selectFrom('audit_event').select('action').where('subject_type', '=', 'dossier').where('subject_id', '=', String(d.id)).orderBy('id').execute();
    assert.deepEqual(
      audits.map((a) => a.action).filter((a) => a !== 'dossier.read'),
      ['dossier.receive', 'dossier.request_supplement', 'dossier.resume_clock', 'dossier.forwarded', 'dossier.forwarded', 'dossier.approved', 'dossier.return_result'],
    );
    assert.equal((await verifyAuditChain(database.db)).ok, true);
    const slip = await (await officer('hoalu.desk', '10.8.0.2')).get(`/can-bo/viec/${(await database.db.selectFrom('dossier_task').select('id').where('dossier_id', '=', d.id).orderBy('id', 'desc').executeTakeFirstOrThrow()).id}`);
    assert.equal(slip.statusCode, 200);
    assert.match(slip.body, /Sở Tư pháp cho ý kiến/);
    assert.match(slip.body, /Trước hạn|Đúng hạn/);
  });
});

describe('two officers, one task', () => {
  test('exactly one wins; the other is told someone else acted first', async () => {
    const citizen = new TestBrowser(app, '10.8.1.1');
    await signInCitizen(citizen, 'citizen@demo.motcua.vn', 'Demo@2026');
    const code = await submitOnline(citizen);
    const desk = await officer('hoalu.desk', '10.8.1.2');
    const page = await desk.get(`/can-bo/ho-so/${code}`);
    const receive = postedFields(page.body, '/tiep-nhan');
    assert.equal((await desk.post(receive.action, receive.fields, { csrf: receive.fields._csrf ?? null })).statusCode, 303);

    const d = await dossierRow(code);
    await createUsersService(database).create({ kind: 'officer', username: 'hoalu.handler2', displayName: 'Trần Văn Hai', password: 'Demo@2026', agencyId: d.receiving_agency_id, roles: ['handler'] });
    const first = await officer('hoalu.handler', '10.8.1.3');
    const second = await officer('hoalu.handler2', '10.8.1.4');
    const taskUrl = await taskLinkIn(first, code);
    const a = postedFields((await first.get(taskUrl)).body, '/chuyen-tiep');
    const b = postedFields((await second.get(taskUrl)).body, '/chuyen-tiep');
    assert.equal(a.fields.rowVersion, b.fields.rowVersion);
    const results = await Promise.all([first.post(a.action, a.fields, { csrf: a.fields._csrf ?? null }), second.post(b.action, b.fields, { csrf: b.fields._csrf ?? null })]);
    const statuses = results.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [303, 409]);
    const loser = results.find((r) => r.statusCode === 409)!;
    assert.match(loser.body, /DOSSIER_CHANGED|TASK_ACTION_NOT_ALLOWED/);
    const tasks = await database.db.selectFrom('dossier_task').select(['kind', 'status']).where('dossier_id', '=', d.id).orderBy('id').execute();
    // The commune's own process (first journey) is still current: the next step is the consultation of the department.
    assert.deepEqual(tasks.map((t) => [t.kind, t.status]), [['receive', 'done'], ['handle', 'done'], ['consult', 'open']], 'one hand-over, one next task');
    const forwarded = await database.db.selectFrom('dossier_event').select('id').where('dossier_id', '=', d.id).where('action', '=', 'forwarded').execute();
    assert.equal(forwarded.length, 1);
  });
});

describe('the applicant withdraws while an officer has the task open', () => {
  test('the task leaves the inbox, the officer is told above it, and acting on the stale page is a conflict', async () => {
    const citizen = new TestBrowser(app, '10.8.3.1');
    await signInCitizen(citizen, 'citizen@demo.motcua.vn', 'Demo@2026');
    const code = await submitOnline(citizen);
    const desk = await officer('hoalu.desk', '10.8.3.2');
    const page = await desk.get(`/can-bo/ho-so/${code}`);
    const receive = postedFields(page.body, '/tiep-nhan');
    assert.equal((await desk.post(receive.action, receive.fields, { csrf: receive.fields._csrf ?? null })).statusCode, 303);

    const handler = await officer('hoalu.handler', '10.8.3.3');
    const taskUrl = await taskLinkIn(handler, code);
    await act(handler, taskUrl, 'nhan-viec');
    const stale = postedFields((await handler.get(taskUrl)).body, '/chuyen-tiep');

    const form = postedFields((await citizen.get(`/ho-so/${code}/rut`)).body);
    const withdrawn = await citizen.post(form.action, { ...form.fields, reason: 'Nộp nhầm' }, { csrf: form.fields._csrf ?? null });
    assert.equal(withdrawn.statusCode, 303);
    assert.equal((await dossierRow(code)).status, 'withdrawn');

    const inbox = await handler.get('/can-bo/viec-can-lam');
    const table = inbox.body.slice(inbox.body.indexOf('<table'));
    assert.ok(!table.split('<tr').some((r) => r.includes(`>${code}</a>`)), 'no longer a row of the inbox');
    const alert = inbox.body.slice(inbox.body.indexOf('id="alerts"'), inbox.body.indexOf('<table')).split('<li').find((li) => li.includes(`>${code}</a>`));
    assert.ok(alert, 'an alert names the dossier');
    assert.match(alert, /người nộp đã rút hồ sơ/);

    const conflict = await handler.post(stale.action, stale.fields, { csrf: stale.fields._csrf ?? null });
    assert.equal(conflict.statusCode, 409);
    assert.match(conflict.body, /DOSSIER_CHANGED/);
    const now = await handler.get(taskUrl);
    assert.equal(now.statusCode, 200, 'the closed task can still be read');
    assert.ok(!now.body.includes('/chuyen-tiep'), 'with no action left');
    const events = await database.db.selectFrom('dossier_event').select(['action', 'step_name']).where('dossier_id', '=', (await dossierRow(code)).id).where('action', '=', 'withdrawn').execute();
    assert.deepEqual(events.map((e) => e.action), ['withdrawn']);
    assert.ok(events[0]!.step_name, 'the control slip names the step the dossier was at');
  });
});

describe('bulk assignment from the inbox', () => {
  test('a leader lists the agency’s tasks, ticks one and assigns it to a handler', async () => {
    const citizen = new TestBrowser(app, '10.8.2.1');
    await signInCitizen(citizen, 'citizen@demo.motcua.vn', 'Demo@2026');
    const code = await submitOnline(citizen);
    const desk = await officer('hoalu.desk', '10.8.2.2');
    const page = await desk.get(`/can-bo/ho-so/${code}`);
    const receive = postedFields(page.body, '/tiep-nhan');
    assert.equal((await desk.post(receive.action, receive.fields, { csrf: receive.fields._csrf ?? null })).statusCode, 303);

    const leader = await officer('hoalu.leader', '10.8.2.3');
    const own = await leader.get('/can-bo/viec-can-lam');
    assert.ok(!own.body.includes(`>${code}</a>`), 'a handling task is not in the leader’s own inbox');
    const inbox = await leader.get('/can-bo/viec-can-lam?pham_vi=agency');
    assert.equal(inbox.statusCode, 200);
    const row = inbox.body.split('<tr').find((r) => r.includes(`>${code}</a>`));
    assert.ok(row, 'listed with every task of the agency');
    const taskId = /name="task" value="(\d+)"/.exec(row)![1]!;
    const handler = await database.db.selectFrom('app_user').select('id').where('username', '=', 'hoalu.handler').executeTakeFirstOrThrow();
    const res = await leader.post('/can-bo/viec-can-lam/phan-cong', { task: taskId, assignee: String(handler.id) });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/can-bo/viec-can-lam?xong=phan-cong&n=1');
    const task = await database.db.selectFrom('dossier_task').select('assignee_id').where('id', '=', Number(taskId)).executeTakeFirstOrThrow();
    assert.equal(task.assignee_id, handler.id);
    const done = await leader.get(String(res.headers.location));
    assert.match(done.body, /Đã phân công 1 việc/);
    const none = await leader.post('/can-bo/viec-can-lam/phan-cong', { assignee: String(handler.id) });
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /Chọn ít nhất một việc để phân công/);
  });
});
