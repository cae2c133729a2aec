import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFStream, ParseSpeeds, type PDFObject } from 'pdf-lib';
import { DomainError, type ErrorDefinition } from '../../platform/errors/errors.js';
import { UploadErrors } from './dossiers.errors.js';

/**
 * Checks of an uploaded document before it is stored: what the bytes really are, whether they are whole, and
 * whether they are safe to open on an officer's computer. Pure: no storage, no database.
 *
 * Decisions (and why):
 * - The type comes from the content (magic bytes), never from the file name or the browser's Content-Type. A PNG
 *   named `.pdf` is accepted as the PNG it is (`fileName` gets the right extension); a program, archive, Office
 *   file, web page, SVG or script is refused whatever it is called.
 * - PDFs with active content (JavaScript, launch/import/submit/remote go-to actions, XFA forms, embedded or attached
 *   files, rich media, 3D) are REFUSED, not stripped. Stripping would change the applicant's document after they
 *   submitted it: its hash would no longer match what they sent, and a digital signature already on it (e.g. a
 *   result issued by another agency, reused from the vault) would break. The applicant is told to print or export
 *   the document to a plain PDF, which removes such content.
 * - Encrypted PDFs are refused, including owner-password-only ones that open without a password: their objects
 *   cannot be inspected for active content, and officers must be able to stamp, merge and sign them.
 * - Damaged or truncated files are refused (a PDF must end with `%%EOF`; a JPEG with its end marker; a PNG's chunks
 *   must be complete with valid CRCs and end with IEND), so an interrupted upload is caught at once.
 * - Images are checked from their headers only (no pixel decoding here): dimensions must be legible and bounded so
 *   later processing (thumbnails, OCR, PDF conversion) cannot be made to allocate gigabytes (decompression bombs).
 * Active content is searched twice: in the object graph pdf-lib parses (including compressed object streams), and
 * in the raw bytes outside stream bodies (catching objects a lenient parser skips, and names spelled with `#xx`
 * escapes that pdf-lib does not decode).
 */

export type UploadKind = 'pdf' | 'jpeg' | 'png';

export const uploadMimeTypes: Readonly<Record<UploadKind, string>> = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  png: 'image/png',
};

const extensions: Readonly<Record<UploadKind, string>> = { pdf: 'pdf', jpeg: 'jpg', png: 'png' };

export interface ImageLimits {
  /** Smallest width and height in pixels (a document photo smaller than this is not legible). */
  minDimension: number;
  /** Largest width or height in pixels. */
  maxDimension: number;
  /** Largest width × height. */
  maxPixels: number;
}

export const defaultImageLimits: ImageLimits = { minDimension: 100, maxDimension: 20_000, maxPixels: 120_000_000 };

export interface UploadRules {
  /** The name the browser sent; used only to build a safe display name, never to decide the type. */
  declaredName: string;
  /** Largest accepted size in bytes. */
  maxBytes: number;
  /** Types this document may be (from the procedure's requirement). */
  accept: readonly UploadKind[];
  /** Largest number of pages of a PDF (default: no limit). */
  maxPages?: number;
  image?: Partial<ImageLimits>;
}

export interface InspectedUpload {
  kind: UploadKind;
  /** The MIME type to store and serve (from the content). */
  mime: string;
  size: number;
  /** Lower-case hex SHA-256 of the bytes. */
  sha256: string;
  /** Pages of a PDF. */
  pages?: number;
  /** Pixel dimensions of an image. */
  width?: number;
  height?: number;
  /** The declared name made safe to display and download (no path, no control characters, right extension). */
  fileName: string;
}

