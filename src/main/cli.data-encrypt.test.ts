import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { loadConfig } from '../platform/config/config.js';
import { openDatabase, type Database } from '../platform/db/database.js';
import { migrate } from '../platform/db/migrate.js';
import { createUsersService } from '../modules/admin/index.js';
import { submitOnline } from '../modules/dossiers/testing.js';
import { contactUsername, createIdentityServices } from '../modules/identity/index.js';
import { signInCitizen, TestBrowser } from '../modules/identity/testing.js';
import { createNotificationService } from '../modules/notifications/index.js';
import { createWebApp } from './app.js';
import { loadDemoData } from './seed.js';

const run = promisify(execFile);
const cli = (dir: string, ...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], { env: { ...process.env, DATA_DIR: dir, DATABASE_URL: '', DATA_ENCRYPTION_KEYS: '', LOG_LEVEL: 'silent' } });

// The demo citizen's numbers (seed.ts) and an account made before encryption at rest, named by its phone.
const DEMO_PERSONAL_ID = '037196001234';
const DEMO_PHONE = '0912345678';
const OLD_PHONE = '0912888001';
const OLD_PERSONAL_ID = '001090000123';
const FOLLOWER_PHONE = '0933222111';
const ZALO_ID = '2468458835296117922';
const PASSWORD = 'hoa sen trong dam';
const SECRETS = [DEMO_PERSONAL_ID, DEMO_PHONE, OLD_PHONE, OLD_PERSONAL_ID, FOLLOWER_PHONE, ZALO_ID, '84912888001', '+84912888001'];
const TABLES = ['citizen_profile', 'app_user', 'one_time_code', 'dossier', 'dossier_draft', 'notification_outbox', 'notification_subscription', 'notification_inbound'];

/** Every row of a table as stored (the handle's opening plugin off): what a copy of the database shows. */
async function rawText(database: Database, table: string): Promise<string> {
  const rows = await sql<{ t: string }>`select row_to_json(x)::text as t from ${sql.table(table)} x order by 1`.execute(database.db.withoutPlugins());
  return rows.rows.map((r) => r.t).join('\n');
}

function counts(stdout: string): Record<string, number> {
  return Object.fromEntries([...stdout.matchAll(/^(\w+): (\d+) rows sealed$/gm)].filter((m) => m[1] !== 'total').map((m) => [m[1]!, Number(m[2])]));
}

