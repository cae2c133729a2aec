import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { DomainError } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import {
  createChannels,
  createNotificationService,
  eventually,
  NotificationDispatcher,
  NotificationSandbox,
  NotificationsRepository,
  type ChannelName,
  type NotificationChannel,
  type NotificationService,
} from './index.js';

/*
 * Delivery against a real database (PGlite, or PostgreSQL with DATABASE_URL) and the real local sandbox: an SMTP
 * server and the SMS/Zalo HTTP stand-ins, reached through the real adapters (nodemailer, fetch).
 */

let database: Database;
let second: Database | null = null;
let sandbox: NotificationSandbox;
let notifications: NotificationService;
let repository: NotificationsRepository;

const smsKey = 'test-sms-key';
const zaloToken = 'test-zalo-token';

function realChannels(overrides: { smsKey?: string } = {}): Map<ChannelName, NotificationChannel> {
  return createChannels({
    smtp: { host: '127.0.0.1', port: sandbox.smtpPort, secure: false, user: '', password: '', from: '"Cổng dịch vụ công" <no-reply@motcua.local>' },
    sms: { url: `${sandbox.url}/sms`, apiKey: overrides.smsKey ?? smsKey },
    zalo: { url: `${sandbox.url}/zalo`, accessToken: zaloToken },
    timeoutMs: 3000,
  });
}

/** Wraps channels to see every call the dispatcher makes: message id and time. */
function watched(channels: Map<ChannelName, NotificationChannel>, calls: { id: number; channel: ChannelName; at: number }[]): Map<ChannelName, NotificationChannel> {
  return new Map(
    [...channels].map(([name, channel]) => [
      name,
      {
        name,
        async send(message, signal) {
          calls.push({ id: message.id, channel: name, at: Date.now() });
          return channel.send(message, signal);
        },
        close: () => channel.close?.() ?? Promise.resolve(),
      } satisfies NotificationChannel,
    ]),
  );
}

async function outboxRow(id: number) {
  return database.db.selectFrom('notification_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function enqueueMany(count: number, channel: ChannelName, prefix: string): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const recipient = channel === 'email' ? `${prefix}${i}@example.vn` : `09${String(10_000_000 + i).slice(-8)}`;
    const { id } = await notifications.enqueue(database.db, { channel, recipient, template: 'notifications.reply.help', locale: 'vi' });
    ids.push(id);
  }
  return ids;
}

before(async () => {
  database = await openTestDatabase();
  if (database.kind === 'postgres') second = await openDatabase({ url: database.url, poolSize: 5 });
  sandbox = await NotificationSandbox.start({ httpPort: 0, smtpPort: 0, smsApiKey: smsKey, zaloAccessToken: zaloToken });
  notifications = createNotificationService(database);
  repository = new NotificationsRepository(database.db, database.cipher);
});

after(async () => {
  await sandbox.close();
  await second?.close();
  await database.close();
});

beforeEach(async () => {
  await database.db.deleteFrom('notification_outbox').execute();
  sandbox.clear();
  sandbox.fail('sms', 0);
  sandbox.fail('email', 0);
  sandbox.fail('zalo', 0);
});

