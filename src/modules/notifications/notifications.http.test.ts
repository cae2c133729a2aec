import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { DomainError } from '../../platform/errors/errors.js';
import { createServer } from '../../platform/http/server.js';
import { LookupErrors } from '../lookup/index.js';
import { createInboundService, createNotificationService, inboundPath, inboundRoutes, smsWebhookSignature, zaloWebhookSignature, type DossierLookup } from './index.js';

/*
 * The inbound webhook through app.inject(): signatures, the TRACUU answer and its reply in the outbox, provider
 * retries, the per-sender limit. The lookup is a stand-in with one dossier (the real one is in the end-to-end test).
 */

const secret = 'a-webhook-secret-for-the-tests-0001';
const code = 'H42.01.05-261123-0007';
let database: Database;
let app: FastifyInstance;

const lookup: DossierLookup = {
  async find(input, check) {
    if (input.trim().toUpperCase() === code && check === '5678') {
      return { code, status: 'received', procedure: { name: 'Đăng ký khai sinh' }, holderAgency: 'UBND phường Hoa Lư', dueAt: new Date('2026-11-27T10:00:00Z') };
    }
    throw new DomainError(LookupErrors.notFound);
  },
};

function signedSms(body: object, options: { at?: number; key?: string } = {}) {
  const payload = JSON.stringify(body);
  const timestamp = String(Math.floor((options.at ?? Date.now()) / 1000));
  return {
    method: 'POST' as const,
    url: `${inboundPath}/sms`,
    headers: { 'content-type': 'application/json', 'x-signature-timestamp': timestamp, 'x-signature': smsWebhookSignature(options.key ?? secret, timestamp, payload) },
    payload,
  };
}

function signedZalo(body: Record<string, unknown>, key = secret) {
  const full = { app_id: '4321', timestamp: String(Date.now()), ...body };
  const payload = JSON.stringify(full);
  return {
    method: 'POST' as const,
    url: `${inboundPath}/zalo`,
    headers: { 'content-type': 'application/json', 'x-zevent-signature': zaloWebhookSignature(key, full.app_id as string, payload, full.timestamp as string) },
    payload,
  };
}

/** The outbox as the dispatcher sees it: SMS and Zalo recipients are sealed at rest (issue #8), opened here. */
async function outbox() {
  const rows = await database.db.selectFrom('notification_outbox').select(['channel', 'recipient', 'body', 'mandatory', 'status']).orderBy('id').execute();
  return Promise.all(rows.map(async (r) => ({ ...r, recipient: await database.cipher.open(r.recipient) })));
}

before(async () => {
  database = await openTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  app = await createServer({ config, database, portal: { agencyCode: 'T', agencyName: 'Test' } });
  const notifications = createNotificationService(database);
  await app.register(inboundRoutes, { inbound: createInboundService(database, { notifications, lookup, perSenderPerHour: 3 }), secret });
});

after(async () => {
  await app.close();
  await database.close();
});

beforeEach(async () => {
  await database.db.deleteFrom('notification_outbox').execute();
  await database.db.deleteFrom('notification_inbound').execute();
});

