import pg from 'pg';
import { DOSSIER_CHANGED_CHANNEL, onLocalDossierChange } from '../dossiers/index.js';

/**
 * The in-process cache of the public lookup: dossier code → what the lookup shows and the second factors it checks.
 *
 * Correctness with several web processes rests on two rules:
 * 1. Invalidation. Every transaction that changes a dossier calls `dossierChanged` (dossiers module), which
 *    notifies on PostgreSQL's `motcua_dossier_changed` channel at commit; each process listens on one dedicated
 *    connection and drops the code from its cache. Changes made by this process are also dropped at once.
 * 2. Read-your-writes across processes. Before the cache answers, `ChangeFeed.sync()` sends `select 1` on the
 *    listening connection. PostgreSQL delivers the notifications of every transaction committed before that query
 *    ahead of the query's answer, so once it resolves no change committed before the lookup began is missing. One
 *    `select 1` serves every lookup that arrived while the previous one was in flight, so under load it costs a
 *    fraction of a round trip per lookup, and it never touches the dossier tables.
 * A database read racing a change is stored only if no invalidation arrived since before the read (`generation`).
 * When the listening connection is down, the cache is emptied and bypassed until it is back (and emptied again, as
 * notifications were missed meanwhile).
 *
 * Bounded staleness (`LOOKUP_MAX_STALENESS_MS`, `maxStalenessMs` below): rule 2 may instead accept a `select 1` that
 * was sent at most that many milliseconds before the lookup began and has been answered. Every change committed before
 * it was sent has then arrived, so an answer misses only changes committed in the last `maxStalenessMs` before the
 * lookup, and only until their notifications arrive (they keep dropping entries as they come; this process's own
 * changes drop them at once — though a lookup reading the database while such a change is still uncommitted may store
 * the old state, which the commit's notification then drops). 0 is rule 2 exactly: read-your-writes across processes.
 */
export interface ChangeFeed {
  /**
   * True once every change committed before the call has reached the cache; false when the feed cannot promise
   * that (connection down or slow): the caller then reads the database and does not cache.
   */
  sync(): Promise<boolean>;
  /** Round trips sent so far (`select 1` on the listening connection), for tests and the benchmark. */
  readonly roundTrips: number;
  close(): Promise<void>;
}

export class LookupCache<T> {
  private readonly entries = new Map<string, T>();
  /** Bumped by every invalidation: a read that started before one must not be stored. */
  private generationCounter = 0;

  constructor(private readonly capacity: number) {}

  get generation(): number {
    return this.generationCounter;
  }

  get size(): number {
    return this.entries.size;
  }

  get(code: string): T | undefined {
    return this.entries.get(code);
  }

  /** Stores `value` read from the database after `generation` was taken, unless something changed since. */
  put(code: string, value: T, generation: number): boolean {
    if (generation !== this.generationCounter) return false;
    // Oldest insertion first out: a Map iterates in insertion order.
    if (this.entries.size >= this.capacity && !this.entries.has(code)) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(code, value);
    return true;
  }

  invalidate(code: string): void {
    this.generationCounter++;
    this.entries.delete(code);
  }

  clear(): void {
    this.generationCounter++;
    this.entries.clear();
  }
}

/** The embedded database: one process, so the local signal is the whole feed. */
export function localChangeFeed(cache: LookupCache<unknown>): ChangeFeed {
  const stop = onLocalDossierChange((code) => cache.invalidate(code));
  return {
    sync: () => Promise.resolve(true),
    roundTrips: 0,
    async close() {
      stop();
    },
  };
}

export interface PostgresFeedOptions {
  connectionString: string;
  /** A sync slower than this answers false (the lookup reads the database instead of waiting). Default 2 s. */
  syncTimeoutMs?: number;
  /** Accept a barrier sent at most this long before the lookup began (see the top of this file). Default 0: exact. */
  maxStalenessMs?: number;
  /** Monotonic milliseconds for the staleness bound (performance.now by default); tests pass a fake clock. */
  now?: () => number;
  onError?: (error: Error) => void;
}

export interface BarrierOptions {
  /** One `select 1` on the listening connection: true once answered on the connection still listening. */
  roundTrip: () => Promise<boolean>;
  /** 0: every sync waits for a round trip sent after it began. N > 0: one sent up to N ms before it began will do. */
  maxStalenessMs: number;
  /** Monotonic milliseconds (performance.now by default); tests pass a fake clock. */
  now?: () => number;
}

export interface Barrier {
  /** True once every change committed before the call (or, with a staleness bound N, up to N ms before it) has arrived. */
  sync(): Promise<boolean>;
  /** Forgets every answered round trip: the connection they travelled on is gone. */
  reset(): void;
  /** Round trips started so far. */
  readonly started: number;
}

