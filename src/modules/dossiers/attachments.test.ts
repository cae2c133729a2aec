import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';
import { PNG } from 'pngjs';
import { DomainError } from '../../platform/errors/errors.js';
import { formatBytes, inspectUpload, safeFileName, type UploadKind, type UploadRules } from './attachments.js';

const all: UploadKind[] = ['pdf', 'jpeg', 'png'];
const rules = (over: Partial<UploadRules> = {}): UploadRules => ({ declaredName: 'giay-to.pdf', maxBytes: 5 * 1024 * 1024, accept: all, ...over });
const latin1 = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

async function rejectsWith(bytes: Uint8Array, code: string, over: Partial<UploadRules> = {}): Promise<DomainError> {
  let caught: unknown;
  try {
    await inspectUpload(bytes, rules(over));
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof DomainError, `expected ${code}, got ${caught === undefined ? 'acceptance' : String(caught)}`);
  assert.equal(caught.code, code);
  return caught;
}

// ---- fixtures built here, so every test shows what it feeds in ----

async function pdfLibDocument(pages = 3, edit?: (doc: PDFDocument) => void | Promise<void>, useObjectStreams = false): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < pages; i++) doc.addPage([595, 842]).drawText(`Page ${i + 1}`, { x: 50, y: 780, size: 14, font });
  await edit?.(doc);
  return doc.save({ useObjectStreams });
}

/** A PDF written by hand: objects 1 (catalog), 2 (pages), 3 (page) first, then `extra` objects from 4 on. */
function handPdf(options: { catalogExtra?: string; pageExtra?: string; extra?: string[]; trailerExtra?: string; content?: string } = {}): Uint8Array {
  const objects = [
    `<< /Type /Catalog /Pages 2 0 R ${options.catalogExtra ?? ''} >>`,
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] ${options.content ? '/Contents 4 0 R ' : ''}${options.pageExtra ?? ''} >>`,
    ...(options.content ? [`<< /Length ${options.content.length} >>\nstream\n${options.content}\nendstream`] : []),
    ...(options.extra ?? []),
  ];
  let out = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${options.trailerExtra ?? ''} >>\nstartxref\n${xref}\n%%EOF\n`;
  return latin1(out);
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.byteLength, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return concat(head, data, crc);
}

/** A real RGB PNG of the given size (all black), optionally lying about its size in IHDR. */
function png(width: number, height: number, declared = { width, height }): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(declared.width, 0);
  ihdr.writeUInt32BE(declared.height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.alloc((width * 3 + 1) * height);
  return concat(
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', new Uint8Array()),
  );
}

/**
 * A JPEG with a correct marker structure (SOI, APP0, DQT, SOF0, DHT, SOS, entropy data with a stuffed 0xFF00 and a
 * restart marker, EOI). inspectUpload reads headers only, which is what this exercises; a JPEG from a real encoder
 * (pdftoppm) is tested further down when poppler is installed.
 */
