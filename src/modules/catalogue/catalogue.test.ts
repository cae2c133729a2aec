import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { DomainError } from '../../platform/errors/errors.js';
import { createWebApp } from '../../main/app.js';
import { CatalogueRepository } from './catalogue.repository.js';
import { CatalogueService } from './catalogue.service.js';
import { importCatalogue } from './catalogue.importer.js';

const catalogueFile = 'data/procedures/national-catalogue-2026-07.jsonl.gz';

let database: Database;
let service: CatalogueService;
let app: FastifyInstance;

before(async () => {
  database = await openTestDatabase();
  await importCatalogue(database.db, { file: catalogueFile });
  service = new CatalogueService(new CatalogueRepository(database.db));
  app = await createWebApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), database });
});

after(async () => {
  await app.close();
  await database.close();
});

describe('import', () => {
  test('loads all 2,642 procedures, and a re-import of the same file changes nothing', async () => {
    const stats = await service.stats();
    assert.equal(stats.procedures, 2642);
    const again = await importCatalogue(database.db, { file: catalogueFile });
    assert.equal(again.created, 0);
    assert.equal(again.updated, 0);
    assert.ok(again.unchanged >= 2642, `unchanged ${again.unchanged}`);
  });

  test('keeps the raw published record beside the parsed content', async () => {
    const p = await service.procedure('1.001193', 'vi');
    assert.equal(p.raw.ma_thu_tuc, '1.001193');
    assert.equal(typeof p.raw.cach_thuc_thuc_hien, 'string');
    assert.ok(p.content.channels.length >= 3);
    assert.equal(p.version.number, 1);
  });

  test('refuses a file that does not exist with a typed error', async () => {
    await assert.rejects(importCatalogue(database.db, { file: 'data/nope.jsonl.gz' }), (e: unknown) => e instanceof DomainError && e.code === 'CATALOGUE_FILE_UNREADABLE');
  });
});

describe('search relevance', () => {
  // Realistic queries as citizens type them: no diacritics, typos, codes, partial names.
  const cases: [string, string, number][] = [
    ['dang ky khai sinh', '1.001193', 3],
    ['khai sinh', '1.001193', 5],
    ['Đăng ký khai sinh', '1.001193', 3],
    ['giấy phép xây dựng', '1.013225', 10],
    ['cap lai can cuoc', '1.014064', 5],
    ['dang ki ket hon', '1.000894', 5],
    ['1.001193', '1.001193', 1],
    ['ho kinh doanh', '1.001612', 5],
    ['thuong tru', '1.004222', 5],
    ['xac nhan cu tru', '1.010041', 3],
  ];
  for (const [query, code, within] of cases) {
    test(`finds ${code} in the first ${within} results for "${query}"`, async () => {
      const result = await service.search({ q: query, pageSize: 20 });
      const position = result.items.findIndex((p) => p.code === code);
      assert.ok(position >= 0 && position < within, `${code} at position ${position + 1}: ${result.items.slice(0, within).map((p) => `${p.code} ${p.name}`).join(' | ')}`);
    });
  }

  test('an exact national code ranks first', async () => {
    const result = await service.search({ q: '2.000815' });
    assert.equal(result.items[0]?.code, '2.000815');
  });

  test('filters by sector, level and online service', async () => {
    const sectors = await service.sectors();
    const hoTich = sectors.find((s) => s.name === 'Hộ tịch');
    assert.ok(hoTich);
    const result = await service.search({ sector: hoTich.slug, level: 'commune', pageSize: 100 });
    assert.ok(result.total > 10);
    assert.ok(result.items.every((p) => p.sector.slug === hoTich.slug && p.levels.includes('commune')));
    const online = await service.search({ online: 'any', pageSize: 100 });
    assert.ok(online.items.every((p) => p.onlineOffered));
  });

  test('returns nothing rather than noise for gibberish', async () => {
    const result = await service.search({ q: 'qqqzzzxxxwww' });
    assert.equal(result.total, 0);
  });

  test('refuses an over-long query with a typed error', async () => {
    await assert.rejects(service.search({ q: 'a'.repeat(201) }), (e: unknown) => e instanceof DomainError && e.code === 'SEARCH_QUERY_TOO_LONG');
  });
});

