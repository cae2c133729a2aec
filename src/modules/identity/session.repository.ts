import type { Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { SessionUser } from '../../platform/http/auth.js';
import type { SessionStore, StoredSession } from '../../platform/http/session.js';

export interface SessionListItem {
  idHash: string;
  createdAt: Date;
  lastSeenAt: Date;
  userAgent: string | null;
  ip: string | null;
  /** Started through the national identity provider. */
  throughProvider: boolean;
}

/** SQL for the `session` table; the platform's session manager uses it through the SessionStore port. */
export class SessionRepository implements SessionStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(idHash: string, session: StoredSession): Promise<void> {
    await this.db
      .insertInto('session')
      .values({
        id_hash: idHash,
        user_id: session.userId,
        created_at: session.createdAt,
        last_seen_at: session.lastSeenAt,
        expires_at: session.expiresAt,
        user_agent: session.userAgent ?? null,
        ip: session.ip ?? null,
        provider_id_token: session.providerIdToken ?? null,
      })
      .execute();
  }

  /** Served by the primary key; the user comes in the same query. */
  async find(idHash: string): Promise<{ session: StoredSession; user: SessionUser } | null> {
    const row = await this.db
      .selectFrom('session')
      .innerJoin('app_user', 'app_user.id', 'session.user_id')
      .select([
        'session.user_id',
        'session.created_at',
        'session.last_seen_at',
        'session.expires_at',
        'app_user.kind',
        'app_user.display_name',
        'app_user.agency_id',
        'app_user.roles',
      ])
      .where('session.id_hash', '=', idHash)
      .executeTakeFirst();
    if (!row) return null;
    return {
      session: {
        userId: row.user_id,
        createdAt: new Date(row.created_at),
        lastSeenAt: new Date(row.last_seen_at),
        expiresAt: new Date(row.expires_at),
      },
      user: {
        id: row.user_id,
        kind: row.kind,
        displayName: row.display_name,
        agencyId: row.agency_id,
        roles: [...row.roles],
      },
    };
  }

  /** The live sessions of a user, newest use first (the "my sessions" page). Served by index session_by_user. */
  async listForUser(userId: number, now: Date): Promise<SessionListItem[]> {
    const rows = await this.db
      .selectFrom('session')
      .select(['id_hash', 'created_at', 'last_seen_at', 'expires_at', 'user_agent', 'ip', 'provider_id_token'])
      .where('user_id', '=', userId)
      .where('expires_at', '>', now)
      .orderBy('last_seen_at', 'desc')
      .execute();
    return rows.map((r) => ({
      idHash: r.id_hash,
      createdAt: new Date(r.created_at),
      lastSeenAt: new Date(r.last_seen_at),
      userAgent: r.user_agent,
      ip: r.ip,
      throughProvider: r.provider_id_token !== null,
    }));
  }

  /** Ends one session of a user; false when the user has no such session. */
  async deleteOfUser(userId: number, idHash: string): Promise<boolean> {
    const result = await this.db.deleteFrom('session').where('id_hash', '=', idHash).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Ends every session of a user except `keepIdHash`; returns how many. */
  async deleteOthersOfUser(userId: number, keepIdHash: string | null): Promise<number> {
    let query = this.db.deleteFrom('session').where('user_id', '=', userId);
    if (keepIdHash) query = query.where('id_hash', '<>', keepIdHash);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** The ID token kept with a session started through an identity provider (for RP-initiated logout). */
  async providerIdToken(idHash: string): Promise<string | null> {
    const row = await this.db.selectFrom('session').select('provider_id_token').where('id_hash', '=', idHash).executeTakeFirst();
    return row?.provider_id_token ?? null;
  }

  async touch(idHash: string, lastSeenAt: Date): Promise<void> {
    await this.db.updateTable('session').set({ last_seen_at: lastSeenAt }).where('id_hash', '=', idHash).execute();
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('session').where('id_hash', '=', idHash).execute();
  }

  /** Served by index session_by_user. */
  async deleteForUser(userId: number): Promise<number> {
    const result = await this.db.deleteFrom('session').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Served by index session_by_expiry (and a scan of the rest for the idle condition, fine for a periodic job). */
  async deleteExpired(now: Date, idleSince: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('session')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleSince)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
