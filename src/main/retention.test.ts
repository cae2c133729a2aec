import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import type { Database } from '../platform/db/database.js';
import { openTestDatabase } from '../platform/db/testing.js';
import { createUsersService } from '../modules/admin/index.js';
import { purgeExpiredIdentityData } from '../modules/identity/index.js';
import { purgeOldMessages } from '../modules/notifications/index.js';

let database: Database;
before(async () => {
  database = await openTestDatabase();
});
after(async () => {
  await database?.close();
});

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);

test('retention deletes settled old messages and old inbound ones, never pending ones', async () => {
  const db = database.db;
  const message = (status: 'pending' | 'sent' | 'failed' | 'skipped', createdAt: Date) =>
    sql`insert into notification_outbox (channel, recipient, template_key, params, locale, subject, body, status, created_at, sent_at, failed_at)
        values ('sms', '0912345678', 't', '{}', 'vi', '', 'x', ${status}, ${createdAt},
                ${status === 'sent' ? createdAt : null}, ${status === 'failed' ? createdAt : null})`.execute(db);
  await message('sent', daysAgo(200));
  await message('failed', daysAgo(200));
  await message('skipped', daysAgo(200));
  await message('pending', daysAgo(200));
  await message('sent', daysAgo(10));
  await sql`insert into notification_inbound (channel, sender, command, received_at) values ('sms', '0912345678', 'lookup', ${daysAgo(200)}), ('sms', '0912345678', 'lookup', ${daysAgo(1)})`.execute(db);
  const purged = await purgeOldMessages(db, daysAgo(180));
  assert.deepEqual(purged, { outbox: 3, inbound: 1 });
  const left = await sql<{ status: string }>`select status from notification_outbox order by id`.execute(db);
  assert.deepEqual(left.rows.map((r) => r.status), ['pending', 'sent']);
});

test('retention deletes sessions past their end and codes expired for a day', async () => {
  const db = database.db;
  const user = await createUsersService(database).create({ kind: 'citizen', username: '0912000333', displayName: 'C', password: 'Retention@2026' });
  const session = (hash: string, expires: Date) =>
    db.insertInto('session').values({ id_hash: hash, user_id: user.id, created_at: daysAgo(40), last_seen_at: daysAgo(40), expires_at: expires }).execute();
  await session('a'.repeat(64), daysAgo(1));
  await session('b'.repeat(64), new Date(Date.now() + 3_600_000));
  const code = (expires: Date) =>
    sql`insert into one_time_code (user_id, purpose, channel, recipient, code_hash, created_at, expires_at)
        values (${user.id}, 'verify_contact', 'sms', '0912000333', 'h', ${daysAgo(3)}, ${expires})`.execute(db);
  await code(daysAgo(2)); // expired two days ago: goes
  await code(new Date(Date.now() - 3_600_000)); // expired an hour ago: kept a day (the resend throttle counts it)
  const purged = await purgeExpiredIdentityData(db, new Date());
  assert.deepEqual(purged, { sessions: 1, codes: 1 });
  const sessions = await db.selectFrom('session').select('id_hash').where('user_id', '=', user.id).execute();
  assert.deepEqual(sessions.map((s) => s.id_hash), ['b'.repeat(64)]);
});
