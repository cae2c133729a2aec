import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import type { Database } from '../platform/db/database.js';
import { openTestDatabase } from '../platform/db/testing.js';
import { encryptPersonalData } from './encrypt-personal-data.js';

let database: Database;
before(async () => {
  database = await openTestDatabase();
});
after(async () => {
  await database?.close();
});

const phone = (i: number) => `09${String(10_000_000 + i).slice(-8)}`;

test('does share the work between runs started together: every row sealed exactly once, nothing left', async () => {
  const raw = database.db.withoutPlugins();
  // 45 SMS messages and 31 texts received, written in plaintext as before encryption at rest.
  for (let i = 0; i < 45; i++) {
    await sql`insert into notification_outbox (channel, recipient, template_key, params, locale, subject, body) values ('sms', ${phone(i)}, 'notifications.reply.help', '{}', 'vi', '', 'x')`.execute(raw);
  }
  for (let i = 0; i < 31; i++) await sql`insert into notification_inbound (channel, sender, command) values ('sms', ${phone(i)}, 'help')`.execute(raw);

  const runs = await Promise.all([0, 1, 2].map(() => encryptPersonalData(database, { batchSize: 4 })));
  const changed = (table: string) => runs.reduce((sum, run) => sum + run.find((o) => o.table === table)!.changed, 0);
  assert.equal(changed('notification_outbox'), 45, 'each message sealed by exactly one run');
  assert.equal(changed('notification_inbound'), 31);

  const outbox = await raw.selectFrom('notification_outbox').select(['recipient', 'recipient_index']).execute();
  assert.ok(outbox.every((r) => r.recipient.startsWith('pd1.') && r.recipient_index !== null));
  const opened = await Promise.all(outbox.map((r) => database.cipher.open(r.recipient)));
  assert.deepEqual(opened.sort(), Array.from({ length: 45 }, (_, i) => phone(i)).sort(), 'sealed once: each opens to its number');
  const senders = await raw.selectFrom('notification_inbound').select('sender').execute();
  assert.ok(senders.every((r) => /^[A-Za-z0-9_-]{43}$/.test(r.sender)));
  assert.equal(senders.filter((r) => r.sender === senders[0]!.sender).length, 1);

  const again = await encryptPersonalData(database);
  assert.deepEqual(again.map((o) => o.changed), again.map(() => 0), 'a later run has nothing to do');
});

test('does take a row another transaction holds once that transaction ends, instead of leaving it in plaintext', async (t) => {
  if (database.kind === 'embedded') {
    t.skip('one session: nothing else can hold a row lock');
    return;
  }
  const raw = database.db.withoutPlugins();
  const row = await sql<{ id: string }>`insert into notification_outbox (channel, recipient, template_key, params, locale, subject, body) values ('sms', '0977000001', 'notifications.reply.help', '{}', 'vi', '', 'x') returning id`.execute(raw);
  const id = row.rows[0]!.id;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const holder = raw.transaction().execute(async (trx) => {
    await sql`select id from notification_outbox where id = ${id} for update`.execute(trx);
    locked();
    await released;
  });
  await isLocked;
  const running = encryptPersonalData(database, { batchSize: 10 });
  setTimeout(release, 300);
  const [outcome] = await Promise.all([running, holder]);
  assert.equal(outcome.find((o) => o.table === 'notification_outbox')!.changed, 1);
  const stored = await raw.selectFrom('notification_outbox').select('recipient').where('id', '=', Number(id)).executeTakeFirstOrThrow();
  assert.equal(await database.cipher.open(stored.recipient), '0977000001');
  assert.match(stored.recipient, /^pd1\./);
});
