import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../platform/config/config.js';
import type { Database } from '../platform/db/database.js';
import { openTestDatabase } from '../platform/db/testing.js';
import { createUsersService } from '../modules/admin/index.js';
import { postedFields, submitOnline } from '../modules/dossiers/testing.js';
import { createFormsService } from '../modules/forms/index.js';
import { seedDossierFor } from '../modules/payments/payments.testing.js';
import { createSignaturesService, ensureDemoKeys } from '../modules/signatures/index.js';
import { vaultFiling } from '../modules/vault/index.js';
import { createStorage } from '../platform/storage/index.js';
import { contactUsername } from '../modules/identity/index.js';
import { TestBrowser, csrfTokenIn, signInCitizen, signInOfficer } from '../modules/identity/testing.js';
import { createWebApp } from './app.js';
import { ACCESS_MATRIX, ROLES, type Role } from './access-matrix.js';
import { loadDemoData } from './seed.js';

/*
 * The authorisation matrix: every route the web process registers × every kind of visitor, each request made for
 * real through app.inject() against the demo data, the outcome compared with the declared matrix
 * (src/main/access-matrix.ts). A route missing from the matrix fails the test, so no route can be added without
 * deciding who may use it; a check removed from a service or route flips a cell and fails it too.
 *
 * "Denied" is 401, 403, 404 or a redirect to the sign-in page; anything else below 500 counts as "allowed" (a 400 for
 * an empty form means the visitor got past authorisation to validation). A 5xx fails outright.
 * Run with ACCESS_MATRIX_PRINT=1 to print the observed matrix.
 */

let database: Database;
let app: FastifyInstance;
let dataDir: string;
const browsers = new Map<Role, TestBrowser>();
const fixtures: Record<string, string> = {};

const accounts: Record<Exclude<Role, 'anonymous'>, { username: string; kind: 'citizen' | 'officer' }> = {
  citizenA: { username: 'citizen@demo.motcua.vn', kind: 'citizen' },
  citizenB: { username: '0912000222', kind: 'citizen' },
  deskX: { username: 'hoalu.desk', kind: 'officer' },
  handlerX: { username: 'hoalu.handler', kind: 'officer' },
  leaderX: { username: 'hoalu.leader', kind: 'officer' },
  adminX: { username: 'hoalu.admin', kind: 'officer' },
  deskY: { username: 'justice.desk', kind: 'officer' },
  handlerY: { username: 'justice.handler', kind: 'officer' },
  systemAdmin: { username: 'admin', kind: 'officer' },
};
const passwordB = 'Cong@dan-B-2026';

async function browserFor(role: Role, fresh = false): Promise<TestBrowser> {
  const existing = browsers.get(role);
  if (existing && !fresh) return existing;
  const b = new TestBrowser(app, `10.90.${ROLES.indexOf(role)}.1`);
  if (role !== 'anonymous') {
    const account = accounts[role];
    if (account.kind === 'citizen') await signInCitizen(b, account.username, role === 'citizenB' ? passwordB : 'Demo@2026');
    else await signInOfficer(b, account.username, 'Demo@2026');
  }
  browsers.set(role, b);
  return b;
}

