import { fill, popGraphicsState, pushGraphicsState, rectangle, setFillingRgbColor, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';

export type QrErrorCorrection = 'L' | 'M' | 'Q' | 'H';

export interface QrMatrix {
  /** Modules per side. */
  size: number;
  /** True where a module is dark, row by row. */
  dark(row: number, column: number): boolean;
}

/** The QR symbol for `payload` (byte mode, smallest version that fits, the given error correction; default M). */
export function qrMatrix(payload: string, errorCorrection: QrErrorCorrection = 'M'): QrMatrix {
  const { modules } = QRCode.create(payload, { errorCorrectionLevel: errorCorrection });
  return { size: modules.size, dark: (r, c) => Boolean(modules.get(r, c)) };
}

export interface DrawQrOptions {
  /** Left edge of the symbol including its quiet zone, in points. */
  x: number;
  /** Top edge of the symbol including its quiet zone, in points (PDF y grows upwards). */
  top: number;
  /** Side of the whole square, quiet zone included, in points. */
  size: number;
  /** Light modules around the symbol; the standard asks for 4, 2 is enough on a white page with margins. */
  quietZone?: number;
  errorCorrection?: QrErrorCorrection;
}

/**
 * Draws a QR code as vector rectangles (one filled path for all dark modules, horizontal runs merged): sharp at
 * any zoom and print resolution, a few kilobytes, no image decoding in the reader.
 */
export function drawQrCode(page: PDFPage, payload: string, options: DrawQrOptions): void {
  const matrix = qrMatrix(payload, options.errorCorrection);
  const quiet = options.quietZone ?? 4;
  const cell = options.size / (matrix.size + 2 * quiet);
  const originX = options.x + quiet * cell;
  const originTop = options.top - quiet * cell;
  const ops = [pushGraphicsState(), setFillingRgbColor(0, 0, 0)];
  for (let row = 0; row < matrix.size; row++) {
    let column = 0;
    while (column < matrix.size) {
      if (!matrix.dark(row, column)) {
        column++;
        continue;
      }
      const start = column;
      while (column < matrix.size && matrix.dark(row, column)) column++;
      // A hair of overlap between rows avoids white seams when readers anti-alias adjacent rectangles.
      ops.push(rectangle(originX + start * cell, originTop - (row + 1) * cell, (column - start) * cell, cell * 1.02));
    }
  }
  ops.push(fill(), popGraphicsState());
  page.pushOperators(...ops);
}
