import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { ChannelName, NotificationOutboxTable, NotificationStatus } from './notifications.tables.js';

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
  'next_attempt_at',
  'last_attempt_at',
  'last_error',
  'failed_at',
  'provider_message_id',
  'mandatory',
  'secret_params',
  'redacted_at',
  'subscription_id',
  'lease_owner',
  'lease_until',
] as const;

export interface ChannelPreferences {
  email: boolean;
  sms: boolean;
  zalo: boolean;
}

/** What an attempt's outcome writes. */
export type AttemptOutcome =
  | { kind: 'sent'; providerMessageId: string | null; redact: { subject: string; body: string; params: string } | null }
  | { kind: 'retry'; error: string; delayMs: number }
  | { kind: 'failed'; error: string; redact: { subject: string; body: string; params: string } | null };

/** SQL for the notifications module's tables. Bound to a database or to a caller's transaction (`in(trx)`). */
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

  async byId(id: number): Promise<OutboxRow | undefined> {
    return this.db.selectFrom('notification_outbox').select(columns).where('id', '=', id).executeTakeFirst();
  }

  async countByStatus(): Promise<Record<NotificationStatus, number>> {
    const rows = await this.db
      .selectFrom('notification_outbox')
      .select(['status', sql<number>`count(*)::int`.as('n')])
      .groupBy('status')
      .execute();
    const out: Record<NotificationStatus, number> = { pending: 0, sent: 0, failed: 0, skipped: 0 };
    for (const row of rows) out[row.status] = Number(row.n);
    return out;
  }

  // ---- delivery ----

  /**
   * Claims up to `limit` due messages of one channel for `leaseSeconds` under the claim token `owner`, counting
   * the attempt now (an attempt whose worker dies still counts). `for update skip locked`: two dispatchers never
   * claim the same row; a row whose lease ran out is claimable again.
   */
  async claim(channel: ChannelName, owner: string, limit: number, leaseSeconds: number): Promise<OutboxRow[]> {
    const result = await sql<OutboxRow>`
      with due as (
        select id from notification_outbox
        where status = 'pending' and channel = ${channel} and next_attempt_at <= now()
          and (lease_until is null or lease_until < now())
        order by next_attempt_at, id
        limit ${limit}
        for update skip locked
      )
      update notification_outbox o
      set lease_owner = ${owner}, lease_until = now() + make_interval(secs => ${leaseSeconds}),
          attempts = o.attempts + 1, last_attempt_at = now()
      from due where o.id = due.id
      returning o.id, o.channel, o.recipient, o.template_key, o.params, o.locale, o.subject, o.body, o.status,
        o.attempts, o.created_at, o.sent_at, o.dossier_id, o.next_attempt_at, o.last_attempt_at, o.last_error,
        o.failed_at, o.provider_message_id, o.mandatory, o.secret_params, o.redacted_at, o.subscription_id,
        o.lease_owner, o.lease_until`.execute(this.db);
    return result.rows.sort((a, b) => Number(a.id) - Number(b.id));
  }

  /** Records an attempt's outcome if `owner` still holds the claim; false when the claim was lost (lease expired). */
  async finish(id: number, owner: string, outcome: AttemptOutcome): Promise<boolean> {
    const base = this.db.updateTable('notification_outbox').where('id', '=', id).where('lease_owner', '=', owner).where('status', '=', 'pending');
    let query;
    if (outcome.kind === 'sent') {
      query = base.set({
        status: 'sent',
        sent_at: sql<Date>`now()`,
        provider_message_id: outcome.providerMessageId,
        last_error: null,
        lease_owner: null,
        lease_until: null,
        ...(outcome.redact ? { ...outcome.redact, redacted_at: sql<Date>`now()` } : {}),
      });
    } else if (outcome.kind === 'retry') {
      query = base.set({
        last_error: outcome.error,
        next_attempt_at: sql<Date>`now() + make_interval(secs => ${outcome.delayMs / 1000})`,
        lease_owner: null,
        lease_until: null,
      });
    } else {
      query = base.set({
        status: 'failed',
        failed_at: sql<Date>`now()`,
        last_error: outcome.error,
        lease_owner: null,
        lease_until: null,
        ...(outcome.redact ? { ...outcome.redact, redacted_at: sql<Date>`now()` } : {}),
      });
    }
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  // ---- preferences ----

  async preferences(userId: number): Promise<ChannelPreferences | undefined> {
    return this.db.selectFrom('notification_preference').select(['email', 'sms', 'zalo']).where('user_id', '=', userId).executeTakeFirst();
  }

  async savePreferences(userId: number, preferences: ChannelPreferences): Promise<void> {
    await this.db
      .insertInto('notification_preference')
      .values({ user_id: userId, ...preferences, updated_at: sql<Date>`now()` })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ ...preferences, updated_at: sql<Date>`now()` }))
      .execute();
  }

  /**
   * The preferences of the citizen whose profile holds this e-mail address or mobile number (read from the identity
   * module's profile table: the outbox is addressed by contact, not by account). The most restrictive when several
   * accounts share it.
   */
  async preferencesForContact(recipient: string): Promise<ChannelPreferences | undefined> {
    const row = await this.db
      .selectFrom('notification_preference as p')
      .innerJoin('citizen_profile as c', 'c.user_id', 'p.user_id')
      .select([
        sql<boolean>`bool_and(p.email)`.as('email'),
        sql<boolean>`bool_and(p.sms)`.as('sms'),
        sql<boolean>`bool_and(p.zalo)`.as('zalo'),
      ])
      .where((eb) => eb.or([eb('c.phone', '=', recipient), eb('c.email', '=', recipient)]))
      .executeTakeFirst();
    return row && row.email !== null ? { email: Boolean(row.email), sms: Boolean(row.sms), zalo: Boolean(row.zalo) } : undefined;
  }

  // ---- subscriptions ----

  async dossierIdByCode(code: string): Promise<number | undefined> {
    const row = await this.db.selectFrom('dossier').select('id').where('code', '=', code).executeTakeFirst();
    return row ? Number(row.id) : undefined;
  }

  async dossierStatus(dossierId: number): Promise<{ code: string; status: string } | undefined> {
    return this.db.selectFrom('dossier').select(['code', 'status']).where('id', '=', dossierId).executeTakeFirst();
  }

  /** Subscribes; false when that address already follows the dossier. */
  async subscribe(dossierId: number, channel: 'sms' | 'zalo', address: string, locale: 'vi' | 'en'): Promise<boolean> {
    const inserted = await sql<{ id: number }>`
      insert into notification_subscription (dossier_id, channel, address, locale)
      values (${dossierId}, ${channel}, ${address}, ${locale})
      on conflict (dossier_id, channel, address) where cancelled_at is null do nothing
      returning id`.execute(this.db);
    return inserted.rows.length === 1;
  }

  /** Cancels; false when there was nothing to cancel. */
  async unsubscribe(dossierId: number, channel: 'sms' | 'zalo', address: string): Promise<boolean> {
    const result = await this.db
      .updateTable('notification_subscription')
      .set({ cancelled_at: sql<Date>`now()` })
      .where('dossier_id', '=', dossierId)
      .where('channel', '=', channel)
      .where('address', '=', address)
      .where('cancelled_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Live subscriptions of a dossier that have no copy yet in the current transaction (`created_at = now()`: now()
   * is the transaction's start, so the copies of one state change are made once however many messages announce it),
   * and whose address is not already written to about this dossier in it (the applicant's own phone).
   */
  async subscriptionsWithoutCopy(dossierId: number): Promise<{ id: number; channel: 'sms' | 'zalo'; address: string; locale: 'vi' | 'en' }[]> {
    const rows = await sql<{ id: number; channel: 'sms' | 'zalo'; address: string; locale: 'vi' | 'en' }>`
      select s.id, s.channel, s.address, s.locale from notification_subscription s
      where s.dossier_id = ${dossierId} and s.cancelled_at is null
        and not exists (
          select 1 from notification_outbox o
          where o.dossier_id = s.dossier_id and o.created_at = now()
            and (o.subscription_id = s.id or (o.channel = s.channel and o.recipient = s.address))
        )
      order by s.id`.execute(this.db);
    return rows.rows.map((r) => ({ ...r, id: Number(r.id) }));
  }

  /** Removes this transaction's subscriber copies to an address that now gets the message itself. */
  async dropCopiesTo(dossierId: number, channel: ChannelName, address: string): Promise<void> {
    await this.db
      .deleteFrom('notification_outbox')
      .where('dossier_id', '=', dossierId)
      .where('channel', '=', channel)
      .where('recipient', '=', address)
      .where('subscription_id', 'is not', null)
      .where('status', '=', 'pending')
      .where('created_at', '=', sql<Date>`now()`)
      .execute();
  }

  // ---- inbound ----

  /** Records an inbound message; false when the provider already delivered this message id (a webhook retry). */
  async recordInbound(channel: 'sms' | 'zalo', sender: string, providerMessageId: string | null, command: string): Promise<boolean> {
    const inserted = await sql<{ id: number }>`
      insert into notification_inbound (channel, sender, provider_message_id, command)
      values (${channel}, ${sender}, ${providerMessageId}, ${command})
      on conflict (channel, provider_message_id) where provider_message_id is not null do nothing
      returning id`.execute(this.db);
    return inserted.rows.length === 1;
  }

  /** Messages from a sender within the last `seconds`. */
  async inboundCount(channel: 'sms' | 'zalo', sender: string, seconds: number): Promise<number> {
    const row = await this.db
      .selectFrom('notification_inbound')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('channel', '=', channel)
      .where('sender', '=', sender)
      .where('received_at', '>', sql<Date>`now() - make_interval(secs => ${seconds})`)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

/**
 * Retention (Decree 13/2023: personal data no longer than needed): outgoing messages that are settled (sent, failed,
 * skipped) and received messages, older than `before`. Pending messages are never deleted.
 */
export async function purgeOldMessages(db: Kysely<Schema>, before: Date): Promise<{ outbox: number; inbound: number }> {
  const outbox = await db.deleteFrom('notification_outbox').where('status', 'in', ['sent', 'failed', 'skipped']).where('created_at', '<', before).executeTakeFirst();
  const inbound = await db.deleteFrom('notification_inbound').where('received_at', '<', before).executeTakeFirst();
  return { outbox: Number(outbox.numDeletedRows), inbound: Number(inbound.numDeletedRows) };
}