describe('NotificationDispatcher', () => {
  test('does send each message exactly once when two dispatchers share the outbox', async () => {
    const ids = [...(await enqueueMany(20, 'email', 'pair')), ...(await enqueueMany(20, 'sms', 'pair')), ...(await enqueueMany(20, 'zalo', 'pair'))];
    const calls: { id: number; channel: ChannelName; at: number }[] = [];
    const one = new NotificationDispatcher(repository, watched(realChannels(), calls), { dispatcherId: 'one', batchSize: 4, pollIntervalMs: 10 });
    const twoRepo = new NotificationsRepository((second ?? database).db, (second ?? database).cipher);
    const callsTwo: { id: number; channel: ChannelName; at: number }[] = [];
    const two = new NotificationDispatcher(twoRepo, watched(realChannels(), callsTwo), { dispatcherId: 'two', batchSize: 4, pollIntervalMs: 10 });
    one.start();
    two.start();
    try {
      await eventually('all 60 messages sent', async () => (await notifications.statusCounts()).sent === 60, 30_000);
    } finally {
      await Promise.all([one.stop(), two.stop()]);
    }
    const sentIds = [...calls, ...callsTwo].map((c) => c.id).sort((a, b) => a - b);
    assert.deepEqual(sentIds, [...ids].sort((a, b) => a - b), 'every message handed to a provider exactly once');
    const received = sandbox.messages();
    assert.equal(received.length, 60);
    assert.equal(new Set(received.map((m) => m.reference)).size, 60, 'the providers got 60 distinct messages');
    assert.deepEqual(
      { email: sandbox.messages('email').length, sms: sandbox.messages('sms').length, zalo: sandbox.messages('zalo').length },
      { email: 20, sms: 20, zalo: 20 },
    );
    const sms = sandbox.messages('sms')[0]!;
    assert.match(sms.to, /^849\d{8}$/, 'SMS numbers go out in international form');
    if (second) assert.ok(calls.length > 0 && callsTwo.length > 0, `both dispatchers sent: ${calls.length} / ${callsTwo.length}`);
    const rows = await database.db.selectFrom('notification_outbox').select(['status', 'attempts', 'lease_owner', 'provider_message_id']).execute();
    assert.ok(rows.every((r) => r.status === 'sent' && r.attempts === 1 && r.lease_owner === null && r.provider_message_id));
  });

  test('does take a message again once its claim expired, and ignore the lost claim’s late outcome', async () => {
    const [id] = await enqueueMany(1, 'sms', 'lease');
    const first = await repository.claim('sms', 'claim-a', 10, 1);
    assert.deepEqual(first.map((r) => Number(r.id)), [id]);
    assert.deepEqual(await repository.claim('sms', 'claim-b', 10, 1), [], 'held while the lease runs');
    await sleep(1200);
    const again = await repository.claim('sms', 'claim-b', 10, 60);
    assert.deepEqual(again.map((r) => [Number(r.id), r.attempts]), [[id, 2]]);
    assert.equal(await repository.finish(id!, 'claim-a', { kind: 'sent', providerMessageId: 'late', redact: null }), false, 'the expired claim records nothing');
    assert.equal(await repository.finish(id!, 'claim-b', { kind: 'sent', providerMessageId: 'ok', redact: null }), true);
    const row = await outboxRow(id!);
    assert.equal(row.status, 'sent');
    assert.equal(row.provider_message_id, 'ok');
  });

  test('does retry a failing provider with growing waits, then mark it failed, while other messages and channels go through', async () => {
    sandbox.fail('sms', -1);
    const failing = await enqueueMany(2, 'sms', 'down');
    const emails = await enqueueMany(3, 'email', 'up');
    const zalo = await enqueueMany(1, 'zalo', 'up');
    const calls: { id: number; channel: ChannelName; at: number }[] = [];
    const dispatcher = new NotificationDispatcher(repository, watched(realChannels(), calls), {
      maxAttempts: 3,
      retryBaseMs: 300,
      random: () => 0.5,
      pollIntervalMs: 20,
    });
    dispatcher.start();
    try {
      await eventually('the SMS to be given up', async () => {
        const rows = await Promise.all(failing.map(outboxRow));
        return rows.every((r) => r.status === 'failed');
      }, 15_000);
    } finally {
      await dispatcher.stop();
    }
    for (const id of failing) {
      const row = await outboxRow(id);
      assert.equal(row.attempts, 3);
      assert.match(row.last_error ?? '', /HTTP 503/);
      assert.ok(row.failed_at);
      const times = calls.filter((c) => c.id === id).map((c) => c.at);
      assert.equal(times.length, 3, 'one attempt and two retries');
      assert.ok(times[1]! - times[0]! >= 280, `first retry after ${times[1]! - times[0]!} ms`);
      assert.ok(times[2]! - times[1]! >= 580, `second retry after ${times[2]! - times[1]!} ms (doubled)`);
    }
    const firstSmsAttempt = Math.min(...calls.filter((c) => c.channel === 'sms').map((c) => c.at));
    const lastSmsAttempt = Math.max(...calls.filter((c) => c.channel === 'sms').map((c) => c.at));
    for (const id of [...emails, ...zalo]) {
      const row = await outboxRow(id);
      assert.equal(row.status, 'sent');
      assert.ok(new Date(row.sent_at!).getTime() < lastSmsAttempt, 'sent while the SMS provider was failing');
    }
    assert.ok(firstSmsAttempt > 0);
    assert.equal(sandbox.messages('email').length, 3);
    assert.equal(sandbox.messages('zalo').length, 1);
    assert.equal(sandbox.messages('sms').length, 0);
  });

  test('does send on a later attempt after a temporary failure', async () => {
    sandbox.fail('sms', 1);
    const [id] = await enqueueMany(1, 'sms', 'flaky');
    const dispatcher = new NotificationDispatcher(repository, realChannels(), { retryBaseMs: 100, random: () => 0.5, pollIntervalMs: 20 });
    dispatcher.start();
    try {
      await eventually('the SMS to be sent', async () => (await outboxRow(id!)).status === 'sent', 10_000);
    } finally {
      await dispatcher.stop();
    }
    const row = await outboxRow(id!);
    assert.equal(row.attempts, 2);
    assert.equal(sandbox.messages('sms').length, 1);
  });

  test('does mark a message failed at once when the provider refuses the request itself', async () => {
    const [id] = await enqueueMany(1, 'sms', 'refused');
    const dispatcher = new NotificationDispatcher(repository, realChannels({ smsKey: 'wrong-key' }), { retryBaseMs: 100 });
    const summary = await dispatcher.runOnce('sms');
    assert.deepEqual(summary, { sent: 0, retried: 0, failed: 1, lost: 0 });
    const row = await outboxRow(id!);
    assert.equal(row.status, 'failed');
    assert.equal(row.attempts, 1);
    assert.match(row.last_error ?? '', /HTTP 401/);
  });

  test('does deliver a one-time code by e-mail and then remove it from the stored copy', async () => {
    const { id } = await notifications.enqueue(database.db, {
      channel: 'email',
      recipient: 'otp@example.vn',
      template: 'identity.message.verifyCode',
      params: { code: '482913', minutes: 5 },
      locale: 'vi',
    });
    const dispatcher = new NotificationDispatcher(repository, realChannels());
    assert.equal((await dispatcher.runOnce()).sent, 1);
    const [mail] = await sandbox.waitFor((m) => m.length === 1);
    assert.equal(mail!.to, 'otp@example.vn');
    assert.match(mail!.subject, /Mã xác thực/);
    assert.match(mail!.text, /482913/, 'the citizen got the code');
    const stored = await notifications.message(id);
    assert.equal(stored?.status, 'sent');
    assert.equal(stored?.redacted, true);
    assert.doesNotMatch(stored!.body, /482913/);
    assert.match(stored!.body, /••••••/);
    const row = await outboxRow(id);
    assert.equal((row.params as Record<string, unknown>).code, '[redacted]');
    assert.equal((row.params as Record<string, unknown>).minutes, 5);
  });
});

