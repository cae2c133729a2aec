import type { ColumnType, Generated } from 'kysely';

/** Row types of the notifications module's tables; platform/db/schema.ts composes every module's tables into one Database. */

export type NotificationChannel = 'email' | 'sms' | 'zalo';
export type NotificationStatus = 'pending' | 'sent' | 'failed';

/**
 * One message to deliver (the outbox pattern): written in the same transaction as the change it reports, then
 * delivered by a worker. The text is rendered when the row is written, so a later edit of the catalogue does not
 * change what a citizen was told.
 */
export interface NotificationOutboxTable {
  id: Generated<number>;
  channel: NotificationChannel;
  /** E-mail address, or mobile number in national format (0xxxxxxxxx). */
  recipient: string;
  /** Message-catalogue key prefix of the template, e.g. `identity.message.verifyCode`. */
  template_key: string;
  params: ColumnType<Record<string, string | number>, string, string>;
  locale: 'vi' | 'en';
  subject: string;
  body: string;
  status: ColumnType<NotificationStatus, NotificationStatus | undefined, NotificationStatus>;
  attempts: Generated<number>;
  created_at: Generated<Date>;
  sent_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  dossier_id: number | null;
}

export interface NotificationsTables {
  notification_outbox: NotificationOutboxTable;
}
