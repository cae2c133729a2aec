import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { NotificationOutboxTable } from './notifications.tables.js';

export type OutboxRow = Selectable<NotificationOutboxTable>;
export type NewOutboxRow = Insertable<NotificationOutboxTable>;

const columns = [
  'id',
  'channel',
  'recipient',
  'template_key',
  'params',
  'locale',
  'subject',
  'body',
  'status',
  'attempts',
  'created_at',
  'sent_at',
  'dossier_id',
] as const;

/** SQL for notification_outbox. Bound to a database or to a caller's transaction (`in(trx)`). */
export class NotificationsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** The same queries on another executor, typically the caller's open transaction. */
  in(db: Kysely<Schema>): NotificationsRepository {
    return db === this.db ? this : new NotificationsRepository(db);
  }

  async insert(row: NewOutboxRow): Promise<number> {
    const inserted = await this.db.insertInto('notification_outbox').values(row).returning('id').executeTakeFirstOrThrow();
    return Number(inserted.id);
  }

  /** Newest first; served by the primary key. */
  async latest(limit: number): Promise<OutboxRow[]> {
    return this.db.selectFrom('notification_outbox').select(columns).orderBy('id', 'desc').limit(limit).execute();
  }
}
