import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { DomainError } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import { pdfText } from '../../platform/pdf/testing.js';
import { formatVietnamTime, seedOfficialCalendar, vietnamInstant } from '../calendar/index.js';
import { createSubmissionService, renderReceiptSlip } from '../dossiers/index.js';
import { createFormsService } from '../forms/index.js';
import { createNotificationService } from '../notifications/index.js';
import { createDeskService, type DeskService } from './index.js';

/*
 * The one-stop desk against a real database (PGlite, or PostgreSQL when DATABASE_URL is set), with factories for the
 * few rows a desk needs: two communes' agencies, their officers, a procedure of 3 working days and online dossiers.
 */

let database: Database;
let desk: DeskService;
/** The desk's clock; each test sets it. */
let now = new Date();

const at = (text: string) => {
  const [date, clock] = text.split(' ');
  return vietnamInstant(date!, clock);
};
const local = (instant: Date | null) => (instant ? formatVietnamTime(instant).replace('T', ' ').replace('+07:00', '') : null);

/** A commune committee's hours: Monday to Friday 07:00–11:30 and 13:30–17:00. */
const communeHours = [1, 2, 3, 4, 5].flatMap((day) => [
  { day, open: '07:00', close: '11:30' },
  { day, open: '13:30', close: '17:00' },
]);

let agencyA = 0;
let agencyB = 0;
let procedureId = 0;
let versionId = 0;
let deskA: SessionUser;
let deskA2: SessionUser;
let handlerA: SessionUser;
let deskB: SessionUser;
let citizen: SessionUser;

