import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildVietQr, readVietQr } from './vietqr.js';

/** CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), written independently of the library under test. */
function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/** Splits EMVCo TLV text into [tag, value] pairs. */
function tlv(text: string): [string, string][] {
  const out: [string, string][] = [];
  let i = 0;
  while (i < text.length) {
    const tag = text.slice(i, i + 2);
    const len = Number(text.slice(i + 2, i + 4));
    out.push([tag, text.slice(i + 4, i + 4 + len)]);
    i += 4 + len;
  }
  return out;
}

test('the CRC used in the tests is CRC-16/CCITT-FALSE (check value of "123456789" is 29B1)', () => {
  assert.equal(crc16('123456789'), '29B1');
});

test('builds the published dynamic VietQR sample byte for byte', () => {
  // Sample published with vietnam-qr-pay's documentation: ACB (BIN 970416), account 257678859, 10 000 đ, "Chuyen tien".
  const payload = buildVietQr({ bankBin: '970416', accountNumber: '257678859', amountVnd: 10_000, purpose: 'Chuyen tien' });
  assert.equal(payload, '00020101021238530010A0000007270123000697041601092576788590208QRIBFTTA53037045405100005802VN62150811Chuyen tien630453E6');
});

test('a payment payload has the VietQR fields of RULES.md and a CRC over everything before it', () => {
  const payload = buildVietQr({ bankBin: '970436', accountNumber: '0011001234567', amountVnd: 150_000, purpose: 'MC7Q2K9XH3RT LE PHI' });
  const fields = new Map(tlv(payload));
  assert.equal(fields.get('00'), '01');
  assert.equal(fields.get('01'), '12', 'dynamic QR (with an amount) is initiation method 12');
  const merchant = new Map(tlv(fields.get('38')!));
  assert.equal(merchant.get('00'), 'A000000727');
  const consumer = new Map(tlv(merchant.get('01')!));
  assert.equal(consumer.get('00'), '970436');
  assert.equal(consumer.get('01'), '0011001234567');
  assert.equal(merchant.get('02'), 'QRIBFTTA');
  assert.equal(fields.get('53'), '704');
  assert.equal(fields.get('54'), '150000');
  assert.equal(fields.get('58'), 'VN');
  assert.equal(new Map(tlv(fields.get('62')!)).get('08'), 'MC7Q2K9XH3RT LE PHI');
  assert.ok(payload.slice(-8).startsWith('6304'));
  assert.equal(payload.slice(-4), crc16(payload.slice(0, -4)));
});

test('reads a payload back and rejects one whose CRC does not match', () => {
  const payload = buildVietQr({ bankBin: '970436', accountNumber: '0011001234567', amountVnd: 70_000, purpose: 'MCABCDEFGH12' });
  assert.deepEqual(readVietQr(payload), { bankBin: '970436', accountNumber: '0011001234567', amountVnd: 70_000, purpose: 'MCABCDEFGH12' });
  const tampered = payload.replace('540570000', '540590000');
  assert.notEqual(tampered, payload);
  assert.equal(readVietQr(tampered), null);
});

test('refuses transfers a bank would mangle or reject', () => {
  const ok = { bankBin: '970436', accountNumber: '0011001234567', amountVnd: 1000, purpose: 'MCABCDEFGH12' };
  assert.throws(() => buildVietQr({ ...ok, bankBin: '97043' }), RangeError);
  assert.throws(() => buildVietQr({ ...ok, amountVnd: 0 }), RangeError);
  assert.throws(() => buildVietQr({ ...ok, amountVnd: 10.5 }), RangeError);
  assert.throws(() => buildVietQr({ ...ok, purpose: 'Lệ phí hồ sơ' }), RangeError);
  assert.throws(() => buildVietQr({ ...ok, purpose: 'X'.repeat(26) }), RangeError);
});
