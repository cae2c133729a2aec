import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Logger } from '../logging/logger.js';
import { PgBossJobQueue, type PgBossQueueOptions } from './pgboss-queue.js';

/**
 * The job queue port. Background work (notifications, imports, deadline sweeps) goes through it and never through
 * in-memory timers, so a restart loses nothing.
 *
 * Contract, the same on the embedded database and on PostgreSQL:
 * - A job is stored in PostgreSQL when `send` returns (or when the enclosing transaction commits, for
 *   `sendInTransaction`).
 * - A job is claimed by one worker at a time (`FOR UPDATE SKIP LOCKED`), whatever the number of web and worker
 *   processes. The claim is a lease of `expireInSeconds`: a job whose worker died (crash, kill -9, lost network)
 *   becomes claimable again once its lease has expired and counts as a failed attempt.
 * - A failed attempt (the handler threw or overran its lease) is retried after `retryDelaySeconds`, doubling each
 *   time (with jitter), until `retryLimit` retries are used; the job then rests in state `failed` (the dead
 *   letters, kept for inspection) and never blocks other jobs.
 * - Delivery is therefore at least once: a handler runs again only when a previous run did not report its end
 *   (its process died mid-job, or it overran its lease). Handlers must be idempotent for that case — make their
 *   effect conditional on the state they change, or key it (a notification per dossier event, not per run).
 */
export interface JobQueue {
  /** Installs or upgrades the queue's tables if needed, then starts maintenance and the workers declared so far. */
  start(): Promise<void>;

  /**
   * Stops taking jobs. `graceful: true` waits for running handlers (up to `timeoutMs`, default 30 s) and reports
   * their outcome; those still running then are released as failed so another worker retries them at once.
   * `graceful: false` returns at once, aborts the handlers' signals and records nothing: their jobs stay claimed
   * and are retried when the lease expires, exactly as after a crash. Close the database only after this resolves.
   */
  stop(options: { graceful: boolean; timeoutMs?: number }): Promise<void>;

  /** Enqueues a job; resolves to its id, or null when `singletonKey` found the same job already queued. */
  send<P extends object>(name: string, payload: P, options?: SendOptions): Promise<string | null>;

  /**
   * Enqueues a job inside an open Kysely transaction (outbox style): the job exists if and only if the
   * transaction commits, so "change a dossier's state and notify the citizen" is one atomic step and neither
   * half can be lost. Pass the transaction handle (`trx`), never the root `db`: on the embedded database the
   * root handle waits for the transaction to finish, which would never happen.
   */
  sendInTransaction<P extends object>(
    trx: Kysely<any>,
    name: string,
    payload: P,
    options?: SendOptions,
  ): Promise<string | null>;

  /**
   * Runs `handler` for jobs named `name`, at most `concurrency` at once in this process (default 1). Resolving
   * completes the job; throwing fails the attempt (see the retry rules above). May be called before or after
   * `start()`; call it once per name and process.
   */
  work<P extends object>(name: string, handler: JobHandler<P>, options?: WorkOptions): Promise<void>;

  /**
   * Sends `name` on a cron schedule (five fields, UTC), stored in the database: whichever process is running
   * when the minute comes sends it, once for the whole cluster. Replaces an earlier schedule of the same name.
   */
  schedule<P extends object>(name: string, cron: string, payload?: P, options?: SendOptions): Promise<void>;

  /** Current state of one job (for operators and tests); null once it has been archived or never existed. */
  getJob(name: string, id: string): Promise<JobInfo | null>;
}

export interface SendOptions {
  /**
   * Idempotent enqueue: at most one job per (name, key) exists while the job is queued, running, or finished
   * less than 12 hours ago (when finished jobs move to the archive); a second send is a no-op resolving to null.
   * Use a key that names the effect, e.g. `dossier:H56.1:status:received`.
   */
  singletonKey?: string;
  /** Not before this moment, or this many seconds from now. */
  startAfter?: Date | number;
  /** Retries after the first attempt (default 3); 0 runs the job once at most. */
  retryLimit?: number;
  /** Delay before the first retry, doubled for each later one, with jitter (default 30, whole seconds); 0 retries at once. */
  retryDelaySeconds?: number;
  /** The lease: how long one attempt may run before it is considered dead (default 15 minutes). */
  expireInSeconds?: number;
}

export interface WorkOptions {
  /** Jobs of this name run at once in this process (default 1). */
  concurrency?: number;
}

/** What a handler learns about the job it runs besides its payload. */
export interface JobContext {
  id: string;
  name: string;
  /** 1 for the first run, 2 for the first retry... */
  attempt: number;
  /** Aborted when the lease is about to expire or the queue stops without grace: long handlers should check it. */
  signal: AbortSignal;
}

export type JobHandler<P> = (payload: P, job: JobContext) => Promise<void>;

export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

export interface JobInfo {
  id: string;
  name: string;
  state: JobState;
  payload: unknown;
  /** Runs started so far (a job waiting for its first run has 0). */
  attempts: number;
  retryLimit: number;
  startAfter: Date;
  /** Last failure, when the job failed or waits for a retry. */
  error: { message: string; code?: string } | null;
}

export type JobQueueOptions = PgBossQueueOptions;

/**
 * Opens the queue on the application's database handle: the same pg-boss code runs on the embedded database and on
 * PostgreSQL (see pgboss-queue.ts for how it shares PGlite's single session). Call `start()` before sending.
 */
export function openJobQueue(database: Database, logger: Logger, options: JobQueueOptions = {}): JobQueue {
  return new PgBossJobQueue(database, logger, options);
}
