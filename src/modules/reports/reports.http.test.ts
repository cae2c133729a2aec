import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { createWebApp } from '../../main/app.js';
import { loadDemoData } from '../../main/seed.js';
import { loadConfig } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { submitOnline } from '../dossiers/testing.js';
import { TestBrowser, signInCitizen, signInOfficer } from '../identity/testing.js';
import { createReportsService, csvField } from './index.js';

let database: Database;
let app: FastifyInstance;
let dataDir: string;
let leader: TestBrowser;

before(async () => {
  database = await openTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'motcua-reports-'));
  const config = loadConfig({ LOG_LEVEL: 'silent' }, { dataDir });
  await loadDemoData(database, config, { quiet: true });
  app = await createWebApp({ config, database });
  // One dossier received by the commune, so that the month has figures.
  const citizen = new TestBrowser(app, '10.62.0.1');
  await signInCitizen(citizen, 'citizen@demo.motcua.vn', 'Demo@2026');
  const code = await submitOnline(citizen);
  await database.db.updateTable('dossier').set({ status: 'received', received_at: new Date() }).where('code', '=', code).execute();
  await createReportsService(database).refreshRecent();
  leader = new TestBrowser(app, '10.62.0.2');
  await signInOfficer(leader, 'hoalu.leader', 'Demo@2026');
});

after(async () => {
  await app?.close();
  await database?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('a leader sees the dashboard of their agency: chart with its data table, the indicators, the trend', async () => {
  const res = await leader.get('/can-bo/chi-so');
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /Quyết định 766\/QĐ-TTg/);
  assert.match(res.body, /<svg class="chart" role="img" aria-labelledby="groups-chart-title"/);
  assert.match(res.body, /Hồ sơ nộp trực tuyến/);
  assert.match(res.body, /<caption>Số hồ sơ tiếp nhận, đã giải quyết và điểm theo tháng<\/caption>/);
  const drill = await leader.get('/can-bo/chi-so/ho-so?chi-so=online.dossiersOnline');
  assert.equal(drill.statusCode, 200);
  assert.match(drill.body, /Trực tuyến/);
});

test('the exports: an Excel workbook with the indicators and a CSV', async () => {
  const xlsx = await leader.get('/can-bo/chi-so.xlsx');
  assert.equal(xlsx.statusCode, 200);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet('Chỉ số')!;
  const names = sheet.getColumn(1).values.map(String);
  assert.ok(names.includes('Hồ sơ nộp trực tuyến'));
  assert.ok(names.includes('Tổng'));
  const csv = await leader.get('/can-bo/chi-so.csv');
  assert.equal(csv.statusCode, 200);
  assert.match(String(csv.headers['content-disposition']), /chi-so-766-/);
  assert.equal(csv.body.split('\r\n').filter(Boolean).length, 1 + 12 + 1);
});

test('handlers and citizens are refused; another agency cannot be chosen by a leader', async () => {
  const handler = new TestBrowser(app, '10.62.0.3');
  await signInOfficer(handler, 'hoalu.handler', 'Demo@2026');
  const refused = await handler.get('/can-bo/chi-so');
  assert.equal(refused.statusCode, 403);
  assert.match(refused.body, /REPORTS_NOT_ALLOWED/);
  const other = await database.db.selectFrom('agency').select('id').where('code', '=', '000.00.00.H42').executeTakeFirst();
  if (other) assert.equal((await leader.get(`/can-bo/chi-so?co-quan=${other.id}`)).statusCode, 403);
  assert.equal((await leader.get('/can-bo/chi-so?tu=2026-13')).statusCode, 400);
});

test('open data: the catalogue and the monthly aggregates, without personal data', async () => {
  const page = await app.inject({ method: 'GET', url: '/du-lieu-mo' });
  assert.equal(page.statusCode, 200);
  const procedures = await app.inject({ method: 'GET', url: '/du-lieu-mo/thu-tuc.json' });
  const list = procedures.json() as { rows: { code: string }[] };
  assert.ok(list.rows.length > 2000, 'the whole published catalogue');
  assert.ok(list.rows.some((r) => r.code === '1.010041'));
  const csv = await app.inject({ method: 'GET', url: '/du-lieu-mo/thu-tuc.csv' });
  assert.match(csv.body.split('\r\n')[0]!, /^\uFEFFcode,name,sector/);
  const aggregates = await app.inject({ method: 'GET', url: '/du-lieu-mo/chi-so.json' });
  const rows = (aggregates.json() as { rows: { received: number; month: string }[] }).rows;
  assert.ok(rows.some((r) => r.received >= 1 && /^\d{4}-\d{2}$/.test(r.month)));
  assert.ok(!aggregates.body.includes('Nguyễn'), 'no applicant names');
});

test('CSV fields are quoted and formulas neutralised', () => {
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvField(-12.5), '-12.5');
  assert.equal(csvField(null), '');
});
