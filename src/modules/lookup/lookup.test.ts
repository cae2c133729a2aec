import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Database } from '../../platform/db/database.js';
import type { Database as Schema } from '../../platform/db/schema.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { DOSSIER_CHANGED_CHANNEL, dossierChanged } from '../dossiers/index.js';
import { LookupCache } from './lookup.cache.js';
import { createLookupService, LookupErrors, type LookupService } from './index.js';

/*
 * The public lookup's cache: hits and misses give the same answers, the second factor is checked on every call,
 * and a change is visible on the very next lookup — in this process, and (PostgreSQL) in another process that only
 * hears of it through LISTEN/NOTIFY.
 */

let database: Database;
let ids: { agency: number; other: number; procedure: number; version: number };
let counter = 0;

async function insertDossier(db: Kysely<Schema>, status = 'awaiting_reception'): Promise<{ id: number; code: string; secret: string }> {
  counter++;
  const code = `T01.LK-261123-${String(counter).padStart(4, '0')}`;
  const secret = 'K7M2Q9';
  const { rows } = await sql<{ id: number }>`
    insert into dossier (code, lookup_secret, procedure_id, procedure_version_id, form_version, applicant, receiving_agency_id, holder_agency_id,
      channel, status, values, result_delivery, phone_last4)
    values (${code}, ${secret}, ${ids.procedure}, ${ids.version}, 'test', ${JSON.stringify({ fullName: 'Nguyễn Văn A', phone: '0912345678' })}::jsonb,
      ${ids.agency}, ${ids.agency}, 'online', ${status}, '{}'::jsonb, 'online', '5678')
    returning id`.execute(db);
  const id = rows[0]!.id;
  await sql`insert into dossier_event (dossier_id, actor_kind, action, to_status, to_agency_id) values (${id}, 'citizen', 'submitted', 'awaiting_reception', ${ids.agency})`.execute(db);
  return { id, code, secret };
}

/** What a desk action does to a dossier, through `db` (a transaction), without telling anyone. */
async function receive(db: Kysely<Schema>, dossierId: number): Promise<void> {
  await sql`update dossier set status = 'received', holder_agency_id = ${ids.other}, received_at = now(), due_at = now() + interval '5 days' where id = ${dossierId}`.execute(db);
  await sql`insert into dossier_event (dossier_id, actor_kind, action, from_status, to_status, to_agency_id) values (${dossierId}, 'officer', 'received', 'awaiting_reception', 'received', ${ids.other})`.execute(db);
}

before(async () => {
  database = await openTestDatabase();
  const db = database.db;
  const agency = await sql<{ id: number }>`insert into agency (code, kind, name) values ('T01.LK', 'service_centre', 'Trung tâm thử') returning id`.execute(db);
  const other = await sql<{ id: number }>`insert into agency (code, kind, name) values ('T02.LK', 'department', 'Sở thử') returning id`.execute(db);
  const sector = await sql<{ id: number }>`insert into sector (name, slug) values ('Lĩnh vực thử', 'linh-vuc-thu') returning id`.execute(db);
  const procedure = await sql<{ id: number }>`insert into procedure (code, name, sector_id) values ('9.999001', 'Thủ tục thử', ${sector.rows[0]!.id}) returning id`.execute(db);
  const version = await sql<{ id: number }>`
    insert into procedure_version (procedure_id, version, content, raw, source_hash) values (${procedure.rows[0]!.id}, 1, '{}'::jsonb, '{}'::jsonb, 'x') returning id`.execute(db);
  ids = { agency: agency.rows[0]!.id, other: other.rows[0]!.id, procedure: procedure.rows[0]!.id, version: version.rows[0]!.id };
});

after(async () => {
  await database.close();
});

describe('lookup cache', () => {
  test('does not store a read that started before an invalidation', () => {
    const cache = new LookupCache<string>(10);
    const generation = cache.generation;
    cache.invalidate('A-1');
    assert.equal(cache.put('A-1', 'old', generation), false);
    assert.equal(cache.get('A-1'), undefined);
    assert.equal(cache.put('A-1', 'new', cache.generation), true);
    assert.equal(cache.get('A-1'), 'new');
  });

  test('drops the oldest entry when full', () => {
    const cache = new LookupCache<number>(2);
    cache.put('a', 1, cache.generation);
    cache.put('b', 2, cache.generation);
    cache.put('c', 3, cache.generation);
    assert.equal(cache.size, 2);
    assert.equal(cache.get('a'), undefined);
    assert.equal(cache.get('c'), 3);
  });
});