/** Inspects an upload; resolves with what it is, or rejects with a `DomainError` from `UploadErrors` saying why not. */
export async function inspectUpload(bytes: Uint8Array, rules: UploadRules): Promise<InspectedUpload> {
  const size = bytes.byteLength;
  if (size === 0) throw fail(UploadErrors.empty);
  if (size > rules.maxBytes) throw fail(UploadErrors.tooLarge, { limit: formatBytes(rules.maxBytes), size });

  const sniffed = sniff(bytes);
  if (sniffed.kind === 'dangerous') throw fail(UploadErrors.typeDangerous, { detected: sniffed.detected });
  if (sniffed.kind === 'unknown') throw fail(UploadErrors.typeUnknown, { detected: sniffed.detected });
  if (sniffed.kind === 'pdf-with-prefix') throw fail(UploadErrors.pdfMalformed, { reason: 'data before the %PDF header' });
  const kind = sniffed.kind;
  if (!rules.accept.includes(kind)) {
    throw fail(UploadErrors.typeNotAccepted, { kind: kind.toUpperCase(), accepted: rules.accept.map((k) => k.toUpperCase()).join(', ') });
  }

  const result: InspectedUpload = {
    kind,
    mime: uploadMimeTypes[kind],
    size,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    fileName: safeFileName(rules.declaredName, kind),
  };
  if (kind === 'pdf') {
    result.pages = await inspectPdf(bytes, rules.maxPages);
  } else {
    const { width, height } = kind === 'png' ? pngDimensions(bytes) : jpegDimensions(bytes);
    checkDimensions(width, height, { ...defaultImageLimits, ...rules.image });
    result.width = width;
    result.height = height;
  }
  return result;
}

function fail(definition: ErrorDefinition, params?: Record<string, string | number>, cause?: unknown): DomainError {
  return new DomainError(definition, { ...(params ? { params } : {}), ...(cause === undefined ? {} : { cause }) });
}

// ---------------------------------------------------------------------------------------------------------------
// Sniffing

type Sniffed =
  | { kind: UploadKind }
  | { kind: 'pdf-with-prefix' }
  | { kind: 'dangerous'; detected: string }
  | { kind: 'unknown'; detected: string };

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.byteLength < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const dangerousSignatures: readonly { detected: string; signature: readonly number[]; offset?: number }[] = [
  { detected: 'windows-executable', signature: ascii('MZ') },
  { detected: 'elf-executable', signature: [0x7f, ...ascii('ELF')] },
  { detected: 'mach-o-executable', signature: [0xfe, 0xed, 0xfa, 0xce] },
  { detected: 'mach-o-executable', signature: [0xfe, 0xed, 0xfa, 0xcf] },
  { detected: 'mach-o-executable', signature: [0xce, 0xfa, 0xed, 0xfe] },
  { detected: 'mach-o-executable', signature: [0xcf, 0xfa, 0xed, 0xfe] },
  { detected: 'java-class-or-mach-o', signature: [0xca, 0xfe, 0xba, 0xbe] },
  { detected: 'script', signature: ascii('#!') },
  { detected: 'zip-archive', signature: [0x50, 0x4b, 0x03, 0x04] },
  { detected: 'zip-archive', signature: [0x50, 0x4b, 0x05, 0x06] },
  { detected: 'zip-archive', signature: [0x50, 0x4b, 0x07, 0x08] },
  { detected: 'rar-archive', signature: ascii('Rar!') },
  { detected: '7z-archive', signature: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { detected: 'gzip-archive', signature: [0x1f, 0x8b] },
  { detected: 'bzip2-archive', signature: ascii('BZh') },
  { detected: 'xz-archive', signature: [0xfd, ...ascii('7zXZ'), 0x00] },
  { detected: 'cab-archive', signature: ascii('MSCF') },
  { detected: 'tar-archive', signature: ascii('ustar'), offset: 257 },
  { detected: 'office-ole-document', signature: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] },
  { detected: 'rtf-document', signature: ascii('{\\rtf') },
  { detected: 'windows-shortcut', signature: [0x4c, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00] },
];

const pdfMagic = ascii('%PDF-');
const jpegMagic = [0xff, 0xd8, 0xff];
const pngMagic = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function sniff(bytes: Uint8Array): Sniffed {
  if (startsWith(bytes, pdfMagic)) return { kind: 'pdf' };
  if (startsWith(bytes, pngMagic)) return { kind: 'png' };
  if (startsWith(bytes, jpegMagic)) return { kind: 'jpeg' };
  for (const d of dangerousSignatures) {
    if (startsWith(bytes, d.signature, d.offset ?? 0)) return { kind: 'dangerous', detected: d.detected };
  }
  const markup = markupKind(bytes);
  if (markup) return { kind: 'dangerous', detected: markup };
  // Readers accept a header anywhere in the first kilobyte; we do not, as that is how polyglot files are built.
  if (indexOf(bytes.subarray(0, 1024), pdfMagic) > 0) return { kind: 'pdf-with-prefix' };
  return { kind: 'unknown', detected: 'unrecognised' };
}

