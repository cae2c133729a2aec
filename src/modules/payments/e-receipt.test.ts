import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeQrCode, pdfFonts, pdfText, requirePoppler } from '../../platform/pdf/testing.js';
import { renderEReceipt, type EReceiptData } from './e-receipt.js';

const receipt: EReceiptData = {
  template: '01BLP0-001',
  series: 'NB-26E',
  number: 42,
  verificationCode: 'AbCdEfGhIjKlMnOp',
  verificationUrl: 'http://portal.test/bien-lai/AbCdEfGhIjKlMnOp',
  issuedAt: new Date('2026-11-24T03:05:00Z'),
  agency: { name: 'Ủy ban nhân dân phường Hoa Lư', parentName: 'Ủy ban nhân dân tỉnh Ninh Bình', place: 'Ninh Bình' },
  payerName: 'Nguyễn Thị Hường',
  dossierCode: '000.00.30.H42-261124-0007',
  procedure: { code: '2.002516', name: 'Cấp bản sao trích lục hộ tịch' },
  lines: [{ label: 'Lệ phí cấp bản sao trích lục', unitVnd: 8000, quantity: 3, per: 'bản', amountVnd: 24_000 }],
  amountVnd: 24_000,
  method: 'vietqr',
  reference: 'MC7Q2K9XH3RT',
  providerTransaction: 'FT26328123456',
  paidAt: new Date('2026-11-24T03:04:10Z'),
};

test('the e-receipt prints template, series, number, payer, amount in figures and in words, channel, and a QR to verify', async () => {
  requirePoppler();
  const pdf = await renderEReceipt(receipt);
  const text = pdfText(pdf).replace(/\s+/g, ' ');
  for (const expected of [
    'BIÊN LAI THU PHÍ, LỆ PHÍ',
    'Ký hiệu mẫu biên lai: 01BLP0-001',
    'Ký hiệu biên lai: NB-26E',
    'Số: 0000042',
    'Nguyễn Thị Hường',
    '000.00.30.H42-261124-0007',
    'Cấp bản sao trích lục hộ tịch',
    '24.000 đồng',
    'Hai mươi bốn nghìn đồng',
    'Chuyển khoản bằng mã VietQR',
    'MC7Q2K9XH3RT / FT26328123456',
    '10 giờ 04 phút, ngày 24 tháng 11 năm 2026',
    'Ninh Bình, ngày 24 tháng 11 năm 2026',
  ]) {
    assert.ok(text.includes(expected), `missing "${expected}" in: ${text.slice(0, 1500)}`);
  }
  assert.equal(decodeQrCode(pdf), receipt.verificationUrl);
  assert.ok(pdfFonts(pdf).every((f) => f.embedded && f.unicode), 'fonts embedded with Unicode maps');
});

test('refuses a receipt whose lines do not add up to its amount', async () => {
  await assert.rejects(renderEReceipt({ ...receipt, amountVnd: 25_000 }), RangeError);
});
