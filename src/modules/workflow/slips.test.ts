import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { pdfFonts, pdfText, pdfWords, requirePoppler } from '../../platform/pdf/testing.js';
import {
  renderApologyLetter,
  renderControlSlip,
  renderRefusal,
  renderSlip,
  renderStopNotice,
  renderSupplementRequest,
  type ControlSlipData,
  type SlipAgency,
  type SlipDossier,
} from './slips.js';

before(() => {
  requirePoppler();
});

const agency: SlipAgency = { name: 'Ủy ban nhân dân xã Hoa Lư', parentName: 'Ủy ban nhân dân tỉnh Ninh Bình', place: 'Ninh Bình' };
const dossier: SlipDossier = {
  code: 'H40.51.01-261008-0042',
  procedure: { code: '1.010041', name: 'Xác nhận thông tin về cư trú' },
  applicant: { fullName: 'Nguyễn Thị Hương', address: 'Thôn Đông, xã Hoa Lư, tỉnh Ninh Bình', phone: '0912345678' },
  submittedAt: new Date('2026-10-08T01:15:00Z'), // 08:15 in Vietnam
  receivedAt: new Date('2026-10-08T02:00:00Z'), // 09:00
  dueAt: new Date('2026-10-13T10:00:00Z'), // 17:00
};
const common = { agency, dossier, officer: 'Đinh Thị Thu', issuedAt: new Date('2026-10-09T03:30:00Z') }; // 10:30

/** Text with runs of white space folded, so wrapped lines still match. */
const flat = (bytes: Uint8Array) => pdfText(bytes).replace(/\s+/g, ' ');

/** Asserts each expected text appears, in this order. */
function inOrder(text: string, expected: string[]): void {
  let from = 0;
  for (const e of expected) {
    const at = text.indexOf(e, from);
    assert.ok(at >= 0, `missing (or out of order): ${e}\n--- after position ${from} of:\n${text}`);
    from = at + e.length;
  }
}

describe('form 02: supplement request', () => {
  test('prints the header, numbered title, addressee, dossier, every missing item with its reason, in order', async () => {
    const bytes = await renderSupplementRequest({
      ...common,
      items: [
        { name: 'Tờ khai xác nhận thông tin cư trú', reason: 'Chưa ký tên người khai' },
        { name: 'Bản sao giấy khai sinh', reason: 'Ảnh chụp mờ, không đọc được số' },
      ],
      note: 'Nộp bổ sung trong 10 ngày làm việc.',
    });
    inOrder(flat(bytes), [
      'Mẫu số 02',
      'ỦY BAN NHÂN DÂN TỈNH NINH BÌNH',
      'ỦY BAN NHÂN DÂN XÃ HOA LƯ',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Ninh Bình, ngày 09 tháng 10 năm 2026',
      'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ',
      'Kính gửi: Ông/bà Nguyễn Thị Hương',
      'Địa chỉ: Thôn Đông, xã Hoa Lư, tỉnh Ninh Bình',
      'Số điện thoại: 0912345678',
      'Mã hồ sơ: H40.51.01-261008-0042',
      'Thủ tục hành chính: Xác nhận thông tin về cư trú (mã 1.010041)',
      'Thời gian nộp hồ sơ: 08 giờ 15 phút, ngày 08 tháng 10 năm 2026',
      'Thời gian yêu cầu bổ sung: 10 giờ 30 phút, ngày 09 tháng 10 năm 2026',
      'đề nghị ông/bà bổ sung, hoàn thiện hồ sơ',
      'Nội dung cần bổ sung, hoàn thiện',
      'Lý do',
      'Tờ khai xác nhận thông tin cư trú',
      'Chưa ký tên người khai',
      'Bản sao giấy khai sinh',
      'Ảnh chụp mờ, không đọc được số',
      'Ghi chú:',
      'Nộp bổ sung trong 10 ngày làm việc.',
      'Thời hạn giải quyết hồ sơ tạm dừng',
      'NGƯỜI HƯỚNG DẪN',
      '(Ký và ghi rõ họ tên)',
      'Đinh Thị Thu',
    ]);
    assert.equal((await PDFDocument.load(bytes)).getPageCount(), 1);
  });

  test('puts the form number at the top right and the motto on the right half', async () => {
    const bytes = await renderSupplementRequest({ ...common, items: [{ name: 'Tờ khai', reason: 'Thiếu chữ ký' }] });
    const words = pdfWords(bytes);
    const mau = words.find((w) => w.text === 'Mẫu')!;
    const doc = words.find((w) => w.text === 'Độc')!;
    const title = words.find((w) => w.text === 'PHIẾU')!;
    assert.ok(mau.xMin > mau.pageWidth / 2, 'form number on the right');
    assert.ok(mau.yMin < doc.yMin && doc.yMin < title.yMin, 'number, then header, then title, top to bottom');
    assert.ok(doc.xMin > doc.pageWidth / 2, 'motto on the right half');
  });

  test('embeds its fonts with a Unicode map', async () => {
    const fonts = pdfFonts(await renderSupplementRequest({ ...common, items: [{ name: 'Tờ khai', reason: 'Thiếu chữ ký' }] }));
    assert.ok(fonts.length >= 2);
    assert.ok(fonts.every((f) => f.embedded && f.unicode && f.name.includes('DejaVuSerif')), JSON.stringify(fonts));
  });

  test('keeps diacritics of decomposed input (NFD) exactly', async () => {
    const text = flat(await renderSupplementRequest({ ...common, items: [{ name: 'Giấy ủy quyền'.normalize('NFD'), reason: 'Thiếu' }] }));
    assert.ok(text.includes('Giấy ủy quyền'));
  });

  test('refuses an empty list', async () => {
    await assert.rejects(renderSupplementRequest({ ...common, items: [] }), RangeError);
  });
});

