import { hostname } from 'node:os';
import { sql, type Kysely } from 'kysely';
import type { Database as Schema } from '../db/schema.js';

/**
 * Worker liveness. The `system.heartbeat` job runs every minute (a cron schedule in the queue) and whichever
 * worker takes it records its beat. A recent beat therefore proves more than a live process: the schedule fires,
 * and some worker is consuming the queue. Readiness reads `lastHeartbeat()`.
 */
export const HEARTBEAT_JOB = 'system.heartbeat';
export const HEARTBEAT_CRON = '* * * * *';

/** Rows of processes gone for longer than this are deleted by the next beat. */
const FORGET_AFTER_DAYS = 7;

export interface WorkerIdentity {
  /** hostname:pid:start time (ms), unique per process run. */
  workerId: string;
  hostname: string;
  pid: number;
  startedAt: Date;
}

export function currentWorkerIdentity(now = new Date()): WorkerIdentity {
  const host = hostname();
  return { workerId: `${host}:${process.pid}:${now.getTime()}`, hostname: host, pid: process.pid, startedAt: now };
}

// The table belongs to migrations/202611231920_jobs.sql; declared here until schema.ts lists it.
interface WorkerHeartbeatTable {
  worker_id: string;
  hostname: string;
  pid: number;
  started_at: Date | string;
  beat_at: Date | string;
}
type WithHeartbeat = { worker_heartbeat: WorkerHeartbeatTable };

export async function recordHeartbeat(db: Kysely<Schema>, worker: WorkerIdentity): Promise<void> {
  const hdb = db.withTables<WithHeartbeat>();
  await hdb
    .insertInto('worker_heartbeat')
    .values({
      worker_id: worker.workerId,
      hostname: worker.hostname,
      pid: worker.pid,
      started_at: worker.startedAt,
      beat_at: sql<Date>`now()`,
    })
    .onConflict((oc) => oc.column('worker_id').doUpdateSet({ beat_at: sql<Date>`now()` }))
    .execute();
  await hdb
    .deleteFrom('worker_heartbeat')
    .where('beat_at', '<', sql<Date>`now() - make_interval(days => ${FORGET_AFTER_DAYS})`)
    .execute();
}

/** The newest beat of any worker, or null when no worker ever beat. */
export async function lastHeartbeat(db: Kysely<Schema>): Promise<{ at: Date; workerId: string } | null> {
  const row = await db
    .withTables<WithHeartbeat>()
    .selectFrom('worker_heartbeat')
    .select(['worker_id', 'beat_at'])
    .orderBy('beat_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { at: new Date(row.beat_at), workerId: row.worker_id } : null;
}
