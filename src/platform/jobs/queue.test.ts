import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../db/database.js';
import { openTestDatabase } from '../db/testing.js';
import { createLogger } from '../logging/logger.js';
import { currentWorkerIdentity, lastHeartbeat, recordHeartbeat } from './heartbeat.js';
import { lockedScriptBody } from './pgboss-queue.js';
import { openJobQueue, type JobQueue, type JobQueueOptions } from './queue.js';

// Medium tests: the real queue on a real database — in-memory PGlite, or PostgreSQL when DATABASE_URL is set.
// Intervals are shortened so that retries and lease expiry happen within seconds.
const logger = createLogger(process.env.LOG_LEVEL ?? 'silent');
const fast: JobQueueOptions = { pollIntervalMs: 25, maintenanceIntervalSeconds: 1, cron: false };

let database: Database;
const opened: JobQueue[] = [];
const extraHandles: Database[] = [];

before(async () => {
  database = await openTestDatabase();
});
after(async () => {
  for (const queue of opened) await queue.stop({ graceful: false });
  for (const handle of extraHandles) await handle.close();
  // pg's pool.end() resolves before its sockets are closed, and dropping the test database terminates whatever
  // is still connected: an error event that would crash the test process. Wait until the second pools are gone.
  if (extraHandles.length > 0) {
    await waitFor('the second pools to disconnect', async () => {
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity where application_name = ${SECOND_POOL}`.execute(database.db);
      return rows[0]!.n === 0;
    });
  }
  await database.close();
});

async function startQueue(on: Database = database): Promise<JobQueue> {
  const queue = openJobQueue(on, logger, fast);
  opened.push(queue);
  await queue.start();
  return queue;
}

const SECOND_POOL = 'motcua-test-second-pool';

/** A second connection pool to the test database, as a second worker process would have; PGlite has one session. */
async function secondHandle(): Promise<Database> {
  if (database.kind === 'embedded') return database;
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(database.db);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${rows[0]!.name}`;
  url.searchParams.set('application_name', SECOND_POOL);
  const handle = await openDatabase({ url: url.toString(), poolSize: 5 });
  extraHandles.push(handle);
  return handle;
}

async function waitFor(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

test('recognises the shape of pg-boss scripts that must run whole', () => {
  assert.equal(lockedScriptBody('\n  BEGIN;\n  SELECT 1;\n  SELECT 2;\n  COMMIT;\n  '), '\n  SELECT 1;\n  SELECT 2');
  assert.equal(lockedScriptBody('SELECT version FROM pgboss.version'), null);
});

test('handles a sent job once, with its payload', async () => {
  const queue = await startQueue();
  const seen: { payload: unknown; attempt: number }[] = [];
  await queue.work<{ n: number }>('test.once', async (payload, job) => {
    seen.push({ payload, attempt: job.attempt });
  });
  const id = await queue.send('test.once', { n: 42 });
  assert.ok(id);
  await waitFor('the job to complete', async () => (await queue.getJob('test.once', id))?.state === 'completed');
  await sleep(200); // a second delivery, if any, would have happened by now
  assert.deepEqual(seen, [{ payload: { n: 42 }, attempt: 1 }]);
});

test('retries a failing job with growing delays, ends it failed after the limit, and keeps serving other jobs', async () => {
  const queue = await startQueue();
  const runs: { n: number; at: number }[] = [];
  await queue.work<{ n: number }>('test.flaky', async ({ n }) => {
    runs.push({ n, at: Date.now() });
    if (n === 1) throw Object.assign(new Error('provider unreachable'), { code: 'PROVIDER_DOWN' });
  });
  const failing = await queue.send('test.flaky', { n: 1 }, { retryLimit: 2, retryDelaySeconds: 1 });
  assert.ok(failing);
  await waitFor('the first attempt', () => runs.length === 1);
  // Sent while the failing job waits for its retry: it must not wait behind it.
  const healthy = await queue.send('test.flaky', { n: 2 });
  assert.ok(healthy);
  await waitFor('the failing job to be given up', async () => (await queue.getJob('test.flaky', failing))?.state === 'failed');

  const attempts = runs.filter((r) => r.n === 1).map((r) => r.at);
  assert.equal(attempts.length, 3, 'one attempt and two retries');
  // Backoff: the first retry waits 1–2 × the delay, the second 2–4 × (pg-boss adds jitter).
  assert.ok(attempts[1]! - attempts[0]! >= 900, `first retry after ${attempts[1]! - attempts[0]!} ms`);
  assert.ok(attempts[2]! - attempts[1]! >= 1900, `second retry after ${attempts[2]! - attempts[1]!} ms`);
  const healthyRun = runs.find((r) => r.n === 2);
  assert.ok(healthyRun && healthyRun.at < attempts[1]!, 'the other job ran while the failing one was waiting');
  assert.equal((await queue.getJob('test.flaky', healthy))?.state, 'completed');

  const gaveUp = await queue.getJob('test.flaky', failing);
  assert.equal(gaveUp?.attempts, 3);
  assert.deepEqual(gaveUp?.error, { message: 'provider unreachable', code: 'PROVIDER_DOWN' });
});

test('a singleton key makes a second send of the same job a no-op', async () => {
  const queue = await startQueue();
  const handled: string[] = [];
  const first = await queue.send('test.singleton', { to: 'a' }, { singletonKey: 'dossier:1:received' });
  const again = await queue.send('test.singleton', { to: 'a' }, { singletonKey: 'dossier:1:received' });
  const other = await queue.send('test.singleton', { to: 'b' }, { singletonKey: 'dossier:2:received' });
  assert.ok(first);
  assert.equal(again, null);
  assert.ok(other);
  await queue.work<{ to: string }>('test.singleton', async ({ to }) => {
    handled.push(to);
  });
  await waitFor('both jobs', () => handled.length === 2);
  // Still deduplicated once the job has run.
  assert.equal(await queue.send('test.singleton', { to: 'a' }, { singletonKey: 'dossier:1:received' }), null);
  await sleep(200);
  assert.deepEqual(handled.sort(), ['a', 'b']);
});

test('a job sent in a transaction exists only if the transaction commits', async () => {
  const queue = await startQueue();
  const handled: string[] = [];
  await queue.work<{ outcome: string }>('test.outbox', async ({ outcome }) => {
    handled.push(outcome);
  });
  await assert.rejects(
    database.db.transaction().execute(async (trx) => {
      await queue.sendInTransaction(trx, 'test.outbox', { outcome: 'rolled back' });
      throw new Error('the state change failed');
    }),
    /the state change failed/,
  );
  const id = await database.db.transaction().execute((trx) => queue.sendInTransaction(trx, 'test.outbox', { outcome: 'committed' }));
  assert.ok(id);
  await waitFor('the committed job', () => handled.length === 1);
  await sleep(200);
  assert.deepEqual(handled, ['committed']);
});

test('two workers with their own connection pools handle each of 200 jobs exactly once', { skip: process.env.DATABASE_URL ? false : 'needs PostgreSQL (DATABASE_URL)' }, async () => {
  const one = await startQueue();
  const two = await startQueue(await secondHandle());
  const counts = new Map<number, number>();
  const byWorker = [0, 0];
  const handler = (worker: number) => async ({ n }: { n: number }) => {
    counts.set(n, (counts.get(n) ?? 0) + 1);
    byWorker[worker]! += 1;
    await sleep(Math.random() * 5);
  };
  await one.work('test.many', handler(0), { concurrency: 4 });
  await two.work('test.many', handler(1), { concurrency: 4 });
  for (let start = 0; start < 200; start += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, i) => one.send('test.many', { n: start + i })));
  }
  await waitFor('all 200 jobs', () => counts.size === 200, 20_000);
  await sleep(300);
  assert.equal(counts.size, 200);
  assert.deepEqual([...counts.values()].filter((c) => c !== 1), [], 'no job ran twice');
  assert.ok(byWorker[0]! > 0 && byWorker[1]! > 0, `both workers took jobs: ${byWorker.join(' / ')}`);
  const { rows } = await sql<{ state: string; n: number }>`
    select state::text as state, count(*)::int as n from pgboss.job where name = 'test.many' group by state`.execute(database.db);
  assert.deepEqual(rows, [{ state: 'completed', n: 200 }]);
});

test('a job whose worker died is taken again once its lease expires', async () => {
  const survivor = await startQueue(await secondHandle());
  const doomed = await startQueue();
  const started: number[] = [];
  await doomed.work('test.lease', async (_payload, job) => {
    started.push(job.attempt);
    // Never finishes by itself: only the stop below ends it (its outcome is then ignored).
    await new Promise((resolve) => job.signal.addEventListener('abort', resolve));
  });
  const id = await doomed.send('test.lease', {}, { expireInSeconds: 2, retryLimit: 1, retryDelaySeconds: 0 });
  assert.ok(id);
  await waitFor('the first worker to claim the job', () => started.length === 1);
  await doomed.stop({ graceful: false });
  assert.equal((await survivor.getJob('test.lease', id))?.state, 'active', 'still claimed by the dead worker');

  const retried: number[] = [];
  await survivor.work('test.lease', async (_payload, job) => {
    retried.push(job.attempt);
  });
  await waitFor('the survivor to run the job', () => retried.length === 1, 8000);
  assert.deepEqual(retried, [2]);
  await waitFor('the job to complete', async () => (await survivor.getJob('test.lease', id))?.state === 'completed');
  assert.deepEqual(started, [1], 'the dead worker did not run it again');
});

test('a graceful stop lets the running job finish and report', async () => {
  const queue = await startQueue();
  let finished = false;
  await queue.work('test.graceful', async () => {
    await sleep(300);
    finished = true;
  });
  const id = await queue.send('test.graceful', {});
  assert.ok(id);
  await sleep(100);
  await queue.stop({ graceful: true, timeoutMs: 5000 });
  assert.equal(finished, true);
  const observer = await startQueue();
  assert.equal((await observer.getJob('test.graceful', id))?.state, 'completed');
});

test('the heartbeat job records the newest worker beat', async () => {
  const queue = await startQueue();
  const worker = currentWorkerIdentity();
  assert.equal(await lastHeartbeat(database.db), null);
  await queue.work('test.heartbeat', () => recordHeartbeat(database.db, worker));
  await queue.send('test.heartbeat', {});
  await waitFor('a beat', async () => (await lastHeartbeat(database.db)) !== null);
  const beat = await lastHeartbeat(database.db);
  assert.equal(beat?.workerId, worker.workerId);
  assert.ok(Math.abs(beat!.at.getTime() - Date.now()) < 60_000);
});
