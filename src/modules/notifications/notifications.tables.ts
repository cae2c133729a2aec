import type { ColumnType, Generated } from 'kysely';

/** Row types of the notifications module's tables; platform/db/schema.ts composes every module's tables into one Database. */

export type ChannelName = 'email' | 'sms' | 'zalo';
/** pending: waiting for (another) attempt; sent; failed: given up; skipped: the citizen turned the channel off. */
export type NotificationStatus = 'pending' | 'sent' | 'failed' | 'skipped';

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/**
 * One message to deliver (the outbox pattern): written in the same transaction as the change it reports, then
 * delivered by the dispatcher. The text is rendered when the row is written, so a later edit of the catalogue does
 * not change what a citizen was told.
 */
export interface NotificationOutboxTable {
  id: Generated<number>;
  channel: ChannelName;
  /** E-mail address (plain), or a mobile number / Zalo user id sealed (`pd1.…`, platform/crypto; plaintext in old rows). */
  recipient: string;
  /** Blind index of a sealed recipient (null for e-mail). */
  recipient_index: ColumnType<string | null, string | null | undefined, string | null>;
  /** Message-catalogue key prefix of the template, e.g. `identity.message.verifyCode`. */
  template_key: string;
  params: ColumnType<Record<string, string | number>, string, string>;
  locale: 'vi' | 'en';
  subject: string;
  body: string;
  status: ColumnType<NotificationStatus, NotificationStatus | undefined, NotificationStatus>;
  attempts: Generated<number>;
  created_at: Generated<Date>;
  sent_at: NullableTimestamp;
  dossier_id: number | null;
  next_attempt_at: Generated<Date>;
  lease_owner: ColumnType<string | null, string | null | undefined, string | null>;
  lease_until: NullableTimestamp;
  last_attempt_at: NullableTimestamp;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  failed_at: NullableTimestamp;
  provider_message_id: ColumnType<string | null, string | null | undefined, string | null>;
  mandatory: Generated<boolean>;
  /** Names of params whose values are removed from the stored text once the message is delivered or given up. */
  secret_params: ColumnType<string[], string | undefined, string>;
  redacted_at: NullableTimestamp;
  subscription_id: number | null;
}

/** A citizen's channels; no row: the defaults (e-mail and SMS on, Zalo off). */
export interface NotificationPreferenceTable {
  user_id: number;
  email: boolean;
  sms: boolean;
  zalo: boolean;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** A phone or Zalo user following one dossier's updates ("DANGKY <code> <4 digits>"). */
export interface NotificationSubscriptionTable {
  id: Generated<number>;
  dossier_id: number;
  channel: 'sms' | 'zalo';
  /** Sealed phone or Zalo user id. */
  address: string;
  /** Its blind index: one live subscription per dossier, channel and address_index. */
  address_index: ColumnType<string | null, string | null | undefined, string | null>;
  locale: ColumnType<'vi' | 'en', 'vi' | 'en' | undefined, 'vi' | 'en'>;
  created_at: Generated<Date>;
  cancelled_at: NullableTimestamp;
}

/** A text received by the webhook. */
export interface NotificationInboundTable {
  id: Generated<number>;
  channel: 'sms' | 'zalo';
  /** Blind index of the sender's number or Zalo id (rate limit per sender); never the number. */
  sender: string;
  provider_message_id: string | null;
  command: string;
  received_at: Generated<Date>;
}

export interface NotificationsTables {
  notification_outbox: NotificationOutboxTable;
  notification_preference: NotificationPreferenceTable;
  notification_subscription: NotificationSubscriptionTable;
  notification_inbound: NotificationInboundTable;
}