describe('lookup service', () => {
  let lookup: LookupService;
  before(async () => {
    lookup = await createLookupService(database);
  });
  after(async () => {
    await lookup.close();
  });

  test('serves a second lookup from memory and still checks the second factor every time', async () => {
    const d = await insertDossier(database.db);
    const first = await lookup.find(d.code, d.secret);
    assert.equal(first.status, 'awaiting_reception');
    assert.equal(first.history.length, 1);
    assert.ok(first.history[0]!.at instanceof Date);
    assert.equal(lookup.cachedCount >= 1, true);
    const again = await lookup.find(d.code.toLowerCase(), '5678');
    assert.equal(again, first, 'the cached view');
    await assert.rejects(lookup.find(d.code, 'WRONG1'), (e: { code?: string }) => e.code === LookupErrors.notFound.code);
    await assert.rejects(lookup.find(d.code, '1234'), (e: { code?: string }) => e.code === LookupErrors.notFound.code);
    assert.equal(JSON.stringify(first).includes('Nguyễn'), false, 'no personal data in the view');
  });

  test('shows a change on the next lookup when the changing transaction signals it', async () => {
    const d = await insertDossier(database.db);
    assert.equal((await lookup.find(d.code, d.secret)).status, 'awaiting_reception');
    await database.db.transaction().execute(async (trx) => {
      await receive(trx, d.id);
      await dossierChanged(trx, d.code);
    });
    const next = await lookup.find(d.code, d.secret);
    assert.equal(next.status, 'received');
    assert.equal(next.holderAgency, 'Sở thử');
    assert.deepEqual(next.history.map((h) => h.action), ['submitted', 'received']);
  });

  test('finds a dossier whose code was looked up before it existed', async () => {
    const code = `T01.LK-261123-${String(counter + 1).padStart(4, '0')}`;
    await assert.rejects(lookup.find(code, 'K7M2Q9'), (e: { code?: string }) => e.code === LookupErrors.notFound.code);
    const d = await insertDossier(database.db);
    assert.equal(d.code, code);
    assert.equal((await lookup.find(code, 'K7M2Q9')).code, code);
  });
});

describe('lookup across processes (PostgreSQL)', { skip: process.env.DATABASE_URL ? false : 'needs PostgreSQL (DATABASE_URL)' }, () => {
  let a: LookupService;
  let b: LookupService;
  let otherProcess: pg.Client;
  before(async () => {
    a = await createLookupService(database);
    b = await createLookupService(database);
    // Another web process: its own session, and it reaches this process only through PostgreSQL.
    otherProcess = new pg.Client({ connectionString: database.url });
    await otherProcess.connect();
  });
  after(async () => {
    await a.close();
    await b.close();
    await otherProcess.end();
  });

  async function changeElsewhere(dossierId: number, code: string): Promise<void> {
    await otherProcess.query('begin');
    await otherProcess.query(`update dossier set status = 'received', holder_agency_id = $1, received_at = now() where id = $2`, [ids.other, dossierId]);
    await otherProcess.query(`insert into dossier_event (dossier_id, actor_kind, action, from_status, to_status, to_agency_id) values ($1, 'officer', 'received', 'awaiting_reception', 'received', $2)`, [dossierId, ids.other]);
    // What dossierChanged sends (its in-process half cannot reach another process).
    await otherProcess.query('select pg_notify($1, $2)', [DOSSIER_CHANGED_CHANNEL, code]);
    await otherProcess.query('commit');
  }

  test('a change committed by another process is visible on the very next lookup in both', async () => {
    for (let round = 0; round < 20; round++) {
      const d = await insertDossier(database.db);
      assert.equal((await a.find(d.code, d.secret)).status, 'awaiting_reception');
      assert.equal((await b.find(d.code, d.secret)).status, 'awaiting_reception');
      await changeElsewhere(d.id, d.code);
      // No waiting: the lookup itself makes sure every change committed before it has arrived.
      const [seenByA, seenByB] = await Promise.all([a.find(d.code, d.secret), b.find(d.code, d.secret)]);
      assert.equal(seenByA.status, 'received', `round ${round}: process A`);
      assert.equal(seenByB.status, 'received', `round ${round}: process B`);
      assert.equal(seenByB.history.length, 2);
    }
  });

  test('a rolled-back change is not announced and changes nothing', async () => {
    const d = await insertDossier(database.db);
    const before = await a.find(d.code, d.secret);
    await otherProcess.query('begin');
    await otherProcess.query(`update dossier set status = 'refused' where id = $1`, [d.id]);
    await otherProcess.query('select pg_notify($1, $2)', [DOSSIER_CHANGED_CHANNEL, d.code]);
    await otherProcess.query('rollback');
    assert.equal(await a.find(d.code, d.secret), before);
  });

  test('reads the database, never a stale copy, while its listening connection is down, and caches again once it is back', async () => {
    const d = await insertDossier(database.db);
    await a.find(d.code, d.secret);
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where query = ${`listen ${DOSSIER_CHANGED_CHANNEL}`} and datname = current_database()`.execute(database.db);
    // Kill every listener, then change the dossier while nobody hears it.
    await changeElsewhere(d.id, d.code);
    assert.equal((await a.find(d.code, d.secret)).status, 'received');
    assert.equal((await b.find(d.code, d.secret)).status, 'received');
    // Reconnection (back-off starts at 250 ms): then lookups are cached again.
    let cachedAgain = false;
    for (let i = 0; i < 50 && !cachedAgain; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const first = await a.find(d.code, d.secret);
      cachedAgain = (await a.find(d.code, d.secret)) === first;
    }
    assert.ok(cachedAgain, 'the cache is used again after reconnecting');
    const e = await insertDossier(database.db);
    await a.find(e.code, e.secret);
    await changeElsewhere(e.id, e.code);
    assert.equal((await a.find(e.code, e.secret)).status, 'received');
  });
});
