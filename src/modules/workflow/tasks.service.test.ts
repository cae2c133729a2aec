import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sql } from 'kysely';
import { verifyAuditChain } from '../../platform/audit/index.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { DomainError } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import { formatVietnamTime, seedOfficialCalendar, vietnamInstant } from '../calendar/index.js';
import { createNotificationService } from '../notifications/index.js';
import { createSubmissionService, type SubmissionService } from '../dossiers/index.js';
import type { FormsService } from '../forms/index.js';
import { createDeskService, createTaskService, type DeskService, type TaskService } from './index.js';

/*
 * The workflow engine against a real database (PGlite, or PostgreSQL when DATABASE_URL is set), on a fixed clock:
 * step due dates, the supplement pause, the apology letter, consultation, returns, stopping, the deadline sweep and
 * the indicators' timing. Factories build two communes' agencies, their officers and a 3-working-day procedure.
 */

let database: Database;
let desk: DeskService;
let tasks: TaskService;
let now = new Date();

const at = (text: string) => {
  const [date, clock] = text.split(' ');
  return vietnamInstant(date!, clock);
};
const local = (instant: Date | null | undefined) => (instant ? formatVietnamTime(instant).replace('T', ' ').replace('+07:00', '').slice(0, 16) : null);

const communeHours = [1, 2, 3, 4, 5].flatMap((day) => [
  { day, open: '07:00', close: '11:30' },
  { day, open: '13:30', close: '17:00' },
]);

let agencyA = 0;
let agencyB = 0;
let agencyC = 0;
let procedureId = 0;
let versionId = 0;
let deskA: SessionUser;
let handlerA: SessionUser;
let leaderA: SessionUser;
let handlerB: SessionUser;
let handlerC: SessionUser;
let citizenId = 0;