before(async () => {
  database = await openTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'motcua-matrix-'));
  const config = loadConfig(
    { LOG_LEVEL: 'silent', AUTH_RATE_LIMIT: '100000', LOOKUP_RATE_LIMIT: '100000', SEARCH_RATE_LIMIT: '100000', NODE_ENV: 'test' },
    { dataDir },
  );
  await loadDemoData(database, config, { quiet: true });
  app = await createWebApp({ config, database });
  // A phone account's username is the phone's blind index (personal data at rest); the profile needs no phone here.
  const usernameB = await contactUsername(database.cipher, { kind: 'phone', value: accounts.citizenB.username });
  const b = await createUsersService(database).create({ kind: 'citizen', username: usernameB, displayName: 'Phạm Văn B', password: passwordB });
  await database.db.insertInto('citizen_profile').values({ user_id: b.id, full_name: 'Phạm Văn B', contact_verified_at: new Date() }).execute();

  // Citizen A's dossier at commune X (received by X's desk, so that officer pages have something to show), and a draft.
  const citizenA = await browserFor('citizenA');
  fixtures.dossierCode = await submitOnline(citizenA);
  const started = await citizenA.get('/thu-tuc/1.010041/nop-truc-tuyen');
  let location = String(started.headers.location ?? '');
  for (let i = 0; i < 3 && !/\/ho-so-nhap\/[^/]+\/[^/?]+/.test(location); i++) location = String((await citizenA.get(location)).headers.location ?? '');
  const [, draftId, section] = /\/ho-so-nhap\/([^/]+)\/([^/?]+)/.exec(location) ?? [];
  fixtures.draftId = draftId ?? 'missing';
  fixtures.section = section ?? 'missing';
  const dossier = await database.db.selectFrom('dossier').select(['id', 'receiving_agency_id', 'phone_last4', 'lookup_secret']).where('code', '=', fixtures.dossierCode).executeTakeFirstOrThrow();
  fixtures.dossierId = String(dossier.id);
  fixtures.check = dossier.phone_last4 ?? '';
  fixtures.secret = dossier.lookup_secret;
  const agency = await database.db.selectFrom('agency').select('code').where('id', '=', dossier.receiving_agency_id).executeTakeFirstOrThrow();
  fixtures.agencyCode = agency.code;
  const sector = await database.db.selectFrom('sector').select('slug').orderBy('id').limit(1).executeTakeFirstOrThrow();
  fixtures.sectorSlug = sector.slug;

  // A document on the dossier (a stored file), then X's desk receives it: the first tasks of its process exist.
  const storage = await createStorage(config);
  const key = `test/matrix/${fixtures.dossierCode}.pdf`;
  await storage.put(key, Buffer.from('%PDF-1.4\n%%EOF\n'), { contentType: 'application/pdf' });
  const document = await database.db
    .insertInto('dossier_document')
    .values({ dossier_id: dossier.id, field_id: 'scan', requirement_name: 'Bản sao', storage_key: key, file_name: 'ban-sao.pdf', mime: 'application/pdf', size_bytes: 16, sha256: '0'.repeat(64), pages: 1, source: 'upload' })
    .returning('id')
    .executeTakeFirstOrThrow();
  fixtures.documentId = String(document.id);
  const desk = await browserFor('deskX');
  const page = await desk.get(`/can-bo/ho-so/${fixtures.dossierCode}`);
  const { action, fields } = postedFields(page.body, '/tiep-nhan');
  const received = await desk.post(action, fields, { csrf: fields._csrf ?? null });
  assert.equal(received.statusCode, 303, `the desk receives the fixture dossier: ${received.body.slice(0, 200)}`);
  const task = await database.db.selectFrom('dossier_task').select(['id', 'row_version']).where('dossier_id', '=', dossier.id).where('status', '=', 'open').orderBy('id').executeTakeFirst();
  fixtures.id = String(task?.id ?? 'missing');
  fixtures.taskRowVersion = String(task?.row_version ?? '');
  fixtures.procedureCode = '1.010041';

  // Citizen A's complaint about the fixture dossier: it goes to X, whose desk officer and leader may open and answer it.
  const complaintForm = await citizenA.get(`/ho-so/${fixtures.dossierCode}/phan-anh`);
  const filed = await citizenA.post(`/ho-so/${fixtures.dossierCode}/phan-anh`, { category: 'delay', body: 'Hồ sơ chậm (kiểm tra quyền)' }, { csrf: csrfTokenIn(complaintForm.body) });
  assert.equal(filed.statusCode, 303, `citizen A files a complaint: ${filed.body.slice(0, 200)}`);
  const complaint = await database.db.selectFrom('complaint').select('id').where('dossier_id', '=', dossier.id).executeTakeFirstOrThrow();
  fixtures.complaintId = String(complaint.id);

  await ownedResources(config, citizenA, desk);
});

/**
 * The resources that have an owner, made for real so that their rows prove the owner gets in and the others do not:
 * citizen A's fee paid through the sandbox gateway (a payment order and its e-receipt, on a second dossier of a
 * fee-bearing procedure), a result of the fixture dossier signed by X's leader and sealed by X (in A's vault), and a
 * walk-in dossier draft of X's desk officer.
 */
