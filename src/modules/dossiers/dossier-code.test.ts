import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { DomainError } from '../../platform/errors/errors.js';
import {
  drawDossierCodes,
  formatDossierCode,
  lookupSecret,
  lookupSecretMatches,
  nextDossierCode,
  normalizeLookupSecret,
  parseDossierCode,
  vietnamDay,
} from './dossier-code.js';

const agency = '000.00.30.H42';
const at = new Date('2026-10-08T03:00:00Z'); // 10:00 in Vietnam

let database: Database;
before(async () => {
  database = await openTestDatabase();
});
after(async () => {
  await database.close();
});

function sequences(codes: string[]): number[] {
  return codes.map((c) => parseDossierCode(c)!.sequence).sort((a, b) => a - b);
}

const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('nextDossierCode', () => {
  test('formats {agency}-{yymmdd}-{NNNN} and counts from 0001 per agency and day', async () => {
    const a = await database.db.transaction().execute((trx) => nextDossierCode(trx, 'H15.50.05.13', at));
    const b = await database.db.transaction().execute((trx) => nextDossierCode(trx, 'H15.50.05.13', at));
    const other = await database.db.transaction().execute((trx) => nextDossierCode(trx, 'H15.50.05.14', at));
    assert.equal(a, 'H15.50.05.13-261008-0001');
    assert.equal(b, 'H15.50.05.13-261008-0002');
    assert.equal(other, 'H15.50.05.14-261008-0001');
  });

  test('gives 100 distinct, contiguous numbers to 100 concurrent transactions in one process', async () => {
    const codes = await Promise.all(
      Array.from({ length: 100 }, () => database.db.transaction().execute((trx) => nextDossierCode(trx, 'G01.01', at))),
    );
    assert.equal(new Set(codes).size, 100);
    assert.deepEqual(sequences(codes), oneToN(100));
  });

  test('changes day at midnight Vietnam time (UTC+7), not at midnight UTC', async () => {
    const before = await nextDossierCode(database.db, 'G02', new Date('2026-10-08T16:59:00Z')); // 23:59 on the 8th
    const afterMidnight = await nextDossierCode(database.db, 'G02', new Date('2026-10-08T17:01:00Z')); // 00:01 on the 9th
    const laterUtcSameVnDay = await nextDossierCode(database.db, 'G02', new Date('2026-10-09T16:58:00Z')); // 23:58 on the 9th
    assert.equal(before, 'G02-261008-0001');
    assert.equal(afterMidnight, 'G02-261009-0001');
    assert.equal(laterUtcSameVnDay, 'G02-261009-0002');
    assert.deepEqual(vietnamDay(new Date('2026-12-31T17:00:00Z')), { iso: '2027-01-01', yymmdd: '270101' });
  });

  test('grows wider than four digits after 9999', async () => {
    await sql`insert into dossier_code_counter (agency_code, day, last_value) values ('G03', '2026-10-08', 9998)`.execute(database.db);
    const codes: string[] = [];
    for (let i = 0; i < 3; i++) codes.push(await nextDossierCode(database.db, 'G03', at));
    assert.deepEqual(codes, ['G03-261008-9999', 'G03-261008-10000', 'G03-261008-10001']);
    assert.deepEqual(parseDossierCode('G03-261008-10000'), { agencyCode: 'G03', day: '2026-10-08', sequence: 10000 });
  });

  test('a rolled-back transaction returns its number; committed codes never repeat', async () => {
    const committed: string[] = [];
    committed.push(await database.db.transaction().execute((trx) => nextDossierCode(trx, 'G04', at)));
    let rolledBack = '';
    await assert.rejects(
      database.db.transaction().execute(async (trx) => {
        rolledBack = await nextDossierCode(trx, 'G04', at);
        throw new Error('submission failed after the code was drawn');
      }),
    );
    committed.push(await database.db.transaction().execute((trx) => nextDossierCode(trx, 'G04', at)));
    assert.equal(rolledBack, 'G04-261008-0002');
    // The rolled-back code never existed outside its transaction, so handing it out again is not reuse.
    assert.deepEqual(committed, ['G04-261008-0001', 'G04-261008-0002']);
  });

  test('a number drawn outside the submission transaction is consumed even if the submission fails (a gap)', async () => {
    const first = await nextDossierCode(database.db, 'G05', at);
    const second = await nextDossierCode(database.db, 'G05', at);
    assert.deepEqual([first, second], ['G05-261008-0001', 'G05-261008-0002']);
  });

  test('draws a batch in one statement: each agency and day counts its own requests, in request order', async () => {
    await nextDossierCode(database.db, 'G06', at);
    const nextDay = new Date('2026-10-08T18:00:00Z'); // 01:00 on the 9th in Vietnam
    const codes = await drawDossierCodes(database.db, [
      { agencyCode: 'G07', at },
      { agencyCode: 'G06', at },
      { agencyCode: 'G07', at },
      { agencyCode: 'G06', at: nextDay },
      { agencyCode: 'G06', at },
    ]);
    assert.deepEqual(codes, ['G07-261008-0001', 'G06-261008-0002', 'G07-261008-0002', 'G06-261009-0001', 'G06-261008-0003']);
    assert.equal(await nextDossierCode(database.db, 'G06', at), 'G06-261008-0004', 'the counter moved by the whole batch');
    assert.deepEqual(await drawDossierCodes(database.db, []), []);
  });

  test('batches from two processes at once never share a number', async () => {
    const batch = (n: number) => Array.from({ length: n }, () => ({ agencyCode: 'G08', at }));
    const results = await Promise.all([drawDossierCodes(database.db, batch(30)), drawDossierCodes(database.db, batch(20)), nextDossierCode(database.db, 'G08', at)]);
    assert.deepEqual(sequences([...results[0], ...results[1], results[2]]), oneToN(51));
  });

  test('refuses a batch naming an invalid agency before drawing any of its numbers', async () => {
    await assert.rejects(
      drawDossierCodes(database.db, [{ agencyCode: 'G09', at }, { agencyCode: 'g09', at }]),
      (e: unknown) => e instanceof DomainError && e.code === 'DOSSIER_CODE_AGENCY_INVALID',
    );
    assert.equal(await nextDossierCode(database.db, 'G09', at), 'G09-261008-0001');
  });

  test('refuses an agency without a valid e-identifier', async () => {
    for (const bad of ['', 'h42', '000.00.30.H42-1', 'A'.repeat(36), "H42'; drop table dossier; --"]) {
      await assert.rejects(nextDossierCode(database.db, bad, at), (e: unknown) => e instanceof DomainError && e.code === 'DOSSIER_CODE_AGENCY_INVALID');
    }
  });

  test('stays unique across two processes drawing 50 codes each at the same time (PostgreSQL only)', async (t) => {
    if (database.kind !== 'postgres') {
      t.skip('the embedded database belongs to one process');
      return;
    }
    const name = (await sql<{ name: string }>`select current_database() as name`.execute(database.db)).rows[0]!.name;
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${name}`;
    const children = [spawnDrawer(url.toString()), spawnDrawer(url.toString())];
    await Promise.all(children.map((c) => c.ready));
    for (const c of children) c.go();
    const results = await Promise.all(children.map((c) => c.done));
    const codes = results.flat();
    assert.equal(codes.length, 100);
    assert.equal(new Set(codes).size, 100, 'no duplicates');
    assert.deepEqual(sequences(codes), oneToN(100), 'no gaps either, as nothing rolled back');
    assert.ok(results.every((r) => r.length === 50));
  });
});

/** A child process that opens its own pool, draws 50 codes concurrently on signal, and prints them as JSON. */
function spawnDrawer(databaseUrl: string) {
  const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
  const script = `
    import { openDatabase } from ${JSON.stringify(here('../../platform/db/database.ts'))};
    import { nextDossierCode } from ${JSON.stringify(here('./dossier-code.ts'))};
    import { sql } from 'kysely';
    const database = await openDatabase({ url: process.env.DRAW_URL, poolSize: 10 });
    await Promise.all(Array.from({ length: 10 }, () => sql\`select 1\`.execute(database.db)));
    process.stdout.write('ready\\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
    const codes = await Promise.all(Array.from({ length: 50 }, () =>
      database.db.transaction().execute(async (trx) => {
        const code = await nextDossierCode(trx, 'H15.50.05.99', new Date('2026-10-08T03:00:00Z'));
        await sql\`select pg_sleep(0.002)\`.execute(trx); // hold the row lock a little, as a real submission would
        return code;
      })));
    process.stdout.write(JSON.stringify(codes) + '\\n');
    await database.close();
    process.exit(0);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../../../', import.meta.url)),
    env: { ...process.env, DRAW_URL: databaseUrl },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    out += d;
    if (out.includes('ready\n')) markReady();
  });
  const done = once(child, 'exit').then(([code]) => {
    if (code !== 0) throw new Error(`drawer exited with ${code}: ${out}`);
    const line = out.split('\n').find((l) => l.startsWith('['));
    return JSON.parse(line ?? '[]') as string[];
  });
  done.catch(() => markReady());
  return { ready, done, go: () => child.stdin.end('go\n') };
}

describe('dossier code format', () => {
  test('pads to four digits and parses back', () => {
    assert.equal(formatDossierCode('000.00.30.H42', '261008', 975), '000.00.30.H42-261008-0975');
    assert.deepEqual(parseDossierCode('H15.50.05.13-261008-0975'), { agencyCode: 'H15.50.05.13', day: '2026-10-08', sequence: 975 });
    assert.deepEqual(parseDossierCode(' h15.50.05.13-261008-0975 '), { agencyCode: 'H15.50.05.13', day: '2026-10-08', sequence: 975 });
  });

  test('refuses malformed codes', () => {
    for (const bad of ['', 'H15-261008-975', 'H15-261332-0001', 'H15-260230-0001', 'H15-261008-0000', 'H15-261008-00001', 'H15..1-261008-0001', 'x-261008-0001']) {
      assert.equal(parseDossierCode(bad), null, bad);
    }
  });
});

describe('lookupSecret', () => {
  test('gives six characters of the unambiguous base32 alphabet, practically never twice', () => {
    const secrets = Array.from({ length: 10_000 }, () => lookupSecret());
    for (const s of secrets) assert.match(s, /^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{6}$/);
    assert.ok(new Set(secrets).size > 9_990);
    const letters = new Set(secrets.join(''));
    assert.equal(letters.size, 32, 'every symbol of the alphabet occurs');
    assert.match(lookupSecret(10), /^[0-9A-Z]{10}$/);
  });

  test('matches what the applicant types, forgiving case, spaces and O/0, I/L/1 confusion', () => {
    assert.equal(normalizeLookupSecret('ab1-0 xz'), 'AB10XZ');
    assert.ok(lookupSecretMatches('AB10XZ', 'abl o xz'));
    assert.ok(lookupSecretMatches('AB10XZ', 'AB10XZ'));
    assert.ok(!lookupSecretMatches('AB10XZ', 'AB10XY'));
    assert.ok(!lookupSecretMatches('AB10XZ', 'AB10X'));
    assert.ok(!lookupSecretMatches('AB10XZ', ''));
  });
});