/** HTML, XML or SVG (text starting with `<` after an optional byte-order mark and white space), in UTF-8 or UTF-16. */
function markupKind(bytes: Uint8Array): string | null {
  let text: string;
  const head = bytes.subarray(0, 512);
  if (startsWith(head, [0xff, 0xfe])) text = Buffer.from(head.subarray(2)).toString('utf16le');
  else if (startsWith(head, [0xfe, 0xff])) text = swapUtf16(head.subarray(2));
  else text = Buffer.from(head).toString('utf8').replace(/^\uFEFF/, '');
  const start = text.trimStart().toLowerCase();
  if (!start.startsWith('<')) return null;
  if (start.includes('<svg')) return 'svg-image';
  if (start.startsWith('<?xml')) return 'xml-document';
  return 'html-page';
}

function swapUtf16(be: Uint8Array): string {
  const copy = Buffer.from(be.subarray(0, be.byteLength - (be.byteLength % 2)));
  return copy.swap16().toString('utf16le');
}

function indexOf(bytes: Uint8Array, needle: readonly number[], from = 0): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(Buffer.from(needle), from);
}

// ---------------------------------------------------------------------------------------------------------------
// PDF

/** Names whose presence as a dictionary key means active or hidden content. */
const forbiddenKeys = new Set(['JS', 'JavaScript', 'EmbeddedFiles', 'EF', 'XFA', 'RichMediaContent']);
/** Action types (`/S`) and subtypes/types that mean active or hidden content. */
const forbiddenValues = new Set([
  'JavaScript',
  'Launch',
  'ImportData',
  'SubmitForm',
  'GoToE',
  'GoToR',
  'RichMediaExecute',
  'EmbeddedFile',
  'FileAttachment',
  'RichMedia',
  '3D',
]);
const valueKeys = new Set(['S', 'Type', 'Subtype']);

async function inspectPdf(bytes: Uint8Array, maxPages: number | undefined): Promise<number> {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const tail = text.slice(-1024);
  if (!/%%EOF/.test(tail) || !text.includes('startxref')) {
    throw fail(UploadErrors.pdfMalformed, { reason: 'no end-of-file marker (truncated upload?)' });
  }
  const outside = withoutStreamBodies(text);
  const rawNames = namesIn(outside);
  if (rawNames.has('Encrypt')) throw fail(UploadErrors.pdfEncrypted);
  const rawFeature = [...rawNames].find((n) => forbiddenKeys.has(n) || forbiddenValues.has(n));
  if (rawFeature) throw fail(UploadErrors.pdfActiveContent, { feature: rawFeature });

  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, {
      ignoreEncryption: true,
      throwOnInvalidObject: true,
      updateMetadata: false,
      parseSpeed: ParseSpeeds.Fastest,
    });
  } catch (error) {
    throw fail(UploadErrors.pdfMalformed, { reason: 'unparseable' }, error);
  }
  if (doc.isEncrypted) throw fail(UploadErrors.pdfEncrypted);

  const feature = activeContentIn(doc);
  if (feature) throw fail(UploadErrors.pdfActiveContent, { feature });

  let pages: number;
  try {
    const list = doc.getPages();
    for (const page of list) page.getSize();
    pages = list.length;
  } catch (error) {
    throw fail(UploadErrors.pdfMalformed, { reason: 'broken page tree' }, error);
  }
  if (pages === 0) throw fail(UploadErrors.pdfMalformed, { reason: 'no pages' });
  if (maxPages !== undefined && pages > maxPages) throw fail(UploadErrors.pdfTooManyPages, { max: maxPages, pages });
  return pages;
}

/**
 * The PDF text with every `stream … endstream` body blanked, so binary data and page content are not scanned.
 * A single forward pass (no backtracking regular expression), so a crafted file full of `stream` keywords without
 * `endstream` costs linear time; an unterminated stream hides the rest of the file, which the parsed-object check
 * still covers.
 */
