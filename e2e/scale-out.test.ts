import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { loadDemoData } from '../src/main/seed.js';
import { createUsersService } from '../src/modules/admin/index.js';
import { DossierRepository, createSubmissionService, parseDossierCode, type SubmissionService } from '../src/modules/dossiers/index.js';
import { createFormsService, type FormValues } from '../src/modules/forms/index.js';
import { createIdentityServices } from '../src/modules/identity/index.js';
import { csrfTokenIn } from '../src/modules/identity/testing.js';
import { createNotificationService } from '../src/modules/notifications/index.js';
import { loadConfig } from '../src/platform/config/config.js';
import type { Database } from '../src/platform/db/database.js';
import { openTestDatabase } from '../src/platform/db/testing.js';
import type { SessionUser } from '../src/platform/http/auth.js';
import { HEARTBEAT_JOB } from '../src/platform/jobs/heartbeat.js';
import { openJobQueue, type JobQueue } from '../src/platform/jobs/queue.js';
import { createLogger } from '../src/platform/logging/logger.js';

/*
 * Scale-out on one PostgreSQL: two web processes and two worker processes (the real entry points, each with its
 * own pool) on a fresh database. Concurrent submissions over HTTP through both web processes never share a code
 * nor get lost; jobs sent once run once across both workers; a submission whose answer never reached the client is
 * found again by its retry; and when a web process is killed (-9) in the middle of a burst, every acknowledged
 * submission exists exactly once and every failed one can be retried to exactly once. A to-do records what a frozen
 * (not dead) web process does to the others. PostgreSQL only: with the embedded database one process owns the data.
 * About 45 s: most of it loading the demo data and starting the four processes.
 */

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const serverUrl = process.env.DATABASE_URL ?? '';
const citizenPassword = 'Demo@2026';
/** The residence-confirmation e-form's own answers (1.010041), as stored once parsed. */
const requestAnswers = { contents: ['permanent'], purpose: 'Bổ sung hồ sơ xin việc', declaration: true };

