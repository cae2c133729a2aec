import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { formDateParts, nationalMotto, nationalTitle, PdfBuilder, qrMatrix } from './index.js';
import { decodeQrCode, pdfFonts, pdfText, pdfWords, requirePoppler } from './testing.js';

before(() => {
  requirePoppler();
});

const vietnamese = 'Nguyễn Thị Hương, Đặng Văn Lâm, Trương Thị Ngọc Ánh: ỐỒỔỖỘ ăằắẳẵặ ưừứửữự ơờớởỡợ đĐ';

async function doc(build: (b: PdfBuilder) => void, options: Partial<Parameters<typeof PdfBuilder.create>[0]> = {}): Promise<Uint8Array> {
  const b = await PdfBuilder.create({ title: 'Kiểm thử', createdAt: new Date('2026-10-08T03:00:00Z'), ...options });
  build(b);
  return b.save();
}

describe('PdfBuilder', () => {
  test('prints Vietnamese so that text extraction returns exactly the same characters, even from decomposed input', async () => {
    const bytes = await doc((b) => {
      b.paragraph(vietnamese);
      b.paragraph(vietnamese.normalize('NFD'), { bold: true });
      b.paragraph(vietnamese, { italic: true });
    });
    const lines = pdfText(bytes)
      .split('\n')
      .filter((l) => l.trim());
    const joined = lines.join(' ');
    assert.equal(joined.split(vietnamese).length - 1, 3, joined);
  });

  test('keeps every letter in documents rendered one after another and at the same time (no font state shared)', async () => {
    // Composite glyphs (Á = A + acute) used by one document must not change how another document maps A.
    await doc((b) => b.paragraph('Ánh Nguyễn Ơn ờ'));
    const texts = ['BAN HÒA NAM do', 'Ông Hương ở Đà Nẵng', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc'];
    const outputs = await Promise.all(texts.map((t) => doc((b) => b.paragraph(t, { bold: t.startsWith('C') }))));
    outputs.forEach((bytes, i) => assert.equal(pdfText(bytes).trim(), texts[i]));
  });

  test('embeds its fonts (with a Unicode map) and uses no font the reader must supply', async () => {
    const fonts = pdfFonts(await doc((b) => b.paragraph([{ text: 'Thường ' }, { text: 'Đậm ', bold: true }, { text: 'Nghiêng', italic: true }])));
    assert.equal(fonts.length, 3);
    for (const f of fonts) {
      assert.ok(f.embedded, `${f.name} embedded`);
      assert.ok(f.unicode, `${f.name} has ToUnicode`);
      assert.match(f.name, /^DejaVuSerifCondensed/);
    }
  });

  test('wraps paragraphs within the margins (justified too) and splits a word longer than a line', async () => {
    const longWord = 'https://dichvucong.example.gov.vn/' + 'x'.repeat(200);
    let right = 0;
    const bytes = await doc((b) => {
      right = b.right;
      b.paragraph(`${vietnamese} `.repeat(8), { align: 'justify' });
      b.paragraph(longWord, { size: 10 });
      b.paragraph('Lề phải thụt vào 150 điểm. '.repeat(10), { right: 150 });
    });
    const words = pdfWords(bytes);
    assert.ok(words.length > 100);
    for (const w of words) assert.ok(w.xMax <= right + 0.5, `${w.text} ends at ${w.xMax} beyond ${right}`);
    const inset = words.filter((w) => w.text === 'thụt');
    assert.ok(inset.length === 10 && inset.every((w) => w.xMax <= right - 150 + 0.5));
    assert.ok(pdfText(bytes).replace(/\s+/g, '').includes(longWord), 'the long word is complete across its lines');
  });

  test('honours newlines and measures height consistently', async () => {
    const b = await PdfBuilder.create({ title: 't' });
    const one = b.heightOf('một dòng', 300);
    assert.equal(b.heightOf('dòng một\ndòng hai\n\ndòng bốn', 300), one * 4);
    assert.ok(b.heightOf('chữ '.repeat(200), 300) > one * 5);
  });

  test('draws the national header: agency on the left, title and motto on the right, place and date in italics', async () => {
    const bytes = await doc((b) =>
      b.nationalHeader({
        parentAgency: 'Ủy ban nhân dân tỉnh Hà Tĩnh',
        agency: 'Trung tâm Phục vụ hành chính công',
        numberLine: 'Số: 12/GTN',
        placeDate: 'Hà Tĩnh, ngày 08 tháng 10 năm 2026',
      }),
    );
    const text = pdfText(bytes);
    for (const s of [nationalTitle, nationalMotto, 'Số: 12/GTN', 'Hà Tĩnh, ngày 08 tháng 10 năm 2026', 'TRUNG TÂM PHỤC VỤ']) {
      assert.ok(text.includes(s), s);
    }
    const words = pdfWords(bytes);
    const leftOf = (t: string) => words.find((w) => w.text === t)!;
    assert.ok(leftOf('TRUNG').xMax < leftOf('CỘNG').xMin, 'agency column is left of the national title');
    assert.ok(leftOf('Độc').yMin > leftOf('CỘNG').yMax, 'motto under the title');
  });

  test('continues a long table on the next page under a repeated header, numbering pages from the second', async () => {
    const bytes = await doc((b) => {
      b.table(
        [
          { header: 'STT', width: 1, align: 'center' },
          { header: 'Tên giấy tờ', width: 6 },
          { header: 'Bản chính', width: 1.5, align: 'center' },
        ],
        Array.from({ length: 60 }, (_, i) => [String(i + 1), `Giấy tờ số ${i + 1} có tên khá dài để xuống dòng trong ô của bảng`, '1']),
      );
    });
    const pages = (await PDFDocument.load(bytes)).getPageCount();
    assert.ok(pages >= 3, `pages: ${pages}`);
    for (let p = 1; p <= pages; p++) assert.ok(pdfText(bytes, { first: p, last: p }).includes('Tên giấy tờ'), `header on page ${p}`);
    const page2 = pdfWords(bytes).filter((w) => w.page === 2);
    const top = page2.reduce((a, w) => (w.yMin < a.yMin ? w : a));
    assert.equal(top.text, '2', 'the page number is the topmost text of page 2');
    assert.ok(Math.abs((top.xMin + top.xMax) / 2 - top.pageWidth / 2) < 2, 'centred');
    const page1Top = pdfWords(bytes).filter((w) => w.page === 1).reduce((a, w) => (w.yMin < a.yMin ? w : a));
    assert.equal(page1Top.text, 'STT', 'no number on the first page');
    const allText = pdfText(bytes);
    for (let i = 1; i <= 60; i++) assert.ok(allText.includes(`Giấy tờ số ${i} `), `row ${i}`);
  });

  test('draws a QR code that a decoder reads back', async () => {
    const payload = 'https://dichvucong.example.gov.vn/tra-cuu/000.00.30.H42-261008-0975?s=K7M2QX';
    const bytes = await doc((b) => b.qrCode(payload, { x: b.left, top: b.y, size: 100 }));
    assert.equal(decodeQrCode(bytes), payload);
    assert.ok(qrMatrix(payload).size >= 21);
  });

  test('saves without object streams (ready for an incremental signature) and with metadata', async () => {
    const bytes = await doc((b) => b.paragraph('x'), { author: 'UBND tỉnh', subject: 'Chủ đề' });
    assert.equal(Buffer.from(bytes).includes('/ObjStm'), false);
    const loaded = await PDFDocument.load(bytes, { updateMetadata: false });
    assert.equal(loaded.getTitle(), 'Kiểm thử');
    assert.equal(loaded.getAuthor(), 'UBND tỉnh');
    assert.equal(loaded.getCreationDate()?.toISOString(), '2026-10-08T03:00:00.000Z');
  });

  test('numbers pages in the footer as n/total when asked', async () => {
    const bytes = await doc(
      (b) => {
        b.paragraph('một');
        b.newPage();
        b.paragraph('hai');
      },
      { pageNumbers: 'footer', pageLabel: (n, total) => `Trang ${n}/${total}` },
    );
    assert.ok(pdfText(bytes, { first: 1, last: 1 }).includes('Trang 1/2'));
    assert.ok(pdfText(bytes, { first: 2, last: 2 }).includes('Trang 2/2'));
  });
});

describe('formDateParts', () => {
  test('gives the date in Vietnam time with the leading zeros of Decree 30/2020 (months 01 and 02 only)', () => {
    assert.deepEqual(formDateParts(new Date('2026-01-04T17:30:00Z')), { dd: '05', mm: '01', MM: '01', yyyy: '2026', HH: '00', mi: '30' });
    assert.deepEqual(formDateParts(new Date('2026-03-09T02:05:00Z')), { dd: '09', mm: '3', MM: '03', yyyy: '2026', HH: '09', mi: '05' });
    assert.deepEqual(formDateParts(new Date('2026-12-31T16:59:00Z')), { dd: '31', mm: '12', MM: '12', yyyy: '2026', HH: '23', mi: '59' });
    assert.throws(() => formDateParts(new Date('nonsense')));
  });
});
