import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { LookupCache, type ChangeFeed } from './lookup.cache.js';
import { LookupRepository } from './lookup.repository.js';
import type { Database as Schema } from '../../platform/db/schema.js';
import { DomainError, defineError } from '../../platform/errors/errors.js';
import { lookupSecretMatches, parseDossierCode, type DossierStatus } from '../dossiers/index.js';

export const LookupErrors = {
  // One error for "no such code" and "wrong second factor": a lookup must not tell which codes exist.
  notFound: defineError('LOOKUP_NOT_FOUND', 'not_found', 'No dossier matches this code and check value (last 4 digits of the phone or the slip secret).'),
  badCode: defineError('LOOKUP_CODE_INVALID', 'invalid', 'A dossier code looks like H42.01.05-261123-0001.'),
};

/** What anyone holding the code and the second factor may see: no names, numbers or addresses. */
export interface PublicDossierView {
  code: string;
  procedure: { code: string; name: string };
  status: DossierStatus;
  channel: string;
  receivingAgency: string;
  holderAgency: string;
  submittedAt: Date;
  receivedAt: Date | null;
  dueAt: Date | null;
  completedAt: Date | null;
  history: { at: Date; action: string; toStatus: DossierStatus | null; toAgency: string | null }[];
}

/** Codes are compared in capitals without spaces (a code copied from the slip may carry either). */
function canonicalCode(input: string): string {
  return input.trim().toUpperCase().replace(/\s+/g, '');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A cached dossier: the view, and the second factors every lookup is checked against. */
interface CachedDossier {
  view: PublicDossierView;
  lookupSecret: string;
  phoneLast4: string | null;
}

export interface LookupServiceOptions {
  /** Most dossiers kept in memory (oldest stored first out). */
  capacity?: number;
  /** How this process learns of changes (see lookup.cache.ts); the cache is bypassed without one. */
  feed?: (cache: LookupCache<unknown>) => ChangeFeed | Promise<ChangeFeed>;
}

/**
 * Public lookup by dossier code plus a second factor (RULES.md: codes are guessable, so the lookup also asks for
 * the last four digits of the applicant's phone or the secret printed on the slip / carried by its QR code).
 * The public projection is served from an in-process cache kept exact by the change feed; the second factor is
 * checked on every call, cached or not.
 */
export class LookupService {
  private readonly cache: LookupCache<CachedDossier>;
  private feed: ChangeFeed | null = null;

  private constructor(
    private readonly repository: LookupRepository,
    capacity: number,
  ) {
    this.cache = new LookupCache<CachedDossier>(capacity);
  }

  static async create(db: Kysely<Schema>, options: LookupServiceOptions = {}): Promise<LookupService> {
    // 10,000 dossiers: each entry holds its view (about 1 KB) and, in lookup.routes.tsx, up to one rendered page per
    // language (about 3.5 KB of UTF-8 each), so at most about 80 MB per web process; lookups cluster on recent dossiers.
    const service = new LookupService(new LookupRepository(db), options.capacity ?? 10_000);
    if (options.feed) service.feed = await options.feed(service.cache as LookupCache<unknown>);
    return service;
  }

  /** Stops listening for changes (the process is shutting down). */
  async close(): Promise<void> {
    await this.feed?.close();
    this.feed = null;
  }

  /** Read-barrier round trips the change feed has sent (for tests and the benchmark). */
  get barrierRoundTrips(): number {
    return this.feed?.roundTrips ?? 0;
  }

  /** Dossiers held in memory now (for tests and the benchmark). */
  get cachedCount(): number {
    return this.cache.size;
  }

  normaliseCode(input: string): string {
    const code = canonicalCode(input);
    if (parseDossierCode(code) === null) throw new DomainError(LookupErrors.badCode);
    return code;
  }

  async find(codeInput: string, check: string): Promise<PublicDossierView> {
    // A code in the cache was parsed when it was stored: only the others are parsed (about half a cached find's CPU).
    const canonical = canonicalCode(codeInput);
    const code = this.cache.get(canonical) !== undefined ? canonical : this.normaliseCode(canonical);
    const value = check.trim();
    const dossier = await this.dossier(code);
    const matches =
      dossier !== undefined &&
      value.length >= 4 &&
      (lookupSecretMatches(dossier.lookupSecret, value) || (dossier.phoneLast4 !== null && sameText(value, dossier.phoneLast4)));
    if (!dossier || !matches) throw new DomainError(LookupErrors.notFound);
    return dossier.view;
  }

  private async dossier(code: string): Promise<CachedDossier | undefined> {
    const fresh = this.feed ? await this.feed.sync() : false;
    if (fresh) {
      const hit = this.cache.get(code);
      if (hit) return hit;
    }
    const generation = this.cache.generation;
    const row = await this.repository.byCode(code);
    // Unknown codes are not cached: a code that appears later must be found at once, and guesses must not fill memory.
    if (!row) return undefined;
    const dossier: CachedDossier = {
      view: Object.freeze({
        code: row.code,
        procedure: { code: row.procedure_code, name: row.procedure_name },
        status: row.status,
        channel: row.channel,
        receivingAgency: row.receiving_agency,
        holderAgency: row.holder_agency,
        submittedAt: row.submitted_at,
        receivedAt: row.received_at,
        dueAt: row.due_at,
        completedAt: row.completed_at,
        history: row.history.map((e) => ({ at: new Date(e.at), action: e.action, toStatus: e.to_status, toAgency: e.to_agency })),
      }),
      lookupSecret: row.lookup_secret,
      phoneLast4: row.phone_last4,
    };
    if (fresh) this.cache.put(code, dossier, generation);
    return dossier;
  }
}
