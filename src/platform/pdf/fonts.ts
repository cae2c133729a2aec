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

/** The TTF bytes of one face, read once per process. */
export function fontBytes(family: FontFamily, style: FontStyle): Uint8Array {
  const file = files[family][style];
  let bytes = bytesCache.get(file);
  if (!bytes) {
    bytes = readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`));
    bytesCache.set(file, bytes);
  }
  return bytes;
}

type Fontkit = typeof fontkit;
type ParsedFont = ReturnType<Fontkit['create']>;
const parsedCache = new WeakMap<Uint8Array, ParsedFont>();

/**
 * fontkit for pdf-lib, parsing each font file once per process instead of once per document (parsing a 700 KB
 * TrueType file costs more than laying out a whole slip). A parsed font is read-only for pdf-lib: every document
 * makes its own subset from it.
 */
export const cachingFontkit: Fontkit = {
  ...fontkit,
  create(buffer: Uint8Array, postscriptName?: string) {
    if (postscriptName) return fontkit.create(buffer, postscriptName);
    let font = parsedCache.get(buffer);
    if (!font) {
      font = fontkit.create(buffer);
      parsedCache.set(buffer, font);
    }
    return font;
  },
};
