import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { DomainError } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import { translator } from '../../platform/i18n/i18n.js';
import type { DossierChannel, DossierStatus } from '../dossiers/index.js';
import { csvCell, writeLedgerCsv, writeLedgerXlsx } from './ledger.export.js';
import { LedgerRepository, timingExpression } from './ledger.repository.js';
import { decodeCursor, encodeCursor, LedgerService, type LedgerRow } from './ledger.service.js';
import { timingOf } from './tasks.plan.js';

/*
 * The tracking ledger (form 07) against a real database with factories: two agencies, two procedures in two sectors,
 * dossiers in every situation the filters tell apart, and the exports reopened as a reader would.
 */

let database: Database;
let ledger: LedgerService;
const now = new Date('2026-10-20T03:00:00Z'); // 10:00 in Vietnam
let agencyA = 0;
let agencyB = 0;
let sectorCivil = 0;
const procedures: Record<string, { id: number; versionId: number }> = {};
let officerA: SessionUser;
let officerB: SessionUser;
let citizen: SessionUser;
let count = 0;

async function buildAgency(code: string, name: string): Promise<number> {
  const row = await database.db.insertInto('agency').values({ code, kind: 'commune_committee', name, office_hours: '[]' }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

async function buildProcedure(code: string, name: string, sectorId: number) {
  const p = await database.db
    .insertInto('procedure')
    .values({ code, name, sector_id: sectorId, levels: ['commune'], online_offered: true, applicant_types: [], has_fee: false, competent_agency: '', handling_agency: '' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const v = await database.db
    .insertInto('procedure_version')
    .values({ procedure_id: p.id, version: 1, decision_number: '', content: '{}', raw: '{}', source_hash: code })
    .returning('id')
    .executeTakeFirstOrThrow();
  await database.db.insertInto('procedure_agency').values({ procedure_id: p.id, agency_id: agencyA }).execute();
  procedures[code] = { id: p.id, versionId: v.id };
}

/** A dossier with the given facts (Vietnam times as `YYYY-MM-DD HH:MM`). */
async function buildDossier(o: {
  name: string;
  agencyId?: number;
  holderAgencyId?: number;
  procedure?: string;
  channel?: DossierChannel;
  status: DossierStatus;
  submitted: string;
  received?: string;
  due?: string;
  completed?: string;
}): Promise<string> {
  count++;
  const vn = (text?: string) => (text ? new Date(`${text.replace(' ', 'T')}:00+07:00`) : null);
  const code = `TEST.LEDGER-2610${String(count).padStart(2, '0')}-${String(count).padStart(4, '0')}`;
  const p = procedures[o.procedure ?? '9.000001']!;
  await database.db
    .insertInto('dossier')
    .values({
      code,
      lookup_secret: 'S',
      procedure_id: p.id,
      procedure_version_id: p.versionId,
      form_version: '1',
      applicant_user_id: null,
      applicant: JSON.stringify({ fullName: o.name, personalId: null, phone: '0912000000', email: null, address: 'Ninh Bình' }),
      receiving_agency_id: o.agencyId ?? agencyA,
      holder_agency_id: o.holderAgencyId ?? o.agencyId ?? agencyA,
      channel: o.channel ?? 'online',
      status: o.status,
      values: '{}',
      result_delivery: 'at_desk',
      submitted_at: vn(o.submitted)!,
      received_at: vn(o.received),
      due_at: vn(o.due),
      completed_at: vn(o.completed),
    })
    .execute();
  return code;
}

const codes: Record<string, string> = {};

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
  agencyA = await buildAgency('000.00.96.H42', 'Ủy ban nhân dân xã Sổ Theo Dõi');
  agencyB = await buildAgency('000.00.95.H42', 'Ủy ban nhân dân phường Khác');
  sectorCivil = (await database.db.insertInto('sector').values({ name: 'Hộ tịch thử', slug: 'ho-tich-thu' }).returning('id').executeTakeFirstOrThrow()).id;
  const sectorLand = (await database.db.insertInto('sector').values({ name: 'Đất đai thử', slug: 'dat-dai-thu' }).returning('id').executeTakeFirstOrThrow()).id;
  await buildProcedure('9.000001', 'Đăng ký khai sinh thử', sectorCivil);
  await buildProcedure('9.000002', 'Đăng ký biến động đất đai thử', sectorLand);
  const user = async (username: string, agencyId: number | null, kind: 'officer' | 'citizen', roles: string[]): Promise<SessionUser> => {
    const row = await database.db
      .insertInto('app_user')
      .values({ kind, username, display_name: username, password_hash: 'x', agency_id: agencyId, roles })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id, kind, displayName: username, agencyId, roles };
  };
  officerA = await user('ledger.a', agencyA, 'officer', ['handler']);
  officerB = await user('ledger.b', agencyB, 'officer', ['desk']);
  citizen = await user('ledger.citizen@example.vn', null, 'citizen', []);
  ledger = new LedgerService(new LedgerRepository(database.db), { clock: () => now });

  codes.early = await buildDossier({ name: 'Nguyễn Thị Sớm', status: 'result_returned', submitted: '2026-10-01 08:00', received: '2026-10-01 09:00', due: '2026-10-06 17:00', completed: '2026-10-05 10:00' });
  codes.onTime = await buildDossier({ name: 'Trần Văn Đúng', status: 'result_ready', submitted: '2026-10-02 08:00', received: '2026-10-02 09:00', due: '2026-10-07 17:00', completed: '2026-10-07 15:00', channel: 'in_person' });
  codes.late = await buildDossier({ name: 'Lê Thị Muộn', status: 'result_returned', submitted: '2026-10-03 08:00', received: '2026-10-03 09:00', due: '2026-10-08 17:00', completed: '2026-10-09 08:00', procedure: '9.000002' });
  codes.overdue = await buildDossier({ name: 'Phạm Quá Hạn', status: 'processing', submitted: '2026-10-05 08:00', received: '2026-10-05 09:00', due: '2026-10-15 17:00', channel: 'post' });
  codes.running = await buildDossier({ name: 'Hoàng Đang Làm', status: 'processing', submitted: '2026-10-16 08:00', received: '2026-10-16 09:00', due: '2026-10-23 17:00', holderAgencyId: agencyB });
  codes.refused = await buildDossier({ name: 'Đỗ Từ Chối', status: 'refused', submitted: '2026-10-17 08:00', completed: '2026-10-17 10:00' });
  codes.waiting = await buildDossier({ name: 'Vũ Chờ Tiếp Nhận', status: 'awaiting_reception', submitted: '2026-10-19 16:00' });
  codes.otherAgency = await buildDossier({ name: 'Ngô Cơ Quan Khác', status: 'processing', submitted: '2026-10-10 08:00', agencyId: agencyB });
});

after(async () => {
  await database?.close();
});

const codesOf = (rows: LedgerRow[]) => rows.map((r) => r.code);

describe('the ledger list', () => {
  test('lists the officer’s agency’s dossiers newest first, never another agency’s', async () => {
    const page = await ledger.page(officerA, {});
    assert.deepEqual(codesOf(page.rows), [codes.waiting, codes.refused, codes.running, codes.overdue, codes.late, codes.onTime, codes.early]);
    assert.equal(page.count, 7);
    assert.equal(page.agencyName, 'Ủy ban nhân dân xã Sổ Theo Dõi');
    assert.equal(page.next, null);
    const b = await ledger.page(officerB, {});
    assert.deepEqual(codesOf(b.rows), [codes.otherAgency], 'agency B sees only its own, not the one it holds by transfer');
  });

  test('is for officers of an agency only', async () => {
    await rejectsWith(ledger.page(citizen, {}), 'LEDGER_OFFICER_REQUIRED');
    await rejectsWith(ledger.page({ ...officerA, agencyId: null }, {}), 'LEDGER_OFFICER_REQUIRED');
  });

  test('tells early, on time and late apart, open dossiers past their due date being late', async () => {
    const page = await ledger.page(officerA, {});
    const timing = Object.fromEntries(page.rows.map((r) => [r.code, r.timing]));
    assert.equal(timing[codes.early!], 'early');
    assert.equal(timing[codes.onTime!], 'on_time');
    assert.equal(timing[codes.late!], 'late');
    assert.equal(timing[codes.overdue!], 'late');
    assert.equal(timing[codes.running!], null);
    assert.equal(timing[codes.refused!], null);
    assert.deepEqual(codesOf((await ledger.page(officerA, { timing: 'late' })).rows), [codes.overdue, codes.late]);
    assert.deepEqual(codesOf((await ledger.page(officerA, { timing: 'early' })).rows), [codes.early]);
    assert.deepEqual(codesOf((await ledger.page(officerA, { timing: 'on_time' })).rows), [codes.onTime]);
  });

  test('times a finished dossier in SQL exactly as timingOf does, at the Vietnam day boundaries', async () => {
    // Due 17:00 on 7 October (Vietnam, UTC+7). 23:59 on the 6th is still early; 00:00 on the 7th is already on time;
    // the due moment itself is on time and a millisecond after it late. A due moment just past midnight in Vietnam
    // (still the previous UTC day) tells a day computed in UTC from one computed in Vietnam time.
    const cases: [completed: string, due: string][] = [
      ['2026-10-06T16:59:59.999Z', '2026-10-07T10:00:00Z'],
      ['2026-10-06T17:00:00Z', '2026-10-07T10:00:00Z'],
      ['2026-10-07T10:00:00Z', '2026-10-07T10:00:00Z'],
      ['2026-10-07T10:00:00.001Z', '2026-10-07T10:00:00Z'],
      ['2026-10-01T02:00:00Z', '2026-10-07T10:00:00Z'],
      ['2026-10-06T16:00:00Z', '2026-10-06T18:00:00Z'],
      ['2026-10-06T17:30:00Z', '2026-10-06T18:00:00Z'],
    ];
    const expected = cases.map(([completed, due]) => timingOf(new Date(completed), new Date(due)));
    assert.deepEqual(expected, ['early', 'on_time', 'on_time', 'late', 'early', 'early', 'on_time']);
    for (const [index, [completed, due]] of cases.entries()) {
      const { rows } = await sql<{ timing: string | null }>`select ${timingExpression(now)} as timing
        from (values (${new Date(completed)}::timestamptz, ${new Date(due)}::timestamptz, 'result_returned'::text)) as d(completed_at, due_at, status)`.execute(
        database.db,
      );
      assert.equal(rows[0]!.timing, expected[index], `completed ${completed}, due ${due}`);
    }
  });

  test('filters by status, channel, procedure and sector', async () => {
    assert.deepEqual(codesOf((await ledger.page(officerA, { statuses: ['result_returned', 'refused'] })).rows), [codes.refused, codes.late, codes.early]);
    assert.deepEqual(codesOf((await ledger.page(officerA, { channel: 'post' })).rows), [codes.overdue]);
    assert.deepEqual(codesOf((await ledger.page(officerA, { procedureCode: '9.000002' })).rows), [codes.late]);
    assert.equal((await ledger.page(officerA, { sectorId: String(sectorCivil) })).rows.length, 6);
    const sectors = (await ledger.page(officerA, {})).sectors.map((s) => s.name);
    assert.deepEqual(sectors, ['Đất đai thử', 'Hộ tịch thử']);
  });

  test('filters by a period of Vietnam days on the chosen date, both days included', async () => {
    // Received on 1–3 October (Vietnam days).
    assert.deepEqual(codesOf((await ledger.page(officerA, { dateField: 'received', from: '2026-10-01', to: '2026-10-03' })).rows), [codes.late, codes.onTime, codes.early]);
    assert.deepEqual(codesOf((await ledger.page(officerA, { dateField: 'due', from: '2026-10-07', to: '2026-10-08' })).rows), [codes.late, codes.onTime]);
    assert.deepEqual(codesOf((await ledger.page(officerA, { dateField: 'completed', from: '2026-10-17' })).rows), [codes.refused]);
    // A dossier submitted at 16:00 on 19 October in Vietnam (09:00 UTC) belongs to the 19th.
    assert.deepEqual(codesOf((await ledger.page(officerA, { from: '2026-10-19', to: '2026-10-19' })).rows), [codes.waiting]);
  });

  test('searches by code, its beginning, or the applicant’s name without diacritics', async () => {
    assert.deepEqual(codesOf((await ledger.page(officerA, { search: codes.late! })).rows), [codes.late]);
    assert.deepEqual(codesOf((await ledger.page(officerA, { search: codes.late!.slice(0, 20) })).rows), [codes.late]);
    assert.deepEqual(codesOf((await ledger.page(officerA, { search: 'pham qua han' })).rows), [codes.overdue]);
    assert.deepEqual(codesOf((await ledger.page(officerA, { search: 'Ngô Cơ Quan' })).rows), [], 'not another agency’s');
    assert.deepEqual(codesOf((await ledger.page(officerA, { search: '100%_' })).rows), [], 'wildcards are literal');
  });

  test('shows the agency the dossier was transferred to', async () => {
    const row = (await ledger.page(officerA, { search: codes.running! })).rows[0]!;
    assert.equal(row.transferredTo, 'Ủy ban nhân dân phường Khác');
    assert.equal((await ledger.page(officerA, { search: codes.late! })).rows[0]!.transferredTo, null);
  });

  test('refuses a malformed date or a period that ends before it starts, naming the field', async () => {
    const bad = await rejectsWith(ledger.page(officerA, { from: '2026-13-01' }), 'VALIDATION_FAILED');
    assert.deepEqual(bad.details.fields?.map((f) => f.field), ['from']);
    const reversed = await rejectsWith(ledger.page(officerA, { from: '2026-10-10', to: '2026-10-01' }), 'VALIDATION_FAILED');
    assert.deepEqual(reversed.details.fields?.map((f) => f.field), ['to']);
  });

  test('pages by keyset: every row once, in order, across pages of 50', async () => {
    for (let i = 0; i < 55; i++) await buildDossier({ name: `Người nộp số ${i}`, status: 'processing', submitted: '2026-09-01 08:00', agencyId: agencyB });
    const first = await ledger.page(officerB, {});
    assert.equal(first.rows.length, 50);
    assert.ok(first.next);
    const second = await ledger.page(officerB, {}, first.next);
    assert.equal(second.rows.length, 6);
    assert.equal(second.next, null);
    const all = [...codesOf(first.rows), ...codesOf(second.rows)];
    assert.equal(new Set(all).size, 56, 'no row twice, even with equal submission times');
    assert.equal(first.count, 56);
  });

  test('cursors survive a round trip; garbage cursors start at the first page', () => {
    const at = new Date('2026-10-01T01:02:03.456Z');
    assert.deepEqual(decodeCursor(encodeCursor(at, 42)), { submittedAt: at, id: 42 });
    assert.equal(decodeCursor('not-a-cursor'), null);
  });
});

describe('the ledger exports', () => {
  test('the .xlsx reopens with the official columns, one row per dossier, dates in Vietnam time', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise((resolve) => out.on('end', resolve));
    const n = await writeLedgerXlsx(out, ledger.exportRows(officerA, {}), translator('vi'), { agencyName: 'Ủy ban nhân dân xã Sổ Theo Dõi', exportedAt: now });
    await done;
    assert.equal(n, 7);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    assert.equal(sheet.getRow(1).getCell(1).value, 'ỦY BAN NHÂN DÂN XÃ SỔ THEO DÕI');
    assert.equal(sheet.getRow(2).getCell(1).value, 'SỔ THEO DÕI HỒ SƠ');
    const header = (sheet.getRow(4).values as unknown[]).slice(1);
    assert.deepEqual(header, [
      'STT',
      'Mã hồ sơ',
      'Tên tổ chức, cá nhân',
      'Địa chỉ, số điện thoại',
      'Tên thủ tục hành chính',
      'Ngày, giờ nhận hồ sơ',
      'Ngày, giờ hẹn trả kết quả',
      'Chuyển hồ sơ đến cơ quan giải quyết',
      'Ngày, giờ có kết quả',
      'Trả kết quả',
      'Ghi chú',
    ]);
    assert.equal(sheet.rowCount, 4 + 7);
    // Rows newest first: the 7th is the early dossier.
    const early = sheet.getRow(11);
    assert.equal(early.getCell(1).value, 7);
    assert.equal(early.getCell(2).value, codes.early);
    assert.equal(early.getCell(3).value, 'Nguyễn Thị Sớm');
    assert.equal(early.getCell(5).value, 'Đăng ký khai sinh thử (9.000001)');
    const received = early.getCell(6).value as Date;
    assert.ok(received instanceof Date);
    assert.equal(received.toISOString(), '2026-10-01T09:00:00.000Z', 'wall-clock 09:00 in Vietnam');
    assert.equal(early.getCell(10).value, 'Đã trả tại Bộ phận Một cửa');
    assert.match(String(early.getCell(11).value), /Đã trả kết quả|Trước hạn/);
    assert.match(String(early.getCell(11).value), /Trước hạn/);
    const running = sheet.getRow(7);
    assert.equal(running.getCell(2).value, codes.running);
    assert.equal(running.getCell(8).value, 'Ủy ban nhân dân phường Khác');
    assert.equal(running.getCell(9).value, null);
  });

  test('the export takes the same filters and refuses a citizen', async () => {
    const out = new PassThrough();
    out.resume();
    assert.equal(await writeLedgerXlsx(out, ledger.exportRows(officerA, { timing: 'late' }), translator('vi'), { agencyName: 'A', exportedAt: now }), 2);
    await assert.rejects(async () => {
      for await (const _ of ledger.exportRows(citizen, {})) void _;
    }, (e: unknown) => e instanceof DomainError && e.code === 'LEDGER_OFFICER_REQUIRED');
  });

  test('CSV: BOM, header, quoted cells, formulas neutralised', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeLedgerCsv(out, ledger.exportRows(officerA, { search: 'Nguyễn Thị Sớm' }), translator('vi'));
    const text = Buffer.concat(chunks).toString('utf8');
    assert.ok(text.startsWith('\uFEFFSTT,Mã hồ sơ,'));
    const lines = text.trim().split('\r\n');
    assert.equal(lines.length, 2);
    assert.ok(lines[1]!.startsWith(`1,${codes.early},Nguyễn Thị Sớm,Ninh Bình – 0912000000,`), lines[1]);
    assert.ok(lines[1]!.includes('09:00 01/10/2026'));
    assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvCell('a,b'), '"a,b"');
  });
});
