import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import {
  assertStorageKey,
  createStorage,
  LocalFileStorage,
  newStorageKey,
  S3FileStorage,
  StorageKeyError,
  StorageNotFoundError,
  StorageRejectedError,
  type FileStorage,
} from './index.js';

const enc = (s: string) => new TextEncoder().encode(s);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function* failingStream(): AsyncIterable<Uint8Array> {
  yield enc('first part, ');
  throw new Error('client went away');
}

/** The behaviour every adapter promises (the port's contract), run against each adapter below. */
function contract(name: string, open: () => Promise<FileStorage>, close: () => Promise<void>, specifics: () => void = () => {}) {
  describe(`${name}: FileStorage contract`, () => {
    let storage: FileStorage;
    before(async () => {
      storage = await open();
    });
    after(close);

    test('stores bytes and returns their size and SHA-256, then reads them back', async () => {
      const body = enc('Tờ khai đăng ký khai sinh');
      const stored = await storage.put('uploads/2026/11/a.pdf', body, { contentType: 'application/pdf' });
      assert.deepEqual(stored, { key: 'uploads/2026/11/a.pdf', size: body.byteLength, sha256: sha(body) });
      assert.deepEqual(Buffer.from(await storage.getBytes('uploads/2026/11/a.pdf')), Buffer.from(body));
      assert.deepEqual(await storage.stat('uploads/2026/11/a.pdf'), { size: body.byteLength });
      assert.equal(await storage.exists('uploads/2026/11/a.pdf'), true);
    });

    test('stores a stream chunk by chunk and serves it back as a stream', async () => {
      const parts = [enc('chunk-1;'), enc('chunk-2;'), enc('chunk-3')];
      const whole = Buffer.concat(parts);
      const stored = await storage.put('streams/s1', Readable.from(parts), { contentType: 'application/octet-stream' });
      assert.equal(stored.size, whole.byteLength);
      assert.equal(stored.sha256, sha(whole));
      const chunks: Buffer[] = [];
      for await (const c of await storage.get('streams/s1')) chunks.push(Buffer.from(c as Uint8Array));
      assert.deepEqual(Buffer.concat(chunks), whole);
    });

    test('replaces an object when the same key is written again', async () => {
      await storage.put('replace/me', enc('old'), { contentType: 'text/plain' });
      await storage.put('replace/me', enc('new content'), { contentType: 'text/plain' });
      assert.equal(Buffer.from(await storage.getBytes('replace/me')).toString(), 'new content');
    });

    test('refuses a body longer than maxBytes and stores nothing', async () => {
      await assert.rejects(storage.put('big/bytes', new Uint8Array(11), { contentType: 'x/y', maxBytes: 10 }), (e: unknown) => {
        return e instanceof StorageRejectedError && e.reason === 'too_large';
      });
      await assert.rejects(
        storage.put('big/stream', Readable.from([new Uint8Array(6), new Uint8Array(6)]), { contentType: 'x/y', maxBytes: 10 }),
        StorageRejectedError,
      );
      assert.equal(await storage.exists('big/bytes'), false);
      assert.equal(await storage.exists('big/stream'), false);
    });

    test('refuses a body whose SHA-256 differs from the expected one', async () => {
      await assert.rejects(
        storage.put('checked/x', enc('abc'), { contentType: 'text/plain', expectedSha256: sha(enc('abd')) }),
        (e: unknown) => e instanceof StorageRejectedError && e.reason === 'checksum_mismatch',
      );
      assert.equal(await storage.exists('checked/x'), false);
      const ok = await storage.put('checked/y', enc('abc'), { contentType: 'text/plain', expectedSha256: sha(enc('abc')).toUpperCase() });
      assert.equal(ok.size, 3);
    });

    test('keeps the previous object when a replacing stream fails half way', async () => {
      await storage.put('atomic/doc', enc('complete old version'), { contentType: 'text/plain' });
      await assert.rejects(storage.put('atomic/doc', failingStream(), { contentType: 'text/plain' }), /client went away/);
      assert.equal(Buffer.from(await storage.getBytes('atomic/doc')).toString(), 'complete old version');
      await assert.rejects(storage.put('atomic/new', failingStream(), { contentType: 'text/plain' }), /client went away/);
      assert.equal(await storage.exists('atomic/new'), false);
    });

    test('reports a missing key: get rejects, stat is null, delete answers false', async () => {
      await assert.rejects(storage.get('missing/key'), (e: unknown) => e instanceof StorageNotFoundError && e.key === 'missing/key');
      await assert.rejects(storage.getBytes('missing/key'), StorageNotFoundError);
      assert.equal(await storage.stat('missing/key'), null);
      assert.equal(await storage.exists('missing/key'), false);
      assert.equal(await storage.delete('missing/key'), false);
    });

    test('deletes an object once', async () => {
      await storage.put('del/one', enc('x'), { contentType: 'text/plain' });
      assert.equal(await storage.delete('del/one'), true);
      assert.equal(await storage.exists('del/one'), false);
      assert.equal(await storage.delete('del/one'), false);
    });

    test('refuses keys that could escape the storage root, in every operation', async () => {
      for (const bad of ['../secret', 'a/../../etc/passwd', '/etc/passwd', 'a//b', 'a/b/', '.hidden', 'a/.git/config', 'a\\b', 'C:/x', 'a/\u0000b', '']) {
        await assert.rejects(storage.put(bad, enc('x'), { contentType: 'text/plain' }), StorageKeyError, bad);
        await assert.rejects(storage.get(bad), StorageKeyError, bad);
        await assert.rejects(storage.exists(bad), StorageKeyError, bad);
        await assert.rejects(storage.delete(bad), StorageKeyError, bad);
      }
    });

    specifics();
  });
}

