import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import { prepared } from '../../platform/db/prepared.js';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { FieldCipher } from '../../platform/crypto/index.js';
import type { ChannelName, NotificationOutboxTable, NotificationStatus } from './notifications.tables.js';

/** An outbox row as read (the recipient opened; its blind index is storage detail). */
export type OutboxRow = Omit<Selectable<NotificationOutboxTable>, 'recipient_index'>;
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

/** A message of `writeBatch`, rendered (the preference rules are applied by the statement). */
export interface BatchMessage {
  channel: ChannelName;
  recipient: string;
  template_key: string;
  /** JSON of the params. */
  params: Record<string, unknown>;
  locale: 'vi' | 'en';
  /** '' for SMS. */
  subject: string;
  /** The subject of the Zalo copy of an SMS (Zalo messages have one). */
  zalo_subject: string;
  body: string;
  dossier_id: number | null;
  mandatory: boolean;
  secret_params: readonly string[];
}

/** A live subscription of a dossier that needs a status copy of this transaction's change. */
export interface PendingSubscriberCopy {
  id: number;
  dossierId: number;
  channel: 'sms' | 'zalo';
  address: string;
  locale: 'vi' | 'en';
  code: string;
  status: string;
}

/** What an attempt's outcome writes. */
export type AttemptOutcome =
  | { kind: 'sent'; providerMessageId: string | null; redact: { subject: string; body: string; params: string } | null }
  | { kind: 'retry'; error: string; delayMs: number }
  | { kind: 'failed'; error: string; redact: { subject: string; body: string; params: string } | null };

/**
 * SQL for the notifications module's tables. Bound to a database or to a caller's transaction (`in(trx)`).
 * Phone numbers and Zalo ids are personal data (Decree 13/2023): an SMS or Zalo recipient, a subscription's address
 * and an inbound sender are sealed on write (platform/crypto), with a blind index beside them for the equality
 * checks in SQL, and opened on read; e-mail recipients stay plain. Services and the dispatcher see plaintext.
 */
