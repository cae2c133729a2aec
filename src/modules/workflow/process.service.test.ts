import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifyAuditChain } from '../../platform/audit/index.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { DomainError, type FieldProblem } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import { catalogue } from '../../platform/i18n/i18n.js';
import { createProcessService, type ProcessService } from './index.js';
import { checkProcessDraft, parseShare, type ProcessDraft, type StepInput } from './process.service.js';

/*
 * Internal process definitions: the saving rules (pure), then versioning, current resolution with its fallbacks,
 * authorisation and the audit event against a real database (PGlite, or PostgreSQL when DATABASE_URL is set).
 */

const step = (kind: string, role: string, share: string, name: string, agency = 'receiving'): StepInput => ({ kind, role, agency, share, name, nameEn: '' });

/** A valid four-step process; `consultAt` adds a consultation at that agency. */
function draft(consultAt?: number): ProcessDraft {
  const steps = consultAt
    ? [
        step('receive', 'desk', '10', 'Tiếp nhận hồ sơ'),
        step('handle', 'handler', '40', 'Thẩm định hồ sơ'),
        step('consult', 'handler', '20', 'Lấy ý kiến Sở Xây dựng', String(consultAt)),
        step('approve', 'leader', '20', 'Lãnh đạo phê duyệt'),
        step('return', 'desk', '10', 'Trả kết quả'),
      ]
    : [step('receive', 'desk', '10', 'Tiếp nhận hồ sơ'), step('handle', 'handler', '60', 'Thẩm định hồ sơ'), step('approve', 'leader', '20', 'Lãnh đạo phê duyệt'), step('return', 'desk', '10', 'Trả kết quả')];
  return { name: 'Quy trình thử nghiệm', legalBasis: 'Quyết định thử nghiệm', steps };
}

const activeAgencies = new Map([
  [5, { active: true }],
  [7, { active: true }],
  [8, { active: false }],
]);

function problemsOf(d: ProcessDraft, scopeAgencyId: number | null = 5): FieldProblem[] {
  return checkProcessDraft(d, { agencies: activeAgencies, scopeAgencyId }).problems;
}

function has(problems: FieldProblem[], field: string, messageKey: string) {
  assert.ok(
    problems.some((p) => p.field === field && p.messageKey === messageKey),
    `expected ${field} ${messageKey} in ${JSON.stringify(problems)}`,
  );
}

