import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { DomainError } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import { decodeQrCode, pdfText } from '../../platform/pdf/testing.js';
import { LocalFileStorage } from '../../platform/storage/index.js';
import { birthRegistration, createFormsService, seedForms } from '../forms/index.js';
import { createVaultService, vaultFiling } from '../vault/index.js';
import { createSubmissionService } from '../dossiers/index.js';
import { createNotificationService } from '../notifications/index.js';
import { createSignaturesService, ensureDemoKeys, verifyPdfSignatures, pemToDer, rootCertificateFile, type SignaturesService } from './index.js';

/*
 * Signed results against a real database (PGlite, or PostgreSQL with DATABASE_URL), real files and real keys from
 * the demo CA; the PDFs are checked by independent verifiers: poppler's pdfsig (with an NSS database trusting the
 * demo root) and `openssl cms -verify` over each signature's byte range.
 */

let database: Database;
let signatures: SignaturesService;
let storage: LocalFileStorage;
let work: string;
let keysDir: string;
let agencyId = 0;
let otherAgencyId = 0;
let leader: SessionUser;
let otherLeader: SessionUser;
let keylessLeader: SessionUser;
let handler: SessionUser;
let citizen: SessionUser;
let stranger: SessionUser;
let birthProcedure = { id: 0, version: 0 };
let genericProcedure = { id: 0, version: 0 };
const password = 'test-password';
const agencyCode = '000.00.31.H42';

async function buildUser(username: string, displayName: string, kind: 'citizen' | 'officer', agency: number | null, roles: string[]): Promise<SessionUser> {
  const row = await database.db
    .insertInto('app_user')
    .values({ kind, username, display_name: displayName, password_hash: 'not-a-hash', agency_id: agency, roles })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, kind, displayName, agencyId: agency, roles };
}

