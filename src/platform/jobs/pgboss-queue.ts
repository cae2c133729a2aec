import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CompiledQuery, type Kysely } from 'kysely';
import PgBoss from 'pg-boss';
import type { Database } from '../db/database.js';
import type { Logger } from '../logging/logger.js';
import type { JobContext, JobHandler, JobInfo, JobQueue, SendOptions, WorkOptions } from './queue.js';

/*
 * Why pg-boss, and how it runs on the embedded database.
 *
 * pg-boss 10 (the last line that supports Node 20) keeps jobs in PostgreSQL, claims them with
 * `FOR UPDATE SKIP LOCKED`, retries with exponential backoff, expires leases and archives old jobs. It accepts a
 * custom `db` ({ executeSql(text, values) }), and everything it sends is PostgreSQL that PGlite also runs
 * (partitioned tables, plpgsql, advisory locks), so one code path serves both databases. Tried for real on both:
 * schema install, send, fetch, complete, fail and retry with backoff, lease expiry (queue.test.ts).
 *
 * What needs care is PGlite's single session. Kysely's PGlite dialect hands that session to one user at a time,
 * and an open transaction keeps it; a pg-boss statement sent straight to PGlite would slip into whichever
 * transaction is open and commit or roll back with it. So every pg-boss statement goes through the application's
 * own handle (SharedSessionDb below): parameterised statements through Kysely, pg-boss's BEGIN…COMMIT maintenance
 * scripts through `scriptTransaction`, which takes the session whole. On PostgreSQL the same route simply uses the
 * application's pool. Nothing new is needed from database.ts.
 *
 * The worker loop is ours, on top of pg-boss's fetch/complete/fail: pg-boss 10's own `work()` waits a full polling
 * interval after every batch even when more jobs are waiting, and completes jobs without checking that the
 * attempt still owns them. Ours polls again at once while there is work, runs up to `concurrency` handlers, and
 * stops a handler's attempt before its lease ends so a slow handler cannot complete a job already handed to
 * another worker.
 */

const SCHEMA = 'pgboss';

export interface PgBossQueueOptions {
  /** Wait between two polls of an empty queue (default 2000 ms); tests use tens of milliseconds. */
  pollIntervalMs?: number;
  /** How often expired leases are reclaimed and finished jobs archived (default 30 s, at least 1). */
  maintenanceIntervalSeconds?: number;
  /** Whether this process sends the jobs of cron schedules when they fall due (default true). */
  cron?: boolean;
}

// Defaults of SendOptions, see queue.ts.
const DEFAULT_RETRY_LIMIT = 3;
const DEFAULT_RETRY_DELAY_SECONDS = 30;
const DEFAULT_LEASE_SECONDS = 15 * 60;
const DEFAULT_STOP_TIMEOUT_MS = 30_000;

export class PgBossJobQueue implements JobQueue {
  private readonly boss: PgBoss;
  private readonly sql: SharedSessionDb;
  private readonly workers = new Map<string, JobWorker>();
  private readonly queues = new Map<string, Promise<void>>();
  // Queues known to exist (their creation has finished), as opposed to being created right now.
  private readonly existingQueues = new Set<string>();
  private readonly pollIntervalMs: number;
  private state: 'new' | 'starting' | 'started' | 'stopped' = 'new';

  constructor(
    database: Database,
    private readonly logger: Logger,
    options: PgBossQueueOptions = {},
  ) {
    this.pollIntervalMs = options.pollIntervalMs ?? 2000;
    this.sql = new SharedSessionDb(database);
    this.boss = new PgBoss({
      db: this.sql,
      schema: SCHEMA,
      migrate: true,
      supervise: true,
      schedule: options.cron ?? true,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 30,
    });
    // pg-boss reports maintenance and polling failures as events; an EventEmitter without a listener would crash.
    this.boss.on('error', (error) => {
      this.logger.error({ action: 'jobs.error', err: error }, 'job queue error');
    });
  }

  async start(): Promise<void> {
    if (this.state !== 'new') return;
    this.state = 'starting';
    await this.boss.start();
    this.state = 'started';
    for (const worker of this.workers.values()) {
      await this.ensureQueue(worker.name);
      worker.start();
    }
  }

