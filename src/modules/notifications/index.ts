/**
 * The notifications module: the outbox other modules write citizen messages into (in their own transaction), its
 * delivery by e-mail (SMTP), SMS and Zalo (HTTP providers) with retries, the citizen's channel preferences, texts
 * received by SMS/Zalo ("TRACUU <code> <4 digits>", subscriptions) and, outside production, a local sandbox
 * standing in for the providers plus the development mailbox that shows what it received.
 */
import type { Database } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logging/logger.js';
import type { NotificationChannel } from './channels.js';
import { NotificationDispatcher, type DispatcherOptions } from './dispatcher.js';
import { InboundService, type DossierLookup } from './inbound.service.js';
import { NotificationsRepository } from './notifications.repository.js';
import { NotificationService } from './notifications.service.js';
import type { ChannelName } from './notifications.tables.js';

export { NotificationService, applicantMessages, notificationChannels, renderTemplate, redactMessage, defaultPreferences, SUBSCRIBER_UPDATE_TEMPLATE } from './notifications.service.js';
export type { NotificationRequest, OutboxMessageView, RenderedMessage } from './notifications.service.js';
export type { ChannelName, NotificationStatus } from './notifications.tables.js';
export type { ChannelPreferences } from './notifications.repository.js';
export { NotificationsRepository, purgeOldMessages } from './notifications.repository.js';
export { NotificationErrors } from './notifications.errors.js';
export { DeliveryError, internationalPhone, nationalPhone, type NotificationChannel, type OutgoingMessage } from './channels.js';
export { SmtpEmailChannel, type SmtpChannelOptions } from './smtp.channel.js';
export { HttpSmsChannel, ZaloOaChannel } from './http.channels.js';
export { NotificationDispatcher, retryDelayMs, eventually, type DispatcherOptions, type DispatchSummary } from './dispatcher.js';
export { NotificationSandbox, fetchSandboxMessages, type SandboxMessage, type SandboxOptions } from './sandbox.js';
export { parseInboundText, type InboundCommand } from './inbound.js';
export { InboundService, type DossierLookup, type InboundMessage, type InboundOutcome } from './inbound.service.js';
export {
  notificationDevRoutes,
  notificationPreferenceRoutes,
  inboundRoutes,
  inboundPath,
  preferencesPath,
  smsWebhookSignature,
  zaloWebhookSignature,
} from './notifications.routes.js';
export { startNotificationDelivery, type RunningDelivery } from './delivery.js';
export { createChannels, type ChannelSettings } from './settings.js';
export { channelSettings, usesSandbox, sandboxUrlOf, inboundWebhookEnabled, dispatcherSettings } from './settings.js';
export type { NotificationDevRouteDeps, NotificationPreferenceRouteDeps, InboundRouteDeps } from './notifications.routes.js';

export function createNotificationService(database: Database): NotificationService {
  return new NotificationService(new NotificationsRepository(database.db, database.cipher));
}

/** The dispatcher over the database's outbox; `start()` it in a worker, `stop()` before closing the database. */
export function createNotificationDispatcher(
  database: Database,
  channels: ReadonlyMap<ChannelName, NotificationChannel>,
  options: DispatcherOptions & { logger?: Logger } = {},
): NotificationDispatcher {
  return new NotificationDispatcher(new NotificationsRepository(database.db, database.cipher), channels, options);
}

/** Answers inbound texts with the public lookup (`LookupService` of the lookup module). */
export function createInboundService(
  database: Database,
  deps: { notifications: NotificationService; lookup: DossierLookup; perSenderPerHour: number },
): InboundService {
  return new InboundService(database.db, new NotificationsRepository(database.db, database.cipher), deps.notifications, deps.lookup, { perSenderPerHour: deps.perSenderPerHour });
}
