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
 */
export interface ChangeFeed {
  /**
   * True once every change committed before the call has reached the cache; false when the feed cannot promise
   * that (connection down or slow): the caller then reads the database and does not cache.
   */
  sync(): Promise<boolean>;
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
    async close() {
      stop();
    },
  };
}

export interface PostgresFeedOptions {
  connectionString: string;
  /** A sync slower than this answers false (the lookup reads the database instead of waiting). Default 2 s. */
  syncTimeoutMs?: number;
  onError?: (error: Error) => void;
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
  let inFlight: Promise<boolean> | null = null;
  let queued: Promise<boolean> | null = null;

  const down = (error?: Error) => {
    if (error) options.onError?.(error);
    ready = false;
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
    cache.clear();
    ready = true;
    retryMs = 250;
  };

  const barrier = async (): Promise<boolean> => {
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

  const sync = (): Promise<boolean> => {
    if (!ready) return Promise.resolve(false);
    if (inFlight === null) {
      inFlight = barrier().finally(() => {
        inFlight = null;
      });
      return inFlight;
    }
    // The query in flight was sent before this call began: it proves nothing about changes committed since.
    // Wait for the next one, shared by everyone who arrives meanwhile.
    if (queued === null) {
      queued = inFlight.then(() => {
        queued = null;
        return sync();
      });
    }
    return queued;
  };

  await connect();
  return {
    sync,
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
