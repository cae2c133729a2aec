import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { demoDataEncryptionKeys } from '../config/config.js';
import type { Database } from '../db/database.js';
import { openTestDatabase } from '../db/testing.js';
import { FieldCipher, PersonalDataError, isSealed, normaliseForIndex, type MasterKey } from './index.js';

let database: Database;
before(async () => {
  database = await openTestDatabase();
});
after(async () => {
  await database?.close();
});

const masterA: MasterKey = { id: 'a', key: Buffer.alloc(32, 0xa1) };
const masterB: MasterKey = { id: 'b', key: Buffer.alloc(32, 0xb2) };

function code(error: unknown): string | undefined {
  return error instanceof PersonalDataError ? error.code : undefined;
}

test('seals and opens a value; equal values give different ciphertexts; plaintext reads as it is', async () => {
  const cipher = database.cipher;
  const one = await cipher.seal('037196001234');
  const two = await cipher.seal('037196001234');
  assert.match(one, /^pd1\.\d+\.[A-Za-z0-9_-]+$/);
  assert.notEqual(one, two, 'a fresh IV each time');
  assert.ok(!one.includes('037196001234'));
  assert.equal(await cipher.open(one), '037196001234');
  assert.equal(await cipher.open(two), '037196001234');
  assert.equal(await cipher.open('0912000001'), '0912000001', 'a row from before encryption');
  assert.equal(await cipher.sealOptional(null), null);
  assert.equal(await cipher.openOptional(null), null);
  assert.equal(await cipher.open(await cipher.seal('Nguyễn Thị Hương')), 'Nguyễn Thị Hương');
});

test('a changed byte anywhere fails with PERSONAL_DATA_TAMPERED', async () => {
  const sealed = await database.cipher.seal('0912000001');
  const body = sealed.slice(sealed.lastIndexOf('.') + 1);
  for (let i = 0; i < body.length; i += 7) {
    const flipped = body[i] === 'A' ? 'B' : 'A';
    const tampered = `${sealed.slice(0, sealed.length - body.length)}${body.slice(0, i)}${flipped}${body.slice(i + 1)}`;
    await assert.rejects(database.cipher.open(tampered), (e: unknown) => code(e) === 'PERSONAL_DATA_TAMPERED', `byte ${i}`);
  }
  // Another key id in the header is authenticated too.
  const otherId = sealed.replace(/^pd1\.(\d+)\./, (_m, id: string) => `pd1.${Number(id) + 1000}.`);
  await assert.rejects(database.cipher.open(otherId), (e: unknown) => code(e) === 'DATA_KEY_MISSING' || code(e) === 'PERSONAL_DATA_TAMPERED');
  await assert.rejects(database.cipher.open('pd1.x.y'), (e: unknown) => code(e) === 'PERSONAL_DATA_TAMPERED');
});

test('the wrong master key cannot unwrap the data keys', async () => {
  // Same id as the demo key, other bytes: the wrapped keys fail their tag.
  const impostor = new FieldCipher(database.db, [{ id: demoDataEncryptionKeys[0]!.id, key: Buffer.alloc(32, 1) }]);
  await assert.rejects(impostor.ready(), (e: unknown) => code(e) === 'PERSONAL_DATA_TAMPERED');
  // A master key the keys were not wrapped with at all.
  const stranger = new FieldCipher(database.db, [masterA]);
  await assert.rejects(stranger.ready(), (e: unknown) => code(e) === 'DATA_KEY_MISSING');
});