describe('form 03: refusal', () => {
  test('prints the title, the dossier and every line of the reasons', async () => {
    const text = flat(await renderRefusal({ ...common, reasons: 'Thủ tục không thuộc thẩm quyền của xã.\nĐề nghị nộp tại Công an tỉnh Ninh Bình.' }));
    inOrder(text, [
      'Mẫu số 03',
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ',
      'Kính gửi: Ông/bà Nguyễn Thị Hương',
      'Mã hồ sơ: H40.51.01-261008-0042',
      'Thời gian từ chối: 10 giờ 30 phút, ngày 09 tháng 10 năm 2026',
      'Ủy ban nhân dân xã Hoa Lư từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:',
      'Thủ tục không thuộc thẩm quyền của xã.',
      'Đề nghị nộp tại Công an tỉnh Ninh Bình.',
      'NGƯỜI TIẾP NHẬN HỒ SƠ',
      'Đinh Thị Thu',
    ]);
  });

  test('refuses empty reasons', async () => {
    await assert.rejects(renderRefusal({ ...common, reasons: '  ' }), RangeError);
  });
});

describe('form 04: apology letter', () => {
  test('prints the previous due date, the reason, and the new due date', async () => {
    const text = flat(
      await renderApologyLetter({
        ...common,
        reason: 'Cần xác minh thông tin cư trú tại địa phương khác.',
        previousDueAt: dossier.dueAt!,
        newDueAt: new Date('2026-10-16T09:00:00Z'),
      }),
    );
    inOrder(text, [
      'Mẫu số 04',
      'PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ',
      'Kính gửi: Ông/bà Nguyễn Thị Hương',
      'Thời gian hẹn trả kết quả: 17 giờ 00 phút, ngày 13 tháng 10 năm 2026',
      'chưa trả kết quả giải quyết hồ sơ cho ông/bà đúng hẹn, vì lý do:',
      'Cần xác minh thông tin cư trú tại địa phương khác.',
      'xin lỗi ông/bà vì sự chậm trễ này và hẹn lại thời gian trả kết quả vào: 16 giờ 00 phút, ngày 16 tháng 10 năm 2026',
      'THỦ TRƯỞNG CƠ QUAN',
      '(Ký, ghi rõ họ tên và đóng dấu)',
    ]);
  });

  test('refuses a new date that is not later', async () => {
    await assert.rejects(renderApologyLetter({ ...common, reason: 'x', previousDueAt: dossier.dueAt!, newDueAt: dossier.dueAt! }), RangeError);
  });
});

describe('form 05: stop notice', () => {
  test('prints the title, the time of the stop and the reason', async () => {
    const text = flat(await renderStopNotice({ ...common, reason: 'Người nộp đề nghị dừng để bổ sung giấy tờ từ cơ quan khác.' }));
    inOrder(text, [
      'Mẫu số 05',
      'THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ',
      'Mã hồ sơ: H40.51.01-261008-0042',
      'Thời gian hẹn trả kết quả: 17 giờ 00 phút, ngày 13 tháng 10 năm 2026',
      'Thời gian dừng giải quyết: 10 giờ 30 phút, ngày 09 tháng 10 năm 2026',
      'Người nộp đề nghị dừng để bổ sung giấy tờ từ cơ quan khác.',
    ]);
  });
});