  async stop(options: { graceful: boolean; timeoutMs?: number }): Promise<void> {
    if (this.state === 'stopped') return;
    const wasRunning = this.state === 'started';
    this.state = 'stopped';
    const timeoutMs = options.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    await Promise.all([...this.workers.values()].map((w) => w.stop(options.graceful, timeoutMs)));
    if (wasRunning) await this.boss.stop({ graceful: true, close: false, wait: true, timeout: 1000 });
    // pg-boss does not await its last statements (a completion, a maintenance step): let them finish so the
    // caller can close the database right after.
    await this.sql.drain(5000);
  }

  async send<P extends object>(name: string, payload: P, options: SendOptions = {}): Promise<string | null> {
    this.assertStarted();
    await this.ensureQueue(name);
    const id = storedOrThrow(name, options, await this.boss.send(name, payload, sendOptions(name, options)));
    // A worker of this process sleeping between polls would otherwise notice the job only at its next poll.
    if (id !== null) this.workers.get(name)?.wake();
    return id;
  }

  async sendInTransaction<P extends object>(
    trx: Kysely<any>,
    name: string,
    payload: P,
    options: SendOptions = {},
  ): Promise<string | null> {
    this.assertStarted();
    const db: PgBoss.Db = {
      executeSql: async (text, values) => ({ rows: (await trx.executeQuery(CompiledQuery.raw(text, values))).rows }),
    };
    if (!this.existingQueues.has(name)) {
      // pg-boss drops a job sent to a queue that does not exist, silently. The queue cannot be created outside
      // the transaction (on the embedded database that would wait for the session this transaction holds), so it
      // is created inside it: idempotent, and rolled back with the job if it comes to that.
      await db.executeSql(`select ${SCHEMA}.create_queue($1, $2::json)`, [name, { policy: 'standard' }]);
    }
    return storedOrThrow(name, options, await this.boss.send(name, payload, { ...sendOptions(name, options), db }));
  }

  async work<P extends object>(name: string, handler: JobHandler<P>, options: WorkOptions = {}): Promise<void> {
    if (this.state === 'stopped') throw new Error('the job queue is stopped');
    if (this.workers.has(name)) throw new Error(`a handler for job "${name}" is already registered`);
    const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
    const worker = new JobWorker(this.boss, name, handler as JobHandler<object>, concurrency, this.pollIntervalMs, this.logger);
    this.workers.set(name, worker);
    if (this.state === 'started') {
      await this.ensureQueue(name);
      worker.start();
    }
  }

  async schedule<P extends object>(name: string, cron: string, payload?: P, options: SendOptions = {}): Promise<void> {
    this.assertStarted();
    await this.ensureQueue(name);
    // A singleton key would become a fixed job id and let only the first run through: schedules do without.
    const { id: _id, singletonKey: _key, startAfter: _after, ...rest } = sendOptions(name, options);
    await this.boss.schedule(name, cron, payload ?? {}, { ...rest, tz: 'UTC' });
  }

  async getJob(name: string, id: string): Promise<JobInfo | null> {
    this.assertStarted();
    const job = await this.boss.getJobById<unknown>(name, id);
    if (!job) return null;
    return {
      id: job.id,
      name: job.name,
      state: job.state,
      payload: job.data,
      attempts: job.startedOn ? job.retryCount + 1 : 0,
      retryLimit: job.retryLimit,
      startAfter: job.startAfter,
      error: job.state === 'failed' || job.state === 'retry' ? errorOf(job.output) : null,
    };
  }

  private assertStarted(): void {
    if (this.state !== 'started') throw new Error(`the job queue is ${this.state === 'stopped' ? 'stopped' : 'not started'}`);
  }

  /** pg-boss 10 keeps each queue in its own partition, created once; later calls reuse the first promise. */
  private ensureQueue(name: string): Promise<void> {
    let ready = this.queues.get(name);
    if (!ready) {
      ready = createQueueRetryingDeadlocks(this.boss, name).then(
        () => {
          this.existingQueues.add(name);
        },
        (error: unknown) => {
          this.queues.delete(name);
          throw error;
        },
      );
      this.queues.set(name, ready);
    }
    return ready;
  }
}

/**
 * pg-boss 10 creates a queue's partition without a lock of its own: two processes starting at once (a first
 * deployment, a release adding a job) can deadlock there, and PostgreSQL kills one of them (40P01). Creating a
 * queue is idempotent, so the loser simply tries again after a short random pause.
 */
async function createQueueRetryingDeadlocks(boss: PgBoss, name: string, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await boss.createQueue(name);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200 * attempt));
    }
  }
}

/**
 * pg-boss answers null both for a deduplicated job and for a job whose queue does not exist. Without a singleton
 * key only the second is possible, and losing a job silently is the one thing a queue must not do.
 */
