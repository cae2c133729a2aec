import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createRootCa, issueCertificate, toPkcs12 } from './ca.js';
import { DirectoryKeyStore, keyFileName, Pkcs12Signer } from './signer.js';

/* PKCS#12 keys as they come from outside: OpenSSL 3's default encryption (PBES2, AES-256), a wrong password, a
 * directory of keys. */

const work = mkdtempSync(join(tmpdir(), 'motcua-p12-'));
after(() => rmSync(work, { recursive: true, force: true }));
const root = createRootCa('Test Root');
const leader = issueCertificate(root, { commonName: 'Phạm Quốc Hùng', organization: 'Ủy ban nhân dân phường Hoa Lư', kind: 'person' });

test('opens a PKCS#12 made by OpenSSL 3 with its defaults (AES-256, PBKDF2) and signs with its key', async () => {
  writeFileSync(join(work, 'key.pem'), leader.privateKeyPem);
  writeFileSync(join(work, 'cert.pem'), leader.certificatePem);
  writeFileSync(join(work, 'root.pem'), root.certificatePem);
  execFileSync('openssl', ['pkcs12', '-export', '-inkey', join(work, 'key.pem'), '-in', join(work, 'cert.pem'), '-certfile', join(work, 'root.pem'), '-out', join(work, 'leader.p12'), '-passout', 'pass:s3cret']);
  const signer = new Pkcs12Signer(readFileSync(join(work, 'leader.p12')), 's3cret');
  const chain = await signer.certificates();
  assert.equal(chain.length, 2);
  assert.match(new X509Certificate(chain[0]!).subject, /CN=Phạm Quốc Hùng/);
  const signature = await signer.sign(Buffer.from('signed attributes'));
  assert.equal(verify('sha256', Buffer.from('signed attributes'), new X509Certificate(chain[0]!).publicKey, signature), true);
  assert.throws(() => new Pkcs12Signer(readFileSync(join(work, 'leader.p12')), 'wrong'));
});

test('a key directory finds leaders and seals by file name, and answers null for a missing key', async () => {
  const dir = join(work, 'keys');
  execFileSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, keyFileName({ kind: 'leader', userId: 7 })), toPkcs12(leader, [root.certificatePem], 'pw', 'leader'));
  const store = new DirectoryKeyStore(dir, 'pw');
  assert.ok(await store.signerFor({ kind: 'leader', userId: 7 }));
  assert.equal(await store.signerFor({ kind: 'leader', userId: 8 }), null);
  assert.equal(keyFileName({ kind: 'seal', agencyCode: '000.00.31.H42' }), 'seal-000.00.31.H42.p12');
  // A key provisioned after a miss is found (absence is not remembered).
  writeFileSync(join(dir, keyFileName({ kind: 'leader', userId: 8 })), toPkcs12(leader, [root.certificatePem], 'pw', 'leader'));
  assert.ok(await store.signerFor({ kind: 'leader', userId: 8 }));
});
