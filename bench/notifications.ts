// Notification throughput: messages delivered per second from the outbox to the providers, the local sandbox
// standing in for them (a real SMTP server, the SMS/Zalo HTTP stand-ins). The baseline, measured in the same run, is
// the same number of messages handed straight to the same adapters with the same concurrency and no database: the
// providers' own ceiling on this machine. The ratio is what the outbox (claim with a lease, one outcome write per
// message) costs.
import { sql } from 'kysely';
import type { TestServer } from '../e2e/support/server.js';
import {
  createChannels,
  createNotificationService,
  eventually,
  NotificationDispatcher,
  NotificationSandbox,
  NotificationsRepository,
  type ChannelName,
  type NotificationChannel,
} from '../src/modules/notifications/index.js';
import { integer, ratio, table } from './stats.js';

export interface NotificationBenchOptions {
  fixture: TestServer;
  /** Messages per measured run. */
  messages: number;
  /** Messages one dispatcher lane claims and sends at once (the adapters' baseline uses the same concurrency). */
  batchSize: number;
}

interface Row {
  name: string;
  count: number;
  perSecond: number;
}

/** Sends `count` messages straight through an adapter, `concurrency` in flight. */
async function direct(channel: NotificationChannel, count: number, concurrency: number, recipient: (i: number) => string): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        await channel.send({ id: 1_000_000 + i, channel: channel.name, recipient: recipient(i), subject: 'Bench', body: `Tin nhắn thử số ${i}`, locale: 'vi' }, AbortSignal.timeout(10_000));
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

export async function benchNotifications(options: NotificationBenchOptions): Promise<{ markdown: string; rows: Row[] }> {
  const { fixture, messages, batchSize } = options;
  const db = fixture.database.db;
  const sandbox = await NotificationSandbox.start({ httpPort: 0, smtpPort: 0, smsApiKey: 'bench-key', zaloAccessToken: 'bench-token', capacity: 100 });
  const channels = createChannels({
    smtp: { host: '127.0.0.1', port: sandbox.smtpPort, secure: false, user: '', password: '', from: '"Bench" <bench@motcua.local>' },
    sms: { url: `${sandbox.url}/sms`, apiKey: 'bench-key' },
    zalo: { url: `${sandbox.url}/zalo`, accessToken: 'bench-token' },
  });
  const notifications = createNotificationService(fixture.database);
  const repository = new NotificationsRepository(db, fixture.database.cipher);
  const rows: Row[] = [];
  const pending = async () => Number((await sql<{ n: number }>`select count(*)::int as n from notification_outbox where status = 'pending'`.execute(db)).rows[0]?.n ?? 0);
  try {
    // Messages other benchmarks queued (submissions) are delivered first, unmeasured.
    const drain = new NotificationDispatcher(repository, channels, { batchSize, pollIntervalMs: 20 });
    drain.start();
    await eventually('the outbox to drain', async () => (await pending()) === 0, 600_000);
    await drain.stop();

    const phone = (i: number) => `09${String(10_000_000 + (i % 90_000_000)).slice(-8)}`;
    const email = (i: number) => `bench${i}@example.vn`;
    rows.push({ name: 'baseline: SMS adapter → sandbox, no database', count: messages, perSecond: await direct(channels.get('sms')!, messages, batchSize, phone) });
    rows.push({ name: 'baseline: SMTP adapter → SMTP server, no database', count: messages, perSecond: await direct(channels.get('email')!, messages, batchSize, email) });

    /** Enqueues `count` messages (100 per transaction), then measures the dispatcher delivering all of them. */
    async function throughOutbox(name: string, count: number, channelOf: (i: number) => ChannelName): Promise<void> {
      const enqueueStarted = performance.now();
      for (let start = 0; start < count; start += 100) {
        await db.transaction().execute(async (trx) => {
          for (let i = start; i < Math.min(count, start + 100); i++) {
            const channel = channelOf(i);
            await notifications.enqueue(trx, { channel, recipient: channel === 'email' ? email(i) : phone(i), template: 'notifications.reply.help', locale: 'vi' });
          }
        });
      }
      rows.push({ name: `enqueue (${name}): rendered and written in transactions of 100`, count, perSecond: count / ((performance.now() - enqueueStarted) / 1000) });
      const dispatcher = new NotificationDispatcher(repository, channels, { batchSize, pollIntervalMs: 20 });
      const target = sandbox.receivedCount + count;
      const started = performance.now();
      dispatcher.start();
      // Timed on the providers' side (the sandbox counts in memory), so polling does not load the database.
      await sandbox.waitFor(() => sandbox.receivedCount >= target, 600_000);
      const seconds = (performance.now() - started) / 1000;
      await eventually(`${name} recorded as sent`, async () => (await pending()) === 0, 600_000);
      await dispatcher.stop();
      rows.push({ name: `outbox → ${name} (dispatcher: claim, send, record)`, count, perSecond: count / seconds });
    }
    await throughOutbox('SMS', messages, () => 'sms');
    await throughOutbox('e-mail', messages, () => 'email');
    const mixed: ChannelName[] = ['email', 'sms', 'zalo'];
    await throughOutbox('e-mail + SMS + Zalo', messages, (i) => mixed[i % 3]!);
  } finally {
    await Promise.all([...channels.values()].map((c) => c.close?.()));
    await sandbox.close();
  }
  const reference = (name: string) => rows.find((r) => r.name.startsWith(name))?.perSecond ?? Number.NaN;
  const smsBase = reference('baseline: SMS');
  const mailBase = reference('baseline: SMTP');
  const markdown = [
    '### Notification delivery',
    '',
    `Messages per second from the outbox to the local sandbox (one dispatcher, ${batchSize} messages claimed and sent at once per channel), beside the adapters alone (same concurrency, no database) measured in the same run.`,
    '',
    table(
      ['run', 'messages', 'per second', 'vs adapter alone'],
      rows.map((r) => [
        r.name,
        integer(r.count),
        integer(r.perSecond),
        r.name.includes('→ SMS (') ? ratio(r.perSecond, smsBase) : r.name.includes('→ e-mail (') ? ratio(r.perSecond, mailBase) : '',
      ]),
    ),
  ].join('\n');
  return { markdown, rows };
}
