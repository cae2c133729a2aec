import { configSpec, type Config } from '../../platform/config/config.js';
import type { NotificationChannel } from './channels.js';
import { HttpSmsChannel, ZaloOaChannel } from './http.channels.js';
import type { ChannelName } from './notifications.tables.js';
import { SmtpEmailChannel } from './smtp.channel.js';

/**
 * The providers as configured. An empty SMTP_HOST, SMS_API_URL or ZALO_API_URL means the local sandbox
 * (`NotificationSandbox`, started by `npm start` and by the tests), on its configured ports.
 */
export function channelSettings(config: Config, sandbox?: { url: string; smtpPort: number }): ChannelSettings {
  const sandboxUrl = sandbox?.url ?? `http://127.0.0.1:${config.notifySandboxPort}`;
  return {
    smtp: config.smtpHost
      ? { host: config.smtpHost, port: config.smtpPort, secure: config.smtpSecure, user: config.smtpUser, password: config.smtpPassword, from: config.mailFrom }
      : { host: '127.0.0.1', port: sandbox?.smtpPort ?? config.notifySandboxSmtpPort, secure: false, user: '', password: '', from: config.mailFrom },
    sms: { url: config.smsApiUrl || `${sandboxUrl}/sms`, apiKey: config.smsApiKey },
    zalo: { url: config.zaloApiUrl || `${sandboxUrl}/zalo`, accessToken: config.zaloAccessToken },
  };
}

/** Whether any channel goes to the local sandbox (then `npm start` runs it, and the mailbox page reads it). */
export function usesSandbox(config: Config): boolean {
  return config.nodeEnv !== 'production' && (config.smtpHost === '' || config.smsApiUrl === '' || config.zaloApiUrl === '');
}

/** The sandbox's address for the development mailbox page; null when no channel uses it. */
export function sandboxUrlOf(config: Config): string | null {
  return usesSandbox(config) ? `http://127.0.0.1:${config.notifySandboxPort}` : null;
}

/** The webhook is served unless it would accept signatures made with the published sandbox secret in production. */
export function inboundWebhookEnabled(config: Config): boolean {
  return config.nodeEnv !== 'production' || config.inboundWebhookSecret !== configSpec.inboundWebhookSecret.default;
}

/** Dispatcher settings from the configuration. */
export function dispatcherSettings(config: Config): { maxAttempts: number; retryBaseMs: number; batchSize: number } {
  return { maxAttempts: config.notifyMaxAttempts, retryBaseMs: Math.round(config.notifyRetrySeconds * 1000), batchSize: config.notifyBatchSize };
}

/** Where each channel's provider is (from the configuration: see notificationSettings in src/main). */
export interface ChannelSettings {
  smtp: { host: string; port: number; secure: boolean; user: string; password: string; from: string };
  sms: { url: string; apiKey: string };
  zalo: { url: string; accessToken: string };
  /** Per attempt. */
  timeoutMs?: number;
}

/** The three real adapters. */
export function createChannels(settings: ChannelSettings): Map<ChannelName, NotificationChannel> {
  const timeoutMs = settings.timeoutMs ?? 10_000;
  return new Map<ChannelName, NotificationChannel>([
    ['email', new SmtpEmailChannel({ ...settings.smtp, timeoutMs })],
    ['sms', new HttpSmsChannel({ url: settings.sms.url, apiKey: settings.sms.apiKey, timeoutMs })],
    ['zalo', new ZaloOaChannel({ url: settings.zalo.url, accessToken: settings.zalo.accessToken, timeoutMs })],
  ]);
}

