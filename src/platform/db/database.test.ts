import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { fold } from '../i18n/fold.js';
import type { Database } from './database.js';
import { listMigrations, migrate } from './migrate.js';
import { prepared } from './prepared.js';
import { openTestDatabase } from './testing.js';

let database: Database;
before(async () => {
  database = await openTestDatabase();
});
after(async () => {
  await database.close();
});

test('applies every migration once and is a no-op when run again', async () => {
  const rows = await sql<{ name: string }>`select name from schema_migration order by name`.execute(database.db);
  assert.deepEqual(
    rows.rows.map((r) => r.name),
    listMigrations(),
  );
  const again = await migrate(database);
  assert.deepEqual(again.applied, []);
});

test('concurrent migrations from several starters apply nothing twice', async () => {
  const results = await Promise.all([migrate(database), migrate(database), migrate(database)]);
  assert.ok(results.every((r) => r.applied.length === 0));
});

test('search_fold in SQL agrees with fold() in TypeScript', async () => {
  const samples = ['Thủ tục đăng ký khai sinh', 'ĐĂNG KÝ KẾT HÔN', 'Cấp lại thẻ căn cước', 'Giấy phép xây dựng', 'Xã Ia Mơ', 'Phường Hoàn Kiếm'];
  for (const s of samples) {
    const r = await sql<{ f: string }>`select search_fold(${s}) as f`.execute(database.db);
    assert.equal(r.rows[0]?.f, fold(s), s);
  }
});

test('the trigram index serves typo-tolerant matching on both databases', async () => {
  const r = await sql<{ ok: boolean }>`select ${fold('dang ki khai sin')} <% ${fold('Thủ tục đăng ký khai sinh')} as ok`.execute(database.db);
  assert.equal(r.rows[0]?.ok, true);
});

test('readiness ping answers', async () => {
  await database.ping();
});

test('a statement marked `prepared` is prepared once per connection and answers like an unmarked one', async (t) => {
  if (database.kind !== 'postgres') return t.skip('the embedded database has no pool; the marker is a comment there');
  await database.db.connection().execute(async (conn) => {
    const marked = (n: number) => sql<{ n: number; names: string[] }>`select ${n}::int as n, array(select name from pg_prepared_statements where statement like '%/* prepared */') as names${prepared}`.execute(conn);
    const first = (await marked(1)).rows[0]!;
    const second = (await marked(2)).rows[0]!;
    assert.equal(first.n, 1);
    assert.equal(second.n, 2);
    // The first execution runs the statement it prepares; by the second it is listed, under its digest name.
    assert.ok(second.names.some((n) => n.startsWith('motcua_')), JSON.stringify(second.names));
    await sql`select 41 as unmarked`.execute(conn);
    const plain = await sql<{ count: number }>`select count(*)::int as count from pg_prepared_statements where statement like '%select 41 as unmarked%'`.execute(conn);
    assert.equal(plain.rows[0]!.count, 0);
  });
});
