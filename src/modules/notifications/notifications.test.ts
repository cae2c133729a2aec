import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { DomainError } from '../../platform/errors/errors.js';
import { createServer } from '../../platform/http/server.js';
import { loadDemoData } from '../../main/seed.js';
import {
  applicantMessages,
  createNotificationService,
  notificationDevRoutes,
  NotificationErrors,
  NotificationsRepository,
  renderTemplate,
  SUBSCRIBER_UPDATE_TEMPLATE,
  type NotificationService,
} from './index.js';

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
    // Production refuses the public demo master key: give it one of its own (32 bytes, base64).
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      NODE_ENV: nodeEnv,
      SESSION_SECRET: 'a-test-secret-that-is-long-enough-0001',
      ...(nodeEnv === 'production' ? { DATA_ENCRYPTION_KEYS: `test:${Buffer.alloc(32, 7).toString('base64')}` } : {}),
    });
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

describe('NotificationService.enqueueMany', () => {
  let dossierId: number;
  let dossierCode: string;
  const phone = '0986000222';
  const email = 'many@example.vn';

  before(async () => {
    // A dossier needs a procedure and an agency: the demo data has them.
    await loadDemoData(database, loadConfig({ LOG_LEVEL: 'silent' }), { quiet: true });
    const db = database.db;
    const agency = await db.selectFrom('agency').select(['id', 'code']).where('code', 'is not', null).orderBy('id').executeTakeFirstOrThrow();
    const procedure = await db.selectFrom('procedure').select(['id', 'current_version_id']).where('code', '=', '1.010041').executeTakeFirstOrThrow();
    const user = await db
      .insertInto('app_user')
      .values({ kind: 'citizen', username: email, display_name: 'Lê Văn Nhiều', password_hash: 'not-a-hash', agency_id: null, roles: [] })
      .returning('id')
      .executeTakeFirstOrThrow();
    // As the profile repository stores it: the phone sealed, found by its blind index.
    await db
      .insertInto('citizen_profile')
      .values({ user_id: user.id, full_name: 'Lê Văn Nhiều', phone: await database.cipher.seal(phone), phone_index: await database.cipher.blindIndex('phone', phone), email })
      .execute();
    await notifications.savePreferences({ id: user.id, kind: 'citizen', displayName: 'Lê Văn Nhiều', agencyId: null, roles: [] }, { email: false, sms: true, zalo: true });
    dossierCode = `${agency.code}-261124-0777`;
    const row = await db
      .insertInto('dossier')
      .values({
        code: dossierCode,
        lookup_secret: 'MANY000001',
        procedure_id: procedure.id,
        procedure_version_id: procedure.current_version_id!,
        form_version: '1',
        applicant_user_id: user.id,
        applicant: JSON.stringify({ fullName: 'Lê Văn Nhiều', phone, email }),
        receiving_agency_id: agency.id,
        holder_agency_id: agency.id,
        channel: 'online',
        status: 'received',
        values: JSON.stringify({}),
        result_delivery: 'online',
        phone_last4: phone.slice(-4),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    dossierId = Number(row.id);
    // Two followers by SMS and one by Zalo; one of them is the applicant's own phone (it gets the message itself).
    const subscriptions = new NotificationsRepository(db, database.cipher);
    await subscriptions.subscribe(dossierId, 'sms', '0933000555', 'vi');
    await subscriptions.subscribe(dossierId, 'zalo', 'zalo-user-42', 'en');
    await subscriptions.subscribe(dossierId, 'sms', phone, 'vi');
  });

  /** The dossier's messages as the service shows them (recipients opened), oldest first, with the stored flags. */
  async function rowsOf(id: number) {
    const views = (await notifications.latest(500)).filter((m) => m.dossierId === id).reverse();
    const flags = await database.db.selectFrom('notification_outbox').select(['id', 'subscription_id', 'mandatory', 'secret_params']).where('dossier_id', '=', id).execute();
    const byId = new Map(flags.map((f) => [Number(f.id), f]));
    return views.map((m) => ({ ...m, template_key: m.template, subscription_id: byId.get(m.id)!.subscription_id, mandatory: byId.get(m.id)!.mandatory, secret_params: byId.get(m.id)!.secret_params }));
  }

  test('does write a dossier’s messages, the Zalo copy and the subscriber copies in one transaction, with the same rules as enqueue', async () => {
    const params = { code: dossierCode, procedure: 'Xác nhận thông tin về cư trú' };
    const { ids } = await database.db.transaction().execute(async (trx) => {
      const first = await notifications.enqueueMany(trx, applicantMessages({ email, phone }, { template: 'dossier.submitted', params, dossierId }));
      // A second message about the same change in the same transaction: no second round of subscriber copies.
      await notifications.enqueueMany(trx, [{ channel: 'email', recipient: email, template: 'identity.message.verifyCode', params: { code: '246810', minutes: 5 }, locale: 'vi', dossierId }]);
      return first;
    });
    assert.equal(ids.length, 2);
    const rows = await rowsOf(dossierId);
    const own = rows.filter((r) => ids.includes(r.id));
    assert.deepEqual(own.map((r) => [r.channel, r.recipient, r.status]), [
      ['email', email, 'skipped'],
      ['sms', phone, 'pending'],
    ], 'ids in request order; e-mail turned off by the citizen');
    assert.match(own[1]!.body, new RegExp(dossierCode.replace(/\./g, '\\.')));
    assert.equal(own[1]!.subject, '', 'an SMS has no subject');
    const zalo = rows.filter((r) => r.channel === 'zalo' && r.subscription_id === null);
    assert.deepEqual(zalo.map((r) => [r.recipient, r.status, r.template_key]), [[phone, 'pending', 'dossier.submitted']], 'the SMS copied to Zalo');
    const copies = rows.filter((r) => r.subscription_id !== null);
    assert.deepEqual(copies.map((r) => [r.channel, r.recipient, r.template_key]).sort(), [
      ['sms', '0933000555', SUBSCRIBER_UPDATE_TEMPLATE],
      ['zalo', 'zalo-user-42', SUBSCRIBER_UPDATE_TEMPLATE],
    ], 'one copy per follower, none to the applicant’s own phone, none for the second message');
    assert.match(copies.find((r) => r.channel === 'sms')!.body, /Đã tiếp nhận|tiếp nhận/i);
    assert.match(copies.find((r) => r.channel === 'zalo')!.body, new RegExp(dossierCode.replace(/\./g, '\\.')));
    const code = rows.find((r) => r.template_key === 'identity.message.verifyCode')!;
    assert.equal(code.status, 'pending', 'a one-time code goes whatever the preferences');
    assert.equal(code.mandatory, true);
    assert.deepEqual(code.secret_params, ['code']);
  });

  test('does drop a follower’s copy when the follower’s address then gets the message itself', async () => {
    const before = (await rowsOf(dossierId)).length;
    await database.db.transaction().execute(async (trx) => {
      await notifications.enqueueMany(trx, [{ channel: 'email', recipient: email, template: 'dossier.submitted', params: { code: dossierCode, procedure: 'x' }, locale: 'vi', dossierId }]);
      await notifications.enqueueMany(trx, [{ channel: 'sms', recipient: '0933000555', template: 'dossier.submitted', params: { code: dossierCode, procedure: 'x' }, locale: 'vi', dossierId }]);
    });
    const added = (await rowsOf(dossierId)).slice(before);
    const toFollower = added.filter((r) => r.recipient === '0933000555');
    assert.deepEqual(toFollower.map((r) => [r.template_key, r.subscription_id === null]), [['dossier.submitted', true]], 'the message, not a copy as well');
    // Only an e-mail went to the applicant this time, so the follower at the applicant's phone has its copy too.
    assert.deepEqual(added.filter((r) => r.subscription_id !== null).map((r) => r.recipient).sort(), [phone, 'zalo-user-42'], 'the other followers keep their copies');
  });

  test('does write nothing for an empty batch and refuse a bad request before writing', async () => {
    assert.deepEqual(await notifications.enqueueMany(database.db, []), { ids: [] });
    const before = (await rowsOf(dossierId)).length;
    await assert.rejects(
      notifications.enqueueMany(database.db, [
        { channel: 'email', recipient: email, template: 'dossier.submitted', params: { code: dossierCode, procedure: 'x' }, locale: 'vi', dossierId },
        { channel: 'sms', recipient: ' ', template: 'dossier.submitted', locale: 'vi', dossierId },
      ]),
      (error: unknown) => error instanceof DomainError && error.code === NotificationErrors.recipientInvalid.code,
    );
    assert.equal((await rowsOf(dossierId)).length, before);
  });
});