async function ownedResources(config: Config, citizenA: TestBrowser, desk: TestBrowser): Promise<void> {
  // Identity card replacement (1.014064): 70 000 đ online.
  const fee = await seedDossierFor(database, accounts.citizenA.username, '1.014064');
  fixtures.feeCode = fee.code;
  await citizenA.get(`/ho-so/${fee.code}/thanh-toan`);
  const toGateway = await citizenA.post(`/ho-so/${fee.code}/thanh-toan`, { method: 'gateway' });
  assert.equal(toGateway.statusCode, 303, 'a payment order opens');
  const gateway = new URL(String(toGateway.headers.location), 'http://x');
  const card = await citizenA.get(`${gateway.pathname}${gateway.search}`);
  const hidden = Object.fromEntries([...card.body.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));
  const approved = await citizenA.post('/dev/cong-thanh-toan', { ...hidden, decision: 'approve' });
  assert.equal(approved.statusCode, 303, 'the sandbox gateway approves');
  const receipt = await database.db
    .selectFrom('payment as p')
    .innerJoin('e_receipt as r', 'r.payment_id', 'p.id')
    .select(['p.reference', 'r.verification_code'])
    .where('p.dossier_id', '=', fee.id)
    .executeTakeFirstOrThrow();
  fixtures.paymentReference = receipt.reference;
  fixtures.receiptCode = receipt.verification_code;

  // The signed result: keys for X's leader and X's seal only (every demo key would cost seconds).
  const leader = await database.db
    .selectFrom('app_user as u')
    .innerJoin('agency as a', 'a.id', 'u.agency_id')
    .select(['u.id', 'u.display_name', 'u.agency_id', 'u.roles', 'a.code as agency_code', 'a.name as agency_name'])
    .where('u.username', '=', accounts.leaderX.username)
    .executeTakeFirstOrThrow();
  await ensureDemoKeys(config.signingKeysDir, config.signingKeysPassword, [
    { identity: { kind: 'leader', userId: leader.id }, commonName: leader.display_name, organization: leader.agency_name },
    { identity: { kind: 'seal', agencyCode: leader.agency_code }, commonName: leader.agency_name, organization: leader.agency_name },
  ]);
  const signatures = createSignaturesService(database, {
    storage: await createStorage(config),
    forms: createFormsService(database),
    vault: vaultFiling(database),
    keysDir: config.signingKeysDir,
    keysPassword: config.signingKeysPassword,
    baseUrl: config.baseUrl,
  });
  const issued = await signatures.issue({
    dossierId: Number(fixtures.dossierId),
    signer: { id: leader.id, kind: 'officer', displayName: leader.display_name, agencyId: leader.agency_id, roles: leader.roles },
  });
  fixtures.resultId = String(issued.resultId);
  fixtures.resultCode = issued.verificationCode;
  const filed = await database.db.selectFrom('vault_document').select('id').where('dossier_result_id', '=', issued.resultId).executeTakeFirstOrThrow();
  fixtures.vaultDocumentId = String(filed.id);

  // X's desk officer starts a walk-in dossier (its draft is theirs alone).
  const started = await desk.post('/can-bo/tiep-nhan/moi', { procedureCode: '1.010041', channel: 'in_person' }, { csrf: csrfTokenIn((await desk.get('/can-bo/tiep-nhan/moi')).body) });
  let location = String(started.headers.location ?? '');
  for (let i = 0; i < 3 && !/\/can-bo\/tiep-nhan\/moi\/[^/]+\/[^/?]+/.test(location); i++) location = String((await desk.get(location)).headers.location ?? '');
  const [, deskDraftId, deskSection] = /\/can-bo\/tiep-nhan\/moi\/([^/]+)\/([^/?]+)/.exec(location) ?? [];
  assert.ok(deskDraftId && deskSection, `a desk-entry draft: ${started.statusCode} ${location}`);
  fixtures.deskDraftId = deskDraftId;
  fixtures.deskSection = deskSection;
}


