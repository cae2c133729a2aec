import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import fontkit from '@pdf-lib/fontkit';

/**
 * Fonts for generated documents. Vietnamese needs a Unicode font embedded in the PDF (the standard 14 PDF fonts
 * cannot encode ă, ơ, ư, đ or the stacked tone marks). We ship DejaVu (from the `dejavu-fonts-ttf` npm package,
 * free licence), which covers all 194 Vietnamese letters with precomposed glyphs. The serif family is the default:
 * administrative documents are set in a serif face (Decree 30/2020/NĐ-CP, annex I: Times New Roman).
 */
export type FontFamily = 'serif' | 'sans';
export type FontStyle = 'regular' | 'bold' | 'italic' | 'boldItalic';

const files: Record<FontFamily, Record<FontStyle, string>> = {
  serif: {
    regular: 'DejaVuSerifCondensed.ttf',
    bold: 'DejaVuSerifCondensed-Bold.ttf',
    italic: 'DejaVuSerifCondensed-Italic.ttf',
    boldItalic: 'DejaVuSerifCondensed-BoldItalic.ttf',
  },
  sans: {
    regular: 'DejaVuSansCondensed.ttf',
    bold: 'DejaVuSansCondensed-Bold.ttf',
    italic: 'DejaVuSansCondensed-Oblique.ttf',
    boldItalic: 'DejaVuSansCondensed-BoldOblique.ttf',
  },
};

const require = createRequire(import.meta.url);
const bytesCache = new Map<string, Uint8Array>();

/**
 * The TTF bytes of one face, prepared once per process (see `withoutShaping`). Each document parses them again:
 * fontkit keeps per-font glyph objects whose code points feed the PDF's ToUnicode map, and a parsed font shared
 * between documents gives later documents glyphs without code points (letters then vanish from copied text).
 */
export function fontBytes(family: FontFamily, style: FontStyle): Uint8Array {
  const file = files[family][style];
  let bytes = bytesCache.get(file);
  if (!bytes) {
    bytes = withoutShaping(new Uint8Array(readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`))));
    bytesCache.set(file, bytes);
  }
  return bytes;
}

/**
 * Hides the shaping and kerning tables (GSUB, GPOS, GDEF, kern) by renaming them in the table directory, so fontkit
 * lays text out glyph by glyph from the character map and advance widths. Vietnamese needs no shaping once text is
 * NFC (every letter has a precomposed glyph, and the builder normalises all text); there are then no ligatures
 * (copied text is exactly the source text) and no pair kerning (invisible at form sizes). Decoding those tables
 * for every document dominated the cost of rendering one; the subset embedded in the PDF never contains them.
 */
const hidden = new Set(['GSUB', 'GPOS', 'GDEF', 'kern']);

export function withoutShaping(ttf: Uint8Array): Uint8Array {
  const out = ttf.slice();
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const tables = view.getUint16(4);
  for (let i = 0; i < tables; i++) {
    const at = 12 + 16 * i;
    const tag = String.fromCharCode(out[at]!, out[at + 1]!, out[at + 2]!, out[at + 3]!);
    if (hidden.has(tag)) out[at] = 0x78; // 'x…': an unknown table, ignored by every reader
  }
  return out;
}

export { fontkit };