test('blind index: stable across processes, normalising, separate per kind, null for other values', async () => {
  const cipher = database.cipher;
  const index = await cipher.blindIndex('phone', '0912000001');
  assert.match(index!, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(await cipher.blindIndex('phone', '+84 912 000 001'), index);
  assert.equal(await cipher.blindIndex('phone', '(091) 200-0001'), index);
  assert.equal(await cipher.blindIndex('phone', await cipher.seal('0912000001')), index, 'a sealed value is indexed by its plaintext');
  assert.notEqual(await cipher.blindIndex('phone', '0912000002'), index);
  assert.equal(await cipher.blindIndex('phone', 'not a phone'), null);
  const other = new FieldCipher(database.db, demoDataEncryptionKeys);
  assert.equal(await other.blindIndex('phone', '84912000001'), index, 'another process computes the same index');
  assert.equal(await cipher.blindIndex('personalId', '037 196 001 234'), await cipher.blindIndex('personalId', '037196001234'));
  assert.equal(await cipher.blindIndex('personalId', '03719600123'), null);
  assert.equal(normaliseForIndex('phone', '0084912000001'), '0912000001');
});

test('rotation: a new data key becomes current, values sealed under the old one still open', async () => {
  const cipher = database.cipher;
  const before = await cipher.seal('001085012345');
  const oldId = Number(/^pd1\.(\d+)\./.exec(before)![1]);
  const newId = await cipher.rotate();
  assert.notEqual(newId, oldId);
  const afterRotation = await cipher.seal('001085012345');
  assert.match(afterRotation, new RegExp(`^pd1\\.${newId}\\.`));
  assert.equal(await cipher.open(before), '001085012345');
  assert.equal(await cipher.open(afterRotation), '001085012345');
  // A process that starts now reads both keys and seals under the new one.
  const fresh = new FieldCipher(database.db, demoDataEncryptionKeys);
  assert.equal(await fresh.open(before), '001085012345');
  assert.match(await fresh.seal('x'), new RegExp(`^pd1\\.${newId}\\.`));
  const current = await database.db.selectFrom('data_key').select(['id']).where('purpose', '=', 'data').where('is_current', '=', true).execute();
  assert.deepEqual(current.map((r) => r.id), [newId], 'exactly one current data key');
});

test('rewrap: after a master key change every key is wrapped by the new master; the old one can go', async () => {
  const sealed = await database.cipher.seal('0987000002');
  const index = await database.cipher.blindIndex('phone', '0987000002');
  const moving = new FieldCipher(database.db, [masterB, ...demoDataEncryptionKeys]);
  const count = await moving.rewrap();
  assert.ok(count >= 3, `data keys and the index key rewrapped (${count})`);
  assert.equal(await moving.rewrap(), 0, 'a second run has nothing to do');
  const masters = await database.db.selectFrom('data_key').select('master_key_id').distinct().execute();
  assert.deepEqual(masters.map((r) => r.master_key_id), ['b']);
  const onlyNew = new FieldCipher(database.db, [masterB]);
  assert.equal(await onlyNew.open(sealed), '0987000002');
  assert.equal(await onlyNew.blindIndex('phone', '0987000002'), index, 'the index key is the same key, rewrapped');
  await assert.rejects(new FieldCipher(database.db, demoDataEncryptionKeys).ready(), (e: unknown) => code(e) === 'DATA_KEY_MISSING');
  // Back to the demo master key for the other tests of this file.
  await new FieldCipher(database.db, [...demoDataEncryptionKeys, masterB]).rewrap();
});

test('processes starting together on an empty key table create one set of keys', async () => {
  const scratch = await openTestDatabase();
  try {
    await sql`delete from data_key`.execute(scratch.db);
    const ciphers = [0, 1, 2].map(() => new FieldCipher(scratch.db, demoDataEncryptionKeys));
    await Promise.all(ciphers.map((c) => c.ready()));
    const rows = await scratch.db.selectFrom('data_key').select(['purpose']).execute();
    assert.deepEqual(rows.map((r) => r.purpose).sort(), ['data', 'index']);
    const sealed = await ciphers[0]!.seal('0912000001');
    assert.equal(await ciphers[2]!.open(sealed), '0912000001');
    assert.ok(isSealed(sealed));
  } finally {
    await scratch.close();
  }
});
