import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { decodeQrCode, pdfFonts, pdfText, requirePoppler } from '../../platform/pdf/testing.js';
import { receiptSlipLookupUrl, renderReceiptSlip, type ReceiptSlipData } from './receipt-slip.js';

before(() => {
  requirePoppler();
});

/** A received in-person dossier; tests override what they look at. */
function buildSlip(over: Partial<ReceiptSlipData> = {}): ReceiptSlipData {
  return {
    code: '000.00.30.H42-261008-0975',
    lookupSecret: 'K7M2QX',
    baseUrl: 'https://dichvucong.hatinh.gov.vn/',
    agency: { name: 'Trung tâm Phục vụ hành chính công tỉnh Hà Tĩnh', parentName: 'Ủy ban nhân dân tỉnh Hà Tĩnh', place: 'Hà Tĩnh' },
    slipNumber: '975/GTN',
    applicant: { fullName: 'Nguyễn Thị Hương', address: 'Số 12 đường Trần Phú, phường Thành Sen, tỉnh Hà Tĩnh', phone: '0912345678', email: 'huong@example.vn' },
    procedure: { code: '1.001193', name: 'Đăng ký khai sinh' },
    documents: [
      { name: 'Tờ khai đăng ký khai sinh', originals: 1, copies: 0 },
      { name: 'Giấy chứng sinh', originals: 1, copies: 0, note: 'Bản điện tử, 1 trang' },
      { name: 'Giấy chứng nhận kết hôn của cha mẹ', originals: 0, copies: 2 },
    ],
    channel: 'in_person',
    submittedAt: new Date('2026-10-08T07:30:00Z'),
    receivedAt: new Date('2026-10-08T07:35:00Z'), // 14:35 in Vietnam
    statutoryDuration: { amount: 3, unit: 'working_days' },
    dueAt: new Date('2026-10-13T09:00:00Z'), // 16:00 in Vietnam
    receivingOfficer: 'Trần Văn Đức',
    resultDelivery: 'at_desk',
    ...over,
  };
}

/** The slip's text with line breaks and runs of spaces folded, so wrapped lines still match. */
const flat = (bytes: Uint8Array) => pdfText(bytes).replace(/\s+/g, ' ');

