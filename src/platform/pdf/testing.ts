import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';

/**
 * Test helpers that check generated PDFs with independent tools: poppler-utils (pdftotext, pdffonts, pdftoppm;
 * `apt-get install -y poppler-utils`) reads them as any PDF reader would, and jsQR decodes the rendered QR codes.
 * For tests only.
 */

const tools = ['pdftotext', 'pdffonts', 'pdftoppm'] as const;

/** Throws a clear message when poppler-utils is missing (CI installs it). */
export function requirePoppler(): void {
  for (const tool of tools) {
    const found = ['/usr/bin', '/usr/local/bin', '/opt/homebrew/bin'].some((dir) => existsSync(join(dir, tool)));
    if (!found) throw new Error(`${tool} is missing: install poppler-utils (apt-get install -y poppler-utils)`);
  }
}

function withFile<T>(bytes: Uint8Array, fn: (path: string, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'motcua-pdf-'));
  try {
    const path = join(dir, 'doc.pdf');
    writeFileSync(path, bytes);
    return fn(path, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of the PDF as pdftotext extracts it (UTF-8); `layout` keeps the page layout; pages are 1-based. */
export function pdfText(bytes: Uint8Array, options: { layout?: boolean; first?: number; last?: number } = {}): string {
  return withFile(bytes, (path) => {
    const args = ['-enc', 'UTF-8', ...(options.layout ? ['-layout'] : [])];
    if (options.first) args.push('-f', String(options.first));
    if (options.last) args.push('-l', String(options.last));
    return execFileSync('pdftotext', [...args, path, '-'], { encoding: 'utf8' });
  });
}

/** Words with their boxes (points from the top-left corner), from `pdftotext -bbox`. */
export function pdfWords(bytes: Uint8Array): { page: number; text: string; xMin: number; xMax: number; yMin: number; yMax: number; pageWidth: number }[] {
  const html = withFile(bytes, (path) => execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', path, '-'], { encoding: 'utf8' }));
  const words: ReturnType<typeof pdfWords> = [];
  let page = 0;
  let pageWidth = 0;
  for (const m of html.matchAll(/<page width="([\d.]+)"|<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
    if (m[1]) {
      page++;
      pageWidth = Number(m[1]);
      continue;
    }
    const text = m[6]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"');
    words.push({ page, text, xMin: Number(m[2]), yMin: Number(m[3]), xMax: Number(m[4]), yMax: Number(m[5]), pageWidth });
  }
  return words;
}

/** Rows of `pdffonts`: font name, type, and whether it is embedded and has a ToUnicode map. */
export function pdfFonts(bytes: Uint8Array): { name: string; type: string; embedded: boolean; unicode: boolean }[] {
  const out = withFile(bytes, (path) => execFileSync('pdffonts', [path], { encoding: 'utf8' }));
  return out
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((line) => {
      const cols = line.trim().split(/\s+/);
      // name, type words..., encoding, emb, sub, uni, object, id
      const n = cols.length;
      return { name: cols[0]!, type: cols.slice(1, n - 6).join(' '), embedded: cols[n - 5] === 'yes', unicode: cols[n - 3] === 'yes' };
    });
}

type QrDecoder = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;

/** Renders one page (1-based) with pdftoppm and decodes the QR code on it with jsQR; null when none is found. */
export function decodeQrCode(bytes: Uint8Array, page = 1, dpi = 150): string | null {
  return withFile(bytes, (path, dir) => {
    execFileSync('pdftoppm', ['-r', String(dpi), '-f', String(page), '-l', String(page), '-png', '-singlefile', path, join(dir, 'page')]);
    const image = PNG.sync.read(readFileSync(join(dir, 'page.png')));
    // jsqr is CommonJS with a default export: under Node's ESM loader the function is on `.default`.
    const decode = ((jsQRModule as unknown as { default?: unknown }).default ?? jsQRModule) as QrDecoder;
    const found = decode(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength), image.width, image.height);
    return found ? found.data : null;
  });
}