// ---- local disk ----

let localRoot = '';
let local: LocalFileStorage;
contract(
  'local disk',
  async () => {
    localRoot = await mkdtemp(join(tmpdir(), 'motcua-storage-'));
    local = await new LocalFileStorage(join(localRoot, 'files')).init();
    return local;
  },
  async () => {
    await rm(localRoot, { recursive: true, force: true });
  },
);

describe('local disk specifics', () => {
  let root = '';
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'motcua-storage-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('createStorage puts files under <DATA_DIR>/files, one file per key, readable by the owner only', async () => {
    const storage = await createStorage({ storageDriver: 'local', dataDir: root });
    assert.ok(storage instanceof LocalFileStorage);
    assert.equal(storage.root, join(root, 'files'));
    await storage.put('dossiers/2026/11/x.pdf', enc('%PDF-'), { contentType: 'application/pdf' });
    const s = await stat(join(root, 'files', 'dossiers', '2026', '11', 'x.pdf'));
    assert.equal(s.mode & 0o777, 0o600);
    assert.deepEqual(await readdir(join(root, 'files', '.tmp')), [], 'no temporary file is left behind');
  });

  test('leaves no temporary file after a refused or failed write', async () => {
    const storage = await new LocalFileStorage(join(root, 'f2')).init();
    await assert.rejects(storage.put('k/a', new Uint8Array(5), { contentType: 'x/y', maxBytes: 4 }));
    await assert.rejects(storage.put('k/b', failingStream(), { contentType: 'x/y' }));
    await assert.rejects(storage.put('k/c', enc('abc'), { contentType: 'x/y', expectedSha256: '00' }));
    assert.deepEqual(await readdir(join(root, 'f2', '.tmp')), []);
  });

  test('removes stale temporary files left by a crash, and keeps fresh ones', async () => {
    const storage = await new LocalFileStorage(join(root, 'f3')).init();
    const old = join(root, 'f3', '.tmp', 'old.part');
    const fresh = join(root, 'f3', '.tmp', 'fresh.part');
    await writeFile(old, 'x');
    await writeFile(fresh, 'x');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    await utimes(old, twoHoursAgo, twoHoursAgo);
    assert.equal(await storage.removeStaleTemporaryFiles(3600_000), 1);
    assert.deepEqual(await readdir(join(root, 'f3', '.tmp')), ['fresh.part']);
  });

  test('a folder is not a file: stat, get and delete treat it as missing', async () => {
    const storage = await new LocalFileStorage(join(root, 'f4')).init();
    await storage.put('folder/inside', enc('x'), { contentType: 'text/plain' });
    assert.equal(await storage.stat('folder'), null);
    assert.equal(await storage.delete('folder'), false);
    await assert.rejects(storage.get('folder'));
  });

  test('refuses a relative root', () => {
    assert.throws(() => new LocalFileStorage('relative/files'));
  });

  test('handles many concurrent writes to distinct keys and to one key', async () => {
    const storage = await new LocalFileStorage(join(root, 'f5')).init();
    const bodies = Array.from({ length: 40 }, (_, i) => enc(`body-${i}-`.repeat(1000)));
    await Promise.all(bodies.map((b, i) => storage.put(`many/${i}`, b, { contentType: 'text/plain' })));
    for (const [i, b] of bodies.entries()) assert.equal(sha(await storage.getBytes(`many/${i}`)), sha(b));
    await Promise.all(bodies.map((b) => storage.put('same/key', b, { contentType: 'text/plain' })));
    const final = sha(await storage.getBytes('same/key'));
    assert.ok(bodies.some((b) => sha(b) === final), 'the object is exactly one of the written bodies');
  });
});