describe('POST /api/v1/tin-nhan-den/sms', () => {
  test('does refuse a call without a valid, recent signature', async () => {
    const body = { from: '84912345678', text: `TRACUU ${code} 5678` };
    const unsigned = await app.inject({ method: 'POST', url: `${inboundPath}/sms`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    assert.equal(unsigned.statusCode, 401);
    assert.equal(unsigned.json().error.code, 'NOTIFICATION_WEBHOOK_SIGNATURE_INVALID');
    assert.equal((await app.inject(signedSms(body, { key: 'another-secret-of-enough-length' }))).statusCode, 401);
    assert.equal((await app.inject(signedSms(body, { at: Date.now() - 10 * 60_000 }))).statusCode, 401, 'a replay older than five minutes');
    const tampered = signedSms(body);
    tampered.payload = tampered.payload.replace('5678', '5679');
    assert.equal((await app.inject(tampered)).statusCode, 401, 'the body is signed');
    assert.deepEqual(await outbox(), [], 'nothing queued');
  });

  test('does answer TRACUU with the dossier status and queue the reply by SMS to the sender', async () => {
    const res = await app.inject(signedSms({ from: '84912345678', text: `  tra cứu ${code.toLowerCase()}   5678 `, id: 'sms-1' }));
    assert.equal(res.statusCode, 200);
    const answer = res.json() as { command: string; reply: string; duplicate: boolean };
    assert.equal(answer.command, 'lookup');
    assert.match(answer.reply, new RegExp(`Hồ sơ ${code.replace(/\./g, '\\.')} \\(Đăng ký khai sinh\\): Đã tiếp nhận`));
    assert.match(answer.reply, /UBND phường Hoa Lư/);
    assert.match(answer.reply, /27\/11\/2026/);
    assert.deepEqual(await outbox(), [{ channel: 'sms', recipient: '0912345678', body: answer.reply, mandatory: true, status: 'pending' }]);
    // At rest the reply's recipient is sealed, found by its blind index; the inbound row keeps only the sender's index.
    const stored = await database.db.selectFrom('notification_outbox').select(['recipient', 'recipient_index']).executeTakeFirstOrThrow();
    assert.match(stored.recipient, /^pd1\./);
    assert.equal(stored.recipient_index, await database.cipher.blindIndex('phone', '0912345678'));
    const inbound = await database.db.selectFrom('notification_inbound').select('sender').execute();
    assert.deepEqual(inbound.map((r) => r.sender), [await database.cipher.blindIndex('phone', '0912345678')]);
  });

  test('does answer a wrong second factor like an unknown code, and anything else with help', async () => {
    const wrong = (await app.inject(signedSms({ from: '0912345678', text: `TRACUU ${code} 1111` }))).json() as { reply: string };
    const unknown = (await app.inject(signedSms({ from: '0912345678', text: `TRACUU H42.01.05-261123-9999 5678` }))).json() as { reply: string };
    assert.match(wrong.reply, /Không tìm thấy hồ sơ/);
    assert.equal(unknown.reply, wrong.reply.replace(code, 'H42.01.05-261123-9999'), 'no hint whether the code exists');
    const help = (await app.inject(signedSms({ from: '0912345678', text: 'xin chào' }))).json() as { command: string; reply: string };
    assert.equal(help.command, 'help');
    assert.match(help.reply, /TRACUU <mã hồ sơ>/);
  });

  test('does answer a provider’s retry of the same message once', async () => {
    const first = await app.inject(signedSms({ from: '0912345678', text: `TRACUU ${code} 5678`, id: 'provider-42' }));
    const retry = await app.inject(signedSms({ from: '0912345678', text: `TRACUU ${code} 5678`, id: 'provider-42' }));
    assert.equal(first.json().duplicate, false);
    assert.deepEqual(retry.json(), { command: 'lookup', reply: null, duplicate: true });
    assert.equal((await outbox()).length, 1);
  });

  test('does refuse a sender over the hourly limit without a reply, while other senders go on', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await app.inject(signedSms({ from: '0900000001', text: 'hello' }))).statusCode, 200);
    const limited = await app.inject(signedSms({ from: '84900000001', text: `TRACUU ${code} 5678` }));
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, 'NOTIFICATION_INBOUND_RATE_LIMITED');
    assert.equal((await app.inject(signedSms({ from: '0900000002', text: 'hello' }))).statusCode, 200);
    const replies = (await outbox()).map((m) => m.recipient);
    assert.deepEqual(replies, ['0900000001', '0900000001', '0900000001', '0900000002']);
  });
});

describe('POST /api/v1/tin-nhan-den/zalo', () => {
  test('does check the Zalo mac and reply on Zalo to the user id', async () => {
    const event = { event_name: 'user_send_text', sender: { id: '2468458835296117922' }, recipient: { id: 'oa-1' }, message: { text: `TRACUU ${code} 5678`, msg_id: 'z-1' } };
    assert.equal((await app.inject(signedZalo(event, 'a-wrong-secret-of-enough-length'))).statusCode, 401);
    const res = await app.inject(signedZalo(event));
    assert.equal(res.statusCode, 200);
    assert.match(res.json().reply, /Đã tiếp nhận/);
    const [reply] = await outbox();
    assert.equal(reply?.channel, 'zalo');
    assert.equal(reply?.recipient, '2468458835296117922');
  });

  test('does acknowledge other events without a reply', async () => {
    const res = await app.inject(signedZalo({ event_name: 'follow', follower: { id: '1' } }));
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().reply, null);
    assert.deepEqual(await outbox(), []);
  });
});