export class NotificationsRepository {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly cipher: FieldCipher,
  ) {}

  /** The same queries on another executor, typically the caller's open transaction. */
  in(db: Kysely<Schema>): NotificationsRepository {
    return db === this.db ? this : new NotificationsRepository(db, this.cipher);
  }

  /** The stored form of an address: an SMS or Zalo recipient sealed with its blind index; an e-mail address as it is. */
  private async storedAddress(channel: ChannelName, address: string): Promise<{ recipient: string; recipient_index: string | null }> {
    if (channel === 'email') return { recipient: address, recipient_index: null };
    return { recipient: await this.cipher.seal(address), recipient_index: await this.addressIndex(address) };
  }

  /** The blind index of a phone (any usual spelling) or, failing that, of a Zalo user id. */
  private async addressIndex(address: string): Promise<string | null> {
    return (await this.cipher.blindIndex('phone', address)) ?? this.cipher.blindIndex('zalo', address);
  }

  private async opened<R extends { recipient: string }>(row: R): Promise<R> {
    return { ...row, recipient: await this.cipher.open(row.recipient) };
  }

  /** Several rows in one statement (subscriber copies); ids in the order of `rows`. */
  async insertMany(rows: readonly NewOutboxRow[]): Promise<number[]> {
    if (rows.length === 0) return [];
    const stored = await Promise.all(rows.map(async (r) => ({ ...r, ...(await this.storedAddress(r.channel, r.recipient)) })));
    const inserted = await this.db.insertInto('notification_outbox').values(stored).returning('id').execute();
    return inserted.map((r) => Number(r.id)).sort((a, b) => a - b);
  }

  /**
   * Writes a batch of messages in one statement, with what `NotificationService.enqueue` decides per message:
   * - status `skipped` for a channel the recipient turned off (preferences of the citizen whose profile holds the
   *   address, the most restrictive when several do), unless the message is mandatory or goes by Zalo;
   * - a Zalo copy of a non-mandatory SMS when that citizen turned Zalo on (subject `zaloSubject`);
   * - this transaction's pending subscriber copies to an address that now gets a message itself are deleted.
   * Returns the ids of the batch's own rows in its order, and the live subscriptions of the batch's dossiers that
   * still need a status copy (none yet in this transaction, address not written to by it), with the dossier's code
   * and status, for the caller to render and `insertMany`.
   *
   * One statement instead of four per message: the outbox rows are often written while a counter row or a dossier
   * row is locked (submission, workflow transitions), so each round trip saved shortens that lock.
   */
  async writeBatch(rows: readonly BatchMessage[]): Promise<{ ids: number[]; subscriptions: PendingSubscriberCopy[] }> {
    if (rows.length === 0) return { ids: [], subscriptions: [] };
    // `recipient` sealed (SMS, Zalo) and `recipient_index` its blind index; `match` is what equal addresses share:
    // the blind index, or an e-mail address itself.
    const stored = await Promise.all(rows.map(async (r) => ({ ...r, ...(await this.storedAddress(r.channel, r.recipient)) })));
    const batch = JSON.stringify(stored.map((r, ord) => ({ ord, ...r, match: r.recipient_index ?? r.recipient })));
    const result = await sql<{ ids: (number | string)[] | null; copies: number[] | null; subscriptions: PendingSubscriberCopy[] | null }>`
      with batch as (
        select * from jsonb_to_recordset(${batch}::jsonb) as b(ord int, channel text, recipient text, recipient_index text, match text, template_key text, params jsonb,
          locale text, subject text, zalo_subject text, body text, dossier_id bigint, mandatory boolean, secret_params jsonb)
      ), preference as (
        select b.match, bool_and(p.email) as email, bool_and(p.sms) as sms, bool_and(p.zalo) as zalo
        from (select distinct match from batch where not mandatory and channel <> 'zalo') b
        join citizen_profile c on c.phone_index = b.match or c.email = b.match
        join notification_preference p on p.user_id = c.user_id
        group by b.match
      ), message as (
        select b.ord, 0 as copy, b.channel, b.recipient, b.recipient_index, b.match, b.template_key, b.params, b.locale, b.subject, b.body, b.dossier_id, b.mandatory, b.secret_params,
          case when b.mandatory or b.channel = 'zalo' or f.match is null or (b.channel = 'email' and f.email) or (b.channel = 'sms' and f.sms)
            then 'pending' else 'skipped' end as status
        from batch b left join preference f on f.match = b.match
        union all
        select b.ord, 1, 'zalo', b.recipient, b.recipient_index, b.match, b.template_key, b.params, b.locale, b.zalo_subject, b.body, b.dossier_id, false, b.secret_params, 'pending'
        from batch b join preference f on f.match = b.match
        where b.channel = 'sms' and not b.mandatory and f.zalo
      ), dropped as (
        delete from notification_outbox o using message m
        where m.dossier_id is not null and o.dossier_id = m.dossier_id and o.channel = m.channel and coalesce(o.recipient_index, o.recipient) = m.match
          and o.subscription_id is not null and o.status = 'pending' and o.created_at = now()
      ), inserted as (
        insert into notification_outbox (channel, recipient, recipient_index, template_key, params, locale, subject, body, dossier_id, mandatory, secret_params, status)
        select channel, recipient, recipient_index, template_key, params, locale, subject, body, dossier_id, mandatory, secret_params, status
        from message order by ord, copy
        returning id
      )
      select
        (select json_agg(id order by id) from inserted) as ids,
        (select json_agg(copy order by ord, copy) from message) as copies,
        (select json_agg(json_build_object('id', s.id, 'dossierId', s.dossier_id, 'channel', s.channel, 'address', s.address, 'locale', s.locale, 'code', d.code, 'status', d.status) order by s.id)
          from notification_subscription s join dossier d on d.id = s.dossier_id
          where s.dossier_id in (select dossier_id from batch where dossier_id is not null) and s.cancelled_at is null
            and not exists (
              select 1 from notification_outbox o
              where o.dossier_id = s.dossier_id and o.created_at = now()
                and (o.subscription_id = s.id or (o.channel = s.channel and o.recipient_index = s.address_index))
            )
            and not exists (select 1 from message m where m.dossier_id = s.dossier_id and m.channel = s.channel and m.recipient_index = s.address_index)
        ) as subscriptions${prepared}`.execute(this.db);
    const row = result.rows[0];
    // The rows were inserted in (ord, copy) order, so ids ascend in that order (one statement, one sequence).
    const ids = (row?.ids ?? []).map(Number);
    const copies = row?.copies ?? [];
    const own = ids.filter((_, i) => copies[i] === 0);
    if (own.length !== rows.length) throw new Error(`outbox batch: ${own.length} rows written for ${rows.length} messages`);
    const subscriptions = await Promise.all((row?.subscriptions ?? []).map(async (s) => ({ ...s, id: Number(s.id), dossierId: Number(s.dossierId), address: await this.cipher.open(s.address) })));
    return { ids: own, subscriptions };
  }

  /** Newest first; served by the primary key. */
  async latest(limit: number): Promise<OutboxRow[]> {
    const rows = await this.db.selectFrom('notification_outbox').select(columns).orderBy('id', 'desc').limit(limit).execute();
    return Promise.all(rows.map((r) => this.opened(r)));
  }

  async byId(id: number): Promise<OutboxRow | undefined> {
    const row = await this.db.selectFrom('notification_outbox').select(columns).where('id', '=', id).executeTakeFirst();
    return row ? this.opened(row) : undefined;
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
    return Promise.all(result.rows.sort((a, b) => Number(a.id) - Number(b.id)).map((r) => this.opened(r)));
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

  // ---- subscriptions ----

  async dossierIdByCode(code: string): Promise<number | undefined> {
    const row = await this.db.selectFrom('dossier').select('id').where('code', '=', code).executeTakeFirst();
    return row ? Number(row.id) : undefined;
  }

  /** Subscribes; false when that address already follows the dossier. */
  async subscribe(dossierId: number, channel: 'sms' | 'zalo', address: string, locale: 'vi' | 'en'): Promise<boolean> {
    const inserted = await sql<{ id: number }>`
      insert into notification_subscription (dossier_id, channel, address, address_index, locale)
      values (${dossierId}, ${channel}, ${await this.cipher.seal(address)}, ${await this.addressIndex(address)}, ${locale})
      on conflict (dossier_id, channel, address_index) where cancelled_at is null do nothing
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
      .where('address_index', '=', await this.addressIndex(address))
      .where('cancelled_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  // ---- inbound ----

  /** Records an inbound message; false when the provider already delivered this message id (a webhook retry). */
  async recordInbound(channel: 'sms' | 'zalo', sender: string, providerMessageId: string | null, command: string): Promise<boolean> {
    const inserted = await sql<{ id: number }>`
      insert into notification_inbound (channel, sender, provider_message_id, command)
      values (${channel}, ${await this.senderIndex(sender)}, ${providerMessageId}, ${command})
      on conflict (channel, provider_message_id) where provider_message_id is not null do nothing
      returning id`.execute(this.db);
    return inserted.rows.length === 1;
  }

  /** What notification_inbound.sender holds: the blind index of the number or Zalo id, never the number. */
  private async senderIndex(sender: string): Promise<string> {
    return (await this.addressIndex(sender)) ?? sender;
  }

  /** Messages from a sender within the last `seconds`. */
  async inboundCount(channel: 'sms' | 'zalo', sender: string, seconds: number): Promise<number> {
    const row = await this.db
      .selectFrom('notification_inbound')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('channel', '=', channel)
      .where('sender', '=', await this.senderIndex(sender))
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