describe('renderReceiptSlip', () => {
  test('prints form 01 with exact Vietnamese text: title, code, applicant, procedure, documents, times', async () => {
    const bytes = await renderReceiptSlip(buildSlip());
    const text = flat(bytes);
    for (const expected of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Hà Tĩnh, ngày 08 tháng 10 năm 2026',
      'Số: 975/GTN',
      'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ',
      'Mã hồ sơ: 000.00.30.H42-261008-0975',
      'Mã tra cứu: K7M2QX',
      'Cơ quan tiếp nhận: Trung tâm Phục vụ hành chính công tỉnh Hà Tĩnh',
      'Ông/bà: Nguyễn Thị Hương',
      'Địa chỉ: Số 12 đường Trần Phú, phường Thành Sen, tỉnh Hà Tĩnh',
      'Số điện thoại: 0912345678',
      'Thư điện tử: huong@example.vn',
      'Thủ tục hành chính: Đăng ký khai sinh (mã 1.001193)',
      'Tờ khai đăng ký khai sinh',
      'Bản điện tử, 1 trang',
      'Giấy chứng nhận kết hôn của cha mẹ',
      '2. Số lượng hồ sơ: 1 bộ',
      '3. Hình thức nộp: Trực tiếp tại Bộ phận Một cửa',
      '4. Thời gian giải quyết hồ sơ theo quy định: 3 ngày làm việc',
      '5. Thời gian nhận hồ sơ: 14 giờ 35 phút, ngày 08 tháng 10 năm 2026',
      '6. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 13 tháng 10 năm 2026',
      '7. Đăng ký nhận kết quả: Trực tiếp tại Bộ phận Một cửa',
      'NGƯỜI NỘP HỒ SƠ',
      'NGƯỜI TIẾP NHẬN HỒ SƠ',
      'Trần Văn Đức',
    ]) {
      assert.ok(text.includes(expected), `missing: ${expected}\n${text}`);
    }
    assert.equal((await PDFDocument.load(bytes)).getPageCount(), 1);
  });

  test('embeds its fonts', async () => {
    const fonts = pdfFonts(await renderReceiptSlip(buildSlip()));
    assert.ok(fonts.length >= 2);
    assert.ok(fonts.every((f) => f.embedded && f.unicode && f.name.startsWith('DejaVuSerifCondensed')), JSON.stringify(fonts));
  });

  test('carries a QR code that decodes to the public lookup link with the secret', async () => {
    const data = buildSlip();
    const qr = decodeQrCode(await renderReceiptSlip(data));
    assert.equal(qr, 'https://dichvucong.hatinh.gov.vn/tra-cuu/000.00.30.H42-261008-0975?s=K7M2QX');
    assert.equal(qr, receiptSlipLookupUrl(data.baseUrl, data.code, data.lookupSecret));
  });

  test('says "Chờ tiếp nhận" for an online dossier the desk has not received, without a due date or officer', async () => {
    const text = flat(
      await renderReceiptSlip(
        buildSlip({ channel: 'online', receivedAt: null, dueAt: null, receivingOfficer: null, resultDelivery: 'online', slipNumber: null }),
      ),
    );
    assert.ok(text.includes('(Hồ sơ nộp trực tuyến, đang chờ tiếp nhận)'));
    assert.ok(text.includes('5. Thời gian nhận hồ sơ: Chờ tiếp nhận (đã nộp trực tuyến lúc 14 giờ 30 phút, ngày 08 tháng 10 năm 2026)'), text);
    assert.ok(text.includes('6. Thời gian trả kết quả giải quyết hồ sơ: Chờ tiếp nhận: ngày hẹn trả được tính từ khi hồ sơ được tiếp nhận'));
    assert.ok(text.includes('3. Hình thức nộp: Trực tuyến'));
    assert.ok(text.includes('Giấy tiếp nhận này được lập bằng phương tiện điện tử.'));
    assert.ok(!text.includes('NGƯỜI NỘP HỒ SƠ'), 'no handwritten signatures online');
    assert.ok(!text.includes('Số:'), 'no register number');
    assert.ok(text.includes('Hà Tĩnh, ngày 08 tháng 10 năm 2026'), 'dated the day of submission');
  });

  test('names the officer of a received online dossier, and a postal delivery address', async () => {
    const text = flat(
      await renderReceiptSlip(buildSlip({ channel: 'online', resultDelivery: 'post', deliveryAddress: 'Thôn 3, xã Cẩm Xuyên, tỉnh Hà Tĩnh' })),
    );
    assert.ok(text.includes('Người tiếp nhận hồ sơ: Trần Văn Đức'));
    assert.ok(text.includes('Qua dịch vụ bưu chính công ích đến địa chỉ: Thôn 3, xã Cẩm Xuyên, tỉnh Hà Tĩnh'));
  });

  test('prints a due date "to be announced" and an unknown duration when not known yet', async () => {
    const text = flat(await renderReceiptSlip(buildSlip({ dueAt: null, statutoryDuration: null })));
    assert.ok(text.includes('6. Thời gian trả kết quả giải quyết hồ sơ: Sẽ được thông báo sau'));
    assert.ok(text.includes('4. Thời gian giải quyết hồ sơ theo quy định: Theo quy định của thủ tục'));
  });

  test('writes months 01 and 02 with a leading zero and later months without (Decree 30/2020)', async () => {
    const jan = flat(await renderReceiptSlip(buildSlip({ receivedAt: new Date('2027-01-05T02:00:00Z'), dueAt: new Date('2027-03-09T02:00:00Z') })));
    assert.ok(jan.includes('09 giờ 00 phút, ngày 05 tháng 01 năm 2027'));
    assert.ok(jan.includes('09 giờ 00 phút, ngày 09 tháng 3 năm 2027'));
  });

  test('continues a long list of documents on the next pages, under the table header, numbered from 2', async () => {
    const documents = Array.from({ length: 40 }, (_, i) => ({ name: `Giấy tờ kèm theo số ${i + 1}`, originals: 1, copies: 1 }));
    const bytes = await renderReceiptSlip(buildSlip({ documents }));
    assert.ok((await PDFDocument.load(bytes)).getPageCount() >= 2);
    const page2 = pdfText(bytes, { first: 2, last: 2 });
    assert.match(page2.trimStart(), /^2\s/);
    assert.ok(page2.includes('Tên giấy tờ'), 'the table header is repeated');
    assert.ok(flat(bytes).includes('Giấy tờ kèm theo số 40'));
  });

  test('renders in English on request, keeping the national header in Vietnamese', async () => {
    const text = flat(await renderReceiptSlip(buildSlip({ locale: 'en' })));
    assert.ok(text.includes('RECEIPT AND APPOINTMENT SLIP'));
    assert.ok(text.includes('Dossier code: 000.00.30.H42-261008-0975'));
    assert.ok(text.includes('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'));
    assert.ok(text.includes('5. Received: 14:35, 08/10/2026'));
  });

  test('refuses impossible document counts', async () => {
    await assert.rejects(renderReceiptSlip(buildSlip({ documents: [{ name: 'x', originals: -1, copies: 0 }] })), RangeError);
    await assert.rejects(renderReceiptSlip(buildSlip({ sets: 0 })), RangeError);
  });

  test('renders slips at a useful rate (reported as a diagnostic)', async (t) => {
    const data = buildSlip();
    await renderReceiptSlip(data); // warm-up
    const n = 20;
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    let bytes = 0;
    for (let i = 0; i < n; i++) bytes += (await renderReceiptSlip({ ...data, code: `000.00.30.H42-261008-${String(i).padStart(4, '0')}` })).byteLength;
    const wallMs = (performance.now() - started) / n;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000 / n;
    t.diagnostic(`receipt slip: ${wallMs.toFixed(1)} ms wall, ${cpuMs.toFixed(1)} ms CPU per slip (${(1000 / wallMs).toFixed(1)} slips/s), ${Math.round(bytes / n / 1024)} KB each`);
    assert.ok(wallMs < 2000, 'a slip takes well under two seconds even on a loaded CI machine');
  });
});