describe('process saving rules', () => {
  test('accepts a receive → handle → consult → approve → return process and stores exact shares', () => {
    const result = checkProcessDraft(draft(7), { agencies: activeAgencies, scopeAgencyId: 5 });
    assert.deepEqual(result.problems, []);
    assert.ok(result.clean);
    assert.deepEqual(
      result.clean.steps.map((s) => [s.position, s.kind, s.role, s.agencyMode, s.agencyId, s.sharePercent]),
      [
        [1, 'receive', 'desk', 'receiving', null, '10.00'],
        [2, 'handle', 'handler', 'receiving', null, '40.00'],
        [3, 'consult', 'handler', 'fixed', 7, '20.00'],
        [4, 'approve', 'leader', 'receiving', null, '20.00'],
        [5, 'return', 'desk', 'receiving', null, '10.00'],
      ],
    );
  });

  test('refuses a process without steps', () => {
    has(problemsOf({ ...draft(), steps: [] }), 'steps', 'workflow.process.field.steps.required');
  });

  test('refuses a first step that is not a reception by the desk at the receiving agency', () => {
    const d = draft();
    d.steps[0] = step('handle', 'handler', '10', 'Thụ lý');
    has(problemsOf(d), 'step-1-kind', 'workflow.process.field.step.firstMustReceive');
    d.steps[0] = step('receive', 'handler', '10', 'Tiếp nhận');
    has(problemsOf(d), 'step-1-role', 'workflow.process.field.step.roleFor.receive');
    d.steps[0] = step('receive', 'desk', '10', 'Tiếp nhận', '7');
    has(problemsOf(d), 'step-1-agency', 'workflow.process.field.step.atReceiving');
  });

  test('refuses a last step that is not a return by the desk at the receiving agency', () => {
    const d = draft();
    d.steps[3] = step('approve', 'leader', '10', 'Phê duyệt');
    has(problemsOf(d), 'step-4-kind', 'workflow.process.field.step.lastMustReturn');
    d.steps[3] = step('return', 'leader', '10', 'Trả');
    has(problemsOf(d), 'step-4-role', 'workflow.process.field.step.roleFor.return');
    d.steps[3] = step('return', 'desk', '10', 'Trả', '7');
    has(problemsOf(d), 'step-4-agency', 'workflow.process.field.step.atReceiving');
  });

  test('refuses a reception or a return in the middle', () => {
    const d = draft();
    d.steps[1] = step('return', 'desk', '60', 'Trả sớm');
    has(problemsOf(d), 'step-2-kind', 'workflow.process.field.step.returnOnlyLast');
    d.steps[1] = step('receive', 'desk', '60', 'Nhận lại');
    has(problemsOf(d), 'step-2-kind', 'workflow.process.field.step.receiveOnlyFirst');
  });

  test('wants the shares to add up to exactly 100 with at most 2 decimals', () => {
    const d = draft();
    d.steps[1] = step('handle', 'handler', '59,99', 'Thẩm định');
    const problems = problemsOf(d);
    has(problems, 'steps', 'workflow.process.field.steps.sharesTotal');
    assert.equal(problems.find((p) => p.field === 'steps')!.params!.total, '99.99');
    d.steps[1] = step('handle', 'handler', '33.335', 'Thẩm định');
    has(problemsOf(d), 'step-2-share', 'workflow.process.field.step.shareInvalid');
    d.steps[1] = step('handle', 'handler', '', 'Thẩm định');
    has(problemsOf(d), 'step-2-share', 'workflow.process.field.step.shareInvalid');
    d.steps[1] = step('handle', 'handler', '59.5', 'Thẩm định');
    d.steps[2] = step('approve', 'leader', '20,5', 'Phê duyệt');
    assert.deepEqual(problemsOf(d), []);
  });

  test('parses shares in hundredths, refusing more than 100', () => {
    assert.equal(parseShare('12,5'), 1250);
    assert.equal(parseShare(' 12.05 '), 1205);
    assert.equal(parseShare('100'), 10_000);
    assert.equal(parseShare('100.01'), null);
    assert.equal(parseShare('-1'), null);
    assert.equal(parseShare('1e2'), null);
  });

  test('wants a consultation at another, fixed agency', () => {
    const atReceiving = draft(7);
    atReceiving.steps[2] = step('consult', 'handler', '20', 'Lấy ý kiến');
    has(problemsOf(atReceiving), 'step-3-agency', 'workflow.process.field.step.consultElsewhere');
    has(problemsOf(draft(5), 5), 'step-3-agency', 'workflow.process.field.step.consultElsewhere');
  });

  test('wants approvals and signatures by a leader, and handling by a handler', () => {
    const d = draft();
    d.steps[2] = step('approve', 'handler', '20', 'Phê duyệt');
    has(problemsOf(d), 'step-3-role', 'workflow.process.field.step.roleFor.approve');
    d.steps[2] = step('sign', 'desk', '20', 'Ký');
    has(problemsOf(d), 'step-3-role', 'workflow.process.field.step.roleFor.sign');
    d.steps[1] = step('handle', 'leader', '60', 'Thụ lý');
    has(problemsOf(d), 'step-2-role', 'workflow.process.field.step.roleFor.handle');
    d.steps[1] = step('handle', 'mayor', '60', 'Thụ lý');
    has(problemsOf(d), 'step-2-role', 'workflow.process.field.step.roleInvalid');
  });

  test('wants agencies that exist and are active', () => {
    has(problemsOf(draft(8)), 'step-3-agency', 'workflow.process.field.step.agencyInactive');
    has(problemsOf(draft(99)), 'step-3-agency', 'workflow.process.field.step.agencyInvalid');
    const d = draft(7);
    d.steps[2]!.agency = 'Sở Xây dựng';
    has(problemsOf(d), 'step-3-agency', 'workflow.process.field.step.agencyInvalid');
  });

  test('wants a name for the process and each step, and reports every problem at once with its step', () => {
    const d = draft();
    d.name = '  ';
    d.steps[1]!.name = '';
    d.steps[2]!.role = 'desk';
    const problems = problemsOf(d);
    has(problems, 'name', 'workflow.process.field.name.required');
    has(problems, 'step-2-name', 'workflow.process.field.step.nameRequired');
    has(problems, 'step-3-role', 'workflow.process.field.step.roleFor.approve');
    assert.equal(problems.find((p) => p.field === 'step-2-name')!.params!.step, 2);
  });

  test('every problem has a message in both languages', () => {
    const d = draft(8);
    d.name = '';
    const problems = [...problemsOf(d), ...problemsOf({ ...draft(), steps: [] })];
    for (const p of problems) {
      assert.ok(catalogue('vi')[p.messageKey], `vi ${p.messageKey}`);
      assert.ok(catalogue('en')[p.messageKey], `en ${p.messageKey}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------

let database: Database;
let service: ProcessService;
let agencyA = 0;
let agencyB = 0;
let construction = 0;
let closed = 0;
let procedureId = 0;
let otherProcedureId = 0;
let adminA: SessionUser;
let adminB: SessionUser;
let handlerA: SessionUser;
let systemAdmin: SessionUser;
const procedureCode = '9.999101';

async function buildAgency(code: string, name: string, active = true): Promise<number> {
  const row = await database.db
    .insertInto('agency')
    .values({ code, kind: 'commune_committee', name, office_hours: JSON.stringify([]), active })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function buildUser(username: string, agencyId: number | null, roles: string[]): Promise<SessionUser> {
  const row = await database.db
    .insertInto('app_user')
    .values({ kind: 'officer', username, display_name: username, password_hash: 'not-a-hash', agency_id: agencyId, roles })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, kind: 'officer', displayName: username, agencyId, roles };
}

async function buildProcedure(code: string, sectorId: number, days: number): Promise<number> {
  const procedure = await database.db
    .insertInto('procedure')
    .values({ code, name: `Thủ tục thử nghiệm ${code}`, sector_id: sectorId, levels: ['commune'], online_offered: true, applicant_types: [], has_fee: false, competent_agency: '', handling_agency: '' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const content = { channels: [{ channel: 'online', durations: [{ value: days, unit: 'working_day' }] }] };
  const version = await database.db
    .insertInto('procedure_version')
    .values({ procedure_id: procedure.id, version: 1, decision_number: '', content: JSON.stringify(content), raw: JSON.stringify({}), source_hash: code })
    .returning('id')
    .executeTakeFirstOrThrow();
  await database.db.updateTable('procedure').set({ current_version_id: version.id }).where('id', '=', procedure.id).execute();
  return procedure.id;
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<DomainError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return error instanceof DomainError && error.code === code;
  });
  return caught as DomainError;
}

async function auditOf(definitionId: number) {
  return database.db.selectFrom('audit_event').selectAll().where('subject_type', '=', 'process_definition').where('subject_id', '=', String(definitionId)).execute();
}

describe('process definitions in the database', () => {
  before(async () => {
    database = await openTestDatabase();
    agencyA = await buildAgency('000.00.91.H42', 'Ủy ban nhân dân phường A');
    agencyB = await buildAgency('000.00.92.H42', 'Ủy ban nhân dân xã B');
    construction = await buildAgency('000.00.93.H42', 'Sở Xây dựng thử nghiệm');
    closed = await buildAgency('000.00.94.H42', 'Cơ quan đã giải thể', false);
    const sector = await database.db.insertInto('sector').values({ name: 'Lĩnh vực thử nghiệm', slug: 'linh-vuc-thu-nghiem' }).returning('id').executeTakeFirstOrThrow();
    procedureId = await buildProcedure(procedureCode, sector.id, 20);
    otherProcedureId = await buildProcedure('9.999102', sector.id, 5);
    await database.db
      .insertInto('procedure_agency')
      .values([
        { procedure_id: procedureId, agency_id: agencyA },
        { procedure_id: procedureId, agency_id: agencyB },
      ])
      .execute();
    adminA = await buildUser('a.admin', agencyA, ['agency_admin']);
    adminB = await buildUser('b.admin', agencyB, ['agency_admin']);
    handlerA = await buildUser('a.handler', agencyA, ['handler']);
    systemAdmin = await buildUser('root', null, ['system_admin']);
    service = createProcessService(database);
  });

  after(async () => {
    await database?.close();
  });

  test('falls back to the built-in process when nothing is defined', async () => {
    const process = await service.current(procedureId, agencyA);
    assert.equal(process.id, null);
    assert.equal(process.procedureId, procedureId);
    assert.deepEqual(
      process.steps.map((s) => [s.kind, s.role, s.agencyMode, s.sharePercent]),
      [
        ['receive', 'desk', 'receiving', 10],
        ['handle', 'handler', 'receiving', 60],
        ['approve', 'leader', 'receiving', 20],
        ['return', 'desk', 'receiving', 10],
      ],
    );
    assert.equal(process.steps[0]!.name, 'Tiếp nhận hồ sơ');
    assert.equal(process.steps[0]!.nameEn, 'Receive the dossier');
  });

  test('an agency administrator cannot edit the default scope or another agency’s, a handler nothing', async () => {
    await rejectsWith(service.publish(adminA, procedureCode, null, draft(), 0), 'PROCESS_EDIT_FORBIDDEN');
    await rejectsWith(service.publish(adminA, procedureCode, agencyB, draft(), 0), 'PROCESS_EDIT_FORBIDDEN');
    await rejectsWith(service.publish(handlerA, procedureCode, undefined, draft(), 0), 'PROCESS_EDIT_FORBIDDEN');
    await rejectsWith(service.restore(handlerA, procedureCode, undefined, 1, 0), 'PROCESS_EDIT_FORBIDDEN');
    const count = await database.db.selectFrom('process_definition').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 0);
    // Reading is allowed to any officer of the agency.
    const view = await service.editor(handlerA, procedureCode);
    assert.equal(view.canEdit, false);
    assert.equal(view.effective.source, 'builtIn');
  });

  test('an agency administrator cannot edit a procedure their agency does not offer', async () => {
    await rejectsWith(service.publish(adminA, '9.999102', undefined, draft(), 0), 'PROCESS_PROCEDURE_NOT_FOUND');
  });

  test('a system administrator publishes the default scope; every agency uses it; the audit event is written with it', async () => {
    const published = await service.publish(systemAdmin, procedureCode, null, draft(construction), 0, { ip: '10.1.2.3' });
    assert.equal(published.version, 1);
    assert.equal(published.scope.agencyId, null);
    for (const agency of [agencyA, agencyB]) {
      const process = await service.current(procedureId, agency);
      assert.equal(process.id, published.id);
      assert.equal(process.agencyId, null);
      assert.deepEqual(
        process.steps.map((s) => [s.position, s.kind, s.agencyMode, s.agencyId, s.sharePercent]),
        [
          [1, 'receive', 'receiving', null, 10],
          [2, 'handle', 'receiving', null, 40],
          [3, 'consult', 'fixed', construction, 20],
          [4, 'approve', 'receiving', null, 20],
          [5, 'return', 'receiving', null, 10],
        ],
      );
    }
    const events = await auditOf(published.id);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.action, 'process.publish');
    assert.equal(events[0]!.actor_user_id, systemAdmin.id);
    assert.equal(events[0]!.ip, '10.1.2.3');
    assert.equal(events[0]!.agency_id, null);
    assert.deepEqual(events[0]!.details, { procedureCode, scope: 'default', version: 1, previousVersion: null, steps: 5 });
    assert.equal((await verifyAuditChain(database.db)).ok, true);
  });

  test('an agency’s own definition wins over the default for its dossiers only', async () => {
    const own = draft();
    own.steps[1]!.name = 'Công chức tư pháp – hộ tịch thẩm định';
    const published = await service.publish(adminA, procedureCode, undefined, own, 0);
    assert.equal(published.version, 1);
    assert.equal(published.scope.agencyId, agencyA);
    const forA = await service.current(procedureId, agencyA);
    assert.equal(forA.id, published.id);
    assert.equal(forA.agencyId, agencyA);
    assert.equal(forA.steps[1]!.name, 'Công chức tư pháp – hộ tịch thẩm định');
    const forB = await service.current(procedureId, agencyB);
    assert.equal(forB.agencyId, null);
    assert.equal(forB.steps.length, 5);
    const view = await service.editor(adminB, procedureCode);
    assert.equal(view.effective.source, 'default');
    assert.equal(view.baseVersion, 0);
  });

  test('saving makes a new version current and keeps the old one unchanged; the next reading sees it at once', async () => {
    const before = await service.current(procedureId, agencyA);
    const changed = draft();
    changed.steps[1]!.share = '55';
    changed.steps[2]!.share = '25';
    const second = await service.publish(adminA, procedureCode, undefined, changed, 1);
    assert.equal(second.version, 2);
    const after = await service.current(procedureId, agencyA);
    assert.equal(after.id, second.id);
    assert.equal(after.steps[1]!.sharePercent, 55);
    // The first version is still there, unchanged, no longer current.
    const old = await database.db.selectFrom('process_definition').selectAll().where('id', '=', before.id!).executeTakeFirstOrThrow();
    assert.equal(old.is_current, false);
    const oldSteps = await database.db.selectFrom('process_step').select(['position', 'share_percent']).where('definition_id', '=', before.id!).orderBy('position').execute();
    assert.deepEqual(
      oldSteps.map((s) => Number(s.share_percent)),
      [10, 60, 20, 10],
    );
    // One current per scope.
    const current = await database.db.selectFrom('process_definition').select('id').where('procedure_id', '=', procedureId).where('agency_id', '=', agencyA).where('is_current', '=', true).execute();
    assert.deepEqual(
      current.map((r) => r.id),
      [second.id],
    );
    // A second service (another process, its own cache) sees the same current version.
    const elsewhere = createProcessService(database);
    assert.equal((await elsewhere.current(procedureId, agencyA)).id, second.id);
  });

  test('refuses a publication based on a version that is no longer current', async () => {
    const error = await rejectsWith(service.publish(adminA, procedureCode, undefined, draft(), 1), 'PROCESS_CHANGED');
    assert.equal(error.details.params?.version, 2);
  });

  test('refuses a draft that breaks the rules with field problems, storing nothing', async () => {
    const bad = draft(closed);
    const error = await rejectsWith(service.publish(adminA, procedureCode, undefined, bad, 2), 'VALIDATION_FAILED');
    assert.ok(error.details.fields?.some((f) => f.field === 'step-3-agency' && f.messageKey === 'workflow.process.field.step.agencyInactive'));
    const versions = await service.editor(adminA, procedureCode);
    assert.equal(versions.versions.length, 2);
  });

  test('restores an older version as a new version, with its audit event', async () => {
    const restored = await service.restore(adminA, procedureCode, undefined, 1, 2);
    assert.equal(restored.version, 3);
    const process = await service.current(procedureId, agencyA);
    assert.equal(process.id, restored.id);
    assert.deepEqual(
      process.steps.map((s) => s.sharePercent),
      [10, 60, 20, 10],
    );
    const events = await auditOf(restored.id);
    assert.equal(events[0]!.action, 'process.restore');
    assert.equal((events[0]!.details as { restoredFrom?: number }).restoredFrom, 1);
    const view = await service.editor(adminA, procedureCode, { version: 1 });
    assert.equal(view.shown.version, 1);
    assert.equal(view.shown.isCurrent, false);
    assert.deepEqual(
      view.versions.map((v) => [v.version, v.isCurrent]),
      [
        [3, true],
        [2, false],
        [1, false],
      ],
    );
    await rejectsWith(service.restore(adminA, procedureCode, undefined, 9, 3), 'PROCESS_VERSION_NOT_FOUND');
  });

  test('two publications at once get consecutive versions, one of them refused as changed', async () => {
    const results = await Promise.allSettled([service.publish(adminA, procedureCode, undefined, draft(), 3), service.publish(adminA, procedureCode, undefined, draft(), 3)]);
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(fulfilled.length, 1);
    assert.equal(rejected.length, 1);
    assert.equal((rejected[0]!.reason as DomainError).code, 'PROCESS_CHANGED');
  });

  test('the editor shows each step’s part of the statutory duration in working days', async () => {
    const view = await service.editor(adminB, procedureCode);
    assert.deepEqual(view.duration, { value: 20, unit: 'working_day' });
    assert.deepEqual(
      view.effective.steps.map((s) => s.allotted),
      [2, 8, 4, 4, 2],
    );
    assert.equal(view.effective.steps[2]!.agencyName, 'Sở Xây dựng thử nghiệm');
  });

  test('the overview lists the agency’s procedures with their versions, searchable', async () => {
    const page = await service.overview(adminA, { search: '9.999101' });
    assert.equal(page.total, 1);
    assert.deepEqual(page.items[0], { code: procedureCode, name: `Thủ tục thử nghiệm ${procedureCode}`, ownVersion: 4, defaultVersion: 1 });
    const none = await service.overview(adminA, { search: '9.999102' });
    assert.equal(none.total, 0, 'another agency’s procedure is not listed');
    const all = await service.overview(systemAdmin, { search: 'thu nghiem' });
    assert.equal(all.total, 2);
  });

  test('an unknown procedure of current() is the built-in process, a procedure without a definition too', async () => {
    assert.equal((await service.current(otherProcedureId, agencyA)).id, null);
  });
});
