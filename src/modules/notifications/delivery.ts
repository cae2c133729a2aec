import type { Config } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logging/logger.js';
import type { NotificationChannel } from './channels.js';
import { NotificationDispatcher } from './dispatcher.js';
import { NotificationsRepository } from './notifications.repository.js';
import type { ChannelName } from './notifications.tables.js';
import { NotificationSandbox } from './sandbox.js';
import { channelSettings, createChannels, dispatcherSettings, usesSandbox } from './settings.js';

export interface RunningDelivery {
  dispatcher: NotificationDispatcher;
  /** The local sandbox, when this process runs it. */
  sandbox: NotificationSandbox | null;
  /** Stops the dispatcher (sends in flight finish), then the channels and the sandbox. */
  close(): Promise<void>;
}

/**
 * Starts delivering the outbox in this process (the worker, or the demo's single process). With `runSandbox`, and
 * when a channel is configured to the sandbox (empty SMTP_HOST, SMS_API_URL or ZALO_API_URL) outside production,
 * the local SMTP server and SMS/Zalo sandbox are started first on their configured ports.
 */
export async function startNotificationDelivery(options: {
  database: Database;
  config: Config;
  logger: Logger;
  runSandbox: boolean;
}): Promise<RunningDelivery> {
  const { config, logger } = options;
  let sandbox: NotificationSandbox | null = null;
  if (options.runSandbox && usesSandbox(config)) {
    try {
      sandbox = await NotificationSandbox.start({
        httpPort: config.notifySandboxPort,
        smtpPort: config.smtpHost ? null : config.notifySandboxSmtpPort,
        smsApiKey: config.smsApiKey,
        zaloAccessToken: config.zaloAccessToken,
      });
    } catch (error) {
      // A port in use (another demo running) must not stop the portal: messages then wait and are retried.
      logger.warn({ action: 'notifications.sandbox_unavailable', err: error }, 'the local message sandbox could not start');
    }
  }
  if (!sandbox && usesSandbox(config)) {
    logger.warn(
      { action: 'notifications.sandbox_expected', sandbox: `http://127.0.0.1:${config.notifySandboxPort}` },
      'SMTP_HOST, SMS_API_URL or ZALO_API_URL is empty: those messages go to the local sandbox, which this process does not run',
    );
  }
  const channels: Map<ChannelName, NotificationChannel> = createChannels(
    channelSettings(config, sandbox ? { url: sandbox.url, smtpPort: sandbox.smtpPort || config.notifySandboxSmtpPort } : undefined),
  );
  const dispatcher = new NotificationDispatcher(new NotificationsRepository(options.database.db, options.database.cipher), channels, { ...dispatcherSettings(config), logger });
  dispatcher.start();
  logger.info({ action: 'notifications.delivery_started', sandbox: sandbox?.url ?? null }, 'notification delivery started');
  return {
    dispatcher,
    sandbox,
    async close() {
      await dispatcher.stop();
      await Promise.all([...channels.values()].map((c) => c.close?.()));
      await sandbox?.close();
    },
  };
}
