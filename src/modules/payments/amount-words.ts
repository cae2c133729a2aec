/**
 * An amount of đồng in Vietnamese words, as receipts and invoices print it under the figures ("Số tiền bằng chữ"):
 * `150000` → "Một trăm năm mươi nghìn đồng". Pure.
 *
 * The reading follows ordinary written usage:
 * - digits are read in groups of three: đơn vị, nghìn, triệu, then tỷ, which repeats ("một nghìn tỷ");
 * - a group that is entirely zero is skipped ("một triệu năm trăm đồng" for 1 000 500);
 * - a non-leading group is read with all three places: 1 005 → "một nghìn không trăm linh năm";
 * - a zero tens place before a unit reads "linh" (105 → "một trăm linh năm");
 * - 1 after a tens of 2 or more reads "mốt" (21 → "hai mươi mốt"), 5 after any tens reads "lăm" (15 → "mười lăm"),
 *   10 reads "mười", and 4 stays "bốn" (the formal reading, never the colloquial "tư").
 */
const digits = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'] as const;

/** Words of a three-digit group; `full` reads the hundreds even when zero ("không trăm"). */
function group(n: number, full: boolean): string[] {
  const hundreds = Math.floor(n / 100);
  const tens = Math.floor((n % 100) / 10);
  const units = n % 10;
  const words: string[] = [];
  if (hundreds > 0 || full) words.push(digits[hundreds]!, 'trăm');
  if (tens === 0) {
    if (units > 0 && words.length > 0) words.push('linh');
  } else if (tens === 1) {
    words.push('mười');
  } else {
    words.push(digits[tens]!, 'mươi');
  }
  if (units > 0) {
    if (units === 1 && tens >= 2) words.push('mốt');
    else if (units === 5 && tens >= 1) words.push('lăm');
    else words.push(digits[units]!);
  }
  return words;
}

/** Words of 0 < n < 10^9 (no unit); `full` when digits come before it. */
function belowBillion(n: number, full: boolean): string[] {
  const scales = ['', 'nghìn', 'triệu'];
  const parts = [Math.floor(n / 1_000_000), Math.floor((n % 1_000_000) / 1000), n % 1000];
  const words: string[] = [];
  let started = full;
  parts.forEach((value, i) => {
    if (value === 0) return;
    words.push(...group(value, started));
    const scale = scales[2 - i]!;
    if (scale) words.push(scale);
    started = true;
  });
  return words;
}

function numberWords(n: number, full = false): string[] {
  if (n < 1_000_000_000) return belowBillion(n, full);
  const billions = Math.floor(n / 1_000_000_000);
  const rest = n % 1_000_000_000;
  const words = [...numberWords(billions, full), 'tỷ'];
  if (rest > 0) words.push(...belowBillion(rest, true));
  return words;
}

/** The amount in words with "đồng", first letter capitalised. Whole đồng from 0 up to Number.MAX_SAFE_INTEGER. */
export function vndInWords(amount: number): string {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`amount must be a whole number of đồng ≥ 0, got ${amount}`);
  const words = amount === 0 ? ['không'] : numberWords(amount);
  const text = `${words.join(' ')} đồng`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