function withoutStreamBodies(text: string): string {
  const keyword = /\bstream(?:\r\n|\r|\n)/g;
  const parts: string[] = [];
  let pos = 0;
  for (;;) {
    keyword.lastIndex = pos;
    const start = keyword.exec(text);
    if (!start) {
      parts.push(text.slice(pos));
      break;
    }
    parts.push(text.slice(pos, start.index), ' ');
    const end = text.indexOf('endstream', keyword.lastIndex);
    if (end < 0) break;
    pos = end + 'endstream'.length;
  }
  return parts.join('');
}

/** Every PDF name token in `text`, with `#xx` escapes decoded (either case, as readers do). */
function namesIn(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/\/([^\s()<>[\]{}/%]+)/g)) names.add(decodeName(m[1]!));
  return names;
}

function decodeName(name: string): string {
  return name.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The first active-content feature found in any object of the document, or null. */
function activeContentIn(doc: PDFDocument): string | null {
  const seen = new Set<PDFObject>();
  const visit = (obj: PDFObject | undefined, depth: number): string | null => {
    if (obj === undefined || depth > 64 || seen.has(obj)) return null;
    seen.add(obj);
    const dict = obj instanceof PDFStream ? obj.dict : obj instanceof PDFDict ? obj : null;
    if (dict) {
      for (const [key, value] of dict.entries()) {
        const keyName = nameVariants(key).find((k) => forbiddenKeys.has(k));
        if (keyName) return keyName;
        if (value instanceof PDFName) {
          const isValueKey = nameVariants(key).some((k) => valueKeys.has(k));
          const valueName = nameVariants(value).find((v) => forbiddenValues.has(v));
          if (isValueKey && valueName) return valueName;
        }
        const nested = visit(value, depth + 1);
        if (nested) return nested;
      }
    } else if (obj instanceof PDFArray) {
      for (let i = 0; i < obj.size(); i++) {
        const nested = visit(obj.get(i), depth + 1);
        if (nested) return nested;
      }
    }
    return null;
  };
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    const found = visit(obj, 0);
    if (found) return found;
  }
  return visit(doc.context.trailerInfo.Root, 0);
}

/** pdf-lib decodes only upper-case `#XX` escapes; also decode what it left, so `/J#61vaScript` is still seen. */
function nameVariants(name: PDFName): string[] {
  const decoded = name.decodeText();
  const again = decodeName(decoded);
  return again === decoded ? [decoded] : [decoded, again];
}

// ---------------------------------------------------------------------------------------------------------------
// Images (headers and structure only)

function pngDimensions(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const malformed = (reason: string) => fail(UploadErrors.imageMalformed, { reason });
  let pos = 8;
  let width = 0;
  let height = 0;
  let sawIdat = false;
  let first = true;
  for (;;) {
    if (pos + 12 > bytes.byteLength) throw malformed('truncated chunk');
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    const end = pos + 12 + length;
    if (length > 0x7fffffff || end > bytes.byteLength) throw malformed('truncated chunk');
    const crc = view.getUint32(pos + 8 + length);
    if (crc32(bytes.subarray(pos + 4, pos + 8 + length)) !== crc) throw malformed(`bad CRC in ${type}`);
    if (first) {
      if (type !== 'IHDR' || length !== 13) throw malformed('IHDR is not the first chunk');
      width = view.getUint32(pos + 8);
      height = view.getUint32(pos + 12);
      const bitDepth = bytes[pos + 16]!;
      const colourType = bytes[pos + 17]!;
      const allowed: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
      if (!allowed[colourType]?.includes(bitDepth)) throw malformed('invalid colour type or bit depth');
      first = false;
    }
    if (type === 'IDAT') sawIdat = true;
    pos = end;
    if (type === 'IEND') break;
  }
  if (!sawIdat) throw malformed('no image data');
  rejectHiddenPayload(bytes.subarray(pos));
  return { width, height };
}

