import { PageSizes, PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { fontBytes, fontkit, type FontFamily, type FontStyle } from './fonts.js';
import { drawQrCode, type QrErrorCorrection } from './qr.js';

/**
 * A small layout engine on pdf-lib for administrative documents: flowing paragraphs with wrapping and mixed bold/
 * italic runs, tables that break across pages and repeat their header, the national header block, signature blocks,
 * QR codes and page numbers, with an embedded Unicode font so Vietnamese prints and copies exactly.
 *
 * Coordinates are PDF points (1/72 inch) with y growing upwards; the builder keeps a cursor `y` that flowing
 * content moves down, opening a new page when content would cross the bottom margin.
 * Every text is normalised to Unicode NFC first, so decomposed input (e + combining marks) uses the font's
 * precomposed Vietnamese glyphs and text extraction returns the same characters.
 */

export const mm = (value: number): number => (value * 72) / 25.4;

export interface Margins {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** Decree 30/2020/NĐ-CP annex I: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm. */
export const decree30Margins: Readonly<Margins> = { top: mm(20), right: mm(15), bottom: mm(20), left: mm(30) };

/** The national title and motto (Decree 30/2020/NĐ-CP annex I, "Quốc hiệu và Tiêu ngữ"); fixed legal text. */
export const nationalTitle = 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM';
export const nationalMotto = 'Độc lập - Tự do - Hạnh phúc';

/** A piece of text with its own style; a paragraph is a string or a list of runs. */
export interface Run {
  text: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
}
export type RichText = string | readonly Run[];

export type Align = 'left' | 'center' | 'right' | 'justify';

export interface TextOptions {
  /** Font size in points (default: the document's body size). */
  size?: number;
  bold?: boolean;
  italic?: boolean;
  align?: Align;
  /** Distance between baselines as a multiple of the size (default 1.35; Vietnamese stacked marks need room). */
  lineHeight?: number;
  /** Extra indent of the first line, in points. */
  indent?: number;
  /** Insets from the left and right margins, in points. */
  left?: number;
  right?: number;
  spaceBefore?: number;
  spaceAfter?: number;
  /** Narrow the lines so they come out of even length (no lone last word): for headings and header blocks. */
  balance?: boolean;
}

export interface PdfDocumentOptions {
  title: string;
  subject?: string;
  author?: string;
  keywords?: string[];
  /** Creation date written in the metadata (default: now); fixing it makes output reproducible. */
  createdAt?: Date;
  /** BCP 47 language of the text (default `vi-VN`), for screen readers and text extraction. */
  language?: string;
  family?: FontFamily;
  /**
   * Faces to embed (default regular, bold and italic). Each costs a few milliseconds and kilobytes; a style that
   * is not embedded falls back to the nearest one (bold italic → bold, italic → regular).
   */
  styles?: readonly FontStyle[];
  /** Body font size (default 13; Decree 30 asks 13–14 for the body of administrative documents). */
  fontSize?: number;
  margins?: Partial<Margins>;
  /**
   * `decree30`: the number alone, centred in the top margin, from the second page on (Decree 30/2020 annex I);
   * `footer`: `pageLabel(n, total)` centred at the bottom of every page; `none`.
   */
  pageNumbers?: 'decree30' | 'footer' | 'none';
  pageLabel?: (page: number, total: number) => string;
}

export interface TableColumn {
  header: RichText;
  /** Relative width (weights are scaled to the available width). */
  width: number;
  align?: Exclude<Align, 'justify'>;
}

export interface TableOptions {
  size?: number;
  /** Cell padding in points (default 4). */
  padding?: number;
  lineHeight?: number;
  /** Border thickness in points (default 0.6). */
  border?: number;
  left?: number;
  right?: number;
  spaceAfter?: number;
}

export interface NationalHeader {
  /** The governing body (tên cơ quan chủ quản), printed upper case; omit for top-level agencies. */
  parentAgency?: string | null;
  /** The issuing agency or unit (tên cơ quan ban hành), printed bold upper case with a short rule under it. */
  agency: string;
  /** The line under the agency, e.g. `Số: 975/GTN`. */
  numberLine?: string | null;
  /** Place and date line printed in italics under the motto, e.g. `Hà Nội, ngày 08 tháng 10 năm 2026`. */
  placeDate?: string | null;
}

export interface SignatureBlock {
  /** Upper-case title, e.g. `NGƯỜI TIẾP NHẬN HỒ SƠ`. */
  title: string;
  /** Italic note under the title, e.g. `(Ký và ghi rõ họ tên)`. */
  note?: string | null;
  /** Printed name under the signing space. */
  name?: string | null;
}

interface Segment {
  text: string;
  font: PDFFont;
  underline: boolean;
  width: number;
}

interface Unit {
  segments: Segment[];
  width: number;
  /** Width of the space before this unit, 0 at the start of a paragraph or after a line break. */
  spaceBefore: number;
  /** Forced line breaks (newlines in the text) before this unit. */
  breakBefore: number;
}

interface LayoutStyle {
  bold?: boolean | undefined;
  italic?: boolean | undefined;
  indent?: number | undefined;
  balance?: boolean | undefined;
}

interface Line {
  units: { unit: Unit; gap: number }[];
  width: number;
}

const black = rgb(0, 0, 0);
/** Baseline of a line below its top, as a multiple of the size: room for stacked Vietnamese marks on capitals. */
const ascent = 1.05;

export class PdfBuilder {
  readonly doc: PDFDocument;
  readonly margins: Margins;
  readonly fontSize: number;
  /** The cursor: top of the next flowing content, in points from the bottom of the page. */
  y = 0;
  private current!: PDFPage;
  private readonly fonts: Partial<Record<FontStyle, PDFFont>>;
  private readonly widthCache = new Map<PDFFont, Map<string, number>>();

  private constructor(
    doc: PDFDocument,
    fonts: Partial<Record<FontStyle, PDFFont>>,
    private readonly options: PdfDocumentOptions,
  ) {
    this.doc = doc;
    this.fonts = fonts;
    this.margins = { ...decree30Margins, ...options.margins };
    this.fontSize = options.fontSize ?? 13;
    this.newPage();
  }

  static async create(options: PdfDocumentOptions): Promise<PdfBuilder> {
    const doc = await PDFDocument.create({ updateMetadata: false });
    doc.registerFontkit(fontkit);
    const family = options.family ?? 'serif';
    const styles = [...new Set<FontStyle>(['regular', ...(options.styles ?? ['bold', 'italic'])])];
    const embedded = await Promise.all(styles.map((s) => doc.embedFont(fontBytes(family, s), { subset: true })));
    const fonts: Partial<Record<FontStyle, PDFFont>> = Object.fromEntries(styles.map((s, i) => [s, embedded[i]!]));
    const created = options.createdAt ?? new Date();
    doc.setTitle(normalize(options.title), { showInWindowTitleBar: true });
    if (options.subject) doc.setSubject(normalize(options.subject));
    if (options.author) doc.setAuthor(normalize(options.author));
    if (options.keywords) doc.setKeywords(options.keywords.map(normalize));
    doc.setCreator('Motcua');
    doc.setProducer('Motcua (pdf-lib)');
    doc.setLanguage(options.language ?? 'vi-VN');
    doc.setCreationDate(created);
    doc.setModificationDate(created);
    return new PdfBuilder(doc, fonts, options);
  }

  get page(): PDFPage {
    return this.current;
  }

  /** Left edge of the text area. */
  get left(): number {
    return this.margins.left;
  }

  /** Right edge of the text area. */
  get right(): number {
    return this.current.getWidth() - this.margins.right;
  }

  get contentWidth(): number {
    return this.right - this.left;
  }

  font(style: { bold?: boolean | undefined; italic?: boolean | undefined } = {}): PDFFont {
    const regular = this.fonts.regular!;
    if (style.bold && style.italic) return this.fonts.boldItalic ?? this.fonts.bold ?? regular;
    if (style.bold) return this.fonts.bold ?? regular;
    if (style.italic) return this.fonts.italic ?? regular;
    return regular;
  }

  /** Width of `text` in points. */
  measure(text: string, size: number, style: { bold?: boolean; italic?: boolean } = {}): number {
    return this.widthOf(normalize(text), this.font(style), size);
  }

  newPage(): PDFPage {
    this.current = this.doc.addPage(PageSizes.A4);
    this.y = this.current.getHeight() - this.margins.top;
    return this.current;
  }

  /** Starts a new page unless `height` points still fit above the bottom margin. */
  ensureSpace(height: number): void {
    if (this.y - height < this.margins.bottom) this.newPage();
  }

  space(points: number): void {
    this.y -= points;
  }

  /** A flowing paragraph: wraps at the text width, continues on the next page when needed. */
  paragraph(content: RichText, options: TextOptions = {}): void {
    const size = options.size ?? this.fontSize;
    const gap = size * (options.lineHeight ?? 1.35);
    const left = this.left + (options.left ?? 0);
    const width = this.right - (options.right ?? 0) - left;
    if (options.spaceBefore) this.space(options.spaceBefore);
    const lines = this.layout(content, width, size, options);
    lines.forEach((line, i) => {
      this.ensureSpace(gap);
      const indent = i === 0 ? (options.indent ?? 0) : 0;
      this.drawLine(line, left + indent, width - indent, this.y - size * ascent, size, options.align ?? 'left', i === lines.length - 1);
      this.y -= gap;
    });
    if (options.spaceAfter) this.space(options.spaceAfter);
  }

  /**
   * Text in a box at a fixed place (no page break, cursor unchanged): `x`/`top` are the box's top-left corner.
   * Returns the y of the box's bottom.
   */
  textAt(content: RichText, box: { x: number; top: number; width: number }, options: TextOptions = {}): number {
    const size = options.size ?? this.fontSize;
    const gap = size * (options.lineHeight ?? 1.35);
    const lines = this.layout(content, box.width, size, options);
    lines.forEach((line, i) => {
      const indent = i === 0 ? (options.indent ?? 0) : 0;
      this.drawLine(line, box.x + indent, box.width - indent, box.top - i * gap - size * ascent, size, options.align ?? 'left', i === lines.length - 1);
    });
    return box.top - lines.length * gap;
  }

  /** The height `content` takes at `width` (for keeping blocks together). */
  heightOf(content: RichText, width: number, options: TextOptions = {}): number {
    const size = options.size ?? this.fontSize;
    return this.layout(content, width, size, options).length * size * (options.lineHeight ?? 1.35);
  }

  /** A horizontal rule of `length` points centred on `centerX` at height `y`. */
  rule(centerX: number, y: number, length: number, thickness = 0.75): void {
    this.current.drawLine({
      start: { x: centerX - length / 2, y },
      end: { x: centerX + length / 2, y },
      thickness,
      color: black,
    });
  }

  /**
   * The header of an administrative document (Decree 30/2020/NĐ-CP annex I): on the left the governing body, the
   * issuing agency in bold with a short rule under it, and the number line; on the right the national title, the
   * motto with a rule of its own length, and the place and date in italics. Starts at the cursor.
   */
  nationalHeader(header: NationalHeader): void {
    const top = this.y;
    const leftWidth = this.contentWidth * 0.42;
    const rightX = this.left + leftWidth;
    const rightWidth = this.contentWidth - leftWidth;
    const leftCenter = this.left + leftWidth / 2;
    const rightCenter = rightX + rightWidth / 2;
    const size = 12.5;
    const gap = size * 1.3;

    let leftBottom = top;
    if (header.parentAgency) {
      leftBottom = this.textAt(header.parentAgency.toUpperCase(), { x: this.left, top: leftBottom, width: leftWidth }, { size, align: 'center', lineHeight: 1.3, balance: true });
    }
    const agency = header.agency.toUpperCase();
    leftBottom = this.textAt(agency, { x: this.left, top: leftBottom, width: leftWidth }, { size, bold: true, align: 'center', lineHeight: 1.3, balance: true });
    // Decree 30: a solid rule under the agency name, 1/3 to 1/2 as long as the line of text.
    const agencyRuleY = leftBottom + gap - size * ascent - size * 0.4;
    this.rule(leftCenter, agencyRuleY, Math.min(this.measure(agency, size, { bold: true }), leftWidth) * 0.4, 0.6);
    leftBottom = agencyRuleY - 2;

    let rightBottom = this.textAt(nationalTitle, { x: rightX, top, width: rightWidth }, { size: 12, bold: true, align: 'center', lineHeight: 1.3 });
    const mottoSize = 13;
    rightBottom = this.textAt(nationalMotto, { x: rightX, top: rightBottom, width: rightWidth }, { size: mottoSize, bold: true, align: 'center', lineHeight: 1.3 });
    // Decree 30: a solid rule under the motto, as long as the motto.
    const mottoRuleY = rightBottom + mottoSize * 1.3 - mottoSize * ascent - mottoSize * 0.4;
    this.rule(rightCenter, mottoRuleY, this.measure(nationalMotto, mottoSize, { bold: true }), 0.6);
    rightBottom = mottoRuleY - 2;

    const rowTop = Math.min(leftBottom, rightBottom) - 4;
    let bottom = rowTop;
    if (header.numberLine) {
      bottom = Math.min(bottom, this.textAt(header.numberLine, { x: this.left, top: rowTop, width: leftWidth }, { size: 13, align: 'center' }));
    }
    if (header.placeDate) {
      bottom = Math.min(bottom, this.textAt(header.placeDate, { x: rightX, top: rowTop, width: rightWidth }, { size: 13, italic: true, align: 'center' }));
    }
    this.y = bottom;
  }

  /** Signature blocks side by side (applicant on the left, officer on the right), kept together on one page. */
  signatures(blocks: readonly SignatureBlock[], options: { signingSpace?: number; size?: number } = {}): void {
    const size = options.size ?? this.fontSize;
    const signingSpace = options.signingSpace ?? 60;
    const width = this.contentWidth / blocks.length;
    const heights = blocks.map(
      (b) =>
        this.heightOf(b.title, width, { size, bold: true }) +
        (b.note ? this.heightOf(b.note, width, { size, italic: true }) : 0) +
        signingSpace +
        (b.name ? this.heightOf(b.name, width, { size, bold: true }) : 0),
    );
    this.ensureSpace(Math.max(...heights));
    const top = this.y;
    let bottom = top;
    blocks.forEach((b, i) => {
      const x = this.left + i * width;
      let y = this.textAt(b.title.toUpperCase(), { x, top, width }, { size, bold: true, align: 'center' });
      if (b.note) y = this.textAt(b.note, { x, top: y, width }, { size, italic: true, align: 'center' });
      y -= signingSpace;
      if (b.name) y = this.textAt(b.name, { x, top: y, width }, { size, bold: true, align: 'center' });
      bottom = Math.min(bottom, y);
    });
    this.y = bottom;
  }

  /** A table at the cursor; rows that do not fit go to the next page, under a repeated header row. */
  table(columns: readonly TableColumn[], rows: readonly (readonly RichText[])[], options: TableOptions = {}): void {
    const size = options.size ?? this.fontSize - 1;
    const pad = options.padding ?? 4;
    const gap = size * (options.lineHeight ?? 1.3);
    const border = options.border ?? 0.6;
    const x0 = this.left + (options.left ?? 0);
    const totalWidth = this.right - (options.right ?? 0) - x0;
    const weights = columns.reduce((s, c) => s + c.width, 0);
    const widths = columns.map((c) => (c.width / weights) * totalWidth);

    const layoutRow = (cells: readonly RichText[], bold: boolean) => {
      const laid = columns.map((_, i) => this.layout(cells[i] ?? '', widths[i]! - 2 * pad, size, { bold }));
      return { laid, height: Math.max(...laid.map((l) => Math.max(1, l.length))) * gap + 2 * pad };
    };
    const drawRow = (row: ReturnType<typeof layoutRow>, header: boolean) => {
      const top = this.y;
      let x = x0;
      row.laid.forEach((lines, i) => {
        const align = header ? 'center' : (columns[i]!.align ?? 'left');
        lines.forEach((line, j) => {
          this.drawLine(line, x + pad, widths[i]! - 2 * pad, top - pad - j * gap - size * ascent + (gap - size * 1.2) / 2, size, align, true);
        });
        this.current.drawRectangle({ x, y: top - row.height, width: widths[i]!, height: row.height, borderWidth: border, borderColor: black });
        x += widths[i]!;
      });
      this.y = top - row.height;
    };

    const header = layoutRow(
      columns.map((c) => c.header),
      true,
    );
    const first = rows[0] ? layoutRow(rows[0], false) : null;
    this.ensureSpace(header.height + (first?.height ?? 0));
    drawRow(header, true);
    rows.forEach((cells, index) => {
      const row = index === 0 && first ? first : layoutRow(cells, false);
      if (this.y - row.height < this.margins.bottom) {
        this.newPage();
        drawRow(header, true);
      }
      drawRow(row, false);
    });
    if (options.spaceAfter) this.space(options.spaceAfter);
  }

  /** A QR code whose top-left corner (quiet zone included) is at (`x`, `top`), `size` points square. */
  qrCode(payload: string, box: { x: number; top: number; size: number; quietZone?: number; errorCorrection?: QrErrorCorrection }): void {
    drawQrCode(this.current, payload, box);
  }

  /** Adds page numbers (per `pageNumbers`) and serialises without object streams, ready for a later PAdES signature. */
  async save(): Promise<Uint8Array> {
    this.numberPages();
    return this.doc.save({ useObjectStreams: false });
  }

  private numberPages(): void {
    const mode = this.options.pageNumbers ?? 'decree30';
    if (mode === 'none') return;
    const pages = this.doc.getPages();
    const label = this.options.pageLabel ?? ((n: number, total: number) => (mode === 'decree30' ? String(n) : `${n}/${total}`));
    const size = mode === 'decree30' ? 13 : 10;
    pages.forEach((page, i) => {
      if (mode === 'decree30' && i === 0) return;
      const text = normalize(label(i + 1, pages.length));
      const width = this.widthOf(text, this.font(), size);
      const y = mode === 'decree30' ? page.getHeight() - this.margins.top / 2 - size / 2 : this.margins.bottom / 2 - size / 2;
      page.drawText(text, { x: (page.getWidth() - width) / 2, y, size, font: this.font(), color: black });
    });
  }

  // ---- text layout ----

  private widthOf(text: string, font: PDFFont, size: number): number {
    let cache = this.widthCache.get(font);
    if (!cache) {
      cache = new Map();
      this.widthCache.set(font, cache);
    }
    let unitWidth = cache.get(text);
    if (unitWidth === undefined) {
      unitWidth = font.widthOfTextAtSize(text, 1000);
      cache.set(text, unitWidth);
    }
    return (unitWidth * size) / 1000;
  }

  /** Splits rich text into lines that fit `width`; `balance` finds the narrowest width giving as few lines. */
  private layout(content: RichText, width: number, size: number, base: LayoutStyle): Line[] {
    const lines = this.layoutAt(content, width, size, base);
    if (!base.balance || lines.length < 2) return lines;
    let low = width / lines.length;
    let high = width;
    let best = lines;
    for (let i = 0; i < 12 && high - low > 1; i++) {
      const mid = (low + high) / 2;
      const attempt = this.layoutAt(content, mid, size, base);
      if (attempt.length <= lines.length) {
        best = attempt;
        high = mid;
      } else {
        low = mid;
      }
    }
    return best;
  }

  /** Splits rich text into lines that fit `width` (words never split unless one alone is wider than the line). */
  private layoutAt(content: RichText, width: number, size: number, base: LayoutStyle): Line[] {
    const runs: readonly Run[] = typeof content === 'string' ? [{ text: content }] : content;
    const units: Unit[] = [];
    let pendingSpace = 0;
    let pendingBreaks = 0;
    let open: Unit | null = null; // the unit being built (no white space seen since it started)
    for (const run of runs) {
      const font = this.font({ bold: run.bold ?? base.bold, italic: run.italic ?? base.italic });
      const underline = run.underline ?? false;
      for (const token of normalize(run.text).match(/\n|[^\S\n]+|[^\s]+/g) ?? []) {
        if (token === '\n') {
          open = null;
          pendingBreaks++;
          pendingSpace = 0;
        } else if (/^\s+$/.test(token)) {
          open = null;
          pendingSpace = this.widthOf(' ', font, size);
        } else {
          const segment = { text: token, font, underline, width: this.widthOf(token, font, size) };
          if (open) {
            open.segments.push(segment);
            open.width += segment.width;
          } else {
            open = { segments: [segment], width: segment.width, spaceBefore: pendingSpace, breakBefore: pendingBreaks };
            units.push(open);
            pendingSpace = 0;
            pendingBreaks = 0;
          }
        }
      }
    }

    const lines: Line[] = [];
    let line: Line = { units: [], width: 0 };
    const lineWidth = () => width - (lines.length === 0 ? (base.indent ?? 0) : 0);
    const push = () => {
      lines.push(line);
      line = { units: [], width: 0 };
    };
    for (const unit of units) {
      for (let b = 0; b < unit.breakBefore; b++) push();
      let gap = line.units.length > 0 ? unit.spaceBefore : 0;
      if (line.units.length > 0 && line.width + gap + unit.width > lineWidth()) {
        push();
        gap = 0;
      }
      if (line.units.length === 0 && unit.width > lineWidth()) {
        for (const piece of this.splitUnit(unit, lineWidth, size)) {
          if (line.units.length > 0) push();
          line.units.push({ unit: piece, gap: 0 });
          line.width = piece.width;
        }
        continue;
      }
      line.units.push({ unit, gap });
      line.width += gap + unit.width;
    }
    if (line.units.length > 0 || lines.length === 0) push();
    return lines;
  }

  /** Cuts a word longer than a line into pieces, character by character (e.g. a long URL or file name). */
  private splitUnit(unit: Unit, lineWidth: () => number, size: number): Unit[] {
    const pieces: Unit[] = [];
    let current: Unit = { segments: [], width: 0, spaceBefore: 0, breakBefore: 0 };
    for (const segment of unit.segments) {
      let text = '';
      for (const ch of segment.text) {
        const w = this.widthOf(ch, segment.font, size);
        if (current.width + w > lineWidth() && (current.width > 0 || text)) {
          if (text) current.segments.push({ ...segment, text, width: this.widthOf(text, segment.font, size) });
          pieces.push(current);
          current = { segments: [], width: 0, spaceBefore: 0, breakBefore: 0 };
          text = '';
        }
        text += ch;
        current.width += w;
      }
      if (text) current.segments.push({ ...segment, text, width: this.widthOf(text, segment.font, size) });
    }
    if (current.segments.length > 0) pieces.push(current);
    return pieces;
  }

  private drawLine(line: Line, x: number, width: number, baseline: number, size: number, align: Align, last: boolean): void {
    const free = width - line.width;
    let cursor = x;
    let extraPerGap = 0;
    if (align === 'center') cursor += Math.max(0, free / 2);
    else if (align === 'right') cursor += Math.max(0, free);
    else if (align === 'justify' && !last && line.units.length > 1) extraPerGap = Math.max(0, free) / (line.units.length - 1);
    line.units.forEach(({ unit, gap }, i) => {
      cursor += gap + (i > 0 ? extraPerGap : 0);
      for (const s of unit.segments) {
        this.current.drawText(s.text, { x: cursor, y: baseline, size, font: s.font, color: black });
        if (s.underline) {
          this.current.drawLine({ start: { x: cursor, y: baseline - size * 0.15 }, end: { x: cursor + s.width, y: baseline - size * 0.15 }, thickness: size * 0.05, color: black });
        }
        cursor += s.width;
      }
    });
  }
}

function normalize(text: string): string {
  return text.normalize('NFC');
}