/** One spawned process of the portal and the JSON log lines it printed. */
class PortalProcess {
  readonly lines: string[] = [];
  private stderr = '';
  private readonly waiters = new Set<{ match: (line: string) => boolean; resolve: (line: string) => void }>();
  readonly exited: Promise<void>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (this.lines.length < 50_000) this.lines.push(line);
      for (const w of this.waiters) if (w.match(line)) w.resolve(line);
    });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The first line (past or future) that `match` accepts; rejects after `timeoutMs` or when the process ends. */
  waitForLine(match: (line: string) => boolean, timeoutMs: number): Promise<string> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve: (line: string) => finish(() => resolve(line)) };
      const timer = setTimeout(() => finish(() => reject(new Error(`${this.name}: no expected log line within ${timeoutMs} ms\n${this.tail()}`))), timeoutMs);
      const ended = () => finish(() => reject(new Error(`${this.name} exited (${this.child.exitCode ?? this.child.signalCode})\n${this.tail()}`)));
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        this.child.off('exit', ended);
        settle();
      };
      this.waiters.add(waiter);
      this.child.once('exit', ended);
    });
  }

  /** JSON log records whose `action` is `action`. */
  records(action: string): Record<string, unknown>[] {
    return this.lines.filter((l) => l.includes(`"${action}"`)).map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.action === action);
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it has not ended within `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (!this.running) return;
    this.kill('SIGTERM');
    const ended = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!ended) {
      this.kill('SIGKILL');
      await this.exited;
    }
  }

  tail(): string {
    return `${this.lines.slice(-10).join('\n')}\n${this.stderr}`;
  }
}

const spawned: PortalProcess[] = [];
// Whatever happens to the test runner, no server outlives it.
process.once('exit', () => {
  for (const p of spawned) p.kill('SIGKILL');
});

function startProcess(name: string, entry: string, env: Record<string, string>): PortalProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const p = new PortalProcess(name, child);
  spawned.push(p);
  return p;
}

interface Reply {
  status: number;
  location: string;
  body: string;
}

/** A signed-in citizen over real HTTP: a cookie jar, and the CSRF token of the last page it loaded. */
class HttpCitizen {
  private readonly cookies = new Map<string, string>();
  token = '';

  async request(baseUrl: string, method: 'GET' | 'POST', path: string, form?: Record<string, string>, signal = AbortSignal.timeout(15_000)): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
      redirect: 'manual',
      signal,
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = cookie.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = value === '' || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const body = await res.text();
    const token = csrfTokenIn(body);
    if (token) this.token = token;
    return { status: res.status, location: res.headers.get('location') ?? '', body };
  }

  async signIn(baseUrl: string, account: string): Promise<void> {
    await this.request(baseUrl, 'GET', '/dang-nhap');
    const res = await this.request(baseUrl, 'POST', '/dang-nhap', { account, password: citizenPassword, _csrf: this.token });
    assert.equal(res.status, 303, `sign-in on ${baseUrl}: ${res.status} ${res.body.slice(0, 300)}`);
  }

  /** The final step of the journey: the "Submit" button of the review page; `signal` to give up early. */
  submit(baseUrl: string, draftId: string, signal?: AbortSignal): Promise<Reply> {
    return this.request(baseUrl, 'POST', `/ho-so-nhap/${draftId}/nop`, { _csrf: this.token }, signal);
  }
}

function codeOf(location: string): string | null {
  const m = /^\/ho-so\/([^?/]+)\?moi=1$/.exec(location);
  return m ? decodeURIComponent(m[1]!) : null;
}

interface Attempt {
  draftId: string;
  web: string;
  /** The code of the 303 acknowledgement, or null when the request failed. */
  code: string | null;
  failure: string | null;
}

/** Submits every draft over HTTP, `lanes` at a time, draft i through `webs[i % webs.length]`. */
async function submitAll(draftIds: string[], webs: string[], users: HttpCitizen[], lanes: number, onAck?: () => void): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      const user = users[lane % users.length]!;
      while (next < draftIds.length) {
        const i = next++;
        const draftId = draftIds[i]!;
        const web = webs[i % webs.length]!;
        try {
          const res = await user.submit(web, draftId);
          const code = res.status === 303 ? codeOf(res.location) : null;
          attempts.push({ draftId, web, code, failure: code ? null : `HTTP ${res.status} ${res.location}` });
          if (code) onAck?.();
        } catch (error) {
          const cause = (error as { cause?: { code?: string } }).cause?.code;
          attempts.push({ draftId, web, code: null, failure: cause ?? String(error) });
        }
      }
    }),
  );
  return attempts;
}

const skip = serverUrl ? false : 'needs PostgreSQL (DATABASE_URL): with the embedded database one process owns the data';

describe('two web and two worker processes on one PostgreSQL', { timeout: 150_000 }, () => {
  let database: Database;
  let dataDir: string;
  let submission: SubmissionService;
  let repository: DossierRepository;
  let citizen: SessionUser;
  let account: string;
  let agency: { id: number; code: string };
  let webs: PortalProcess[] = [];
  const workers: PortalProcess[] = [];
  let webUrls: string[] = [];
  let queue: JobQueue | undefined;

  before(async () => {
    if (skip) return;
    database = await openTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'motcua-scale-'));
    const config = loadConfig({ LOG_LEVEL: 'silent' }, { dataDir });
    const demo = await loadDemoData(database, config, { quiet: true });
    account = demo.accounts.find((a) => a.role === 'citizen')!.username;
    const user = await createUsersService(database).getByUsername(account);
    citizen = { id: user.id, kind: 'citizen', displayName: user.displayName, agencyId: null, roles: [] };
    const notifications = createNotificationService(database);
    const identity = createIdentityServices(database, { notifications, secret: config.sessionSecret });
    repository = new DossierRepository(database.db, database.cipher);
    const forms = createFormsService(database, {
      profiles: identity.profiles,
      previous: async (userId, code) => (await repository.latestValues(userId, code)) as FormValues | null,
    });
    submission = createSubmissionService(database, { forms, notifications, draftLifetimeDays: config.draftLifetimeDays });
    const procedure = await repository.procedureForSubmission('1.010041');
    const first = (await repository.receivingAgencies(procedure!.id))[0]!;
    agency = { id: first.id, code: first.code };

    const name = (await sql<{ name: string }>`select current_database() as name`.execute(database.db)).rows[0]!.name;
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const env = {
      DATABASE_URL: url.toString(),
      DATABASE_POOL_SIZE: '5',
      DATA_DIR: dataDir,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      // Every virtual user comes from 127.0.0.1: the per-address limits would stop the test, not an attacker.
      AUTH_RATE_LIMIT: '1000000',
    };
    webs = [0, 1].map((i) => startProcess(`web ${i + 1}`, 'src/main/web.ts', { ...env, LOG_LEVEL: 'info' }));
    // Debug level: each worker logs every job it completes (action job.completed), which the job test counts.
    const startWorker = async (i: number) => {
      const worker = startProcess(`worker ${i + 1}`, 'src/main/worker.ts', { ...env, LOG_LEVEL: 'debug' });
      workers.push(worker);
      await worker.waitForLine((l) => l.includes('"worker.started"'), 60_000);
    };
    // The second worker starts once the first is up: two workers creating the same new queues at once can
    // deadlock in pg-boss's create_queue and one of them exits (a known defect, reported with this test).
    const workersUp = startWorker(0).then(() => startWorker(1));
    webUrls = await Promise.all(
      webs.map(async (w) => {
        const line = await w.waitForLine((l) => /Server listening at http:\/\/127\.0\.0\.1:\d+/.test(l), 60_000);
        return /(http:\/\/127\.0\.0\.1:\d+)/.exec(line)![1]!;
      }),
    );
    await workersUp;
  });

  after(async () => {
    await queue?.stop({ graceful: false }).catch(() => undefined);
    await Promise.all([...webs, ...workers].map((p) => p.stop(5_000)));
    await database?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** `count` drafts ready to submit: the first answered through the service, the others copies of it. */
  async function readyDrafts(count: number): Promise<string[]> {
    const first = await submission.startDraft(citizen, '1.010041');
    await submission.saveAnswers(citizen, first.id, requestAnswers, 'request');
    await submission.chooseReception(citizen, first.id, agency.id, 'online');
    assert.deepEqual(await submission.problems(citizen, first.id), []);
    const template = await submission.draft(citizen, first.id);
    const ids = [first.id];
    for (let i = 1; i < count; i++) {
      const id = randomUUID();
      await repository.insertDraft({
        id,
        ownerUserId: citizen.id,
        procedureId: template.procedure.id,
        procedureVersionId: template.procedureVersionId,
        formVersion: template.formVersion,
        values: template.values,
        onBehalfOf: null,
        expiresAt: template.expiresAt,
      });
      await submission.chooseReception(citizen, id, agency.id, 'online');
      ids.push(id);
    }
    return ids;
  }

  /** Virtual users, each signed in through one web process and holding the review page's CSRF token. */
  async function signedInUsers(count: number, reviewDraftId: string): Promise<HttpCitizen[]> {
    return Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const user = new HttpCitizen();
        await user.signIn(webUrls[i % webUrls.length]!, account);
        // The session lives in the database: the other web process knows it too.
        const review = await user.request(webUrls[(i + 1) % webUrls.length]!, 'GET', `/ho-so-nhap/${reviewDraftId}/kiem-tra`);
        assert.equal(review.status, 200, `review page: ${review.status}`);
        return user;
      }),
    );
  }

  async function storedDossiers(draftIds: string[]): Promise<Map<string, string[]>> {
    const rows = await database.db.selectFrom('dossier').select(['code', 'draft_id']).where('draft_id', 'in', draftIds).execute();
    const byDraft = new Map<string, string[]>();
    for (const r of rows) byDraft.set(r.draft_id!, [...(byDraft.get(r.draft_id!) ?? []), r.code]);
    return byDraft;
  }

  async function duplicateCodes(): Promise<string[]> {
    const rows = await database.db.selectFrom('dossier').select('code').groupBy('code').having((eb) => eb.fn.countAll(), '>', 1).execute();
    return rows.map((r) => r.code);
  }

  test('concurrent submissions through both web processes get distinct codes and none is lost', { skip }, async (t) => {
    const drafts = await readyDrafts(60);
    const users = await signedInUsers(4, drafts[0]!);
    const started = performance.now();
    const attempts = await submitAll(drafts, webUrls, users, 12);
    t.diagnostic(`60 submissions over HTTP in ${Math.round(performance.now() - started)} ms`);
    const failed = attempts.filter((a) => a.code === null);
    assert.deepEqual(failed, [], 'every submission is acknowledged');
    const codes = attempts.map((a) => a.code!);
    assert.equal(new Set(codes).size, 60, 'no duplicate codes');
    const stored = await storedDossiers(drafts);
    for (const a of attempts) assert.deepEqual(stored.get(a.draftId), [a.code], `draft ${a.draftId} is exactly its acknowledged dossier`);
    for (const code of codes) assert.equal(parseDossierCode(code)?.agencyCode, agency.code);
    assert.ok(new Set(attempts.map((a) => a.web)).size === 2, 'both web processes took submissions');
    assert.deepEqual(await duplicateCodes(), []);
  });

  test('jobs sent once run once across both workers', { skip }, async (t) => {
    queue = openJobQueue(database, createLogger('silent'), { cron: false });
    await queue.start();
    // The heartbeat is the cheapest existing job. Enough of them that the second worker's poll (every 2 s when
    // idle) comes round while the first is still busy, so both take part.
    const count = 600;
    const ids: string[] = [];
    for (let i = 0; i < count; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => queue!.send(HEARTBEAT_JOB, {}, { retryLimit: 0, expireInSeconds: 50 })));
      ids.push(...batch.map((id) => id!));
    }
    const deadline = Date.now() + 45_000;
    let states: { id: string; state: string; retry_count: number }[] = [];
    for (;;) {
      states = (await sql<{ id: string; state: string; retry_count: number }>`
        select id::text as id, state::text as state, retry_count from pgboss.job where id = any(${ids}::uuid[])
        union all
        select id::text, state::text, retry_count from pgboss.archive where id = any(${ids}::uuid[])`.execute(database.db)).rows;
      if (states.filter((s) => s.state === 'completed').length === count || Date.now() > deadline) break;
      await sleep(200);
    }
    assert.equal(states.length, count, 'every job was stored');
    assert.deepEqual(
      states.filter((s) => s.state !== 'completed' || s.retry_count !== 0),
      [],
      'every job completed on its first claim (a second claim would have raised retry_count)',
    );
    // The workers' own account: each completion is logged by the worker that ran it.
    await sleep(300);
    const runs = new Map<string, number>();
    const perWorker = workers.map((w) => {
      const mine = w.records('job.completed').filter((r) => r.job === HEARTBEAT_JOB && ids.includes(String(r.jobId)));
      for (const r of mine) runs.set(String(r.jobId), (runs.get(String(r.jobId)) ?? 0) + 1);
      return mine.length;
    });
    t.diagnostic(`jobs completed per worker: ${perWorker.join(' + ')}`);
    assert.equal(runs.size, count, 'every job ran');
    assert.deepEqual([...runs.values()].filter((n) => n !== 1), [], 'no job ran twice');
    assert.ok(perWorker.every((n) => n > 0), `both workers ran jobs (${perWorker.join(' + ')})`);
  });

  // Known defect (see the report of the scale-out work): no lock, statement or idle-in-transaction timeout is set on
  // the pools, so a web process that stops responding while it holds the dossier-code counter row (frozen, paused VM,
  // network partition with the connection left open) stalls every submission to that agency on every other process
  // until it resumes or its connection dies. Runs as a to-do: it reports the stall without failing the suite.
  test('a frozen web process does not stall the other process\'s submissions to the same agency', { skip, todo: 'the pools now end sessions idle in a transaction after 15 s, longer than this test waits; a frozen process holding the counter still stalls its agency that long' }, async (t) => {
    const drafts = await readyDrafts(60);
    const users = await signedInUsers(4, drafts[0]!);
    const frozen = webs[1]!;
    const healthy = webUrls[0]!;
    let acks = 0;
    let stoppedAt = 0;
    // Load the soon-frozen process alone, so that it is inside a submission's transaction when it stops.
    const burst = submitAll(drafts.slice(0, 40), [webUrls[1]!], users, 8, () => {
      if (++acks === 10 && frozen.running && stoppedAt === 0) {
        stoppedAt = performance.now();
        frozen.kill('SIGSTOP');
      }
    });
    try {
      const deadline = Date.now() + 10_000;
      while (stoppedAt === 0 && Date.now() < deadline) await sleep(20);
      assert.ok(stoppedAt > 0, 'the process was frozen during the burst');
      const holding = await sql<{ n: number }>`
        select count(*)::int as n from pg_stat_activity
        where datname = current_database() and state = 'idle in transaction'`.execute(database.db);
      t.diagnostic(`transactions left open by the frozen process: ${holding.rows[0]!.n}`);
      const started = performance.now();
      const others = await Promise.all(
        drafts.slice(40, 45).map(async (draftId, i) => {
          try {
            const res = await Promise.race([users[i % users.length]!.submit(healthy, draftId), sleep(10_000).then(() => null)]);
            return res?.status ?? 'no answer within 10 s';
          } catch (error) {
            return String(error);
          }
        }),
      );
      t.diagnostic(`submissions through the healthy process while the other is frozen: ${others.join(', ')} (${Math.round(performance.now() - started)} ms)`);
      assert.deepEqual(others, [303, 303, 303, 303, 303], 'the healthy process keeps accepting submissions');
    } finally {
      frozen.kill('SIGCONT');
      await burst;
    }
  });

  test('a submission whose acknowledgement was lost is found again by its retry', { skip }, async (t) => {
    const drafts = await readyDrafts(5);
    const [user] = await signedInUsers(1, drafts[0]!);
    let unacknowledged = 0;
    for (const [i, draftId] of drafts.entries()) {
      // The client gives up (a timeout, a closed tab) while the server is still working on the submission.
      const lost = await user!.submit(webUrls[i % webUrls.length]!, draftId, AbortSignal.timeout(3)).catch(() => null);
      let stored: string[] | undefined;
      for (const deadline = Date.now() + 5_000; !lost && !stored && Date.now() < deadline; await sleep(20)) stored = (await storedDossiers([draftId])).get(draftId);
      if (!lost && stored) unacknowledged++;
      const retry = await user!.submit(webUrls[(i + 1) % webUrls.length]!, draftId);
      assert.equal(retry.status, 303);
      const final = (await storedDossiers([draftId])).get(draftId);
      assert.deepEqual(final, [codeOf(retry.location)], 'the retry answers with the one stored dossier');
      if (stored) assert.deepEqual(stored, final, 'the dossier stored without acknowledgement is the one the retry finds');
    }
    t.diagnostic(`stored without acknowledgement, then found by the retry: ${unacknowledged} of ${drafts.length}`);
    assert.ok(unacknowledged > 0, 'at least one submission was committed after its client had gone');
  });

  test('a web process killed (-9) during a burst loses no acknowledged submission; failed ones retry to exactly once', { skip }, async (t) => {
    const drafts = await readyDrafts(120);
    const users = await signedInUsers(4, drafts[0]!);
    let acks = 0;
    let killedAt = 0;
    const victim = webs[0]!;
    const survivor = webUrls[1]!;
    const burst = submitAll(drafts, webUrls, users, 12, () => {
      acks++;
      if (acks === 20 && victim.running) {
        killedAt = performance.now();
        victim.kill('SIGKILL');
      }
    });
    const attempts = await burst;
    await victim.exited;
    assert.ok(killedAt > 0, 'the process was killed during the burst');
    const acknowledged = attempts.filter((a) => a.code !== null);
    const failed = attempts.filter((a) => a.code === null);
    t.diagnostic(`burst: ${acknowledged.length} acknowledged, ${failed.length} failed (${[...new Set(failed.map((f) => f.failure))].join(', ')})`);
    assert.ok(failed.length > 0, 'some submissions failed with the process');

    const stored = await storedDossiers(drafts);
    for (const a of acknowledged) assert.deepEqual(stored.get(a.draftId), [a.code], `acknowledged ${a.code} is stored exactly once`);
    // A request cut off after its transaction committed has a dossier without an acknowledgement: the retry finds it.
    const committedUnacknowledged = failed.filter((f) => stored.has(f.draftId)).length;
    t.diagnostic(`failed but committed before the kill: ${committedUnacknowledged}`);

    const retries = await submitAll(
      failed.map((f) => f.draftId),
      [survivor],
      users,
      6,
    );
    assert.deepEqual(retries.filter((r) => r.code === null), [], 'every retry through the surviving process is acknowledged');
    const final = await storedDossiers(drafts);
    for (const r of retries) assert.deepEqual(final.get(r.draftId), [r.code], `retried draft ${r.draftId} is exactly one dossier`);
    for (const [draftId, previous] of stored) assert.deepEqual(final.get(draftId), previous, 'a retry never replaces a stored dossier');
    assert.equal(final.size, drafts.length, 'every draft ended up as one dossier');
    assert.deepEqual(await duplicateCodes(), []);
  });
});