function storedOrThrow(name: string, options: SendOptions, id: string | null): string | null {
  if (id === null && options.singletonKey === undefined) throw new Error(`job "${name}" was not stored: its queue does not exist`);
  return id;
}

/** Translates our options into pg-boss's; see SendOptions in queue.ts for their meaning. */
function sendOptions(name: string, options: SendOptions): PgBoss.SendOptions {
  const retryDelay = Math.max(0, Math.ceil(options.retryDelaySeconds ?? DEFAULT_RETRY_DELAY_SECONDS));
  const out: PgBoss.SendOptions = {
    retryLimit: options.retryLimit ?? DEFAULT_RETRY_LIMIT,
    retryDelay,
    retryBackoff: retryDelay > 0,
    expireInSeconds: options.expireInSeconds ?? DEFAULT_LEASE_SECONDS,
  };
  if (options.startAfter !== undefined) out.startAfter = options.startAfter;
  if (options.singletonKey !== undefined) {
    // pg-boss's own singleton keys only dedupe under a queue-wide policy or within a clock-aligned time slot.
    // A job id derived from the key dedupes for as long as the job exists, whatever its state: its insert
    // conflicts on the primary key and is skipped (send resolves to null).
    out.id = singletonJobId(name, options.singletonKey);
    out.singletonKey = options.singletonKey;
  }
  return out;
}