/**
 * The read barrier of rule 2, coalesced: one round trip at a time, shared by every sync that it may answer.
 * A round trip proves "everything committed before it was sent has arrived", so a sync may use one sent after it
 * began (exact), or with a bound N one sent at most N ms before it began — answered already, or still in flight.
 * With a bound, a sync answered from an earlier round trip more than N/2 old starts the next one in the background,
 * so under steady traffic lookups rarely wait.
 */
export function coalescedBarrier(options: BarrierOptions): Barrier {
  const now = options.now ?? (() => performance.now());
  const bound = options.maxStalenessMs;
  /** When the latest answered round trip was sent (null: none since the last reset). */
  let confirmedSentAt: number | null = null;
  let inFlight: { sentAt: number; done: Promise<boolean> } | null = null;
  let queued: Promise<boolean> | null = null;
  let epoch = 0;
  let started = 0;

  const start = (): Promise<boolean> => {
    started++;
    const sentAt = now();
    const startedIn = epoch;
    const done = options
      .roundTrip()
      .catch(() => false)
      .then((ok) => {
        if (ok && startedIn === epoch && (confirmedSentAt === null || sentAt > confirmedSentAt)) confirmedSentAt = sentAt;
        return ok;
      })
      .finally(() => {
        if (inFlight?.done === done) inFlight = null;
      });
    inFlight = { sentAt, done };
    return done;
  };

  const sync = (): Promise<boolean> => {
    const began = now();
    if (bound > 0) {
      if (confirmedSentAt !== null && began - confirmedSentAt <= bound) {
        if (began - confirmedSentAt > bound / 2 && inFlight === null) void start();
        return Promise.resolve(true);
      }
      if (inFlight !== null && began - inFlight.sentAt <= bound) return inFlight.done;
    }
    if (inFlight === null) return start();
    // The query in flight was sent before this call began: it proves nothing about changes committed since.
    // Wait for the next one, shared by everyone who arrives meanwhile.
    if (queued === null) {
      queued = inFlight.done.then(() => {
        queued = null;
        return inFlight === null ? start() : inFlight.done;
      });
    }
    return queued;
  };

  return {
    sync,
    reset() {
      epoch++;
      confirmedSentAt = null;
    },
    get started() {
      return started;
    },
  };
}

/** PostgreSQL: LISTEN on a dedicated connection, reconnecting with back-off; see the comment at the top. */
export async function postgresChangeFeed(cache: LookupCache<unknown>, options: PostgresFeedOptions): Promise<ChangeFeed> {
  const stopLocal = onLocalDossierChange((code) => cache.invalidate(code));
  const syncTimeoutMs = options.syncTimeoutMs ?? 2000;
  let client: pg.Client | null = null;
  let ready = false;
  let closed = false;
  let retryMs = 250;
  let retryTimer: NodeJS.Timeout | null = null;

  const down = (error?: Error) => {
    if (error) options.onError?.(error);
    ready = false;
    barrier.reset();
    cache.clear();
    const dead = client;
    client = null;
    dead?.removeAllListeners();
    dead?.on('error', () => undefined);
    dead?.end().catch(() => undefined);
    if (!closed && retryTimer === null) {
      retryTimer = setTimeout(() => {
        retryTimer = null;
        void connect().catch(() => undefined);
      }, retryMs);
      retryTimer.unref();
      retryMs = Math.min(retryMs * 2, 30_000);
    }
  };

  const connect = async () => {
    const next = new pg.Client({ connectionString: options.connectionString, keepAlive: true });
    next.on('error', (error) => {
      if (client === next) down(error);
    });
    next.on('end', () => {
      if (client === next) down(new Error('lookup change feed: connection ended'));
    });
    next.on('notification', (message) => {
      if (message.channel === DOSSIER_CHANGED_CHANNEL && message.payload) cache.invalidate(message.payload);
    });
    client = next;
    try {
      await next.connect();
      await next.query(`listen ${DOSSIER_CHANGED_CHANNEL}`);
    } catch (error) {
      if (client === next) down(error as Error);
      throw error;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    // Whatever changed while nobody listened is unknown: start empty.
    barrier.reset();
    cache.clear();
    ready = true;
    retryMs = 250;
  };

  const roundTrip = async (): Promise<boolean> => {
    const current = client;
    if (!ready || !current) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), syncTimeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([current.query('select 1').then(() => ready && client === current), timeout]);
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  };

  const barrier = coalescedBarrier({ roundTrip, maxStalenessMs: options.maxStalenessMs ?? 0, ...(options.now ? { now: options.now } : {}) });

  await connect();
  return {
    sync: () => (ready ? barrier.sync() : Promise.resolve(false)),
    get roundTrips() {
      return barrier.started;
    },
    async close() {
      closed = true;
      stopLocal();
      if (retryTimer) clearTimeout(retryTimer);
      ready = false;
      const current = client;
      client = null;
      await current?.end().catch(() => undefined);
    },
  };
}