async function buildAgency(code: string, name: string): Promise<number> {
  const row = await database.db.insertInto('agency').values({ code, kind: 'commune_committee', name, office_hours: JSON.stringify(communeHours) }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

async function buildUser(username: string, agencyId: number | null, roles: string[], kind: 'citizen' | 'officer' = 'officer'): Promise<SessionUser> {
  const row = await database.db.insertInto('app_user').values({ kind, username, display_name: username, password_hash: 'x', agency_id: agencyId, roles }).returning('id').executeTakeFirstOrThrow();
  return { id: row.id, kind, displayName: username, agencyId, roles };
}

let count = 0;
async function buildDossier(): Promise<string> {
  count += 1;
  const code = `000.00.96.H42-260309-${String(count).padStart(4, '0')}`;
  await database.db
    .insertInto('dossier')
    .values({
      code,
      lookup_secret: `S${count}`,
      procedure_id: procedureId,
      procedure_version_id: versionId,
      form_version: '1',
      applicant_user_id: citizenId,
      applicant: JSON.stringify({ fullName: `Người nộp ${count}`, personalId: null, phone: '0912345678', email: null, address: null }),
      receiving_agency_id: agencyA,
      holder_agency_id: agencyA,
      channel: 'online',
      status: 'awaiting_reception',
      values: JSON.stringify({}),
      result_delivery: 'online',
      phone_last4: '5678',
      submitted_at: at('2026-03-09 08:00'),
    })
    .execute();
  return code;
}

/** A dossier received on Monday 9 March 2026 at 10:00 (3 working days: due Thursday 12 March 17:00). */
async function received(): Promise<string> {
  const code = await buildDossier();
  now = at('2026-03-09 10:00');
  await desk.receive(deskA, code, 1);
  return code;
}

const dossier = (code: string) => database.db.selectFrom('dossier').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
async function openTask(code: string) {
  const d = await dossier(code);
  return database.db.selectFrom('dossier_task').selectAll().where('dossier_id', '=', d.id).where('status', 'in', ['open', 'paused']).orderBy('id', 'desc').executeTakeFirstOrThrow();
}

/** What the dossiers module does when the applicant answers: the request is answered, the dossier back in processing. */
async function applicantAnswers(code: string, when: Date) {
  const d = await dossier(code);
  await database.db.updateTable('supplement_request').set({ answered_at: when, answer_note: 'xong' }).where('dossier_id', '=', d.id).where('answered_at', 'is', null).execute();
  await database.db.updateTable('dossier').set({ status: 'processing' }).where('id', '=', d.id).execute();
  await tasks.resumeAfterSupplement(d.id);
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof DomainError && error.code === code);
}

before(async () => {
  database = await openTestDatabase();
  await seedOfficialCalendar(database);
  agencyA = await buildAgency('000.00.96.H42', 'Phường Thử A');
  agencyB = await buildAgency('000.00.95.H42', 'Phường Thử B');
  agencyC = await buildAgency('000.00.94.H42', 'Phường Thử C');
  const sector = await database.db.insertInto('sector').values({ name: 'Thử', slug: 'thu-engine' }).returning('id').executeTakeFirstOrThrow();
  const procedure = await database.db
    .insertInto('procedure')
    .values({ code: '9.999101', name: 'Thủ tục thử 3 ngày', sector_id: sector.id, levels: ['commune'], online_offered: true, applicant_types: [], has_fee: false, competent_agency: '', handling_agency: '' })
    .returning('id')
    .executeTakeFirstOrThrow();
  procedureId = procedure.id;
  const content = { channels: [{ channel: 'online', durations: [{ value: 3, unit: 'working_day' }] }] };
  const version = await database.db
    .insertInto('procedure_version')
    .values({ procedure_id: procedureId, version: 1, decision_number: '', content: JSON.stringify(content), raw: JSON.stringify({}), source_hash: 't' })
    .returning('id')
    .executeTakeFirstOrThrow();
  versionId = version.id;
  citizenId = (await buildUser('nguoinop-engine@example.vn', null, [], 'citizen')).id;
  deskA = await buildUser('e.a.desk', agencyA, ['desk']);
  handlerA = await buildUser('e.a.handler', agencyA, ['handler']);
  leaderA = await buildUser('e.a.leader', agencyA, ['leader']);
  handlerB = await buildUser('e.b.handler', agencyB, ['handler']);
  handlerC = await buildUser('e.c.handler', agencyC, ['handler']);
  const notifications = createNotificationService(database);
  // No process definitions: the built-in process (receive 10 % → handle 60 % → approve 20 % → return 10 %).
  tasks = createTaskService(database, { notifications, clock: () => now });
  desk = createDeskService(database, { notifications, tasks, clock: () => now });
});

after(async () => {
  await database?.close();
});

beforeEach(() => {
  now = at('2026-03-09 10:00');
});

describe('step due dates', () => {
  test('shares the statutory duration among the steps; the last step is due with the dossier', async () => {
    const code = await received();
    const d = await dossier(code);
    assert.equal(local(d.due_at), '2026-03-12 17:00');
    const steps = await database.db.selectFrom('dossier_step').selectAll().where('dossier_id', '=', d.id).orderBy('position').execute();
    // 29 working hours from Monday 10:00: 10 % = 2.9 h, 70 % = 20.3 h, 90 % = 26.1 h (Thursday 4.5 h + 0.6 h), 100 %.
    assert.deepEqual(steps.map((s) => local(s.due_at)), ['2026-03-09 14:54', '2026-03-11 16:18', '2026-03-12 14:06', '2026-03-12 17:00']);
    const task = await openTask(code);
    assert.equal(task.kind, 'handle');
    assert.equal(local(task.due_at), '2026-03-11 16:18');
    const events = await database.db.selectFrom('dossier_event').selectAll().where('dossier_id', '=', d.id).execute();
    assert.equal(events[0]!.step_name, 'Tiếp nhận hồ sơ');
    assert.equal(events[0]!.timing, 'on_time', 'received on the reception step’s due day, before its due moment');
  });
});

describe('the supplement pause', () => {
  test('moves every due moment by the working time the applicant took', async () => {
    const code = await received();
    const task = await openTask(code);
    now = at('2026-03-10 09:00');
    await tasks.requestSupplement(handlerA, Number(task.id), task.row_version, [{ name: 'Tờ khai', reason: 'chưa ký' }], '');
    assert.equal((await dossier(code)).status, 'awaiting_supplement');
    // Tuesday 09:00 → Wednesday 09:00 is 8 working hours (2.5 + 3.5 + 2).
    now = at('2026-03-11 09:05');
    await applicantAnswers(code, at('2026-03-11 09:00'));
    const d = await dossier(code);
    assert.equal(local(d.due_at), '2026-03-13 17:00', 'the dossier is due one working day later');
    const resumed = await openTask(code);
    assert.equal(resumed.status, 'open');
    assert.equal(local(resumed.due_at), '2026-03-12 16:18');
    assert.equal(await tasks.resumeAfterSupplement(d.id), false, 'a second resume finds nothing to do');
    assert.equal(local((await dossier(code)).due_at), '2026-03-13 17:00');
  });
});

describe('the apology letter (form 04)', () => {
  test('is flagged on the inbox when due soon, issued before the due moment, refused after it', async () => {
    const code = await received();
    const task = await openTask(code);
    now = at('2026-03-12 10:00'); // 5 working hours before the due moment, still at the handling step
    const inbox = await tasks.inbox(handlerA, { code });
    assert.equal(inbox.items.length, 1);
    assert.equal(inbox.items[0]!.apologyRequired, true);
    assert.equal(inbox.items[0]!.urgency, 'overdue', 'the handling step itself is past its share');
    await rejectsWith(tasks.issueApology(handlerA, Number(task.id), task.row_version, 'Chờ xác minh', '2026-03-12'), 'VALIDATION_FAILED');
    const outcome = await tasks.issueApology(handlerA, Number(task.id), task.row_version, 'Chờ xác minh của công an', '2026-03-18');
    assert.equal(local(outcome.newDueAt), '2026-03-18 17:00');
    const d = await dossier(code);
    assert.equal(local(d.due_at), '2026-03-18 17:00');
    const apology = await database.db.selectFrom('dossier_apology').selectAll().where('dossier_id', '=', d.id).executeTakeFirstOrThrow();
    assert.equal(local(apology.previous_due_at), '2026-03-12 17:00');
    assert.equal((await tasks.inbox(handlerA, { code })).items[0]!.apologyRequired, false, 'covered by the letter');

    const late = await received();
    const lateTask = await openTask(late);
    now = at('2026-03-12 17:30');
    await rejectsWith(tasks.issueApology(handlerA, Number(lateTask.id), lateTask.row_version, 'Quá muộn', '2026-03-20'), 'APOLOGY_TOO_LATE');
  });
});

describe('consultation, return and authorisation', () => {
  test('another agency sees the dossier only once consulted, answers, and it comes back to the officer who asked', async () => {
    const code = await received();
    let task = await openTask(code);
    await rejectsWith(tasks.task(handlerB, Number(task.id)), 'TASK_NOT_FOUND');
    await tasks.claim(handlerA, Number(task.id), task.row_version);
    task = await openTask(code);
    now = at('2026-03-09 14:00');
    await tasks.consult(handlerA, Number(task.id), task.row_version, agencyB, 'Xin xác nhận nơi cư trú');
    const consultation = await openTask(code);
    assert.equal(consultation.agency_id, agencyB);
    assert.equal(consultation.kind, 'consult');
    assert.equal((await dossier(code)).holder_agency_id, agencyB);
    const inboxB = await tasks.inbox(handlerB);
    assert.ok(inboxB.items.some((i) => i.code === code && i.consultation));
    await rejectsWith(tasks.task(handlerC, Number(consultation.id)), 'TASK_NOT_FOUND');
    await rejectsWith(tasks.answer(handlerA, Number(consultation.id), consultation.row_version, 'x'), 'TASK_ROLE_REQUIRED');
    const view = await tasks.task(handlerB, Number(consultation.id));
    assert.deepEqual(view.allowed, ['claim', 'answer', 'draft']);
    await tasks.answer(handlerB, Number(consultation.id), consultation.row_version, 'Xác nhận đúng');
    const back = await openTask(code);
    assert.equal(back.agency_id, agencyA);
    assert.equal(back.kind, 'handle');
    assert.equal(back.assignee_id, handlerA.id, 'back to the officer who asked');
    // Agency B keeps read access to a dossier it was consulted on.
    assert.equal((await tasks.task(handlerB, Number(back.id))).dossier.code, code);

    await tasks.forward(handlerA, Number(back.id), back.row_version, '');
    const approval = await openTask(code);
    await rejectsWith(tasks.forward(leaderA, Number(approval.id), approval.row_version, ''), 'TASK_ACTION_NOT_ALLOWED');
    await tasks.decline(leaderA, Number(approval.id), approval.row_version, 'Thiếu căn cứ');
    const again = await openTask(code);
    assert.equal(again.kind, 'handle');
    assert.equal(again.assignee_id, handlerA.id, 'a declined dossier goes back to its handler');
    const events = await database.db.selectFrom('dossier_event').select(['action', 'reason']).where('dossier_id', '=', (await dossier(code)).id).orderBy('id').execute();
    assert.deepEqual(events.map((e) => e.action), ['received', 'consulted', 'consultation_answered', 'forwarded', 'declined']);
    assert.equal(events.at(-1)!.reason, 'Thiếu căn cứ');
    assert.equal((await verifyAuditChain(database.db)).ok, true);
  });

  test('stopping a dossier (form 05) ends every task and records the completion', async () => {
    const code = await received();
    const task = await openTask(code);
    await rejectsWith(tasks.stop(handlerA, Number(task.id), task.row_version, ''), 'VALIDATION_FAILED');
    await tasks.stop(handlerA, Number(task.id), task.row_version, 'Người nộp không đủ điều kiện');
    const d = await dossier(code);
    assert.equal(d.status, 'stopped');
    const open = await database.db.selectFrom('dossier_task').select('id').where('dossier_id', '=', d.id).where('status', 'in', ['open', 'paused']).execute();
    assert.equal(open.length, 0);
    const completion = await database.db.selectFrom('dossier_completion').selectAll().where('dossier_id', '=', d.id).executeTakeFirstOrThrow();
    assert.equal(completion.outcome, 'stopped');
  });
});

describe('completion timing', () => {
  test('a dossier asked twice for a supplement counts as late for the indicators, even when finished early', async () => {
    const code = await received();
    for (const [ask, answer] of [
      ['2026-03-09 14:00', '2026-03-09 15:00'],
      ['2026-03-09 15:30', '2026-03-09 16:00'],
    ] as const) {
      const task = await openTask(code);
      now = at(ask);
      await tasks.requestSupplement(handlerA, Number(task.id), task.row_version, [{ name: 'Giấy tờ', reason: 'thiếu' }], '');
      now = at(answer);
      await applicantAnswers(code, at(answer));
    }
    now = at('2026-03-10 08:00');
    let task = await openTask(code);
    await tasks.forward(handlerA, Number(task.id), task.row_version, '');
    task = await openTask(code);
    await tasks.approve(leaderA, Number(task.id), task.row_version, '');
    assert.equal((await dossier(code)).status, 'result_ready');
    task = await openTask(code);
    await rejectsWith(tasks.returnResult(deskA, Number(task.id), task.row_version, 'pigeon', ''), 'VALIDATION_FAILED');
    const outcome = await tasks.returnResult(deskA, Number(task.id), task.row_version, 'at_desk', '');
    assert.equal(outcome.timing, 'early');
    const completion = await database.db.selectFrom('dossier_completion').selectAll().where('dossier_id', '=', (await dossier(code)).id).executeTakeFirstOrThrow();
    assert.deepEqual([completion.timing, completion.supplement_count, completion.indicator_timing], ['early', 2, 'late']);
  });
});

describe('the deadline sweep', () => {
  test('reminds once when due soon and escalates once to the leaders when overdue', async () => {
    const code = await received();
    const task = await openTask(code);
    now = at('2026-03-11 10:00'); // the handling step is due Wednesday 16:18: within 8 working hours
    const first = await tasks.sweepDeadlines();
    assert.ok(first.dueSoon >= 1);
    const again = await tasks.sweepDeadlines();
    assert.equal(again.dueSoon, 0, 'never twice for the same task and kind');
    now = at('2026-03-11 16:30');
    const late = await tasks.sweepDeadlines();
    assert.ok(late.overdue >= 1);
    assert.equal((await tasks.sweepDeadlines()).overdue, 0);
    const alerts = await database.db.selectFrom('dossier_task_alert').selectAll().where('task_id', '=', task.id).orderBy('kind').execute();
    assert.deepEqual(alerts.map((a) => a.kind), ['due_soon', 'overdue']);
    assert.deepEqual(alerts[0]!.recipients, [handlerA.id], 'unassigned: the role’s officers');
    assert.deepEqual([...alerts[1]!.recipients].sort(), [handlerA.id, leaderA.id].sort(), 'overdue: leaders too');
    const leaderInbox = await tasks.inbox(leaderA);
    assert.ok(leaderInbox.alerts.some((a) => a.code === code && a.kind === 'overdue'), 'the leader sees the escalation');
  });

  test('bulk assignment is for leaders, to officers holding the task’s role', async () => {
    const code = await received();
    const task = await openTask(code);
    await rejectsWith(tasks.assign(handlerA, [Number(task.id)], handlerA.id), 'TASK_ASSIGN_NOT_ALLOWED');
    await rejectsWith(tasks.assign(leaderA, [Number(task.id)], deskA.id), 'VALIDATION_FAILED');
    assert.deepEqual(await tasks.assign(leaderA, [Number(task.id), 999_999], handlerA.id), { assigned: 1, skipped: 1 });
    const mine = await tasks.inbox(handlerA, { scope: 'mine' });
    assert.ok(mine.items.some((i) => i.code === code && i.assignedToMe));
    // An officer with two roles sees both roles' tasks, merged most urgent first.
    const both = await buildUser('e.a.both', agencyA, ['handler', 'leader']);
    const merged = await tasks.inbox(both, {});
    assert.ok(merged.items.some((i) => i.code === code && i.role === 'handler'));
    const dues = merged.items.map((i) => i.dueAt?.getTime() ?? Infinity);
    assert.deepEqual(dues, [...dues].sort((x, y) => x - y), 'ordered by due moment across roles');
  });
});

describe('withdrawal by the applicant', () => {
  let submission: SubmissionService;
  let citizen: SessionUser;
  before(() => {
    citizen = { id: citizenId, kind: 'citizen', displayName: 'Người nộp', agencyId: null, roles: [] };
    // The dossiers module's service wired as app.ts wires it: the engine closes the tasks in the withdrawal's transaction
    // (withdrawal reads no e-form).
    const forms = { bundleFor: () => Promise.reject(new Error('not used by withdrawal')) } as unknown as FormsService;
    submission = createSubmissionService(database, {
      forms,
      notifications: createNotificationService(database),
      draftLifetimeDays: 30,
      onWithdrawn: (trx, withdrawal) => tasks.closeForWithdrawal(trx, withdrawal),
      clock: () => now,
    });
  });
  const unfinished = async (code: string) => database.db.selectFrom('dossier_task').select('id').where('dossier_id', '=', (await dossier(code)).id).where('status', 'in', ['open', 'paused']).execute();

  test('closes the open task, takes it out of the inbox and the sweep, and tells the officer who held it', async () => {
    const code = await received();
    const task = await openTask(code);
    await tasks.claim(handlerA, Number(task.id), task.row_version);
    now = at('2026-03-10 09:00');
    await submission.withdraw(citizen, code, 'Nộp nhầm thủ tục');

    const closed = await database.db.selectFrom('dossier_task').selectAll().where('id', '=', task.id).executeTakeFirstOrThrow();
    assert.deepEqual([closed.status, closed.outcome, closed.timing, local(closed.finished_at)], ['cancelled', 'withdrawn', null, '2026-03-10 09:00']);
    assert.equal((await dossier(code)).status, 'withdrawn');
    const inbox = await tasks.inbox(handlerA, { code });
    assert.equal(inbox.items.length, 0, 'no longer in the inbox');
    assert.deepEqual(
      inbox.alerts.filter((a) => a.code === code).map((a) => [a.kind, a.stepName]),
      [['withdrawn', task.step_name]],
      'the assignee is told, above the inbox',
    );
    assert.equal((await tasks.inbox(leaderA)).alerts.some((a) => a.code === code), false, 'nobody else');

    // The control slip and the audit trail record the withdrawal with the step the dossier was at.
    const d = await dossier(code);
    const event = await database.db.selectFrom('dossier_event').selectAll().where('dossier_id', '=', d.id).where('action', '=', 'withdrawn').executeTakeFirstOrThrow();
    assert.deepEqual([event.actor_kind, event.from_status, event.to_status, event.from_agency_id, event.step_name, event.reason], ['citizen', 'received', 'withdrawn', agencyA, task.step_name, 'Nộp nhầm thủ tục']);
    assert.equal(event.step_due_at?.getTime(), task.due_at?.getTime());
    const audit = await database.db.selectFrom('audit_event').selectAll().where('subject_id', '=', String(d.id)).where('action', '=', 'dossier.withdraw').executeTakeFirstOrThrow();
    assert.equal(audit.actor_kind, 'citizen');
    assert.deepEqual(audit.details.closedTasks, [{ taskId: Number(task.id), agencyId: agencyA, notified: [handlerA.id] }]);

    // Past the step's due moment, the sweep neither reminds nor escalates it.
    now = at('2026-03-12 16:00');
    await tasks.sweepDeadlines();
    const alerts = await database.db.selectFrom('dossier_task_alert').select('kind').where('task_id', '=', task.id).execute();
    assert.deepEqual(alerts.map((a) => a.kind), ['withdrawn']);
    assert.equal((await verifyAuditChain(database.db)).ok, true);
  });

  test('closes a task paused for a supplement (the resume backstop leaves it closed), telling the role when unassigned', async () => {
    const code = await received();
    const task = await openTask(code);
    await tasks.requestSupplement(handlerA, Number(task.id), task.row_version, [{ name: 'Tờ khai', reason: 'chưa ký' }], '');
    now = at('2026-03-10 11:00');
    await submission.withdraw(citizen, code, '');
    assert.deepEqual(await unfinished(code), []);
    assert.equal((await tasks.sweepDeadlines()).resumed, 0);
    assert.deepEqual(await unfinished(code), [], 'not reopened');
    const alert = await database.db.selectFrom('dossier_task_alert').selectAll().where('task_id', '=', task.id).executeTakeFirstOrThrow();
    const handlersOfA = await database.db.selectFrom('app_user').select('id').where('agency_id', '=', agencyA).where(sql<boolean>`'handler' = any(roles)`).execute();
    assert.equal(alert.kind, 'withdrawn');
    assert.ok(alert.recipients.includes(handlerA.id));
    assert.deepEqual([...alert.recipients].sort(), handlersOfA.map((o) => o.id).sort(), 'nobody had taken it: the handlers of the agency');
  });

  test('an officer acting on the task at the same moment: one of them wins, the other gets the existing conflict', async () => {
    const code = await received();
    const task = await openTask(code);
    const [forwarded, withdrawn] = await Promise.allSettled([tasks.forward(handlerA, Number(task.id), task.row_version, ''), submission.withdraw(citizen, code, '')]);
    assert.equal(withdrawn.status, 'fulfilled', 'still before the result: the withdrawal goes through either way');
    if (forwarded.status === 'rejected') assert.equal((forwarded.reason as DomainError).code, 'DOSSIER_CHANGED');
    assert.equal((await dossier(code)).status, 'withdrawn');
    assert.deepEqual(await unfinished(code), [], 'whichever came first, no task stays open');
    // The officer's page was loaded before the withdrawal: the stale row version is the conflict.
    await rejectsWith(tasks.forward(handlerA, Number(task.id), task.row_version, ''), 'DOSSIER_CHANGED');
  });

  test('is refused once the result is ready, and the tasks stay as they are', async () => {
    const code = await received();
    let task = await openTask(code);
    await tasks.forward(handlerA, Number(task.id), task.row_version, '');
    task = await openTask(code);
    await tasks.approve(leaderA, Number(task.id), task.row_version, '');
    task = await openTask(code);
    await rejectsWith(submission.withdraw(citizen, code, ''), 'DOSSIER_CANNOT_WITHDRAW');
    assert.equal((await openTask(code)).id, task.id);
    assert.equal((await dossier(code)).status, 'result_ready');
  });
});