/** A UUID (version 8, RFC 9562: custom) that is a hash of the job name and singleton key. */
export function singletonJobId(name: string, key: string): string {
  const bytes = createHash('sha256').update(`${name}\u0000${key}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function errorOf(output: unknown): { message: string; code?: string } | null {
  if (!output || typeof output !== 'object') return null;
  const o = output as { message?: unknown; code?: unknown; value?: { message?: unknown } };
  const message = typeof o.message === 'string' ? o.message : typeof o.value?.message === 'string' ? o.value.message : null;
  if (message === null) return null;
  return typeof o.code === 'string' ? { message, code: o.code } : { message };
}

/** What a failed attempt records: the message and code, not the stack (it may quote personal data in paths). */
function describeError(error: unknown): { message: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? { message: error.message, code } : { message: error.message };
  }
  return { message: String(error) };
}

/**
 * pg-boss's `db` on the application's database handle (see the note at the top). It also counts statements in
 * flight so that `stop()` can wait for them before the caller closes the database.
 */
class SharedSessionDb implements PgBoss.Db {
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly database: Database) {}

  executeSql(text: string, values?: unknown[]): Promise<{ rows: any[] }> {
    const pending = this.run(text, values ?? []);
    this.inFlight.add(pending);
    const forget = () => this.inFlight.delete(pending);
    pending.then(forget, forget);
    return pending;
  }

  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) {
      await Promise.race([Promise.allSettled([...this.inFlight]), sleep(Math.max(1, deadline - Date.now()))]);
    }
  }

  private async run(text: string, values: unknown[]): Promise<{ rows: any[] }> {
    const script = values.length === 0 ? lockedScriptBody(text) : null;
    if (script !== null) {
      // A multi-statement script needs PGlite's exec(); scriptTransaction provides it, already inside a
      // transaction, so pg-boss's own BEGIN and COMMIT are left out. None of these scripts returns rows pg-boss reads.
      await this.database.scriptTransaction(async (exec) => exec(script));
      return { rows: [] };
    }
    const result = await this.database.db.executeQuery(CompiledQuery.raw(text, values));
    return { rows: result.rows as any[] };
  }
}

/**
 * The statements between BEGIN and COMMIT when `text` is one of pg-boss's locked scripts (install, upgrade,
 * lease expiry, archiving: `BEGIN; SET LOCAL …; SELECT pg_advisory_xact_lock(…); …; COMMIT;`), else null.
 */
export function lockedScriptBody(text: string): string | null {
  const match = /^\s*BEGIN;([\s\S]*?);?\s*COMMIT;\s*$/i.exec(text);
  return match ? match[1]! : null;
}

interface Attempt {
  done: Promise<void>;
  controller: AbortController;
}

/** Polls one job name and runs its handler, at most `concurrency` attempts at once. */
class JobWorker {
  private readonly attempts = new Map<string, Attempt>();
  private stopping = false;
  // Set once stop() has given up on the attempts still running: their outcome is no longer reported.
  private abandoned = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private stopRequested!: () => void;
  // Ends the wait for a free slot when stop() is called while every slot is busy.
  private readonly whenStopping = new Promise<void>((resolve) => (this.stopRequested = resolve));

  constructor(
    private readonly boss: PgBoss,
    readonly name: string,
    private readonly handler: JobHandler<object>,
    private readonly concurrency: number,
    private readonly pollIntervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.loop ??= this.poll();
  }

  /** Ends the current idle wait, or skips the next one if the worker is busy fetching. */
  wake(): void {
    if (this.wakeUp) this.wakeUp();
    else this.woken = true;
  }

  async stop(graceful: boolean, timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.stopRequested();
    this.wake();
    // Jobs claimed by a fetch already under way are started, then treated like the others below.
    await this.loop;
    if (!graceful) {
      this.abandon();
      return;
    }
    const finished = Promise.allSettled([...this.attempts.values()].map((a) => a.done)).then(() => true);
    if (await Promise.race([finished, sleep(timeoutMs).then(() => false)])) return;
    const left = [...this.attempts.keys()];
    this.abandon();
    // Released rather than left to their leases: another worker can retry them now instead of in 15 minutes.
    for (const id of left) {
      await this.boss
        .fail(this.name, id, { message: 'the worker stopped while the job was running' })
        .catch((error: unknown) => this.logger.error({ action: 'job.release_failed', job: this.name, jobId: id, err: error }, 'could not release job'));
    }
  }

  private abandon(): void {
    this.abandoned = true;
    for (const attempt of this.attempts.values()) attempt.controller.abort(new Error('job queue stopped'));
  }

  private async poll(): Promise<void> {
    while (!this.stopping) {
      const free = this.concurrency - this.attempts.size;
      if (free <= 0) {
        await Promise.race([...[...this.attempts.values()].map((a) => a.done), this.whenStopping]);
        continue;
      }
      // pg-boss's fetch logs nothing and answers [] when the database fails; the next poll simply tries again.
      const jobs = await this.boss.fetch<object>(this.name, { batchSize: free, includeMetadata: true });
      for (const job of jobs) this.run(job);
      if (jobs.length === 0 && !this.stopping) await this.idle();
    }
  }

  private idle(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      this.wakeUp = done;
    });
  }

  private run(job: PgBoss.JobWithMetadata<object>): void {
    const controller = new AbortController();
    const context: JobContext = { id: job.id, name: this.name, attempt: job.retryCount + 1, signal: controller.signal };
    // Stop a little before the lease ends (10%, at most 5 s): our failure is then recorded before lease expiry
    // could hand the job to another worker, so two attempts never both report an outcome.
    const leaseMs = Number(job.expireInSeconds) * 1000;
    const deadlineMs = leaseMs - Math.min(5000, leaseMs / 10);
    const done = this.attempt(job, context, controller, deadlineMs).finally(() => this.attempts.delete(job.id));
    this.attempts.set(job.id, { done, controller });
  }

  private async attempt(job: PgBoss.JobWithMetadata<object>, context: JobContext, controller: AbortController, deadlineMs: number): Promise<void> {
    const log = { job: this.name, jobId: job.id, attempt: context.attempt };
    let timer: NodeJS.Timeout | undefined;
    const overrun = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new Error(`the job overran its lease of ${Number(job.expireInSeconds)} s`);
        controller.abort(error);
        reject(error);
      }, deadlineMs);
    });
    const handled = Promise.resolve().then(() => this.handler(job.data, context));
    // Whichever loses the race must not surface later as an unhandled rejection.
    handled.catch(() => undefined);
    overrun.catch(() => undefined);
    try {
      await Promise.race([handled, overrun]);
    } catch (error) {
      if (this.abandoned) return;
      this.logger.warn({ action: 'job.failed', ...log, err: error }, 'job attempt failed');
      await this.boss
        .fail(this.name, job.id, describeError(error))
        .catch((failure: unknown) => this.logger.error({ action: 'job.fail_not_recorded', ...log, err: failure }, 'could not record job failure'));
      return;
    } finally {
      clearTimeout(timer);
    }
    if (this.abandoned) return;
    try {
      await this.boss.complete(this.name, job.id);
      this.logger.debug({ action: 'job.completed', ...log }, 'job completed');
    } catch (error) {
      // The work is done but not recorded: the lease will expire and the job run again (handlers are idempotent).
      this.logger.error({ action: 'job.complete_not_recorded', ...log, err: error }, 'could not record job completion');
    }
  }
}