describe('channel preferences', () => {
  let citizen: SessionUser;

  before(async () => {
    const user = await database.db
      .insertInto('app_user')
      .values({ kind: 'citizen', username: 'pref@example.vn', display_name: 'Trần Thị Bình', password_hash: 'not-a-hash', agency_id: null, roles: [] })
      .returning('id')
      .executeTakeFirstOrThrow();
    // As the profile repository writes it: the phone sealed, its blind index beside it (the outbox finds the
    // citizen's preferences by that index).
    await database.db
      .insertInto('citizen_profile')
      .values({ user_id: user.id, full_name: 'Trần Thị Bình', phone: await database.cipher.seal('0987000111'), phone_index: await database.cipher.blindIndex('phone', '0987000111'), email: 'pref@example.vn' })
      .execute();
    citizen = { id: user.id, kind: 'citizen', displayName: 'Trần Thị Bình', agencyId: null, roles: [] };
  });

  test('does default to e-mail and SMS, and keep a saved choice', async () => {
    assert.deepEqual(await notifications.preferencesOf(citizen), { email: true, sms: true, zalo: false });
    await notifications.savePreferences(citizen, { email: false, sms: true, zalo: true });
    assert.deepEqual(await notifications.preferencesOf(citizen), { email: false, sms: true, zalo: true });
    await assert.rejects(notifications.preferencesOf({ ...citizen, kind: 'officer' }), (e: unknown) => e instanceof DomainError && e.code === 'ACCESS_DENIED');
  });

  test('does skip a channel turned off, copy SMS to Zalo when on, and always send one-time codes', async () => {
    await notifications.savePreferences(citizen, { email: false, sms: true, zalo: true });
    const params = { code: 'H42-261123-0001', procedure: 'Đăng ký khai sinh', agency: 'UBND phường', reasons: 'thiếu giấy tờ' };
    const email = await notifications.enqueue(database.db, { channel: 'email', recipient: 'pref@example.vn', template: 'workflow.message.refused', params, locale: 'vi' });
    const sms = await notifications.enqueue(database.db, { channel: 'sms', recipient: '0987000111', template: 'workflow.message.refused', params, locale: 'vi' });
    const code = await notifications.enqueue(database.db, { channel: 'email', recipient: 'pref@example.vn', template: 'identity.message.verifyCode', params: { code: '111333', minutes: 5 }, locale: 'vi' });
    assert.equal((await outboxRow(email.id)).status, 'skipped');
    assert.equal((await outboxRow(sms.id)).status, 'pending');
    assert.equal((await outboxRow(code.id)).status, 'pending', 'a one-time code goes whatever the preferences');
    const zalo = await database.db.selectFrom('notification_outbox').select(['recipient', 'status', 'body']).where('channel', '=', 'zalo').execute();
    assert.ok(zalo.every((r) => r.recipient.startsWith('pd1.')), 'the Zalo copy\'s recipient is sealed at rest');
    assert.deepEqual(await Promise.all(zalo.map(async (r) => [await database.cipher.open(r.recipient), r.status])), [['0987000111', 'pending']]);

    const dispatcher = new NotificationDispatcher(repository, realChannels());
    await dispatcher.runOnce();
    assert.equal((await outboxRow(email.id)).status, 'skipped', 'never sent');
    assert.deepEqual(sandbox.messages('email').map((m) => m.text.includes('111333')), [true], 'only the code was e-mailed');
    assert.equal(sandbox.messages('sms').length, 1);
    assert.deepEqual(sandbox.messages('zalo').map((m) => m.to), ['84987000111']);
    const counts = await sql<{ n: number }>`select count(*)::int as n from notification_outbox where status = 'pending'`.execute(database.db);
    assert.equal(counts.rows[0]?.n, 0);
  });
});