/** SOFn markers carry the frame size: C0–CF except C4 (DHT), C8 (reserved) and CC (DAC). */
const startOfFrame = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpegDimensions(bytes: Uint8Array): { width: number; height: number } {
  const malformed = (reason: string) => fail(UploadErrors.imageMalformed, { reason });
  const n = bytes.byteLength;
  let pos = 2;
  let width = 0;
  let height = 0;
  for (;;) {
    // A marker: 0xFF, optional fill bytes 0xFF, then the marker code.
    if (pos >= n || bytes[pos] !== 0xff) throw malformed('expected a marker');
    while (pos < n && bytes[pos] === 0xff) pos++;
    if (pos >= n) throw malformed('truncated');
    const marker = bytes[pos]!;
    pos++;
    if (marker === 0xd9) break; // EOI
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // standalone markers
    if (pos + 2 > n) throw malformed('truncated');
    const length = (bytes[pos]! << 8) | bytes[pos + 1]!;
    if (length < 2 || pos + length > n) throw malformed('truncated segment');
    if (startOfFrame.has(marker)) {
      if (length < 8) throw malformed('short frame header');
      height = (bytes[pos + 3]! << 8) | bytes[pos + 4]!;
      width = (bytes[pos + 5]! << 8) | bytes[pos + 6]!;
    }
    pos += length;
    if (marker === 0xda) {
      // Entropy-coded data up to the next marker that is not a stuffed 0xFF00 or a restart marker.
      if (width === 0 || height === 0) throw malformed('scan before frame header');
      for (;;) {
        const ff = bytes.indexOf(0xff, pos);
        if (ff < 0 || ff + 1 >= n) throw malformed('no end-of-image marker (truncated upload?)');
        const next = bytes[ff + 1]!;
        if (next === 0x00 || next === 0xff || (next >= 0xd0 && next <= 0xd7)) {
          pos = ff + (next === 0xff ? 1 : 2);
          continue;
        }
        pos = ff;
        break;
      }
    }
  }
  if (width === 0 || height === 0) throw malformed('no frame header');
  rejectHiddenPayload(bytes.subarray(pos));
  return { width, height };
}

/**
 * Bytes after an image's end marker are common (phones append motion-photo videos and maker data) and are kept;
 * but an archive, program or PDF appended there is the classic disguise (a "polyglot"), so that is refused.
 */
function rejectHiddenPayload(trailer: Uint8Array): void {
  if (trailer.byteLength === 0) return;
  const head = trailer.subarray(0, 4096);
  const hidden =
    dangerousSignatures.find((d) => indexOf(head, d.signature) >= 0 && d.signature.length >= 4)?.detected ??
    (indexOf(head, pdfMagic) >= 0 ? 'pdf' : null) ??
    (indexOf(head, ascii('MZ')) === 0 ? 'windows-executable' : null);
  if (hidden) throw fail(UploadErrors.typeDangerous, { detected: `${hidden}-appended-to-image` });
}

function checkDimensions(width: number, height: number, limits: ImageLimits): void {
  if (
    width < limits.minDimension ||
    height < limits.minDimension ||
    width > limits.maxDimension ||
    height > limits.maxDimension ||
    width * height > limits.maxPixels
  ) {
    throw fail(UploadErrors.imageDimensions, { width, height, min: limits.minDimension, max: limits.maxDimension });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Names and sizes

/**
 * The declared file name made safe: last path segment only, Unicode NFC, no control or reserved characters, at
 * most 120 characters, and the extension of the real type (`scan.pdf` that is a JPEG becomes `scan.jpg`).
 */
export function safeFileName(declared: string, kind: UploadKind): string {
  const base = (declared.split(/[/\\]/).pop() ?? '').normalize('NFC');
  const cleaned = base
    .replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  const dot = cleaned.lastIndexOf('.');
  const stem = (dot > 0 ? cleaned.slice(0, dot) : cleaned).trim().replace(/\.+$/, '');
  const declaredExt = dot > 0 ? cleaned.slice(dot + 1).toLowerCase() : '';
  const ext = kind === 'jpeg' && declaredExt === 'jpeg' ? 'jpeg' : extensions[kind];
  const shortStem = [...(stem || 'document')].slice(0, 110).join('');
  return `${shortStem}.${ext}`;
}

/** A byte count for people: `20 MB`, `500 KB`. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Number((n / (1024 * 1024)).toFixed(1))} MB`;
  if (n >= 1024) return `${Number((n / 1024).toFixed(1))} KB`;
  return `${n} B`;
}