async function buildProcedure(code: string, name: string, sectorId: number) {
  const p = await database.db
    .insertInto('procedure')
    .values({ code, name, sector_id: sectorId, levels: ['commune'], online_offered: true, applicant_types: [], has_fee: false, competent_agency: '', handling_agency: '' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const content = { requirements: [{ name: 'Giấy tờ chứng minh', originals: 1, copies: 0 }], channels: [{ channel: 'online', durations: [{ value: 3, unit: 'working_day' }] }] };
  const v = await database.db
    .insertInto('procedure_version')
    .values({ procedure_id: p.id, version: 1, decision_number: '', content: JSON.stringify(content), raw: JSON.stringify({}), source_hash: code })
    .returning('id')
    .executeTakeFirstOrThrow();
  await database.db.updateTable('procedure').set({ current_version_id: v.id }).where('id', '=', p.id).execute();
  await database.db.insertInto('procedure_agency').values({ procedure_id: p.id, agency_id: agencyId }).execute();
  return { id: p.id, version: v.id };
}

let dossierCount = 0;
async function buildDossier(procedure: { id: number; version: number }, values: Record<string, unknown>, status: 'processing' | 'withdrawn' = 'processing'): Promise<number> {
  dossierCount += 1;
  const row = await database.db
    .insertInto('dossier')
    .values({
      code: `${agencyCode}-261120-${String(dossierCount).padStart(4, '0')}`,
      lookup_secret: `SECRET${dossierCount}`,
      procedure_id: procedure.id,
      procedure_version_id: procedure.version,
      form_version: '1',
      applicant_user_id: citizen.id,
      applicant: JSON.stringify({ fullName: 'Nguyễn Thị Lan', personalId: '037196001234', phone: '0912345678', email: 'lan@example.vn', address: 'Hoa Lư, Ninh Bình' }),
      receiving_agency_id: agencyId,
      holder_agency_id: agencyId,
      channel: 'online',
      status,
      values: JSON.stringify(values),
      result_delivery: 'online',
      phone_last4: '5678',
      received_at: new Date('2026-11-20T02:00:00Z'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const birthValues = {
  childName: 'Nguyễn Minh Khôi',
  childSex: 'male',
  childBirthDate: '2026-11-02',
  birthPlaceKind: 'facility',
  birthFacility: 'Bệnh viện Đa khoa tỉnh Ninh Bình',
  childEthnicity: 'kinh',
  childNationality: 'VN',
  motherName: 'Nguyễn Thị Lan',
  motherBirthDate: '1996-04-12',
  fatherKnown: false,
};

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof DomainError && error.code === code);
}

function requireTool(tool: string, pkg: string): void {
  if (!['/usr/bin', '/usr/local/bin'].some((d) => existsSync(join(d, tool)))) throw new Error(`${tool} is missing: apt-get install -y ${pkg}`);
}

/** pdfsig's report of `pdf` with an NSS database that trusts the demo root CA. */
function pdfsig(pdf: Uint8Array, nssDir: string): string {
  const file = join(work, `check-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  // pdfsig exits 0 even when a signature is broken: the verdict is in its output.
  return execFileSync('pdfsig', ['-nssdir', `sql:${nssDir}`, file], { encoding: 'utf8' });
}

/** `openssl cms -verify` of signature `index` over the bytes of its /ByteRange; true when openssl accepts it. */
function opensslVerifies(pdf: Uint8Array, index: number): boolean {
  const report = verifyPdfSignatures(pdf, [])[index]!;
  const [a, b, c, d] = report.byteRange;
  const hex = Buffer.from(pdf.subarray(b + 1, c - 1)).toString('latin1').replace(/(00)+$/, '');
  const dir = mkdtempSync(join(work, 'cms-'));
  writeFileSync(join(dir, 'sig.der'), Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex'));
  writeFileSync(join(dir, 'content.bin'), Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]));
  const run = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-content', join(dir, 'content.bin'), '-CAfile', join(keysDir, rootCertificateFile), '-purpose', 'any', '-out', '/dev/null'], { encoding: 'utf8' });
  return run.status === 0;
}

before(async () => {
  requireTool('pdfsig', 'poppler-utils');
  requireTool('certutil', 'libnss3-tools');
  database = await openTestDatabase();
  work = mkdtempSync(join(tmpdir(), 'motcua-signatures-'));
  keysDir = join(work, 'keys');
  storage = await new LocalFileStorage(join(work, 'files')).init();
  agencyId = (await database.db.insertInto('agency').values({ code: agencyCode, kind: 'commune_committee', name: 'Ủy ban nhân dân phường Hoa Lư', office_hours: '[]' }).returning('id').executeTakeFirstOrThrow()).id;
  otherAgencyId = (await database.db.insertInto('agency').values({ code: '000.00.32.H42', kind: 'commune_committee', name: 'Ủy ban nhân dân xã Gia Viễn', office_hours: '[]' }).returning('id').executeTakeFirstOrThrow()).id;
  const sector = await database.db.insertInto('sector').values({ name: 'Hộ tịch', slug: 'ho-tich' }).returning('id').executeTakeFirstOrThrow();
  birthProcedure = await buildProcedure('1.001193', 'Đăng ký khai sinh', sector.id);
  genericProcedure = await buildProcedure('9.999002', 'Thủ tục thử nghiệm có kết quả', sector.id);
  await seedForms(database.db, [birthRegistration]);
  leader = await buildUser('hl.leader', 'Phạm Quốc Hùng', 'officer', agencyId, ['leader']);
  keylessLeader = await buildUser('hl.leader2', 'Lê Văn Chưa Có Khóa', 'officer', agencyId, ['leader']);
  otherLeader = await buildUser('gv.leader', 'Ngô Thị Hằng', 'officer', otherAgencyId, ['leader']);
  handler = await buildUser('hl.handler', 'Bùi Văn Long', 'officer', agencyId, ['handler']);
  citizen = await buildUser('lan@example.vn', 'Nguyễn Thị Lan', 'citizen', null, []);
  stranger = await buildUser('other@example.vn', 'Trần Văn Khác', 'citizen', null, []);
  await ensureDemoKeys(keysDir, password, [
    { identity: { kind: 'leader', userId: leader.id }, commonName: leader.displayName, organization: 'Ủy ban nhân dân phường Hoa Lư' },
    { identity: { kind: 'seal', agencyCode }, commonName: 'Ủy ban nhân dân phường Hoa Lư', organization: 'Ủy ban nhân dân phường Hoa Lư' },
  ]);
  const forms = createFormsService(database);
  const submission = createSubmissionService(database, { forms, notifications: createNotificationService(database), draftLifetimeDays: 30 });
  const vault = createVaultService(database, { drafts: submission, forms });
  signatures = createSignaturesService(database, { storage, forms, vault, keysDir, keysPassword: password, baseUrl: 'https://dichvucong.ninhbinh.example' });
});

after(async () => {
  await database?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('issuing a signed result', () => {
  let nssDir: string;
  let pdf: Uint8Array;
  let verificationCode: string;
  let dossierId: number;

  before(async () => {
    nssDir = join(work, 'nss');
    execFileSync('mkdir', ['-p', nssDir]);
    execFileSync('certutil', ['-N', '-d', `sql:${nssDir}`, '--empty-password']);
    execFileSync('certutil', ['-A', '-d', `sql:${nssDir}`, '-n', 'motcua-demo-root', '-t', 'CT,C,C', '-i', join(keysDir, rootCertificateFile)]);
    dossierId = await buildDossier(birthProcedure, birthValues);
    const issued = await signatures.issue({ dossierId, signer: leader });
    verificationCode = issued.verificationCode;
    const row = await database.db.selectFrom('dossier_result').selectAll().where('id', '=', issued.resultId).executeTakeFirstOrThrow();
    pdf = new Uint8Array(await readFile(join(work, 'files', row.file_key)));
  });

  test('pdfsig reports the leader’s signature and the agency’s seal both valid and trusted', () => {
    const out = pdfsig(pdf, nssDir);
    const blocks = out.split(/Signature #\d+:/).slice(1);
    assert.equal(blocks.length, 2, out);
    for (const block of blocks) {
      assert.match(block, /Signature Validation: Signature is Valid\./);
      assert.match(block, /Certificate Validation: Certificate is Trusted\./);
      assert.match(block, /Signature Type: ETSI\.CAdES\.detached/);
      assert.match(block, /SHA-256/);
    }
    assert.match(blocks[0]!, /Common Name: Phạm Quốc Hùng/);
    assert.match(blocks[1]!, /Common Name: Ủy ban nhân dân phường Hoa Lư/);
    assert.match(blocks[1]!, /Total document signed/);
  });

  test('pdfsig reports a tampered copy invalid, and openssl refuses it', () => {
    const tampered = Buffer.from(pdf);
    tampered[300] = tampered[300]! ^ 0x01; // one bit inside the range both signatures cover
    const out = pdfsig(tampered, nssDir);
    assert.doesNotMatch(out, /Signature is Valid/);
    assert.equal(out.match(/Digest Mismatch/g)?.length, 2, out);
    assert.equal(opensslVerifies(tampered, 0), false);
    assert.equal(opensslVerifies(tampered, 1), false);
  });

  test('openssl cms -verify accepts each signature over its byte range', () => {
    assert.equal(opensslVerifies(pdf, 0), true);
    assert.equal(opensslVerifies(pdf, 1), true);
  });

  test('the CMS binds the signer’s certificate (signing-certificate-v2) and the seal covers the whole file', () => {
    const reports = verifyPdfSignatures(pdf, [pemToDer(execFileSync('cat', [join(keysDir, rootCertificateFile)], { encoding: 'utf8' }))]);
    assert.deepEqual(
      reports.map((r) => [r.valid, r.signingCertificateBound, r.trusted, r.subFilter]),
      [
        [true, true, true, 'ETSI.CAdES.detached'],
        [true, true, true, 'ETSI.CAdES.detached'],
      ],
    );
    assert.equal(reports[0]!.coversWholeFile, false);
    assert.equal(reports[1]!.coversWholeFile, true);
    // Without the demo root as trust anchor, the same signatures are intact but not trusted.
    assert.deepEqual(verifyPdfSignatures(pdf, []).map((r) => [r.digestMatches, r.signatureValid, r.trusted]), [[true, true, false], [true, true, false]]);
  });

  test('the extract shows the child’s details, the verification code and a QR code to the verification page', () => {
    const text = pdfText(pdf).replace(/\s+/g, ' ');
    assert.match(text, /TRÍCH LỤC KHAI SINH/);
    assert.match(text, /Nguyễn Minh Khôi/);
    assert.match(text, /02\/11\/2026/);
    assert.match(text, /Bệnh viện Đa khoa tỉnh Ninh Bình/);
    assert.match(text, /Phạm Quốc Hùng/);
    const grouped = verificationCode.match(/.{4}/g)!.join('-');
    assert.ok(text.includes(grouped), `${grouped} in ${text}`);
    assert.equal(decodeQrCode(pdf), `https://dichvucong.ninhbinh.example/xac-minh/${verificationCode}`);
  });

  test('records the result with the file’s hash and both signers, and files it in the applicant’s vault', async () => {
    const row = await database.db.selectFrom('dossier_result').selectAll().where('verification_code', '=', verificationCode).executeTakeFirstOrThrow();
    const { createHash } = await import('node:crypto');
    assert.equal(row.sha256, createHash('sha256').update(pdf).digest('hex'));
    assert.equal(row.origin, 'signed');
    assert.equal(row.issued_by, leader.id);
    assert.deepEqual(row.signers.map((s) => [s.role, s.name]), [
      ['leader', 'Phạm Quốc Hùng'],
      ['seal', 'Ủy ban nhân dân phường Hoa Lư'],
    ]);
    const vault = await database.db.selectFrom('vault_document').selectAll().where('dossier_result_id', '=', row.id).executeTakeFirstOrThrow();
    assert.equal(vault.owner_user_id, citizen.id);
    assert.equal(vault.status, 'issued');
    assert.equal(vault.kind, 'birthExtract');
    assert.equal(vault.sha256, row.sha256);
    assert.equal(vault.storage_key, row.file_key);
  });

  test('issuing again answers with the same result (idempotent)', async () => {
    const again = await signatures.issue({ dossierId, signer: leader });
    assert.equal(again.verificationCode, verificationCode);
    const count = await database.db.selectFrom('dossier_result').select((eb) => eb.fn.countAll<string>().as('n')).where('dossier_id', '=', dossierId).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 1);
  });

  test('the verification page data names the issuer, signers, time and hash; an uploaded copy is genuine only if identical', async () => {
    const view = await signatures.verification(verificationCode.toLowerCase().match(/.{4}/g)!.join('-'));
    assert.equal(view.issuer.name, 'Ủy ban nhân dân phường Hoa Lư');
    assert.equal(view.signers.length, 2);
    assert.equal(view.title, 'Trích lục khai sinh');
    const good = await signatures.checkUpload(verificationCode, pdf);
    assert.equal(good.genuine, true);
    assert.deepEqual(good.signatures.map((s) => s.valid), [true, true]);
    const tampered = Buffer.from(pdf);
    tampered[300] = tampered[300]! ^ 0x01;
    const bad = await signatures.checkUpload(verificationCode, tampered);
    assert.equal(bad.genuine, false);
    assert.deepEqual(bad.signatures.map((s) => s.valid), [false, false]);
    await rejectsWith(signatures.verification('AAAA-BBBB-CCCC-DDDD'), 'RESULT_NOT_FOUND');
    await rejectsWith(signatures.verification('not a code'), 'RESULT_NOT_FOUND');
  });

  test('the applicant may download the result; another citizen may not', async () => {
    const row = await database.db.selectFrom('dossier_result as r').innerJoin('dossier as d', 'd.id', 'r.dossier_id').select(['r.id', 'd.code']).where('r.verification_code', '=', verificationCode).executeTakeFirstOrThrow();
    const file = await signatures.resultFileForApplicant(citizen, row.code, row.id);
    assert.equal(file.mime, 'application/pdf');
    assert.deepEqual((await signatures.resultsForApplicant(citizen, row.code)).map((r) => r.verificationCode), [verificationCode]);
    await rejectsWith(signatures.resultFileForApplicant(stranger, row.code, row.id), 'RESULT_NOT_FOUND');
    assert.deepEqual(await signatures.resultsForApplicant(stranger, row.code), []);
  });
});

describe('who may issue', () => {
  test('a generic result for any other procedure is signed twice as well', async () => {
    const dossierId = await buildDossier(genericProcedure, {});
    const issued = await signatures.issue({ dossierId, signer: leader });
    const row = await database.db.selectFrom('dossier_result').selectAll().where('id', '=', issued.resultId).executeTakeFirstOrThrow();
    const pdf = new Uint8Array(await readFile(join(work, 'files', row.file_key)));
    assert.match(pdfText(pdf).replace(/\s+/g, ' '), /KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH/);
    assert.deepEqual(verifyPdfSignatures(pdf, []).map((r) => r.digestMatches && r.signatureValid), [true, true]);
  });

  test('refuses a citizen, a handler and a leader of another agency', async () => {
    const dossierId = await buildDossier(genericProcedure, {});
    await rejectsWith(signatures.issue({ dossierId, signer: citizen }), 'RESULT_LEADER_REQUIRED');
    await rejectsWith(signatures.issue({ dossierId, signer: handler }), 'RESULT_LEADER_REQUIRED');
    await rejectsWith(signatures.issue({ dossierId, signer: otherLeader }), 'RESULT_LEADER_REQUIRED');
    const count = await database.db.selectFrom('dossier_result').select((eb) => eb.fn.countAll<string>().as('n')).where('dossier_id', '=', dossierId).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 0);
  });

  test('outside production a leader without a key gets a demo key from the directory’s root on first use', async () => {
    const forms = createFormsService(database);
    const demo = createSignaturesService(database, { storage, forms, vault: vaultFiling(database), keysDir, keysPassword: password, baseUrl: 'https://x.example', demoKeysOnDemand: true });
    const newcomer = await buildUser('hl.leader3', 'Ngô Văn Mới', 'officer', agencyId, ['leader']);
    const issued = await demo.issue({ dossierId: await buildDossier(genericProcedure, {}), signer: newcomer });
    const row = await database.db.selectFrom('dossier_result').selectAll().where('id', '=', issued.resultId).executeTakeFirstOrThrow();
    const pdf = new Uint8Array(await readFile(join(work, 'files', row.file_key)));
    const root = pemToDer(await readFile(join(keysDir, rootCertificateFile), 'utf8'));
    assert.deepEqual(verifyPdfSignatures(pdf, [root]).map((r) => [r.valid, r.signerName]), [
      [true, 'Ngô Văn Mới'],
      [true, 'Ủy ban nhân dân phường Hoa Lư'],
    ]);
    assert.ok(existsSync(join(keysDir, `leader-${newcomer.id}.p12`)));
  });

  test('refuses a leader without a provisioned key, and a withdrawn dossier', async () => {
    await rejectsWith(signatures.issue({ dossierId: await buildDossier(genericProcedure, {}), signer: keylessLeader }), 'SIGNING_KEY_MISSING');
    await rejectsWith(signatures.issue({ dossierId: await buildDossier(genericProcedure, {}, 'withdrawn'), signer: leader }), 'RESULT_DOSSIER_CLOSED');
    await rejectsWith(signatures.issue({ dossierId: 999_999, signer: leader }), 'RESULT_DOSSIER_NOT_FOUND');
  });
});