describe('pages', () => {
  test('serves the home page in Vietnamese with the search form', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /text\/html/);
    assert.match(res.body, /<html lang="vi"/);
    assert.match(res.body, /name="q"/);
    assert.match(res.body, /2\.642 thủ tục/);
  });

  test('serves a procedure page with its channels, documents and raw text', async () => {
    const res = await app.inject({ method: 'GET', url: '/thu-tuc/1.001193' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Thủ tục đăng ký khai sinh/);
    assert.match(res.body, /Cách thức thực hiện/);
    assert.match(res.body, /Thành phần hồ sơ/);
    assert.match(res.body, /Xem nguyên văn đã công bố/);
  });

  test('answers 404 with a translated page and the error code for an unknown procedure', async () => {
    const res = await app.inject({ method: 'GET', url: '/thu-tuc/9.999999' });
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /PROCEDURE_NOT_FOUND/);
    assert.match(res.body, /9\.999999/);
  });

  test('switches language and comes back to the same page', async () => {
    const res = await app.inject({ method: 'GET', url: '/lang/en?next=%2Fthu-tuc%2F1.001193' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/thu-tuc/1.001193');
    const setCookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const cookie = setCookies.find((c) => c.startsWith('lang='))!.split(';')[0]!;
    const page = await app.inject({ method: 'GET', url: '/thu-tuc/1.001193', headers: { cookie } });
    assert.match(page.body, /<html lang="en"/);
    assert.match(page.body, /How to apply/);
  });

  test('never redirects the language switch off-site', async () => {
    const res = await app.inject({ method: 'GET', url: '/lang/en?next=%2F%2Fevil.example' });
    assert.equal(res.headers.location, '/');
  });

  test('search page lists results and keeps the query in the box', async () => {
    const res = await app.inject({ method: 'GET', url: '/thu-tuc?q=khai+sinh&level=commune' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /value="khai sinh"/);
    assert.match(res.body, /href="\/thu-tuc\/1\.001193"/);
  });

  test('ignores unknown filter values instead of failing', async () => {
    const res = await app.inject({ method: 'GET', url: '/thu-tuc?q=khai&level=galaxy&online=maybe&page=-3' });
    assert.equal(res.statusCode, 200);
  });

  test('sector and life-event pages list their procedures', async () => {
    const sectors = await app.inject({ method: 'GET', url: '/linh-vuc' });
    assert.equal(sectors.statusCode, 200);
    const slug = /href="\/linh-vuc\/([a-z0-9-]+)"/.exec(sectors.body)?.[1];
    assert.ok(slug);
    const sector = await app.inject({ method: 'GET', url: `/linh-vuc/${slug}` });
    assert.equal(sector.statusCode, 200);
    const event = await app.inject({ method: 'GET', url: '/su-kien/sinh-con' });
    assert.equal(event.statusCode, 200);
    assert.match(event.body, /1\.001193/);
  });

  test('sets a Content-Security-Policy without inline scripts and a request id', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.ok(res.headers['x-request-id']);
  });
});

describe('API', () => {
  test('searches procedures as JSON', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/procedures?q=dang%20ky%20khai%20sinh&pageSize=5' });
    assert.equal(res.statusCode, 200);
    const body = res.json() as { total: number; items: { code: string }[] };
    assert.ok(body.total > 0);
    assert.ok(body.items.some((p) => p.code === '1.001193'));
    assert.equal(body.items.length, 5);
  });

  test('returns one procedure with parsed content and raw text', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/procedures/1.001193' });
    assert.equal(res.statusCode, 200);
    const body = res.json() as { code: string; content: { channels: unknown[] }; raw: { ma_thu_tuc: string } };
    assert.equal(body.code, '1.001193');
    assert.ok(body.content.channels.length > 0);
    assert.equal(body.raw.ma_thu_tuc, '1.001193');
  });

  test('answers a JSON error with a stable code for an unknown procedure', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/procedures/0.000000' });
    assert.equal(res.statusCode, 404);
    assert.equal((res.json() as { error: { code: string } }).error.code, 'PROCEDURE_NOT_FOUND');
  });

  test('rejects a bad query parameter with VALIDATION_FAILED naming the field', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/procedures?level=galaxy' });
    assert.equal(res.statusCode, 400);
    const body = res.json() as { error: { code: string; fields: { field: string }[] } };
    assert.equal(body.error.code, 'VALIDATION_FAILED');
    assert.ok(body.error.fields.some((f) => f.field.includes('level')));
  });

  test('serves the OpenAPI document', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/docs/json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json() as { openapi: string; paths: Record<string, unknown> };
    assert.match(doc.openapi, /^3\./);
    assert.ok(doc.paths['/api/v1/procedures']);
    assert.ok(doc.paths['/api/v1/procedures/{code}']);
  });

  test('reports readiness with the database kind', async () => {
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    assert.equal(res.statusCode, 200);
    assert.equal((res.json() as { status: string }).status, 'ready');
  });
});
