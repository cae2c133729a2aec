import type { Database } from '../../platform/db/database.js';
import { localChangeFeed, postgresChangeFeed } from './lookup.cache.js';
import { LookupService } from './lookup.service.js';

export { LookupService, LookupErrors, type PublicDossierView } from './lookup.service.js';
export { lookupRoutes } from './lookup.routes.js';

/**
 * The lookup service with its cache kept exact for this kind of database: on PostgreSQL a listening connection of
 * its own (one per web process), on the embedded database the in-process signal (one process: always exact).
 * Call `close()` at shutdown.
 * Writers signal changes with `dossierChanged` from the dossiers module.
 */
export async function createLookupService(
  database: Database,
  options: {
    onFeedError?: (error: Error) => void;
    /** LOOKUP_MAX_STALENESS_MS: how old a change another process committed may be before every lookup shows it. Default 0 (exact). */
    maxStalenessMs?: number;
  } = {},
): Promise<LookupService> {
  if (database.kind === 'postgres') {
    return LookupService.create(database.db, {
      feed: (cache) =>
        postgresChangeFeed(cache, {
          connectionString: database.url,
          maxStalenessMs: options.maxStalenessMs ?? 0,
          ...(options.onFeedError ? { onError: options.onFeedError } : {}),
        }),
    });
  }
  return LookupService.create(database.db, { feed: (cache) => localChangeFeed(cache) });
}
