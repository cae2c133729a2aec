import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { loadConfig } from '../../platform/config/config.js';
import { csrfPlugin } from '../../platform/http/csrf.js';
import { createServer } from '../../platform/http/server.js';
import type { Database } from '../../platform/db/database.js';
import type { Database as Schema } from '../../platform/db/schema.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { DOSSIER_CHANGED_CHANNEL, dossierChanged } from '../dossiers/index.js';
import { coalescedBarrier, LookupCache, postgresChangeFeed } from './lookup.cache.js';
import { LookupService as LookupServiceClass } from './lookup.service.js';
import { createLookupService, LookupErrors, lookupRoutes, type LookupService } from './index.js';

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

/** A round trip the test answers by hand, and a clock it moves by hand. */
function fakeRoundTrips() {
  const pending: { sentAt: number; answer: (ok: boolean) => void }[] = [];
  const clock = { now: 0 };
  return {
    clock,
    pending,
    roundTrip: () => new Promise<boolean>((resolve) => pending.push({ sentAt: clock.now, answer: resolve })),
    /** Answers the oldest round trip still pending and lets its waiters run. */
    async answer(ok = true) {
      pending.shift()!.answer(ok);
      for (let i = 0; i < 5; i++) await Promise.resolve();
    },
  };
}

/** Resolves to 'waiting' while `promise` is still pending after the microtasks queued so far have run. */
async function state(promise: Promise<boolean>): Promise<boolean | 'waiting'> {
  return Promise.race([promise, new Promise<'waiting'>((resolve) => setImmediate(() => resolve('waiting')))]);
}

