/**
 * The notifications module: the outbox that other modules write citizen messages into (in their own transaction),
 * and the development mailbox. Delivery (e-mail, SMS, Zalo) comes with a later issue's worker.
 */
import type { Database } from '../../platform/db/database.js';
import { NotificationsRepository } from './notifications.repository.js';
import { NotificationService } from './notifications.service.js';

export { NotificationService, notificationChannels, renderTemplate } from './notifications.service.js';
export type { NotificationRequest, OutboxMessageView, RenderedMessage } from './notifications.service.js';
export type { NotificationChannel, NotificationStatus } from './notifications.tables.js';
export { NotificationErrors } from './notifications.errors.js';
export { notificationDevRoutes } from './notifications.routes.js';
export type { NotificationDevRouteDeps } from './notifications.routes.js';

export function createNotificationService(database: Database): NotificationService {
  return new NotificationService(new NotificationsRepository(database.db));
}
