import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../platform/config/config.js';
import type { Database } from '../platform/db/database.js';
import { openTestDatabase } from '../platform/db/testing.js';
import { createWebApp } from './app.js';
import { loadDemoData, type DemoData } from './seed.js';

let database: Database;
let app: FastifyInstance;
let data: DemoData;

before(async () => {
  database = await openTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  data = await loadDemoData(database, config, { quiet: true });
  app = await createWebApp({ config, database });
});

after(async () => {
  await app.close();
  await database.close();
});

test('the demo loads every procedure, province and commune and prints working accounts', async () => {
  assert.equal(data.units.provinces, 34);
  assert.equal(data.units.communes, 3321);
  assert.equal(data.catalogue.read, 2642);
  assert.ok(data.accounts.some((a) => a.role === 'citizen'));
  assert.ok(data.accounts.some((a) => a.role === 'desk'));
});

test('loading the demo data again changes nothing', async () => {
  const again = await loadDemoData(database, loadConfig({ LOG_LEVEL: 'silent' }), { quiet: true });
  assert.equal(again.catalogue.created + again.catalogue.updated, 0);
  assert.equal(again.agencies, data.agencies);
});

test('the header names the portal agency of the demo province', async () => {
  const res = await app.inject({ method: 'GET', url: '/' });
  assert.match(res.body, /Ủy ban nhân dân tỉnh Ninh Bình/i);
});

test('the agencies page shows the tree and an agency page its hours and procedures', async () => {
  const tree = await app.inject({ method: 'GET', url: '/co-quan' });
  assert.equal(tree.statusCode, 200);
  const href = /href="(\/co-quan\/[^"]+)">Ủy ban nhân dân (phường|xã)/.exec(tree.body)?.[1];
  assert.ok(href, 'a commune committee is listed');
  const page = await app.inject({ method: 'GET', url: href });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /Giờ tiếp nhận hồ sơ/);
  assert.match(page.body, /Thứ Hai/);
  assert.match(page.body, /href="\/thu-tuc\/1\.\d{6}"/);
});

test('an unknown agency answers 404 with its error code', async () => {
  const res = await app.inject({ method: 'GET', url: '/co-quan/000.00.99.H99' });
  assert.equal(res.statusCode, 404);
  assert.match(res.body, /AGENCY_NOT_FOUND/);
});

test('a commune-level procedure lists the demo communes where it is received', async () => {
  const res = await app.inject({ method: 'GET', url: '/thu-tuc/1.001193' });
  assert.match(res.body, /Nơi tiếp nhận tại địa phương/);
  assert.match(res.body, /Ủy ban nhân dân phường Hoa Lư/);
});

test('a NUL character in a query, a path or a form is dropped, never a 500 (found by wapiti)', async () => {
  for (const url of ['/thu-tuc?q=khai%00sinh', '/linh-vuc/thu-y?q=%00', '/thu-tuc/1.001193%00', '/api/v1/procedures?q=%00hon', '/co-quan/%00']) {
    const res = await app.inject({ method: 'GET', url });
    assert.ok(res.statusCode < 500, `${url}: ${res.statusCode}`);
  }
  const search = await app.inject({ method: 'GET', url: '/thu-tuc?q=khai%00sinh' });
  assert.equal(search.statusCode, 200);
  const lookup = await app.inject({ method: 'POST', url: '/tra-cuu', payload: 'code=H42%00&check=12%0034', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.ok(lookup.statusCode < 500, String(lookup.statusCode));
});