describe('storage keys', () => {
  test('newStorageKey gives unique, valid keys under year/month folders', () => {
    const at = new Date('2026-11-23T10:00:00Z');
    const keys = new Set(Array.from({ length: 1000 }, () => newStorageKey('uploads', at, 'pdf')));
    assert.equal(keys.size, 1000);
    for (const k of keys) {
      assert.match(k, /^uploads\/2026\/11\/[A-Za-z0-9]{22}\.pdf$/);
      assertStorageKey(k);
    }
  });

  test('accepts ordinary keys and refuses over-long ones', () => {
    assertStorageKey('a');
    assertStorageKey('dossiers/000.00.30.H42-261008-0975/receipt-slip.pdf');
    assert.throws(() => assertStorageKey('a/'.repeat(300) + 'b'), StorageKeyError);
  });
});

// ---- S3-compatible store (s3rver, in process) ----

let s3server: S3rver;
let s3dir = '';
let s3: S3FileStorage;
contract(
  'S3-compatible (s3rver)',
  async () => {
    s3dir = await mkdtemp(join(tmpdir(), 'motcua-s3-'));
    s3server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir, configureBuckets: [{ name: 'motcua', configs: [] }] });
    const { port } = await s3server.run();
    s3 = (await createStorage({
      storageDriver: 's3',
      dataDir: s3dir,
      s3Endpoint: `http://127.0.0.1:${port}`,
      s3Region: 'us-east-1',
      s3Bucket: 'motcua',
      s3AccessKeyId: 'S3RVER',
      s3SecretAccessKey: 'S3RVER',
      s3ForcePathStyle: true,
      s3KeyPrefix: 'tenant-a/',
    })) as S3FileStorage;
    return s3;
  },
  async () => {
    s3.client.destroy();
    await s3server.close();
    await rm(s3dir, { recursive: true, force: true });
  },
  () => {
    test('stores under the key prefix with the content type and the SHA-256 as metadata', async () => {
      const body = enc('%PDF-1.7 test');
      await s3.put('p/x.pdf', body, { contentType: 'application/pdf' });
      const head = await s3.client.send(new HeadObjectCommand({ Bucket: 'motcua', Key: 'tenant-a/p/x.pdf' }));
      assert.equal(head.ContentType, 'application/pdf');
      assert.equal(head.Metadata?.sha256, sha(body));
    });
  },
);

describe('S3 configuration', () => {
  test('createStorage refuses the S3 driver without a bucket', async () => {
    await assert.rejects(createStorage({ storageDriver: 's3', dataDir: '/tmp' }), /S3_BUCKET/);
  });

  test('refuses a key prefix without its trailing slash', () => {
    assert.throws(() => new S3FileStorage({ region: 'x', bucket: 'b', keyPrefix: 'tenant' }));
  });
});
