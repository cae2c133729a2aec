import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import pg from 'pg';
import { recordAudit } from '../platform/audit/index.js';
import { openDatabase } from '../platform/db/database.js';
import { migrate } from '../platform/db/migrate.js';

/** A database the CLI can open too: a data directory (embedded) or a new PostgreSQL database. */
async function scratchDatabase(): Promise<{ env: Record<string, string>; open: () => ReturnType<typeof openDatabase>; drop: () => Promise<void> }> {
  const server = process.env.DATABASE_URL ?? '';
  if (!server) {
    const dir = mkdtempSync(join(tmpdir(), 'motcua-cli-'));
    return { env: { DATA_DIR: dir, DATABASE_URL: '' }, open: () => openDatabase({ url: '', dataDir: dir }), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `motcua_cli_${randomBytes(4).toString('hex')}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: server });
    await client.connect();
    try { await client.query(text); } finally { await client.end(); }
  };
  await admin(`create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return { env: { DATABASE_URL: url.toString() }, open: () => openDatabase({ url: url.toString(), poolSize: 2 }), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

function cli(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['bin/motcua.js', ...args], { env: { ...process.env, ...env, LOG_LEVEL: 'silent' }, encoding: 'utf8', timeout: 120_000 });
}

test('motcua audit:verify passes on an intact trail and names the first broken link after a direct edit', async () => {
  const scratch = await scratchDatabase();
  try {
    let database = await scratch.open();
    await migrate(database);
    for (let i = 0; i < 6; i++) {
      await recordAudit(database.db, { actorUserId: 7, actorKind: 'officer', action: 'dossier.read', subjectType: 'dossier', subjectId: 'H42-1', details: { i } });
    }
    const victim = await database.db.selectFrom('audit_event').select('id').orderBy('seq').offset(3).limit(1).executeTakeFirstOrThrow();
    await database.close();

    const ok = cli(['audit:verify'], scratch.env);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /audit trail intact: 6 events/);

    database = await scratch.open();
    await sql.raw('alter table audit_event disable trigger audit_event_no_update').execute(database.db);
    await sql.raw(`update audit_event set actor_user_id = 8 where id = ${victim.id}`).execute(database.db);
    await sql.raw('alter table audit_event enable trigger audit_event_no_update').execute(database.db);
    await database.close();

    const broken = cli(['audit:verify'], scratch.env);
    assert.equal(broken.status, 1);
    assert.match(broken.stderr, new RegExp(`first broken link: row id ${victim.id} \\(stream \\d+, sequence 4\\): content_hash_mismatch`));
  } finally {
    await scratch.drop();
  }
});
