import type { Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import { DomainError } from '../../platform/errors/errors.js';
import { translator } from '../../platform/i18n/i18n.js';
import { nationalPhone } from './channels.js';
import { parseInboundText, type InboundCommand } from './inbound.js';
import { NotificationErrors } from './notifications.errors.js';
import type { NotificationsRepository } from './notifications.repository.js';
import type { NotificationService } from './notifications.service.js';

/** What the inbound service needs of the public lookup (the lookup module's `LookupService.find`). */
export interface DossierLookup {
  find(code: string, check: string): Promise<{ code: string; status: string; procedure: { name: string }; holderAgency: string; dueAt: Date | null }>;
}

export interface InboundMessage {
  channel: 'sms' | 'zalo';
  /** Phone number (any of 0…, 84…, +84…) for SMS; the Zalo user id for Zalo. */
  sender: string;
  text: string;
  /** The provider's id of the message: a retried webhook call is answered once. */
  providerMessageId: string | null;
}

export interface InboundOutcome {
  command: InboundCommand['kind'];
  /** The reply queued to the sender (null for a provider's retry of a message already answered). */
  reply: string | null;
  duplicate: boolean;
}

export interface InboundOptions {
  /** Messages accepted per sender per hour; more are refused without a reply. */
  perSenderPerHour: number;
}

/**
 * Answers texts sent to the portal (inbound.ts lists the commands). Replies go through the outbox on the channel the
 * text came from, so they are delivered, retried and recorded like every other message. The lookup asks for the
 * same second factor as the web lookup, and subscribing asks for it too: a stranger cannot follow someone's dossier.
 */
export class InboundService {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly repository: NotificationsRepository,
    private readonly notifications: NotificationService,
    private readonly lookup: DossierLookup,
    private readonly options: InboundOptions,
  ) {}

  async receive(message: InboundMessage): Promise<InboundOutcome> {
    const sender = message.channel === 'sms' ? nationalPhone(message.sender) : message.sender.trim();
    if (!sender || sender.length > 100 || typeof message.text !== 'string') throw new DomainError(NotificationErrors.inboundInvalid);
    const recent = await this.repository.inboundCount(message.channel, sender, 3600);
    if (recent >= this.options.perSenderPerHour) {
      await this.repository.recordInbound(message.channel, sender, message.providerMessageId, 'limited');
      throw new DomainError(NotificationErrors.inboundRateLimited);
    }
    const command = parseInboundText(message.text);
    // The lookup runs before the transaction: on the embedded database a transaction holds the only session.
    const reply = await this.answer(command);
    const t = translator('vi');
    return this.db.transaction().execute(async (trx) => {
      const repo = this.repository.in(trx);
      if (!(await repo.recordInbound(message.channel, sender, message.providerMessageId, command.kind))) {
        return { command: command.kind, reply: null, duplicate: true };
      }
      if (reply.subscribe) await repo.subscribe(reply.subscribe, message.channel, sender, 'vi');
      let template = reply.template;
      if (reply.unsubscribe !== undefined) {
        const cancelled = reply.unsubscribe !== null && (await repo.unsubscribe(reply.unsubscribe, message.channel, sender));
        if (!cancelled) template = 'notifications.reply.notSubscribed';
      }
      // A reply goes whatever the preferences: the sender asked for it.
      await this.notifications.enqueue(trx, { channel: message.channel, recipient: sender, template, params: reply.params, locale: 'vi', mandatory: true });
      return { command: command.kind, reply: t(`${template}.body`, reply.params), duplicate: false };
    });
  }

  private async answer(command: InboundCommand): Promise<{ template: string; params: Record<string, string>; subscribe?: number; unsubscribe?: number | null }> {
    if (command.kind === 'help') return { template: 'notifications.reply.help', params: {} };
    if (command.kind === 'unsubscribe') {
      const dossierId = await this.repository.dossierIdByCode(command.code);
      return { template: 'notifications.reply.unsubscribed', params: { code: command.code }, unsubscribe: dossierId ?? null };
    }
    let view;
    try {
      view = await this.lookup.find(command.code, command.check);
    } catch (error) {
      if (error instanceof DomainError && (error.kind === 'not_found' || error.kind === 'invalid')) {
        return { template: 'notifications.reply.notFound', params: { code: command.code } };
      }
      throw error;
    }
    const t = translator('vi');
    if (command.kind === 'subscribe') {
      const dossierId = await this.repository.dossierIdByCode(view.code);
      if (dossierId === undefined) return { template: 'notifications.reply.notFound', params: { code: command.code } };
      return { template: 'notifications.reply.subscribed', params: { code: view.code, status: t(`dossiers.status.${view.status}`) }, subscribe: dossierId };
    }
    const params = {
      code: view.code,
      procedure: view.procedure.name,
      status: t(`dossiers.status.${view.status}`),
      holder: view.holderAgency,
    };
    return view.dueAt
      ? { template: 'notifications.reply.status', params: { ...params, dueAt: vietnamDate(view.dueAt) } }
      : { template: 'notifications.reply.statusNoDue', params };
  }
}

function vietnamDate(at: Date): string {
  return new Intl.DateTimeFormat('vi-VN', { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Asia/Ho_Chi_Minh' }).format(at);
}