after(async () => {
  await app?.close();
  await database?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** The URL to request for a route pattern, with the fixtures in place of its parameters. */
function urlFor(pattern: string, params: Record<string, string> = {}): string {
  return pattern.replace(/:([A-Za-z]+)|\*/g, (whole, name: string | undefined) => {
    if (whole === '*') return params['*'] ?? 'motcua.css';
    const given = params[name!];
    // A row's parameter `:name` takes the fixture of that name, as in bodies and queries.
    const value = given === undefined ? defaultParam(pattern, name!) : given.startsWith(':') ? (fixtures[given.slice(1)] ?? 'missing') : given;
    return encodeURIComponent(value);
  });
}

function defaultParam(pattern: string, name: string): string {
  if (name === 'code') {
    if (pattern.startsWith('/thu-tuc/')) return '1.010041';
    if (pattern.startsWith('/co-quan/')) return fixtures.agencyCode!;
    if (pattern.startsWith('/api/v1/procedures/')) return '1.010041';
    return fixtures.dossierCode!;
  }
  if (name === 'draftId') return fixtures.draftId!;
  if (name === 'section') return fixtures.section!;
  if (name === 'slug') return pattern.startsWith('/su-kien/') ? 'khai-sinh' : fixtures.sectorSlug!;
  if (name === 'locale') return 'en';
  if (name === 'form') return '06';
  return fixtures[name] ?? '1';
}

function outcome(res: LightMyRequestResponse): 'allowed' | 'denied' {
  if ([401, 403, 404].includes(res.statusCode)) return 'denied';
  // The sign-in page as the answer to "who are you?" (with the page to come back to), or a sign-in step refused.
  const location = String(res.headers.location ?? '');
  if ((res.statusCode === 302 || res.statusCode === 303) && (location.startsWith('/dang-nhap?next=') || location === '/dang-nhap')) return 'denied';
  return 'allowed';
}

async function request(role: Role, method: string, url: string, body: Record<string, string>): Promise<LightMyRequestResponse> {
  const b = await browserFor(role);
  if (method === 'GET') return b.get(url);
  // A token from a page of this visitor's own session, as a browser would have.
  const page = await b.get('/tra-cuu');
  return b.post(url, body, { csrf: csrfTokenIn(page.body) });
}

test('every route is in the access matrix, and the matrix lists no route that does not exist', () => {
  const registered = new Set(app.routeList.map((r) => `${r.method} ${r.url}`));
  const missing = [...registered].filter((key) => !ACCESS_MATRIX[key]).sort();
  const stale = Object.keys(ACCESS_MATRIX).filter((key) => !registered.has(key)).sort();
  assert.deepEqual(missing, [], `routes with no row in src/main/access-matrix.ts:\n${missing.join('\n')}`);
  assert.deepEqual(stale, [], `rows for routes that do not exist:\n${stale.join('\n')}`);
});

test('each route × visitor gets exactly what the matrix says', async () => {
  const print = process.env.ACCESS_MATRIX_PRINT === '1';
  const mismatches: string[] = [];
  const routes = app.routeList.map((r) => `${r.method} ${r.url}`).filter((key) => ACCESS_MATRIX[key]);
  // Reads first, then actions; within a route the allowed visitors go last so that a state change they cause
  // (e.g. a dossier moving on) cannot hide a denial.
  routes.sort((a, b) => Number(a.startsWith('POST')) - Number(b.startsWith('POST')));
  for (const key of routes) {
    const row = ACCESS_MATRIX[key]!;
    const [method, pattern] = key.split(' ') as [string, string];
    const query = row.query ? `?${row.query.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(fixtures[name] ?? ''))}` : '';
    const url = `${urlFor(pattern, row.params)}${query}`;
    const order = [...ROLES].sort((a, b) => Number(row.allow.includes(a)) - Number(row.allow.includes(b)));
    const observed: Record<string, string> = {};
    for (const role of order) {
      const body = Object.fromEntries(Object.entries(row.body ?? {}).map(([k, v]) => [k, v.startsWith(':') ? (fixtures[v.slice(1)] ?? '') : v]));
      const res = await request(role, method, url, body);
      if (res.statusCode >= 500) {
        mismatches.push(`${key} as ${role}: ${res.statusCode} (server error)`);
        observed[role] = `!${res.statusCode}`;
        continue;
      }
      const got = outcome(res);
      observed[role] = `${got === 'allowed' ? '✓' : '·'}${res.statusCode}`;
      const expected = row.allow.includes(role) ? 'allowed' : 'denied';
      if (got !== expected) mismatches.push(`${key} as ${role}: expected ${expected}, got ${res.statusCode}${res.headers.location ? ` → ${res.headers.location}` : ''}`);
      if (row.endsSession) browsers.delete(role);
    }
    if (print) console.log(`${key.padEnd(60)} ${ROLES.map((r) => `${r}:${observed[r]}`).join(' ')}`);
  }
  assert.deepEqual(mismatches, []);
});