test('data:encrypt seals what rows from before encryption hold in plaintext, once, and everything still reads and signs in', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-data-encrypt-'));
  try {
    const config = loadConfig({ LOG_LEVEL: 'silent' }, { dataDir: dir });
    let database = await openDatabase({ url: '', dataDir: dir });
    await migrate(database);
    await loadDemoData(database, config, { quiet: true });
    let app = await createWebApp({ config, database });
    const citizen = new TestBrowser(app, '10.72.0.1');
    await signInCitizen(citizen, 'citizen@demo.motcua.vn', 'Demo@2026');
    const dossierCode = await submitOnline(citizen);
    await app.close();

    // Turn the rows back into what the portal wrote before issue #8, by raw SQL.
    const raw = database.db.withoutPlugins();
    const opened = await database.db.selectFrom('dossier').select(['id', 'applicant', 'values', 'draft_id']).where('code', '=', dossierCode).executeTakeFirstOrThrow();
    assert.equal(opened.applicant.personalId, DEMO_PERSONAL_ID, 'the plugin opens the snapshot');
    await sql`update dossier set applicant = ${JSON.stringify(opened.applicant)}::jsonb, values = ${JSON.stringify(opened.values)}::jsonb where id = ${opened.id}`.execute(raw);
    await sql`update dossier_draft set values = ${JSON.stringify(opened.values)}::jsonb where id = ${opened.draft_id}`.execute(raw);
    const demoUser = await createUsersService(database).getByUsername('citizen@demo.motcua.vn');
    await sql`update citizen_profile set personal_id = ${DEMO_PERSONAL_ID}, personal_id_index = null, phone = ${DEMO_PHONE}, phone_index = null where user_id = ${demoUser.id}`.execute(raw);
    // An account named by its phone (registered before, or made by an administrator), its profile, code and messages.
    const old = await createUsersService(database).create({ kind: 'citizen', username: OLD_PHONE, displayName: 'Phạm Văn Cũ', password: PASSWORD });
    await sql`insert into citizen_profile (user_id, personal_id, full_name, phone, contact_verified_at, updated_at)
      values (${old.id}, ${OLD_PERSONAL_ID}, 'Phạm Văn Cũ', ${OLD_PHONE}, now(), now())`.execute(raw);
    await sql`insert into one_time_code (user_id, purpose, channel, recipient, code_hash, created_at, expires_at)
      values (${old.id}, 'verify_contact', 'sms', ${OLD_PHONE}, 'not-a-hash', now(), now() + interval '5 minutes')`.execute(raw);
    const outbox = await sql<{ id: string }>`insert into notification_outbox (channel, recipient, template_key, params, locale, subject, body, status, sent_at)
      values ('sms', ${OLD_PHONE}, 'notifications.reply.help', '{}', 'vi', '', 'Tin cũ', 'sent', now()),
             ('zalo', ${ZALO_ID}, 'notifications.reply.help', '{}', 'vi', '', 'Tin cũ', 'sent', now()),
             ('email', 'cu@example.vn', 'notifications.reply.help', '{}', 'vi', '', 'Tin cũ', 'sent', now())
      returning id`.execute(raw);
    await sql`insert into notification_subscription (dossier_id, channel, address) values (${opened.id}, 'sms', ${FOLLOWER_PHONE})`.execute(raw);
    await sql`insert into notification_inbound (channel, sender, command) values ('sms', ${FOLLOWER_PHONE}, 'subscribe')`.execute(raw);
    const emailRowBefore = await rawText(database, 'notification_outbox');
    assert.ok(emailRowBefore.includes('cu@example.vn'));
    await database.close();

    // Small batches: the keyset walks several of them per table.
    const first = await cli(dir, 'data:encrypt', '--batch', '2');
    assert.deepEqual(counts(first.stdout), {
      citizen_profile: 2,
      app_user: 1,
      one_time_code: 1,
      dossier: 1,
      dossier_draft: 1,
      notification_outbox: 2,
      notification_subscription: 1,
      notification_inbound: 1,
    });
    assert.match(first.stdout, /^total: 10 rows sealed$/m);

    database = await openDatabase({ url: '', dataDir: dir });
    await migrate(database);
    for (const table of TABLES) {
      const text = await rawText(database, table);
      for (const secret of SECRETS) assert.ok(!text.includes(secret), `${table} still holds ${secret} in plaintext`);
    }
    assert.ok((await rawText(database, 'notification_outbox')).includes('cu@example.vn'), 'e-mail addresses stay plain');
    const snapshot = Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, await rawText(database, t)] as const)));
    await database.close();

    // A second run finds nothing to do and changes no byte.
    const second = await cli(dir, 'data:encrypt');
    assert.deepEqual(Object.values(counts(second.stdout)), TABLES.map(() => 0));
    assert.match(second.stdout, /^total: 0 rows sealed$/m);

    database = await openDatabase({ url: '', dataDir: dir });
    await migrate(database);
    try {
      for (const table of TABLES) assert.equal(await rawText(database, table), snapshot[table], `${table} unchanged by the second run`);

      // Everything reads back in plaintext through the services, and lookups by blind index find the rows.
      const notifications = createNotificationService(database);
      const identity = createIdentityServices(database, { notifications, secret: 'x'.repeat(40) });
      assert.equal((await identity.profiles.get(demoUser.id)).personalId, DEMO_PERSONAL_ID);
      assert.equal((await identity.profiles.get(demoUser.id)).phone, DEMO_PHONE);
      assert.equal((await identity.profiles.get(old.id)).personalId, OLD_PERSONAL_ID);
      const renamed = await createUsersService(database).getByUsername(await contactUsername(database.cipher, { kind: 'phone', value: OLD_PHONE }));
      assert.equal(renamed.id, old.id, 'the account now has the blind-index name');
      const profileRow = await database.db.selectFrom('citizen_profile').select(['user_id']).where('personal_id_index', '=', await database.cipher.blindIndex('personalId', OLD_PERSONAL_ID)).execute();
      assert.deepEqual(profileRow.map((r) => r.user_id), [old.id]);
      const [smsId, zaloId] = outbox.rows.map((r) => Number(r.id));
      assert.equal((await notifications.message(smsId!))?.recipient, OLD_PHONE);
      assert.equal((await notifications.message(zaloId!))?.recipient, ZALO_ID);
      const dossier = await database.db.selectFrom('dossier').select(['applicant', 'values']).where('id', '=', opened.id).executeTakeFirstOrThrow();
      assert.deepEqual(dossier, { applicant: opened.applicant, values: opened.values }, 'the snapshot opens to what it was');
      const code = await database.db.selectFrom('one_time_code').select('recipient').where('user_id', '=', old.id).executeTakeFirstOrThrow();
      assert.equal(await database.cipher.open(code.recipient), OLD_PHONE);

      app = await createWebApp({ config, database });
      try {
        // Sign-in with the plain phone (any usual spelling) finds the renamed account.
        assert.equal((await signInCitizen(new TestBrowser(app, '10.72.0.2'), '+84 912 888 001', PASSWORD)).statusCode, 303);
        // The public lookup by code and the phone's last four digits.
        const lookup = await app.inject({ method: 'GET', url: `/api/v1/dossiers/${encodeURIComponent(dossierCode)}/status?check=${DEMO_PHONE.slice(-4)}`, remoteAddress: '10.72.0.3' });
        assert.equal(lookup.statusCode, 200);
        // The owner's dossier page shows the answers.
        const owner = new TestBrowser(app, '10.72.0.4');
        await signInCitizen(owner, 'citizen@demo.motcua.vn', 'Demo@2026');
        const page = await owner.get(`/ho-so/${dossierCode}`);
        assert.equal(page.statusCode, 200);
      } finally {
        await app.close();
      }
    } finally {
      await database.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
