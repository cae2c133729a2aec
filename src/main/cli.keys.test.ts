import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { openDatabase } from '../platform/db/database.js';
import { migrate } from '../platform/db/migrate.js';

const run = promisify(execFile);
const cli = (env: Record<string, string>, ...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', ...args], { env: { ...process.env, ...env, DATABASE_URL: '' } });

test('keys:rotate makes a new current data key and keys:rewrap moves every key to the new master key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-keys-'));
  const oldKey = `old:${Buffer.alloc(32, 5).toString('base64')}`;
  const newKey = `new:${Buffer.alloc(32, 6).toString('base64')}`;
  try {
    const database = await openDatabase({ url: '', dataDir: dir, masterKeys: [{ id: 'old', key: Buffer.alloc(32, 5) }] });
    await migrate(database);
    const sealed = await database.cipher.seal('037196001234');
    await database.close();

    const rotated = await cli({ DATA_DIR: dir, DATA_ENCRYPTION_KEYS: oldKey }, 'keys:rotate');
    assert.match(rotated.stdout, /data key \d+ is now current/);
    const rewrapped = await cli({ DATA_DIR: dir, DATA_ENCRYPTION_KEYS: `${newKey},${oldKey}` }, 'keys:rewrap');
    assert.match(rewrapped.stdout, /3 keys rewrapped under master key new/);

    // Only the new master key now: the old value opens, new values go under the rotated key.
    const after = await openDatabase({ url: '', dataDir: dir, masterKeys: [{ id: 'new', key: Buffer.alloc(32, 6) }] });
    try {
      await migrate(after);
      assert.equal(await after.cipher.open(sealed), '037196001234');
      assert.notEqual(/^pd1\.(\d+)\./.exec(await after.cipher.seal('x'))![1], /^pd1\.(\d+)\./.exec(sealed)![1]);
    } finally {
      await after.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
