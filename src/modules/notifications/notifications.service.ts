import type { Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import { DomainError } from '../../platform/errors/errors.js';
import { AuthErrors, type SessionUser } from '../../platform/http/auth.js';
import { catalogue, translator, type Locale, type Params } from '../../platform/i18n/i18n.js';
import { NotificationErrors } from './notifications.errors.js';
import type { BatchMessage, ChannelPreferences, NewOutboxRow, NotificationsRepository, OutboxRow, PendingSubscriberCopy } from './notifications.repository.js';
import type { ChannelName, NotificationStatus } from './notifications.tables.js';

export const notificationChannels: readonly ChannelName[] = ['email', 'sms', 'zalo'];

/** Without a saved choice: e-mail and SMS on, Zalo off (Zalo needs the citizen to follow the official account). */
export const defaultPreferences: Readonly<ChannelPreferences> = Object.freeze({ email: true, sms: true, zalo: false });

/**
 * Templates that go whatever the citizen's preferences (a one-time code must arrive where it was asked for; a
 * password change is a security notice), and the params removed from the stored copy once it is delivered.
 */
const templatePolicies: Readonly<Record<string, { mandatory: boolean; secretParams: readonly string[] }>> = {
  'identity.message.verifyCode': { mandatory: true, secretParams: ['code'] },
  'identity.message.resetCode': { mandatory: true, secretParams: ['code'] },
  'identity.message.passwordChanged': { mandatory: true, secretParams: [] },
};

/** The template of the copy a subscriber ("DANGKY") gets of a dossier's update: status only, no personal data. */
export const SUBSCRIBER_UPDATE_TEMPLATE = 'notifications.message.subscriberUpdate';

export interface NotificationRequest {
  channel: ChannelName;
  /** E-mail address, mobile number (national format), or a Zalo user id (replies on Zalo). */
  recipient: string;
  /**
   * Message-catalogue key prefix: `<template>.body` is required, `<template>.subject` is used when present
   * (e-mail, Zalo). Templates live in the catalogue of the module that sends them, e.g. `identity.message.verifyCode`.
   */
  template: string;
  /** Values for the template's `{placeholders}`. Stored with the row. */
  params?: Params;
  /** The recipient's language (usually the language of the page that caused the message). */
  locale: Locale;
  /** The dossier the message is about, if any: its subscribers get a status copy in the same transaction. */
  dossierId?: number | null;
  /** Sent whatever the recipient's preferences (default: per template; one-time codes are). */
  mandatory?: boolean;
  /** Params whose values are removed from the stored copy once delivered (default: per template). */
  secretParams?: readonly string[];
}

export interface RenderedMessage {
  subject: string;
  body: string;
}

/** A queued message as the development mailbox (and later the dossier timeline) shows it. */
export interface OutboxMessageView {
  id: number;
  channel: ChannelName;
  recipient: string;
  template: string;
  locale: Locale;
  subject: string;
  body: string;
  status: NotificationStatus;
  attempts: number;
  createdAt: Date;
  sentAt: Date | null;
  failedAt: Date | null;
  nextAttemptAt: Date | null;
  lastError: string | null;
  redacted: boolean;
  dossierId: number | null;
}

/**
 * Queues citizen notifications in the outbox; the dispatcher (dispatcher.ts) delivers them. `enqueue` takes the
 * caller's executor so that a state change and the message announcing it commit together. The citizen's channel
 * preferences are applied here: a message on a channel turned off is stored as `skipped`, unless mandatory.
 */
export class NotificationService {
  constructor(private readonly outbox: NotificationsRepository) {}

  /** Renders the template now and writes the row(s) through `db` (pass your open transaction). */
  async enqueue(db: Kysely<Schema>, request: NotificationRequest): Promise<{ id: number }> {
    const [id] = (await this.enqueueMany(db, [request])).ids;
    return { id: id! };
  }

  /**
   * Several messages at once, e.g. a dossier's e-mail and SMS about one change: rendered now, then written with
   * their Zalo copies and the dossier's subscriber copies in one statement (a second one only when the dossier has
   * subscribers to copy), through `db` (pass your open transaction). The same rules as one `enqueue` per request,
   * in order. Returns the ids of the requested messages, in the order of `requests`.
   */
  async enqueueMany(db: Kysely<Schema>, requests: readonly NotificationRequest[]): Promise<{ ids: number[] }> {
    if (requests.length === 0) return { ids: [] };
    const batch: BatchMessage[] = requests.map((request) => {
      const recipient = request.recipient.trim();
      if (recipient === '' || !notificationChannels.includes(request.channel)) {
        throw new DomainError(NotificationErrors.recipientInvalid, { params: { channel: String(request.channel) } });
      }
      const params = request.params ?? {};
      const rendered = renderTemplate(request.template, params, request.locale);
      const policy = templatePolicies[request.template];
      return {
        channel: request.channel,
        recipient,
        template_key: request.template,
        params,
        locale: request.locale,
        subject: request.channel === 'sms' ? '' : rendered.subject,
        zalo_subject: rendered.subject,
        body: rendered.body,
        dossier_id: request.dossierId ?? null,
        mandatory: request.mandatory ?? policy?.mandatory ?? false,
        secret_params: request.secretParams ?? policy?.secretParams ?? [],
      };
    });
    const repo = this.outbox.in(db);
    const { ids, subscriptions } = await repo.writeBatch(batch);
    if (subscriptions.length > 0) await repo.insertMany(subscriptions.map(subscriberCopy));
    return { ids };
  }

  /** The newest messages first (development mailbox). */
  async latest(limit = 50): Promise<OutboxMessageView[]> {
    const rows = await this.outbox.latest(Math.min(Math.max(limit, 1), 500));
    return rows.map(presentMessage);
  }

  async message(id: number): Promise<OutboxMessageView | null> {
    const row = await this.outbox.byId(id);
    return row ? presentMessage(row) : null;
  }

  async statusCounts(): Promise<Record<NotificationStatus, number>> {
    return this.outbox.countByStatus();
  }

  /** The signed-in citizen's channels (the defaults until they save a choice). */
  async preferencesOf(actor: SessionUser): Promise<ChannelPreferences> {
    if (actor.kind !== 'citizen') throw new DomainError(AuthErrors.forbidden);
    return (await this.outbox.preferences(actor.id)) ?? { ...defaultPreferences };
  }

  /** Saves the citizen's own channels; one-time codes and security notices still go by the channel they concern. */
  async savePreferences(actor: SessionUser, preferences: ChannelPreferences): Promise<void> {
    if (actor.kind !== 'citizen') throw new DomainError(AuthErrors.forbidden);
    await this.outbox.savePreferences(actor.id, preferences);
  }
}

/**
 * A message about a dossier to its applicant, on each channel they gave (e-mail, mobile number), in Vietnamese:
 * the requests for one `enqueueMany`.
 */
export function applicantMessages(
  contact: { email?: string | null; phone?: string | null },
  message: { template: string; params?: Params; dossierId: number },
): NotificationRequest[] {
  const { template, params, dossierId } = message;
  const requests: NotificationRequest[] = [];
  if (contact.email) requests.push({ channel: 'email', recipient: contact.email, template, ...(params ? { params } : {}), locale: 'vi', dossierId });
  if (contact.phone) requests.push({ channel: 'sms', recipient: contact.phone, template, ...(params ? { params } : {}), locale: 'vi', dossierId });
  return requests;
}

/** The status copy a subscriber ("DANGKY") gets: the dossier's code and state, no personal data. */
function subscriberCopy(s: PendingSubscriberCopy): NewOutboxRow {
  const params = { code: s.code, status: translator(s.locale)(`dossiers.status.${s.status}`) };
  const rendered = renderTemplate(SUBSCRIBER_UPDATE_TEMPLATE, params, s.locale);
  return {
    channel: s.channel,
    recipient: s.address,
    template_key: SUBSCRIBER_UPDATE_TEMPLATE,
    params: JSON.stringify(params),
    locale: s.locale,
    subject: s.channel === 'sms' ? '' : rendered.subject,
    body: rendered.body,
    dossier_id: s.dossierId,
    subscription_id: s.id,
  };
}

/** The subject and body of a template in a language; an unknown template is a programming error. */
export function renderTemplate(template: string, params: Params, locale: Locale): RenderedMessage {
  const known = catalogue('vi');
  if (!(`${template}.body` in known)) throw new DomainError(NotificationErrors.templateUnknown, { params: { template } });
  const t = translator(locale);
  return {
    subject: `${template}.subject` in known ? t(`${template}.subject`, params) : '',
    body: t(`${template}.body`, params),
  };
}

/** The stored copy without the values of `secretParams` (one-time codes), once the message has been delivered. */
export function redactMessage(row: Pick<OutboxRow, 'subject' | 'body' | 'params' | 'secret_params'>): { subject: string; body: string; params: string } | null {
  const names = Array.isArray(row.secret_params) ? row.secret_params : [];
  if (names.length === 0) return null;
  const params: Record<string, string | number> = { ...(row.params ?? {}) };
  let { subject, body } = row;
  for (const name of names) {
    const value = params[name];
    if (value === undefined) continue;
    const text = String(value);
    if (text.length > 0) {
      subject = subject.split(text).join('•'.repeat(text.length));
      body = body.split(text).join('•'.repeat(text.length));
    }
    params[name] = '[redacted]';
  }
  return { subject, body, params: JSON.stringify(params) };
}

function toDate(value: Date | string | null): Date | null {
  return value === null ? null : value instanceof Date ? value : new Date(value);
}

function presentMessage(row: OutboxRow): OutboxMessageView {
  return {
    id: Number(row.id),
    channel: row.channel,
    recipient: row.recipient,
    template: row.template_key,
    locale: row.locale,
    subject: row.subject,
    body: row.body,
    status: row.status,
    attempts: row.attempts,
    createdAt: toDate(row.created_at)!,
    sentAt: toDate(row.sent_at),
    failedAt: toDate(row.failed_at),
    nextAttemptAt: row.status === 'pending' ? toDate(row.next_attempt_at) : null,
    lastError: row.last_error,
    redacted: row.redacted_at !== null,
    dossierId: row.dossier_id === null ? null : Number(row.dossier_id),
  };
}