describe('form 06: control slip', () => {
  const entries: ControlSlipData['entries'] = [
    {
      at: new Date('2026-10-08T02:00:00Z'),
      action: 'received',
      step: null,
      from: { unit: null, person: 'Nguyễn Thị Hương' },
      to: { unit: 'Ủy ban nhân dân xã Hoa Lư', person: 'Đinh Thị Thu' },
      stepDueAt: null,
      timing: null,
      note: null,
    },
    {
      at: new Date('2026-10-08T03:05:00Z'),
      action: 'forwarded',
      step: 'Thẩm định hồ sơ',
      from: { unit: 'Bộ phận Một cửa', person: 'Đinh Thị Thu' },
      to: { unit: 'Công chức Tư pháp - Hộ tịch', person: 'Phạm Văn Nam' },
      stepDueAt: new Date('2026-10-08T09:00:00Z'),
      timing: 'early',
      note: null,
    },
    {
      at: new Date('2026-10-12T08:40:00Z'),
      action: 'forwarded',
      step: 'Phê duyệt',
      from: { unit: 'Công chức Tư pháp - Hộ tịch', person: 'Phạm Văn Nam' },
      to: { unit: 'Lãnh đạo UBND xã', person: 'Trần Quốc Việt' },
      stepDueAt: new Date('2026-10-12T02:00:00Z'),
      timing: 'late',
      note: 'Chờ xác minh',
    },
  ];

  test('lists each hand-over in order: from/to unit and person, time in words, early/on time/late', async () => {
    const bytes = await renderControlSlip({ ...common, entries });
    const text = flat(bytes);
    inOrder(text, [
      'Mẫu số 06',
      'PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ',
      'Cơ quan tiếp nhận: Ủy ban nhân dân xã Hoa Lư',
      'Người nộp hồ sơ: Nguyễn Thị Hương',
      'Mã hồ sơ: H40.51.01-261008-0042',
      'Thời gian hẹn trả kết quả: 17 giờ 00 phút, ngày 13 tháng 10 năm 2026',
    ]);
    // Cells of a table are read column by column: check each cell's text, then the rows' order on the page.
    for (const cell of [
      'Giao, nhận hồ sơ',
      'Thời gian giao, nhận',
      'Kết quả (trước hạn/ đúng hạn/ quá hạn)',
      'Tiếp nhận hồ sơ Bên giao: Nguyễn Thị Hương Bên nhận: Ủy ban nhân dân xã Hoa Lư – Đinh Thị Thu',
      'Chuyển bước xử lý – Thẩm định hồ sơ',
      'Bên nhận: Công chức Tư pháp - Hộ tịch – Phạm Văn Nam',
      'Bên giao: Công chức Tư pháp - Hộ tịch – Phạm Văn Nam Bên nhận: Lãnh đạo UBND xã – Trần Quốc Việt',
      '09 giờ 00 phút, ngày 08 tháng 10 năm 2026',
      '15 giờ 40 phút, ngày 12 tháng 10 năm 2026',
      'Trước hạn',
      'Quá hạn',
      'Hạn của bước: 16 giờ 00 phút, ngày 08 tháng 10 năm 2026',
      'Chờ xác minh',
    ]) {
      assert.ok(text.includes(cell), `missing: ${cell}\n${text}`);
    }
    const words = pdfWords(bytes);
    const y = (word: string) => words.find((w) => w.text === word)!.yMin;
    assert.ok(y('Tiếp') < y('Thẩm') && y('Thẩm') < y('Phê'), 'hand-overs top to bottom in time order');
    assert.ok(y('Trước') >= y('Thẩm') - 1 && y('Trước') < y('Phê'), '"early" on the row of the second hand-over');
    assert.ok(y('Quá') >= y('Phê') - 1, '"late" on the row of the third');
    assert.ok(y('NGƯỜI') > y('Quá'), 'the signature under the table');
    assert.ok(!text.includes('Đúng hạn'), 'no timing printed where none was recorded');
  });

  test('continues a long history on the next pages under the repeated table header', async () => {
    const many = Array.from({ length: 30 }, (_, i) => ({ ...entries[1]!, at: new Date(Date.UTC(2026, 9, 8, 2, i)), note: `Lần ${i + 1}` }));
    const bytes = await renderControlSlip({ ...common, entries: many });
    assert.ok((await PDFDocument.load(bytes)).getPageCount() >= 2);
    const page2 = pdfText(bytes, { first: 2, last: 2 }).replace(/\s+/g, ' ');
    assert.ok(page2.includes('Giao, nhận hồ sơ'), 'the header row is repeated');
    assert.ok(flat(bytes).includes('Lần 30'));
  });

  test('says there is no hand-over yet for a new dossier', async () => {
    assert.ok(flat(await renderSlip({ form: '06', ...common, entries: [] })).includes('Chưa có lần giao, nhận nào.'));
  });

  test('renders in English on request, the national header staying Vietnamese', async () => {
    const text = flat(await renderControlSlip({ ...common, entries, locale: 'en' }));
    assert.ok(text.includes('CONTROL SLIP OF THE HANDLING OF THE DOSSIER'));
    assert.ok(text.includes('Form 06'));
    assert.ok(text.includes('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'));
    assert.ok(text.includes('Early'));
  });
});
