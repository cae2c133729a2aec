import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { DomainError } from '../../platform/errors/errors.js';
import { createServer } from '../../platform/http/server.js';
import { createNotificationService, notificationDevRoutes, NotificationErrors, renderTemplate, type NotificationService } from './index.js';

let database: Database;
let notifications: NotificationService;

before(async () => {
  database = await openTestDatabase();
  notifications = createNotificationService(database);
});

after(async () => {
  await database.close();
});

describe('NotificationService.enqueue', () => {
  test('does render the template in the recipient’s language and keep the row pending', async () => {
    const { id } = await notifications.enqueue(database.db, {
      channel: 'email',
      recipient: 'lan@example.vn',
      template: 'identity.message.verifyCode',
      params: { code: '123456', minutes: 5 },
      locale: 'vi',
    });
    const [latest] = await notifications.latest(1);
    assert.equal(latest?.id, id);
    assert.equal(latest?.status, 'pending');
    assert.equal(latest?.attempts, 0);
    assert.equal(latest?.sentAt, null);
    assert.match(latest!.subject, /Mã xác thực/);
    assert.match(latest!.body, /123456/);
    assert.match(latest!.body, /5 phút/);
    assert.equal(latest?.template, 'identity.message.verifyCode');

    await notifications.enqueue(database.db, {
      channel: 'sms',
      recipient: '0912345678',
      template: 'identity.message.verifyCode',
      params: { code: '654321', minutes: 5 },
      locale: 'en',
      dossierId: 42,
    });
    const [sms] = await notifications.latest(1);
    assert.equal(sms?.subject, '', 'an SMS has no subject');
    assert.match(sms!.body, /Your account verification code is 654321/);
    assert.equal(sms?.dossierId, 42);
  });

  test('does write nothing when the caller’s transaction rolls back (outbox pattern)', async () => {
    const before = (await notifications.latest(500)).length;
    await assert.rejects(
      database.db.transaction().execute(async (trx) => {
        await notifications.enqueue(trx, { channel: 'sms', recipient: '0912345678', template: 'identity.message.verifyCode', params: { code: '000000', minutes: 5 }, locale: 'vi' });
        throw new Error('the state change failed');
      }),
      /the state change failed/,
    );
    assert.equal((await notifications.latest(500)).length, before);
    await database.db.transaction().execute((trx) =>
      notifications.enqueue(trx, { channel: 'zalo', recipient: '0912345678', template: 'identity.message.passwordChanged', locale: 'vi' }),
    );
    assert.equal((await notifications.latest(500)).length, before + 1);
  });

  test('does refuse an unknown template and an empty recipient', async () => {
    await assert.rejects(
      notifications.enqueue(database.db, { channel: 'email', recipient: 'a@example.vn', template: 'no.such.template', locale: 'vi' }),
      (error: unknown) => error instanceof DomainError && error.code === NotificationErrors.templateUnknown.code,
    );
    await assert.rejects(
      notifications.enqueue(database.db, { channel: 'email', recipient: '  ', template: 'identity.message.verifyCode', locale: 'vi' }),
      (error: unknown) => error instanceof DomainError && error.code === NotificationErrors.recipientInvalid.code,
    );
  });

  test('renderTemplate does fill parameters in both languages', () => {
    assert.match(renderTemplate('identity.message.resetCode', { code: '111222', minutes: 5 }, 'vi').body, /111222/);
    assert.match(renderTemplate('identity.message.resetCode', { code: '111222', minutes: 5 }, 'en').subject, /password reset code/);
  });
});

describe('development mailbox /dev/hop-thu', () => {
  async function build(nodeEnv: 'development' | 'production'): Promise<FastifyInstance> {
    const config = loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: nodeEnv, SESSION_SECRET: 'a-test-secret-that-is-long-enough-0001' });
    const app = await createServer({ config, database, portal: { agencyCode: 'T', agencyName: 'Test' } });
    await app.register(notificationDevRoutes, { notifications, nodeEnv: config.nodeEnv });
    return app;
  }

  test('does list the newest messages with recipient, subject, body and time', async () => {
    await notifications.enqueue(database.db, {
      channel: 'email',
      recipient: 'mailbox@example.vn',
      template: 'identity.message.verifyCode',
      params: { code: '987654', minutes: 5 },
      locale: 'vi',
    });
    const app = await build('development');
    try {
      const res = await app.inject({ method: 'GET', url: '/dev/hop-thu' });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /Hộp thư thử nghiệm/);
      assert.match(res.body, /mailbox@example\.vn/);
      assert.match(res.body, /987654/);
      assert.match(res.body, /<time dateTime="\d{4}-\d{2}-\d{2}T/i);
      assert.equal(res.headers['x-robots-tag'], 'noindex, nofollow');
      assert.ok(res.body.indexOf('mailbox@example.vn') < res.body.indexOf('lan@example.vn'), 'newest first');
    } finally {
      await app.close();
    }
  });

  test('does not exist in production', async () => {
    const app = await build('production');
    try {
      const res = await app.inject({ method: 'GET', url: '/dev/hop-thu' });
      assert.equal(res.statusCode, 404);
      assert.doesNotMatch(res.body, /mailbox@example\.vn/);
    } finally {
      await app.close();
    }
  });
});