describe('lookup read barrier', () => {
  test('with no staleness, waits for a round trip sent after the lookup began, shared by the lookups that arrived meanwhile', async () => {
    const rt = fakeRoundTrips();
    const barrier = coalescedBarrier({ roundTrip: rt.roundTrip, maxStalenessMs: 0, now: () => rt.clock.now });
    const first = barrier.sync();
    assert.equal(rt.pending.length, 1);
    const second = barrier.sync();
    const third = barrier.sync();
    assert.equal(rt.pending.length, 1, 'the later lookups wait for the next round trip, not a new one each');
    await rt.answer();
    assert.equal(await first, true);
    assert.equal(await state(second), 'waiting', 'a round trip sent before the lookup began proves nothing');
    assert.equal(rt.pending.length, 1, 'one new round trip for both');
    await rt.answer();
    assert.deepEqual([await second, await third], [true, true]);
    // Answered a moment ago, same clock: still not accepted without a new round trip.
    const fourth = barrier.sync();
    assert.equal(await state(fourth), 'waiting');
    await rt.answer(false);
    assert.equal(await fourth, false, 'a failed round trip answers false (the lookup reads the database)');
  });

  test('with a staleness bound N, accepts a round trip sent at most N ms before the lookup began, and never an older one', async () => {
    const rt = fakeRoundTrips();
    const barrier = coalescedBarrier({ roundTrip: rt.roundTrip, maxStalenessMs: 1000, now: () => rt.clock.now });
    rt.clock.now = 10_000;
    const first = barrier.sync();
    await rt.answer();
    assert.equal(await first, true);
    // Within N/2 of the answered round trip (sent at 10,000): answered at once, nothing sent.
    rt.clock.now = 10_500;
    assert.equal(await state(barrier.sync()), true);
    assert.equal(rt.pending.length, 0);
    // Between N/2 and N: answered at once, and the next round trip starts in the background.
    rt.clock.now = 10_900;
    assert.equal(await state(barrier.sync()), true);
    assert.equal(rt.pending.length, 1);
    assert.equal(rt.pending[0]!.sentAt, 10_900);
    // Past N from the last answered one (10,000) but within N of the one in flight (10,900): waits for that one.
    rt.clock.now = 11_001;
    const waiting = barrier.sync();
    assert.equal(await state(waiting), 'waiting');
    await rt.answer();
    assert.equal(await waiting, true);
    assert.equal(rt.pending.length, 0);
    // Past N from everything: waits for a round trip sent after it began.
    rt.clock.now = 11_901;
    const late = barrier.sync();
    assert.equal(await state(late), 'waiting');
    assert.equal(rt.pending.length, 1);
    assert.equal(rt.pending[0]!.sentAt, 11_901);
    await rt.answer();
    assert.equal(await late, true);
  });

  test('forgets answered round trips when the connection they travelled on is gone', async () => {
    const rt = fakeRoundTrips();
    const barrier = coalescedBarrier({ roundTrip: rt.roundTrip, maxStalenessMs: 1000, now: () => rt.clock.now });
    const first = barrier.sync();
    await rt.answer();
    assert.equal(await first, true);
    barrier.reset();
    rt.clock.now = 1;
    const after = barrier.sync();
    assert.equal(await state(after), 'waiting', 'no answer from before the reset is accepted');
    // A round trip in flight across a reset does not count either, even if answered.
    barrier.reset();
    await rt.answer();
    assert.equal(await after, true);
    assert.equal(await state(barrier.sync()), 'waiting');
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
    // Staleness 0 (LOOKUP_MAX_STALENESS_MS=0): exact read-your-writes across processes.
    a = await createLookupService(database, { maxStalenessMs: 0 });
    b = await createLookupService(database, { maxStalenessMs: 0 });
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

  test('with a staleness bound N, a change committed elsewhere shows once it arrives, and an answer never misses a change older than N', async () => {
    const bound = 1000;
    const clock = { now: 0 };
    const stale = await LookupServiceClass.create(database.db, {
      feed: (cache) => postgresChangeFeed(cache, { connectionString: database.url, maxStalenessMs: bound, now: () => clock.now }),
    });
    try {
      // Delivery alone: the clock does not move, so no lookup sends a round trip after the first, yet the change shows.
      const d = await insertDossier(database.db);
      assert.equal((await stale.find(d.code, d.secret)).status, 'awaiting_reception');
      const sent = stale.barrierRoundTrips;
      assert.equal(sent, 1);
      await changeElsewhere(d.id, d.code);
      let shown = false;
      for (let i = 0; i < 100 && !shown; i++) {
        shown = (await stale.find(d.code, d.secret)).status === 'received';
        if (!shown) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.ok(shown, 'the notification dropped the cached copy as it arrived');
      assert.equal(stale.barrierRoundTrips, sent, 'within the bound, no lookup waited for a round trip');

      // The bound: dossiers changed elsewhere at known times (fake clock), looked up at others. Every change committed
      // more than N ms before a lookup began must show in it, whatever was cached.
      const dossiers = await Promise.all(Array.from({ length: 6 }, () => insertDossier(database.db)));
      const changedAt = new Map<string, number>();
      let seed = 7;
      const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
      for (const x of dossiers) await stale.find(x.code, x.secret);
      // The clock stands still during a lookup, so a round trip it sends (or starts ahead) is sent at `clock.now`.
      let lastSentAt = clock.now;
      let roundTrips = stale.barrierRoundTrips;
      let skipped = 0;
      for (let step = 0; step < 80; step++) {
        clock.now += Math.floor(random() * 700);
        const x = dossiers[Math.floor(random() * dossiers.length)]!;
        if (!changedAt.has(x.code) && random() < 0.3) {
          await changeElsewhere(x.id, x.code);
          changedAt.set(x.code, clock.now);
          continue;
        }
        const began = clock.now;
        const seen = (await stale.find(x.code, x.secret)).status;
        if (stale.barrierRoundTrips > roundTrips) lastSentAt = began;
        else skipped++;
        roundTrips = stale.barrierRoundTrips;
        assert.ok(lastSentAt >= began - bound, `step ${step}: answered at ${began} with no round trip since ${lastSentAt}`);
        const at = changedAt.get(x.code);
        if (at !== undefined && at < began - bound) assert.equal(seen, 'received', `step ${step}: changed at ${at}, looked up at ${began}`);
        if (at === undefined) assert.equal(seen, 'awaiting_reception');
      }
      assert.ok(changedAt.size >= 3, 'the walk changed several dossiers');
      assert.ok(skipped >= 10, `lookups within the bound send nothing (${skipped} did)`);
    } finally {
      await stale.close();
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

describe('lookup pages and API', () => {
  let app: FastifyInstance;
  let lookup: LookupService;
  before(async () => {
    const config = loadConfig({ LOG_LEVEL: 'silent' });
    app = await createServer({ config, database, portal: { agencyCode: 'T', agencyName: 'Cổng thử' } });
    await app.register(csrfPlugin, { secure: false });
    lookup = await createLookupService(database);
    await app.register(lookupRoutes, { lookup, rateLimit: 3 });
  });
  after(async () => {
    await app.close();
    await lookup.close();
  });

  test('serves the result page (cached or not) with its own address in the header links, security headers and no cookie', async () => {
    const d = await insertDossier(database.db);
    for (const s of [d.secret, d.secret.toLowerCase()]) {
      const url = `/tra-cuu/${encodeURIComponent(d.code)}?s=${s}`;
      const res = await app.inject({ method: 'GET', url, remoteAddress: `10.0.0.${s === d.secret ? 1 : 2}` });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Chờ tiếp nhận|awaiting/i);
      assert.ok(res.body.includes(`next=${encodeURIComponent(url).replaceAll('&', '&amp;')}`), 'the language switch comes back here');
      assert.equal(res.body.includes('%01address%01'), false);
      assert.equal(res.headers['set-cookie'], undefined, 'a page without a form sets no CSRF cookie');
      assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
      assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
    }
  });

  test('shows the page in the visitor\'s language and the change on the next request', async () => {
    const d = await insertDossier(database.db);
    const url = `/tra-cuu/${encodeURIComponent(d.code)}?s=${d.secret}`;
    const en = await app.inject({ method: 'GET', url, cookies: { lang: 'en' }, remoteAddress: '10.0.1.1' });
    assert.match(en.body, /Awaiting reception/);
    await database.db.transaction().execute(async (trx) => {
      await receive(trx, d.id);
      await dossierChanged(trx, d.code);
    });
    const after = await app.inject({ method: 'GET', url, cookies: { lang: 'en' }, remoteAddress: '10.0.1.2' });
    assert.match(after.body, /Received/);
    assert.match(after.body, /Sở thử/);
  });

  test('answers the JSON API with the public view only, and the same 404 for a wrong check and an unknown code', async () => {
    const d = await insertDossier(database.db);
    const ok = await app.inject({ method: 'GET', url: `/api/v1/dossiers/${encodeURIComponent(d.code)}/status?check=5678`, remoteAddress: '10.0.2.1' });
    assert.equal(ok.statusCode, 200);
    const body = ok.json() as { code: string; status: string; history: { at: string }[] };
    assert.equal(body.code, d.code);
    assert.equal(body.status, 'awaiting_reception');
    assert.ok(!Number.isNaN(Date.parse(body.history[0]!.at)));
    assert.equal(ok.body.includes('Nguyễn') || ok.body.includes('0912345678') || ok.body.includes(d.secret), false, 'no personal data, no secret');
    const wrong = await app.inject({ method: 'GET', url: `/api/v1/dossiers/${encodeURIComponent(d.code)}/status?check=1234`, remoteAddress: '10.0.2.2' });
    const unknown = await app.inject({ method: 'GET', url: `/api/v1/dossiers/T01.LK-261123-9999/status?check=5678`, remoteAddress: '10.0.2.3' });
    assert.equal(wrong.statusCode, 404);
    assert.equal(unknown.statusCode, 404);
    assert.equal((wrong.json() as { error: { code: string } }).error.code, 'LOOKUP_NOT_FOUND');
    const shape = (r: typeof ok) => {
      const { error } = r.json() as { error: { code: string; message: string } };
      return { code: error.code, message: error.message };
    };
    assert.deepEqual(shape(unknown), shape(wrong), 'nothing tells the two apart');
  });

  test('limits lookups per address on cached dossiers too', async () => {
    const d = await insertDossier(database.db);
    const url = `/tra-cuu/${encodeURIComponent(d.code)}?s=${d.secret}`;
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await app.inject({ method: 'GET', url, remoteAddress: '10.0.3.1' })).statusCode);
    assert.deepEqual(codes, [200, 200, 200, 429]);
  });
});