async function buildAgency(code: string, name: string): Promise<number> {
  const row = await database.db
    .insertInto('agency')
    .values({ code, kind: 'commune_committee', name, office_hours: JSON.stringify(communeHours) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function buildUser(username: string, displayName: string, kind: 'citizen' | 'officer', agencyId: number | null, roles: string[]): Promise<SessionUser> {
  const row = await database.db
    .insertInto('app_user')
    .values({ kind, username, display_name: displayName, password_hash: 'not-a-hash', agency_id: agencyId, roles })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, kind, displayName, agencyId, roles };
}

let dossierCount = 0;

/** An online dossier awaiting reception at `agencyId`, submitted at `submittedAt`, with one document and its "submitted" event. */
async function buildDossier(options: { agencyId?: number; submittedAt?: Date } = {}): Promise<string> {
  dossierCount += 1;
  const agencyId = options.agencyId ?? agencyA;
  const code = `000.00.99.H42-260309-${String(dossierCount).padStart(4, '0')}`;
  const row = await database.db
    .insertInto('dossier')
    .values({
      code,
      lookup_secret: `SECRET${dossierCount}`,
      procedure_id: procedureId,
      procedure_version_id: versionId,
      form_version: '1',
      applicant_user_id: citizen.id,
      applicant: JSON.stringify({ fullName: `Nguyễn Văn ${dossierCount}`, personalId: '037096001234', phone: '0912345678', email: 'nguoinop@example.vn', address: 'Hoa Lư, Ninh Bình' }),
      receiving_agency_id: agencyId,
      holder_agency_id: agencyId,
      channel: 'online',
      status: 'awaiting_reception',
      values: JSON.stringify({}),
      result_delivery: 'online',
      phone_last4: '5678',
      submitted_at: options.submittedAt ?? at('2026-03-09 08:00'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await database.db
    .insertInto('dossier_document')
    .values({ dossier_id: row.id, field_id: 'request', requirement_name: 'Tờ khai', storage_key: `uploads/test-${dossierCount}.pdf`, file_name: 'to-khai.pdf', mime: 'application/pdf', size_bytes: 1000, sha256: 'x', pages: 2, source: 'upload' })
    .execute();
  await database.db
    .insertInto('dossier_event')
    .values({ dossier_id: row.id, actor_user_id: citizen.id, actor_kind: 'citizen', action: 'submitted', from_status: null, to_status: 'awaiting_reception', to_agency_id: agencyId })
    .execute();
  return code;
}

async function dossierRow(code: string) {
  return database.db.selectFrom('dossier').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
}

async function eventsOf(code: string) {
  return database.db
    .selectFrom('dossier_event as e')
    .innerJoin('dossier as d', 'd.id', 'e.dossier_id')
    .select(['e.action', 'e.actor_user_id', 'e.actor_kind', 'e.from_status', 'e.to_status', 'e.from_agency_id', 'e.to_agency_id', 'e.reason', 'e.at'])
    .where('d.code', '=', code)
    .orderBy('e.id')
    .execute();
}

async function outboxOf(code: string) {
  return database.db
    .selectFrom('notification_outbox as n')
    .innerJoin('dossier as d', 'd.id', 'n.dossier_id')
    .select(['n.channel', 'n.recipient', 'n.template_key', 'n.body'])
    .where('d.code', '=', code)
    .orderBy('n.id')
    .execute();
}

/** Asserts that `promise` fails with the domain error `code`. */
async function rejectsWith(promise: Promise<unknown>, code: string): Promise<DomainError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return error instanceof DomainError && error.code === code;
  });
  return caught as DomainError;
}

before(async () => {
  database = await openTestDatabase();
  await seedOfficialCalendar(database);
  agencyA = await buildAgency('000.00.98.H42', 'Ủy ban nhân dân phường Thử Nghiệm A');
  agencyB = await buildAgency('000.00.97.H42', 'Ủy ban nhân dân xã Thử Nghiệm B');
  const sector = await database.db.insertInto('sector').values({ name: 'Lĩnh vực thử nghiệm', slug: 'linh-vuc-thu-nghiem' }).returning('id').executeTakeFirstOrThrow();
  const procedure = await database.db
    .insertInto('procedure')
    .values({ code: '9.999001', name: 'Thủ tục thử nghiệm 3 ngày làm việc', sector_id: sector.id, levels: ['commune'], online_offered: true, applicant_types: [], has_fee: false, competent_agency: '', handling_agency: '' })
    .returning('id')
    .executeTakeFirstOrThrow();
  procedureId = procedure.id;
  const content = {
    requirements: [{ name: 'Tờ khai', originals: 1, copies: 0 }],
    channels: [
      { channel: 'in_person', durations: [{ value: 5, unit: 'working_day' }] },
      { channel: 'online', durations: [{ value: 3, unit: 'working_day' }] },
    ],
  };
  const version = await database.db
    .insertInto('procedure_version')
    .values({ procedure_id: procedureId, version: 1, decision_number: '', content: JSON.stringify(content), raw: JSON.stringify({}), source_hash: 'test' })
    .returning('id')
    .executeTakeFirstOrThrow();
  versionId = version.id;
  await database.db.updateTable('procedure').set({ current_version_id: versionId }).where('id', '=', procedureId).execute();
  citizen = await buildUser('nguoinop@example.vn', 'Nguyễn Văn Nộp', 'citizen', null, []);
  deskA = await buildUser('a.desk', 'Đinh Thị Thu', 'officer', agencyA, ['desk']);
  deskA2 = await buildUser('a.desk2', 'Lý Văn Hai', 'officer', agencyA, ['desk']);
  handlerA = await buildUser('a.handler', 'Bùi Văn Long', 'officer', agencyA, ['handler']);
  deskB = await buildUser('b.desk', 'Trịnh Thị Ba', 'officer', agencyB, ['desk']);
  desk = createDeskService(database, { notifications: createNotificationService(database), clock: () => now });
});

after(async () => {
  await database?.close();
});

beforeEach(() => {
  now = at('2026-03-09 10:00');
});

describe('desk authorisation', () => {
  test('does not show a dossier to the desk of another agency, nor let it act', async () => {
    const code = await buildDossier();
    const queueB = await desk.queue(deskB);
    assert.ok(!queueB.items.some((i) => i.code === code), 'not in the other agency’s queue');
    await rejectsWith(desk.dossier(deskB, code), 'DESK_DOSSIER_NOT_FOUND');
    await rejectsWith(desk.receive(deskB, code, 1), 'DESK_DOSSIER_NOT_FOUND');
    await rejectsWith(desk.refuse(deskB, code, 'Không thuộc thẩm quyền', 1), 'DESK_DOSSIER_NOT_FOUND');
    await rejectsWith(desk.requestSupplement(deskB, code, [{ name: 'Tờ khai', reason: 'Thiếu chữ ký' }], '', 1), 'DESK_DOSSIER_NOT_FOUND');
    assert.equal((await dossierRow(code)).status, 'awaiting_reception');
  });

  test('does refuse the handler of the same agency: reception is the desk’s', async () => {
    const code = await buildDossier();
    await rejectsWith(desk.queue(handlerA), 'DESK_ROLE_REQUIRED');
    await rejectsWith(desk.dossier(handlerA, code), 'DESK_ROLE_REQUIRED');
    await rejectsWith(desk.receive(handlerA, code, 1), 'DESK_ROLE_REQUIRED');
    assert.equal((await dossierRow(code)).status, 'awaiting_reception');
  });

  test('does refuse a citizen, even the applicant', async () => {
    const code = await buildDossier();
    await rejectsWith(desk.queue(citizen), 'DESK_ROLE_REQUIRED');
    await rejectsWith(desk.dossier(citizen, code), 'DESK_ROLE_REQUIRED');
    await rejectsWith(desk.receive(citizen, code, 1), 'DESK_ROLE_REQUIRED');
    await rejectsWith(desk.refuse({ ...citizen, roles: ['desk'] }, code, 'x', 1), 'DESK_ROLE_REQUIRED');
  });

  test('does let the desk of the agency holding a dossier act on it', async () => {
    const code = await buildDossier({ agencyId: agencyB });
    await database.db.updateTable('dossier').set({ holder_agency_id: agencyA }).where('code', '=', code).execute();
    const d = await desk.dossier(deskA, code);
    assert.equal(d.code, code);
  });
});

describe('the queue', () => {
  test('does list the agency’s online dossiers awaiting reception, oldest first, with the waiting time in working hours', async () => {
    const newer = await buildDossier({ submittedAt: at('2026-03-06 16:00') });
    const older = await buildDossier({ submittedAt: at('2026-03-05 16:00') });
    now = at('2026-03-09 10:00');
    const queue = await desk.queue(deskA);
    const codes = queue.items.map((i) => i.code);
    assert.ok(codes.indexOf(older) < codes.indexOf(newer), 'oldest first');
    const item = queue.items.find((i) => i.code === newer)!;
    // Friday 16:00–17:00 and Monday 07:00–10:00: the weekend does not count.
    assert.equal(item.waitingHours, 4);
    assert.equal(item.waitingDays, 0.5);
    assert.equal(item.applicantName.startsWith('Nguyễn Văn'), true);
    assert.equal(item.procedure.code, '9.999001');
    assert.equal(queue.agencyName, 'Ủy ban nhân dân phường Thử Nghiệm A');
  });

  test('does warn when the 8 working hours for a supplement request are near or passed', async () => {
    const passed = await buildDossier({ submittedAt: at('2026-03-05 16:00') });
    const near = await buildDossier({ submittedAt: at('2026-03-06 10:00') });
    const open = await buildDossier({ submittedAt: at('2026-03-09 09:00') });
    now = at('2026-03-09 08:30');
    const queue = await desk.queue(deskA);
    const stateOf = (code: string) => queue.items.find((i) => i.code === code)?.supplementWindow?.state;
    // Friday 10:00 → 8 hours end Monday 09:00: 30 minutes left.
    assert.equal(stateOf(near), 'near');
    assert.equal(stateOf(passed), 'passed');
    assert.equal(stateOf(open), 'open');
  });

  test('does find a dossier by part of its code or of the applicant’s name', async () => {
    const code = await buildDossier();
    const byCode = await desk.queue(deskA, { search: code.slice(-9) });
    assert.deepEqual(
      byCode.items.map((i) => i.code),
      [code],
    );
    const byName = await desk.queue(deskA, { search: `văn ${dossierCount}` });
    assert.ok(byName.items.some((i) => i.code === code));
    const none = await desk.queue(deskA, { search: '100%_' });
    assert.equal(none.total, 0, 'wildcards are matched literally');
  });
});

describe('receive', () => {
  test('does count an arrival after office hours from the next working morning, and sets the due date from the calendar', async () => {
    const code = await buildDossier({ submittedAt: at('2026-03-09 17:45') });
    now = at('2026-03-09 18:30');
    const outcome = await desk.receive(deskA, code, 1);
    assert.equal(local(outcome.receivedAt), '2026-03-10 07:00');
    // 3 working days, the reception day not counted: Wednesday, Thursday, Friday.
    assert.equal(local(outcome.dueAt), '2026-03-13 17:00');
    assert.deepEqual(outcome.statutoryDuration, { value: 3, unit: 'working_day' });
    const row = await dossierRow(code);
    assert.equal(row.status, 'received');
    assert.equal(local(row.received_at), '2026-03-10 07:00');
    assert.equal(local(row.due_at), '2026-03-13 17:00');
    assert.equal(row.holder_agency_id, agencyA);
    assert.equal(row.row_version, 2);
    const events = await eventsOf(code);
    const received = events.at(-1)!;
    assert.equal(received.action, 'received');
    assert.equal(received.actor_user_id, deskA.id);
    assert.equal(received.actor_kind, 'officer');
    assert.equal(received.from_status, 'awaiting_reception');
    assert.equal(received.to_status, 'received');
    assert.equal(received.from_agency_id, agencyA);
    assert.equal(received.to_agency_id, agencyA);
    assert.equal(received.at.getTime(), now.getTime(), 'the control slip records when the officer acted');
    const outbox = await outboxOf(code);
    assert.deepEqual(outbox.map((m) => m.channel).sort(), ['email', 'sms']);
    assert.ok(outbox.every((m) => m.template_key === 'workflow.message.received'));
    assert.match(outbox[0]!.body, /17 giờ 00 phút, ngày 13 tháng 3 năm 2026/);
  });

  test('does put the due date of a 3-working-day procedure received the working day before Tết 2026 after Tết', async () => {
    const code = await buildDossier({ submittedAt: at('2026-02-12 15:00') });
    now = at('2026-02-13 10:00');
    const outcome = await desk.receive(deskA, code, 1);
    assert.equal(local(outcome.receivedAt), '2026-02-13 10:00');
    // Tết Bính Ngọ: 14–22 February off; day 1 is Monday 23 February.
    assert.equal(local(outcome.dueAt), '2026-02-25 17:00');
  });

  test('does let exactly one of two officers receiving at once win; the other gets DOSSIER_CHANGED', async () => {
    const code = await buildDossier();
    const results = await Promise.allSettled([desk.receive(deskA, code, 1), desk.receive(deskA2, code, 1)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(won.length, 1, 'one reception');
    assert.equal(lost.length, 1);
    assert.ok(lost[0]!.reason instanceof DomainError && lost[0]!.reason.code === 'DOSSIER_CHANGED', String(lost[0]!.reason));
    assert.equal((lost[0]!.reason as DomainError).kind, 'conflict');
    const events = await eventsOf(code);
    assert.equal(events.filter((e) => e.action === 'received').length, 1, 'one event in the history');
    assert.equal((await outboxOf(code)).length, 2, 'one message per channel, not two');
    assert.equal((await dossierRow(code)).row_version, 2);
  });

  test('does refuse a stale row version, and a reception the status does not allow', async () => {
    const code = await buildDossier();
    await desk.requestSupplement(deskA, code, [{ name: 'Tờ khai', reason: 'Chưa ký' }], '', 1);
    await rejectsWith(desk.receive(deskA, code, 1), 'DOSSIER_CHANGED');
    await rejectsWith(desk.receive(deskA, code, 2), 'DESK_ACTION_NOT_ALLOWED');
    await rejectsWith(desk.receive(deskA, code, Number.NaN), 'VALIDATION_FAILED');
  });

  test('does show the received time and due date on the receipt slip (form 01)', async () => {
    const code = await buildDossier({ submittedAt: at('2026-03-09 17:45') });
    now = at('2026-03-09 18:30');
    await desk.receive(deskA, code, 1);
    const notifications = createNotificationService(database);
    const submission = createSubmissionService(database, { forms: createFormsService(database), notifications, draftLifetimeDays: 30 });
    const slip = await submission.slipData(citizen, code);
    assert.equal(local(slip.receivedAt), '2026-03-10 07:00');
    assert.equal(local(slip.dueAt), '2026-03-13 17:00');
    assert.deepEqual(slip.statutoryDuration, { amount: 3, unit: 'working_days' });
    const pdf = await renderReceiptSlip({ ...slip, baseUrl: 'https://dichvucong.example.vn' });
    const text = pdfText(pdf).replace(/\s+/g, ' ');
    assert.match(text, /Thời gian nhận hồ sơ: 07 giờ 00 phút, ngày 10 tháng 3 năm 2026/);
    assert.match(text, /Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 13 tháng 3 năm 2026/);
    assert.match(text, /3 ngày làm việc/);
  });
});

describe('request a supplement', () => {
  test('does wait for the applicant, keep what is missing and why, and tell them', async () => {
    const code = await buildDossier({ submittedAt: at('2026-03-09 08:00') });
    now = at('2026-03-09 10:00');
    const items = [
      { name: 'Bản sao giấy khai sinh', reason: 'Bản chụp bị mờ' },
      { name: ' Tờ khai ', reason: 'Chưa ký  tên' },
    ];
    const outcome = await desk.requestSupplement(deskA, code, items, 'Nộp lại bản rõ nét.', 1);
    assert.equal(outcome.window?.state, 'open');
    assert.equal(outcome.rowVersion, 2);
    const row = await dossierRow(code);
    assert.equal(row.status, 'awaiting_supplement');
    assert.equal(row.received_at, null, 'no clock runs before reception');
    const request = await database.db.selectFrom('supplement_request').selectAll().where('dossier_id', '=', row.id).executeTakeFirstOrThrow();
    assert.deepEqual(request.items, [
      { name: 'Bản sao giấy khai sinh', reason: 'Bản chụp bị mờ' },
      { name: 'Tờ khai', reason: 'Chưa ký tên' },
    ]);
    assert.equal(request.note, 'Nộp lại bản rõ nét.');
    assert.equal(request.requested_by, deskA.id);
    const event = (await eventsOf(code)).at(-1)!;
    assert.equal(event.action, 'supplement_requested');
    assert.equal(event.to_status, 'awaiting_supplement');
    assert.equal(event.actor_user_id, deskA.id);
    assert.match(event.reason ?? '', /Bản sao giấy khai sinh: Bản chụp bị mờ/);
    const outbox = await outboxOf(code);
    assert.equal(outbox.length, 2);
    assert.match(outbox[0]!.body, /- Tờ khai: Chưa ký tên/);
    assert.match(outbox[0]!.body, /Nộp lại bản rõ nét\./);
    const detail = await desk.dossier(deskA, code);
    assert.deepEqual(detail.allowed, []);
    assert.equal(detail.openSupplement?.items.length, 2);
  });

  test('does ask for each item’s reason, and for at least one item', async () => {
    const code = await buildDossier();
    const noItems = await rejectsWith(desk.requestSupplement(deskA, code, [], '', 1), 'VALIDATION_FAILED');
    assert.equal(noItems.details.fields?.[0]?.messageKey, 'workflow.field.items.required');
    const noReason = await rejectsWith(desk.requestSupplement(deskA, code, [{ name: 'Tờ khai', reason: '' }], '', 1), 'VALIDATION_FAILED');
    assert.equal(noReason.details.fields?.[0]?.messageKey, 'workflow.field.items.reasonRequired');
    assert.equal(noReason.details.fields?.[0]?.params?.line, 1);
    assert.equal((await dossierRow(code)).status, 'awaiting_reception', 'nothing changed');
  });

  test('does report a late request against Resolution 66.7 but still send it', async () => {
    const code = await buildDossier({ submittedAt: at('2026-03-05 08:00') });
    now = at('2026-03-09 10:00');
    const outcome = await desk.requestSupplement(deskA, code, [{ name: 'Tờ khai', reason: 'Chưa ký' }], '', 1);
    assert.equal(outcome.window?.state, 'passed');
    assert.equal((await dossierRow(code)).status, 'awaiting_supplement');
  });
});

describe('refuse', () => {
  test('does end the dossier with the reasons in the history, and tell the applicant', async () => {
    const code = await buildDossier();
    const outcome = await desk.refuse(deskA, code, '  Thủ tục không thuộc thẩm quyền của xã.  ', 1);
    assert.equal(outcome.rowVersion, 2);
    const row = await dossierRow(code);
    assert.equal(row.status, 'refused');
    assert.equal(row.completed_at?.getTime(), now.getTime());
    assert.equal(row.due_at, null);
    const event = (await eventsOf(code)).at(-1)!;
    assert.equal(event.action, 'refused');
    assert.equal(event.from_status, 'awaiting_reception');
    assert.equal(event.to_status, 'refused');
    assert.equal(event.reason, 'Thủ tục không thuộc thẩm quyền của xã.');
    const outbox = await outboxOf(code);
    assert.ok(outbox.every((m) => m.template_key === 'workflow.message.refused'));
    assert.match(outbox[0]!.body, /Lý do: Thủ tục không thuộc thẩm quyền của xã\./);
    await rejectsWith(desk.refuse(deskA, code, 'Lần nữa', 2), 'DESK_ACTION_NOT_ALLOWED');
  });

  test('does require the reasons', async () => {
    const code = await buildDossier();
    const error = await rejectsWith(desk.refuse(deskA, code, '   ', 1), 'VALIDATION_FAILED');
    assert.equal(error.details.fields?.[0]?.field, 'reasons');
  });
});

describe('the dossier page data', () => {
  test('does give documents, history with names, and what receiving now would mean', async () => {
    const code = await buildDossier({ submittedAt: at('2026-03-09 08:00') });
    now = at('2026-03-09 10:00');
    const d = await desk.dossier(deskA, code);
    assert.equal(d.rowVersion, 1);
    assert.deepEqual(d.allowed, ['receive', 'requestSupplement', 'refuse']);
    assert.equal(d.documents.length, 1);
    assert.equal(d.documents[0]!.fileName, 'to-khai.pdf');
    assert.equal(d.history[0]!.action, 'submitted');
    assert.equal(d.history[0]!.actorName, 'Nguyễn Văn Nộp');
    assert.equal(local(d.ifReceivedNow!.receivedAt), '2026-03-09 10:00');
    assert.equal(local(d.ifReceivedNow!.dueAt), '2026-03-12 17:00');
    assert.deepEqual(d.waiting, { hours: 2, days: 0.25 });
    const doc = await desk.document(deskA, code, d.documents[0]!.id);
    assert.equal(doc.storageKey, `uploads/test-${dossierCount}.pdf`);
    await rejectsWith(desk.document(deskA, code, 999_999), 'DESK_DOCUMENT_NOT_FOUND');
    await rejectsWith(desk.document(deskB, code, d.documents[0]!.id), 'DESK_DOSSIER_NOT_FOUND');
  });
});
