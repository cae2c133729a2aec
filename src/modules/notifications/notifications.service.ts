import type { Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import { DomainError } from '../../platform/errors/errors.js';
import { catalogue, translator, type Locale, type Params } from '../../platform/i18n/i18n.js';
import { NotificationErrors } from './notifications.errors.js';
import type { NotificationsRepository, OutboxRow } from './notifications.repository.js';
import type { NotificationChannel, NotificationStatus } from './notifications.tables.js';

export const notificationChannels: readonly NotificationChannel[] = ['email', 'sms', 'zalo'];

export interface NotificationRequest {
  channel: NotificationChannel;
  /** E-mail address or mobile number (national format). */
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
  /** The dossier the message is about, if any. */
  dossierId?: number | null;
}

export interface RenderedMessage {
  subject: string;
  body: string;
}

/** A queued message as the development mailbox (and later the dossier timeline) shows it. */
export interface OutboxMessageView {
  id: number;
  channel: NotificationChannel;
  recipient: string;
  template: string;
  locale: Locale;
  subject: string;
  body: string;
  status: NotificationStatus;
  attempts: number;
  createdAt: Date;
  sentAt: Date | null;
  dossierId: number | null;
}

/**
 * Queues citizen notifications in the outbox. Nothing is sent here: a worker (a later issue) delivers pending rows.
 * `enqueue` takes the caller's executor so that a state change and the message announcing it commit together.
 */
export class NotificationService {
  constructor(private readonly outbox: NotificationsRepository) {}

  /** Renders the template now and writes a pending row through `db` (pass your open transaction). */
  async enqueue(db: Kysely<Schema>, request: NotificationRequest): Promise<{ id: number }> {
    const recipient = request.recipient.trim();
    if (recipient === '' || !notificationChannels.includes(request.channel)) {
      throw new DomainError(NotificationErrors.recipientInvalid, { params: { channel: String(request.channel) } });
    }
    const params = request.params ?? {};
    const rendered = renderTemplate(request.template, params, request.locale);
    const id = await this.outbox.in(db).insert({
      channel: request.channel,
      recipient,
      template_key: request.template,
      params: JSON.stringify(params),
      locale: request.locale,
      subject: request.channel === 'sms' ? '' : rendered.subject,
      body: rendered.body,
      dossier_id: request.dossierId ?? null,
    });
    return { id };
  }

  /** The newest messages first (development mailbox). */
  async latest(limit = 50): Promise<OutboxMessageView[]> {
    const rows = await this.outbox.latest(Math.min(Math.max(limit, 1), 500));
    return rows.map(presentMessage);
  }
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
    createdAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at),
    sentAt: row.sent_at === null ? null : new Date(row.sent_at),
    dossierId: row.dossier_id === null ? null : Number(row.dossier_id),
  };
}