function jpeg(width: number, height: number): Uint8Array {
  const segment = (marker: number, payload: number[]) => [0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload];
  return new Uint8Array([
    0xff, 0xd8,
    ...segment(0xe0, [...Buffer.from('JFIF\0', 'latin1'), 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
    ...segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    ...segment(0xc4, [0x00, 1, ...new Array<number>(15).fill(0), 0]),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    0x12, 0x34, 0xff, 0x00, 0x56, 0xff, 0xd0, 0x78, 0x9a,
    0xff, 0xd9,
  ]);
}

describe('inspectUpload: accepted files', () => {
  test('reads a PDF: kind, MIME type, size, SHA-256 and page count', async () => {
    const bytes = await pdfLibDocument(3);
    const r = await inspectUpload(bytes, rules());
    assert.equal(r.kind, 'pdf');
    assert.equal(r.mime, 'application/pdf');
    assert.equal(r.size, bytes.byteLength);
    assert.equal(r.sha256, createHash('sha256').update(bytes).digest('hex'));
    assert.equal(r.pages, 3);
    assert.equal(r.fileName, 'giay-to.pdf');
  });

  test('reads a PDF saved with compressed object streams', async () => {
    const r = await inspectUpload(await pdfLibDocument(2, undefined, true), rules());
    assert.equal(r.pages, 2);
  });

  test('accepts ordinary links, and words like /JavaScript inside page content', async () => {
    const bytes = handPdf({
      content: 'BT /F1 12 Tf 50 700 Td (How /JavaScript and /Launch work) Tj ET',
      pageExtra: '/Annots [5 0 R]',
      extra: ['<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (https://dichvucong.gov.vn) >> >>'],
    });
    const r = await inspectUpload(bytes, rules());
    assert.equal(r.pages, 1);
  });

  test('reads a PNG and its dimensions (a real PNG: pngjs decodes the same bytes)', async () => {
    const bytes = png(320, 200);
    assert.equal(PNG.sync.read(Buffer.from(bytes)).width, 320);
    const r = await inspectUpload(bytes, rules({ declaredName: 'anh.png' }));
    assert.deepEqual([r.kind, r.mime, r.width, r.height], ['png', 'image/png', 320, 200]);
  });

  test('reads a JPEG and its dimensions', async () => {
    const r = await inspectUpload(jpeg(1200, 1600), rules({ declaredName: 'cccd.jpeg' }));
    assert.deepEqual([r.kind, r.mime, r.width, r.height, r.fileName], ['jpeg', 'image/jpeg', 1200, 1600, 'cccd.jpeg']);
  });

  test('trusts the content over the name: a JPEG called .pdf is a JPEG (and gets a .jpg name)', async () => {
    const r = await inspectUpload(jpeg(800, 600), rules({ declaredName: 'Giấy khai sinh.PDF' }));
    assert.equal(r.kind, 'jpeg');
    assert.equal(r.fileName, 'Giấy khai sinh.jpg');
  });

  test('keeps bytes after a JPEG end marker that are not a hidden file (phones append motion photos)', async () => {
    const motion = latin1('\0\0\0\x18ftypmp42\0\0\0\0mp42isom');
    const r = await inspectUpload(concat(jpeg(1000, 800), motion), rules());
    assert.equal(r.kind, 'jpeg');
  });

  test('accepts images made by a real encoder (poppler), when installed', async (t) => {
    if (!existsSync('/usr/bin/pdftoppm')) {
      t.skip('poppler-utils not installed');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'motcua-upload-'));
    try {
      writeFileSync(join(dir, 'in.pdf'), await pdfLibDocument(1));
      execFileSync('pdftoppm', ['-r', '50', '-jpeg', '-singlefile', join(dir, 'in.pdf'), join(dir, 'out')]);
      execFileSync('pdftoppm', ['-r', '50', '-png', '-singlefile', join(dir, 'in.pdf'), join(dir, 'out')]);
      const pngBytes = readFileSync(join(dir, 'out.png'));
      const truth = PNG.sync.read(pngBytes); // an independent decoder's reading of the same page image
      const j = await inspectUpload(readFileSync(join(dir, 'out.jpg')), rules());
      const p = await inspectUpload(pngBytes, rules());
      assert.deepEqual([j.kind, j.width, j.height], ['jpeg', truth.width, truth.height]);
      assert.deepEqual([p.kind, p.width, p.height], ['png', truth.width, truth.height]);
      assert.ok(truth.width > 400 && truth.height > 580);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('inspectUpload: refused files', () => {
  test('refuses an empty file', async () => {
    await rejectsWith(new Uint8Array(), 'UPLOAD_EMPTY');
  });

  test('refuses a file over the size limit, saying the limit', async () => {
    const e = await rejectsWith(await pdfLibDocument(1), 'UPLOAD_TOO_LARGE', { maxBytes: 500 });
    assert.equal(e.details.params?.limit, '500 B');
    assert.equal(formatBytes(20 * 1024 * 1024), '20 MB');
  });

  test('refuses a Windows program renamed .pdf', async () => {
    const exe = concat(latin1('MZ\x90\x00\x03\x00\x00\x00'), new Uint8Array(56), latin1('This program cannot be run in DOS mode.'));
    const e = await rejectsWith(exe, 'UPLOAD_TYPE_DANGEROUS', { declaredName: 'to-khai.pdf' });
    assert.equal(e.details.params?.detected, 'windows-executable');
  });

  test('refuses other programs, scripts and archives whatever their names', async () => {
    const cases: [string, Uint8Array][] = [
      ['elf-executable', concat(latin1('\x7fELF\x02\x01\x01'), new Uint8Array(50))],
      ['script', latin1('#!/bin/sh\nrm -rf /\n')],
      ['zip-archive', concat(latin1('PK\x03\x04\x14\x00'), new Uint8Array(40))],
      ['rar-archive', latin1('Rar!\x1a\x07\x01\x00')],
      ['7z-archive', latin1("7z\xbc\xaf'\x1c\x00\x04")],
      ['gzip-archive', concat(latin1('\x1f\x8b\x08\x00'), new Uint8Array(20))],
      ['office-ole-document', concat(latin1('\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1'), new Uint8Array(100))],
    ];
    for (const [detected, bytes] of cases) {
      const e = await rejectsWith(bytes, 'UPLOAD_TYPE_DANGEROUS', { declaredName: 'scan.png' });
      assert.equal(e.details.params?.detected, detected);
    }
  });

  test('refuses HTML and SVG disguised as PDF or PNG, with or without a byte-order mark', async () => {
    const cases: [string, Uint8Array][] = [
      ['html-page', latin1('<!DOCTYPE html><html><script>alert(1)</script></html>')],
      ['html-page', latin1('\xef\xbb\xbf  \n <html><body onload="x()">')],
      ['html-page', new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<html>', 'utf16le')]))],
      ['svg-image', latin1('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
      ['xml-document', latin1('<?xml version="1.0"?><root/>')],
    ];
    for (const [detected, bytes] of cases) {
      const e = await rejectsWith(bytes, 'UPLOAD_TYPE_DANGEROUS', { declaredName: 'anh.png' });
      assert.equal(e.details.params?.detected, detected);
    }
  });

  test('refuses content it does not recognise', async () => {
    await rejectsWith(latin1('just some text, not a document'), 'UPLOAD_TYPE_UNKNOWN');
  });

  test('refuses a PDF header that does not start the file (polyglot)', async () => {
    await rejectsWith(concat(latin1('GIF89a junk\n'), await pdfLibDocument(1)), 'UPLOAD_PDF_MALFORMED');
  });

  test('refuses a type the document does not accept', async () => {
    const e = await rejectsWith(png(300, 300), 'UPLOAD_TYPE_NOT_ACCEPTED', { accept: ['pdf'] });
    assert.deepEqual(e.details.params, { kind: 'PNG', accepted: 'PDF' });
  });

  test('refuses a truncated PDF', async () => {
    const whole = await pdfLibDocument(3);
    await rejectsWith(whole.subarray(0, Math.floor(whole.byteLength * 0.6)), 'UPLOAD_PDF_MALFORMED');
  });

  test('refuses a PDF whose body is garbage even though it ends properly', async () => {
    await rejectsWith(latin1('%PDF-1.7\n\x00\x01garbage garbage\nstartxref\n0\n%%EOF\n'), 'UPLOAD_PDF_MALFORMED');
  });

  test('stays fast on a crafted PDF full of unterminated streams', async () => {
    const started = performance.now();
    await rejectsWith(latin1(`%PDF-1.7\n${'1 0 obj << >> stream\n'.repeat(200_000)}startxref\n0\n%%EOF\n`), 'UPLOAD_PDF_MALFORMED');
    assert.ok(performance.now() - started < 3000, 'linear time');
  });

  test('refuses an encrypted PDF', async () => {
    const encrypted = handPdf({
      extra: [
        `<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <${'a1'.repeat(32)}> /U <${'b2'.repeat(32)}> >>`,
      ],
      trailerExtra: `/Encrypt 4 0 R /ID [<${'c3'.repeat(16)}> <${'c3'.repeat(16)}>]`,
    });
    await rejectsWith(encrypted, 'UPLOAD_PDF_ENCRYPTED');
  });

  test('refuses a PDF that runs JavaScript when opened, even inside a compressed object stream', async () => {
    const bytes = await pdfLibDocument(
      1,
      (doc) => {
        doc.catalog.set(PDFName.of('OpenAction'), doc.context.obj({ S: 'JavaScript', JS: PDFString.of('app.alert("x")') }));
      },
      true,
    );
    // The action is compressed: the raw bytes do not show it, so this exercises the parsed-object check.
    assert.equal(Buffer.from(bytes).includes('JavaScript'), false);
    const e = await rejectsWith(bytes, 'UPLOAD_PDF_ACTIVE_CONTENT');
    assert.ok(['JavaScript', 'JS'].includes(String(e.details.params?.feature)));
  });

  test('refuses a document-level JavaScript name tree written with #-escapes', async () => {
    const bytes = handPdf({
      catalogExtra: '/Names << /J#61v#61Script 4 0 R >>',
      extra: ['<< /Names [(init) << /S /J#61vaScript /J#53 (app.alert(1)) >>] >>'],
    });
    await rejectsWith(bytes, 'UPLOAD_PDF_ACTIVE_CONTENT');
  });

  test('refuses launch actions, XFA forms and embedded files', async () => {
    const launch = handPdf({
      pageExtra: '/Annots [4 0 R]',
      extra: ['<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /Launch /F (cmd.exe) >> >>'],
    });
    const xfa = handPdf({ catalogExtra: '/AcroForm << /Fields [] /XFA 4 0 R >>', extra: ['<< /Length 0 >>\nstream\n\nendstream'] });
    const embedded = await pdfLibDocument(1, async (doc) => {
      await doc.attach(latin1('MZ payload'), 'setup.exe', { mimeType: 'application/octet-stream' });
    });
    for (const [bytes, feature] of [
      [launch, 'Launch'],
      [xfa, 'XFA'],
      [embedded, undefined],
    ] as const) {
      const e = await rejectsWith(bytes, 'UPLOAD_PDF_ACTIVE_CONTENT');
      if (feature) assert.equal(e.details.params?.feature, feature);
    }
  });

  test('refuses a PDF with more pages than allowed', async () => {
    const e = await rejectsWith(await pdfLibDocument(3), 'UPLOAD_PDF_TOO_MANY_PAGES', { maxPages: 2 });
    assert.equal(e.details.params?.max, 2);
  });

  test('refuses a damaged PNG: bad checksum, cut short, or missing its first header', async () => {
    const good = png(300, 300);
    const badCrc = new Uint8Array(good);
    badCrc[20] = badCrc[20]! ^ 0xff; // inside IHDR data
    await rejectsWith(badCrc, 'UPLOAD_IMAGE_MALFORMED');
    await rejectsWith(good.subarray(0, good.byteLength - 20), 'UPLOAD_IMAGE_MALFORMED');
    await rejectsWith(concat(good.subarray(0, 8), pngChunk('IEND', new Uint8Array())), 'UPLOAD_IMAGE_MALFORMED');
  });

  test('refuses a JPEG cut short (no end marker)', async () => {
    const whole = jpeg(1000, 800);
    await rejectsWith(whole.subarray(0, whole.byteLength - 2), 'UPLOAD_IMAGE_MALFORMED');
    await rejectsWith(whole.subarray(0, 40), 'UPLOAD_IMAGE_MALFORMED');
  });

  test('refuses images too small to read and decompression bombs, before decoding any pixel', async () => {
    const tiny = await rejectsWith(png(20, 20), 'UPLOAD_IMAGE_DIMENSIONS');
    assert.deepEqual([tiny.details.params?.width, tiny.details.params?.height], [20, 20]);
    // IHDR claims 60000 × 60000 (3.6 gigapixels) over a few bytes of data.
    await rejectsWith(png(1, 1, { width: 60_000, height: 60_000 }), 'UPLOAD_IMAGE_DIMENSIONS');
    await rejectsWith(jpeg(15_000, 15_000), 'UPLOAD_IMAGE_DIMENSIONS');
    await inspectUpload(png(300, 300), rules({ image: { minDimension: 300 } }));
  });

  test('refuses an archive or program hidden after the end of an image', async () => {
    const zip = concat(latin1('PK\x03\x04\x14\x00'), new Uint8Array(60));
    const e = await rejectsWith(concat(png(300, 300), zip), 'UPLOAD_TYPE_DANGEROUS');
    assert.equal(e.details.params?.detected, 'zip-archive-appended-to-image');
    await rejectsWith(concat(jpeg(800, 600), await pdfLibDocument(1)), 'UPLOAD_TYPE_DANGEROUS');
  });
});

describe('safeFileName', () => {
  test('keeps only the last path segment, strips control and direction characters, fixes the extension', () => {
    assert.equal(safeFileName('../../etc/passwd.pdf', 'pdf'), 'passwd.pdf');
    assert.equal(safeFileName('C:\\Users\\an\\Giấy tờ.pdf', 'pdf'), 'Giấy tờ.pdf');
    assert.equal(safeFileName('invoice\u202Efdp.exe', 'pdf'), 'invoicefdp.pdf');
    assert.equal(safeFileName('scan.jpeg', 'jpeg'), 'scan.jpeg');
    assert.equal(safeFileName('scan.JPG', 'jpeg'), 'scan.jpg');
    assert.equal(safeFileName('', 'png'), 'document.png');
    assert.equal(safeFileName('...', 'png'), 'document.png');
    assert.equal(safeFileName('Nguye\u0302\u0303n.pdf', 'pdf'), 'Nguyễn.pdf');
    assert.equal([...safeFileName('a'.repeat(300) + '.pdf', 'pdf')].length, 114);
  });
});
