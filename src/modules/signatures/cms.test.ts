import assert from 'node:assert/strict';
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { test } from 'node:test';
import { createRootCa, issueCertificate, pemToDer } from './ca.js';
import { buildCadesSignature, checkCades, Oids, parseCades } from './cms.js';
import { decodeOid, oid, readTlv, setOf } from './der.js';
import { pdfDate } from './pades.js';
import { newVerificationCode, normaliseVerificationCode } from './signatures.service.js';

test('object identifiers encode and decode (multi-byte arcs included)', () => {
  for (const dotted of [Oids.signingCertificateV2, Oids.sha256, '1.2.840.113549.1.1.11', '2.5.4.3']) {
    const der = oid(dotted);
    assert.equal(decodeOid(der.subarray(readTlv(der).contentStart)), dotted);
  }
  assert.deepEqual([...oid('1.2.840.113549')], [0x06, 0x06, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d]);
});

test('a SET OF is ordered by encoding (what the signature over signed attributes depends on)', () => {
  const a = Uint8Array.of(0x04, 0x01, 0x02);
  const b = Uint8Array.of(0x04, 0x01, 0x01);
  assert.deepEqual([...setOf(a, b)], [0x31, 0x06, 0x04, 0x01, 0x01, 0x04, 0x01, 0x02]);
});

test('a CAdES signature binds the signer’s certificate and fails on another digest or a swapped certificate', async () => {
  const root = createRootCa('Test Root');
  const person = issueCertificate(root, { commonName: 'Phạm Quốc Hùng', organization: 'UBND', kind: 'person' });
  const other = issueCertificate(root, { commonName: 'Người khác', organization: 'UBND', kind: 'person' });
  const key = createPrivateKey(person.privateKeyPem);
  const digest = createHash('sha256').update('the signed byte ranges').digest();
  const certificates = [pemToDer(person.certificatePem), pemToDer(root.certificatePem)];
  const cms = await buildCadesSignature({ contentDigest: digest, certificates, sign: async (data) => sign('sha256', data, key) });
  const parsed = parseCades(cms);
  assert.equal(parsed.certificates.length, 2);
  assert.deepEqual(checkCades(parsed, digest).digestMatches, true);
  const ok = checkCades(parsed, digest);
  assert.deepEqual([ok.digestMatches, ok.signatureValid, ok.signingCertificateBound], [true, true, true]);
  assert.equal(checkCades(parsed, createHash('sha256').update('other bytes').digest()).digestMatches, false);
  // The same CMS claiming another certificate: signing-certificate-v2 no longer matches, nor does the signature.
  const swapped = { ...parsed, signerCertificate: pemToDer(other.certificatePem) };
  const bad = checkCades(swapped, digest);
  assert.deepEqual([bad.signatureValid, bad.signingCertificateBound], [false, false]);
});

test('verification codes: 16 unambiguous characters, typed in any case with dashes and look-alikes', () => {
  const code = newVerificationCode();
  assert.match(code, /^[0-9A-HJKMNP-TV-Z]{16}$/);
  assert.equal(normaliseVerificationCode(code.toLowerCase().match(/.{4}/g)!.join('-')), code);
  assert.equal(normaliseVerificationCode('K7Q2 9XHM 3PZA WD4T'), 'K7Q29XHM3PZAWD4T');
  assert.equal(normaliseVerificationCode('o0il-1111-2222-3333'), '0011111122223333');
  assert.equal(normaliseVerificationCode('short'), null);
  assert.equal(normaliseVerificationCode('UUUUUUUUUUUUUUUU'), null);
});

test('PDF dates with and without a time-zone offset', () => {
  assert.equal(pdfDate('D:20261124100500+07\'00\'')?.toISOString(), '2026-11-24T03:05:00.000Z');
  assert.equal(pdfDate('D:20261124030500Z')?.toISOString(), '2026-11-24T03:05:00.000Z');
  assert.equal(pdfDate('nonsense'), null);
});
