/**
 * Pure parser for records of the national catalogue of administrative procedures
 * (dichvucong.gov.vn), as scraped into one JSON object per procedure.
 *
 * The scraper flattened the portal's HTML tables into text, so table cells run
 * together without separators ("60 Ngày làm việcKhông có thông tin…"). Every
 * function here recovers structure from those run-together cells using the
 * fixed vocabulary the portal prints (channel labels, units, "bản chính", …),
 * and reports what it could not recover instead of guessing silently.
 */

export type Channel = 'in_person' | 'online' | 'post';
export type DurationUnit = 'working_day' | 'day' | 'working_hour' | 'hour' | 'month' | 'year';
export interface ParsedDuration {
  value: number;
  unit: DurationUnit;
}

/** One stated charge, amount in whole đồng. */
export interface ParsedFee {
  amountVnd: number;
  label: string;
  /** What the charge is counted per ("lần", "thẻ", "tờ khai"), when stated. */
  per: string | null;
  /** 'cell' = the fee column's own amount; 'note' = an amount found in its bracketed note. */
  source: 'cell' | 'note';
  /** Set when the amount was not taken literally from the text, saying why. */
  inferred: string | null;
}

/** A charge stated in a foreign currency; kept apart because it has no đồng amount. */
export interface ParsedForeignFee {
  amount: number;
  currency: 'USD';
  label: string;
  per: string | null;
  source: 'cell' | 'note';
  inferred: string | null;
}

/**
 * How the duration cell read:
 * - 'stated': at least one value with a unit was parsed;
 * - 'value_without_unit': the source holds a bare number ("1") with no unit, which cannot be read without guessing;
 * - 'not_stated': "Không có thông tin", "Không quy định", empty, or a phrase with no number;
 * - 'unparsed': the cell holds a number with text we did not understand.
 */
export type DurationStatus = 'stated' | 'value_without_unit' | 'not_stated' | 'unparsed';

export interface ParsedChannelOption {
  channel: Channel;
  durations: ParsedDuration[];
  durationText: string;
  durationStatus: DurationStatus;
  /** The bare number of a duration cell without unit, kept so nothing is lost. */
  durationValueWithoutUnit: number | null;
  fees: ParsedFee[];
  /** Charges in foreign currency (USD visas, cards); they make feeStatus 'stated' too. */
  foreignFees: ParsedForeignFee[];
  feeStatus: 'stated' | 'free' | 'not_stated' | 'unparsed';
  feeText: string;
  /** The bracketed note that follows the fee value, without the brackets. */
  feeNote: string;
  /** The fee column itself said "Miễn phí", even if the note goes on to state charges. */
  feeMarkedFree: boolean;
  description: string;
}

export interface ParsedRequirement {
  name: string;
  formTemplate: string | null;
  /** Every template file named in the row (a row sometimes links several). */
  formTemplates: string[];
  originals: number;
  copies: number;
  countText: string;
  group: string | null;
}

export interface ParsedStep {
  order: number;
  title: string;
  body: string;
  /** Case heading when the text holds several step sequences (one per case). */
  group: string | null;
}

export interface ParsedLegalBasis {
  title: string;
  code: string | null;
}

export interface ParsedResult {
  name: string;
  code: string | null;
}

export type AdministrativeLevel = 'ministry' | 'province' | 'commune' | 'other';

export interface RawProcedureRecord {
  ma_thu_tuc: string;
  ten_thu_tuc: string;
  [field: string]: unknown;
}

export interface ParsedProcedure {
  code: string;
  name: string;
  decisionNumber: string;
  sector: string;
  levels: AdministrativeLevel[];
  procedureType: string;
  applicantTypes: string[];
  competentAgency: string;
  handlingAgency: string;
  receivingAddress: string;
  coordinatingAgency: string;
  /** co_quan_duoc_uy_quyen: agency the competence was delegated to, when any. */
  delegatedAgency: string;
  relatedProcedures: string;
  channels: ParsedChannelOption[];
  requirements: ParsedRequirement[];
  steps: ParsedStep[];
  conditions: string;
  legalBases: ParsedLegalBasis[];
  results: ParsedResult[];
  onlineOffered: boolean;
  sourceUrl: string;
  /** Folder of the ministry the record was scraped under (_source_ministry_dir). */
  sourceMinistry: string;
  raw: RawProcedureRecord;
  problems: string[];
}

// ---------------------------------------------------------------------------
// Text helpers
// ---------------------------------------------------------------------------

const NOT_STATED = 'Không có thông tin';

// Vietnamese diacritics decompose into marks of this block only (acute, grave, hook, tilde, dot, horn, breve, circumflex).
const COMBINING_MARK = /[\u0300-\u036f]/;
const ODD_SPACE_OR_MARK = /[\u00a0\u00ad\u2000-\u200f\u202f\u205f\u3000\ufeff]/;

/**
 * NFC first, because some records carry decomposed Vietnamese (base letter +
 * combining marks) and every literal match below is written in NFC. Odd spaces
 * and invisible marks from copy-pasted Word text are folded away for the same reason.
 */
export function cleanText(value: unknown): string {
  if (typeof value !== 'string') return '';
  let text = value;
  // Tested before rewriting: most fields are already clean, and normalising every field twice
  // (record, then parser) was the largest cost of a full-catalogue parse.
  if (COMBINING_MARK.test(text)) text = text.normalize('NFC');
  if (ODD_SPACE_OR_MARK.test(text)) {
    text = text.replace(/[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g, ' ').replace(/[\u200b-\u200f\u00ad\ufeff]/g, '');
  }
  return text.trim();
}

/** "Không có thông tin" is the portal's placeholder for an empty field. */
function valueOrEmpty(value: unknown): string {
  const text = cleanText(value);
  return text === NOT_STATED ? '' : text;
}

function collapseSpaces(text: string): string {
  return text.replace(/[ \t]+/g, ' ').trim();
}

/** Index just past the bracket that closes the one at `open`, or -1 when it never closes. */
function closingBracket(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------
// Amounts
// ---------------------------------------------------------------------------

interface NumberToken {
  value: number;
  /** Written with thousands separators ("1.500.000", "2,000,000"). */
  grouped: boolean;
}

/** Reads "1.500.000", "2,000,000", "850", "1,5"; null for malformed runs like "1100,000". */
function readNumberToken(token: string): NumberToken | null {
  if (/^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$/.test(token)) {
    return { value: Number(token.replace(/[.,]/g, '')), grouped: true };
  }
  if (/^\d+$/.test(token)) return { value: Number(token), grouped: false };
  if (/^\d+[.,]\d{1,2}$/.test(token)) return { value: Number(token.replace(',', '.')), grouped: false };
  return null;
}

const MULTIPLIERS: Record<string, number> = { 'nghìn': 1e3, 'ngàn': 1e3, 'triệu': 1e6, 'tỷ': 1e9 };

interface AmountMention {
  value: number;
  currency: 'VND' | 'USD';
  grouped: boolean;
  per: string | null;
  start: number;
  end: number;
}

// An amount followed by a currency word: "50.000 đồng/lần", "10 triệu đồng", "20.000Đ/tờ khai", "145 USD/thẻ".
// The look-behind keeps dates and document numbers ("47/2019") out; "đ" must not start a word ("đối").
const AMOUNT_WITH_CURRENCY =
  /(?<![\d.,/])(\d{1,3}(?:[.,]\d{3})+|\d+(?:[.,]\d{1,2})?)(?!\d)\s*(?:(nghìn|ngàn|triệu|tỷ)\s*)?(?:\/\s*([\p{Ll}][^\d()/;,.\n]{0,20}?)\s*)?(?:Việt Nam\s*)?(đồng|Đồng|ĐỒNG|VNĐ|vnđ|VND|vnd|đ|Đ|USD|usd)(?![\p{L}])(?:\s*\/\s*([^()/;,.\n]{1,30}))?/gu;
// An amount charged per something without any currency word: "8.000.000/lần".
const AMOUNT_PER_UNIT = /(?<![\d.,/])(\d{1,3}(?:[.,]\d{3})+|\d{4,})\s*\/\s*([\p{Ll}][^()/;,.\n]{0,30})/gu;

function cleanPer(text: string | undefined): string | null {
  if (!text) return null;
  // "250.000 đ/lần Đồng": the currency word repeated after the unit is not part of it.
  const per = text
    .replace(/\s*(?:Việt Nam Đồng|đồng|Đồng|VNĐ|vnđ|VND)\s*$/u, '')
    .replace(/[\s:;.,)+-]+$/u, '')
    .trim();
  return per === '' ? null : per;
}

function findAmountMentions(text: string): AmountMention[] {
  const mentions: AmountMention[] = [];
  for (const m of text.matchAll(AMOUNT_WITH_CURRENCY)) {
    const token = readNumberToken(m[1] ?? '');
    if (!token) continue;
    const multiplier = m[2] ? (MULTIPLIERS[m[2]] ?? 1) : 1;
    const currencyWord = (m[4] ?? '').toUpperCase();
    mentions.push({
      value: Math.round(token.value * multiplier),
      currency: currencyWord === 'USD' ? 'USD' : 'VND',
      grouped: token.grouped || multiplier > 1,
      per: cleanPer(m[3] ?? m[5]),
      start: m.index,
      end: m.index + m[0].length,
    });
  }
  for (const m of text.matchAll(AMOUNT_PER_UNIT)) {
    const start = m.index;
    if (mentions.some((x) => start < x.end && x.start < start + m[0].length)) continue;
    const token = readNumberToken(m[1] ?? '');
    if (!token) continue;
    mentions.push({
      value: token.value,
      currency: 'VND',
      grouped: token.grouped,
      per: cleanPer(m[2]),
      start,
      end: start + m[0].length,
    });
  }
  return mentions.sort((a, b) => a.start - b.start);
}

/** Literal đồng amount of the first amount in the text: "50.000 Đồng" -> 50000, "1.500.000đ" -> 1500000. */
export function parseVndAmount(text: string): number | null {
  const clean = cleanText(text);
  const first = findAmountMentions(clean).find((m) => m.currency === 'VND');
  if (first) return first.value;
  // A bare number is accepted only when it is the whole text, so "Thông tư 47" never becomes a price.
  const bare = /^(\d[\d.,]*)$/.exec(clean);
  if (bare) {
    const token = readNumberToken(bare[1] ?? '');
    if (token) return token.value;
  }
  return null;
}

/** The clause of `text` that introduces the amount at `start` ("Lệ phí cấp mới" in "…; Lệ phí cấp mới 40.000đ"). */
function labelBefore(text: string, start: number, floor: number): string {
  const tidy = (from: number) =>
    text
      .slice(from, start)
      .replace(/^[\s\-+*•:]+/u, '')
      .replace(/[\s:\-–]+$/u, '')
      .replace(/\s+/g, ' ')
      .trim();
  let depth = 0;
  for (let i = start - 1; i >= floor; i--) {
    const ch = text[i];
    if (ch === ')') {
      if (depth === 0 && tidy(i + 1) !== '') return tidy(i + 1);
      // "… (không bao gồm xe cứu thương): 90.000 đồng": a bracket right before the amount is part of
      // the clause that names it, so the scan goes on past the whole bracket.
      depth++;
      continue;
    }
    if (ch === '(') {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (tidy(i + 1) !== '') return tidy(i + 1);
      continue;
    }
    if (depth > 0) continue;
    const isBreak =
      ch === ';' ||
      ch === '\n' ||
      ch === '•' ||
      ((ch === '-' || ch === '+') && (i === 0 || /\s/.test(text[i - 1] ?? ' ')) && /\s/.test(text[i + 1] ?? ' ')) ||
      (ch === '.' && /\s/.test(text[i + 1] ?? '') && !/\d/.test(text[i - 1] ?? ''));
    if (isBreak && tidy(i + 1) !== '') return tidy(i + 1);
  }
  return tidy(floor);
}

// ---------------------------------------------------------------------------
// Channels (cach_thuc_thuc_hien)
// ---------------------------------------------------------------------------

const CHANNEL_LABELS: Record<string, Channel> = {
  'Trực tiếp': 'in_person',
  'Trực tuyến': 'online',
  'Dịch vụ bưu chính': 'post',
};
// A row starts where a channel label is glued to the next cell. Labels quoted inside
// descriptions are followed by ":" or a space ("Trực tuyến: nộp hồ sơ…"), so they never match.
const ROW_START = /(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(?=[\p{L}\p{N}])/gu;
const CHANNELS_HEADER = /^Hình thức nộp\s*Thời gian\s*Phí, lệ phí\s*Mô tả/u;

const UNIT_WORDS: Array<[string, DurationUnit]> = [
  ['ngày làm việc', 'working_day'],
  ['giờ làm việc', 'working_hour'],
  ['ngày', 'day'],
  ['giờ', 'hour'],
  ['tháng', 'month'],
  ['năm', 'year'],
];
// The unit is glued to the fee cell ("Ngày làm việcMiễn phí"), so no word boundary can be required after it.
const DURATION_PAIR = /(\d+(?:[.,]\d+)?)\s?(ngày làm việc|giờ làm việc|ngày|giờ|tháng|năm)/iuy;
const DURATION_JOINER = /\s*(?:[,;/]|và|hoặc|-|–)?\s*/uy;
const BARE_NUMBER = /(\d+(?:[.,]\d+)?)/y;
const CELL_AMOUNT = /(\d[\d.,]*?)\s?(Việt Nam Đồng|VNĐ|VND|Đồng|USD)/uy;
const FEE_CELL_START = /Miễn phí|Không có thông tin|\d[\d.,]*\s?(?:Việt Nam Đồng|VNĐ|VND|Đồng|USD)/gu;

function unitOf(word: string): DurationUnit {
  const lower = word.toLowerCase();
  for (const [text, unit] of UNIT_WORDS) if (text === lower) return unit;
  return 'day';
}

function toNumber(text: string): number {
  return Number(text.replace(',', '.'));
}

interface DurationCell {
  durations: ParsedDuration[];
  status: DurationStatus;
  bareValue: number | null;
  /** Where the fee cell starts inside the row body. */
  feeStart: number;
  /** The bare duration number ran straight into the fee amount ("120 VNĐ"); resolved in a second pass. */
  glued: { digits: string; currency: string; end: number } | null;
}

function readDurationCell(body: string): DurationCell {
  if (body.startsWith(NOT_STATED)) {
    return { durations: [], status: 'not_stated', bareValue: null, feeStart: NOT_STATED.length, glued: null };
  }
  const durations: ParsedDuration[] = [];
  let pos = 0;
  let next = 0;
  for (;;) {
    DURATION_PAIR.lastIndex = next;
    const m = DURATION_PAIR.exec(body);
    if (!m) break;
    durations.push({ value: toNumber(m[1] ?? ''), unit: unitOf(m[2] ?? '') });
    pos = DURATION_PAIR.lastIndex;
    // Several durations may sit in one cell ("5 Ngày làm việc - 10 Ngày làm việc"); try to read on.
    DURATION_JOINER.lastIndex = pos;
    next = DURATION_JOINER.exec(body) ? DURATION_JOINER.lastIndex : pos;
  }
  if (durations.length > 0) {
    return { durations, status: 'stated', bareValue: null, feeStart: pos, glued: null };
  }
  CELL_AMOUNT.lastIndex = 0;
  const glued = CELL_AMOUNT.exec(body);
  if (glued) {
    return {
      durations: [],
      status: 'value_without_unit',
      bareValue: null,
      feeStart: 0,
      glued: { digits: glued[1] ?? '', currency: glued[2] ?? '', end: CELL_AMOUNT.lastIndex },
    };
  }
  BARE_NUMBER.lastIndex = 0;
  const bare = BARE_NUMBER.exec(body);
  if (bare) {
    return {
      durations: [],
      status: 'value_without_unit',
      bareValue: toNumber(bare[1] ?? ''),
      feeStart: BARE_NUMBER.lastIndex,
      glued: null,
    };
  }
  // A phrase instead of a duration ("Không quy định", "Không phải trả kết quả…"): it ends where the fee cell starts.
  FEE_CELL_START.lastIndex = 0;
  const fee = FEE_CELL_START.exec(body);
  const feeStart = fee ? fee.index : body.length;
  const phrase = body.slice(0, feeStart);
  return { durations: [], status: /\d/.test(phrase) ? 'unparsed' : 'not_stated', bareValue: null, feeStart, glued: null };
}

interface GluedSplit {
  durationDigits: string;
  amountDigits: string;
  reason: string;
}

/**
 * "Trực tuyến120 VNĐ(20.000 vnđ/tờ khai)": a unit-less duration and the amount ran together.
 * Try every split and keep the one the surrounding text supports best: the amount restated in
 * the note, then a duration value seen in sibling rows, then a one-digit duration (most common).
 */
function splitGluedAmount(digits: string, note: string, siblingValues: Set<number>): GluedSplit | null {
  const noteValues = new Set(findAmountMentions(note).map((m) => m.value));
  let best: { split: GluedSplit; score: number } | null = null;
  const firstSeparator = digits.search(/[.,]/);
  const maxPrefix = Math.min(3, (firstSeparator === -1 ? digits.length : firstSeparator) - 1);
  for (let k = 1; k <= maxPrefix; k++) {
    const durationDigits = digits.slice(0, k);
    const amountDigits = digits.slice(k);
    if (amountDigits.startsWith('0')) continue;
    const token = readNumberToken(amountDigits);
    if (!token) continue;
    const scaled = !token.grouped && token.value < 1000 ? token.value * 1000 : token.value;
    let score = 0;
    const reasons: string[] = [];
    if (noteValues.has(scaled) || noteValues.has(token.value)) {
      score += 4;
      reasons.push('the note restates the amount');
    }
    if (siblingValues.has(Number(durationDigits))) {
      score += 2;
      reasons.push('another row has the same duration');
    }
    if (k === 1) score += 1;
    if (!best || score > best.score) {
      best = {
        score,
        split: {
          durationDigits,
          amountDigits,
          reason: `duration and fee cells ran together in "${digits}"; read as duration ${durationDigits} + amount ${amountDigits}${reasons.length ? ` (${reasons.join(', ')})` : ''}`,
        },
      };
    }
  }
  return best ? best.split : null;
}

const THRESHOLD_BEFORE = /(?:giá trị|trị giá|vốn|doanh thu|tổng mức)[^:;()]*$/iu;
const MONEY_WORDS = /\d\s*(?:Việt Nam\s*)?(?:đồng|Đồng|VNĐ|vnđ|VND|USD|đ(?!\p{L}))/u;

interface FeeCell {
  feeText: string;
  feeNote: string;
  feeStatus: ParsedChannelOption['feeStatus'];
  feeMarkedFree: boolean;
  fees: ParsedFee[];
  foreignFees: ParsedForeignFee[];
  end: number;
  problems: string[];
}

/** Reads an optional "(note)" that starts exactly at `pos`; returns the note and where it ends. */
function readNote(body: string, pos: number): { note: string; end: number; unclosed: boolean } {
  if (body[pos] !== '(') return { note: '', end: pos, unclosed: false };
  const close = closingBracket(body, pos);
  if (close === -1) {
    // One bracket was never closed ("(Lệ phí … (Miễn … TT-BTC)30 ngày…"): the last ")" is the best
    // guess for the note's end, so the description after it is not swallowed.
    const last = body.lastIndexOf(')');
    const end = last > pos ? last + 1 : body.length;
    return { note: body.slice(pos + 1, last > pos ? last : body.length).trim(), end, unclosed: true };
  }
  return { note: body.slice(pos + 1, close - 1).trim(), end: close, unclosed: false };
}

/** Charges found in a note, skipping the one that restates the cell amount. */
function noteCharges(
  note: string,
  skip: { value: number; currency: 'VND' | 'USD' } | null,
): { fees: ParsedFee[]; foreign: ParsedForeignFee[]; cellLabel: string | null; cellPer: string | null } {
  const fees: ParsedFee[] = [];
  const foreign: ParsedForeignFee[] = [];
  let cellLabel: string | null = null;
  let cellPer: string | null = null;
  let previousEnd = 0;
  const seen = new Set<string>();
  for (const mention of findAmountMentions(note)) {
    const label = labelBefore(note, mention.start, previousEnd) || 'Phí, lệ phí';
    previousEnd = mention.end;
    // "0 đồng" is no charge, and "Giá trị giao dịch dưới 2,1 tỷ đồng" is a threshold, not a price.
    if (mention.value === 0 || THRESHOLD_BEFORE.test(note.slice(Math.max(0, mention.start - 40), mention.start))) continue;
    if (skip && mention.value === skip.value && mention.currency === skip.currency) {
      if (cellLabel === null) {
        cellLabel = label;
        cellPer = mention.per;
      }
      continue;
    }
    const key = `${mention.currency}:${mention.value}:${label}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (mention.currency === 'USD') {
      foreign.push({ amount: mention.value, currency: 'USD', label, per: mention.per, source: 'note', inferred: null });
    } else {
      fees.push({ amountVnd: mention.value, label, per: mention.per, source: 'note', inferred: null });
    }
  }
  return { fees, foreign, cellLabel, cellPer };
}

function readFeeCell(body: string, pos: number, glued: { amountDigits: string; currency: string; end: number; reason: string } | null): FeeCell {
  const problems: string[] = [];
  const base = { feeMarkedFree: false, fees: [] as ParsedFee[], foreignFees: [] as ParsedForeignFee[], problems };

  if (!glued && body.startsWith('Miễn phí', pos)) {
    const { note, end, unclosed } = readNote(body, pos + 'Miễn phí'.length);
    if (unclosed) problems.push('fee note has no closing bracket');
    const charges = noteCharges(note, null);
    const stated = charges.fees.length + charges.foreign.length > 0;
    if (!stated && MONEY_WORDS.test(note)) {
      // "Miễn phí(10.000.0000 đồng (Cấp lần đầu); …)": the note names a charge we cannot read, so "free" would be wrong.
      problems.push(`fee note names an amount that could not be read: "${note.slice(0, 80)}"`);
      return { ...base, feeText: body.slice(pos, end), feeNote: note, feeStatus: 'unparsed', feeMarkedFree: true, end };
    }
    return {
      ...base,
      feeText: body.slice(pos, end),
      feeNote: note,
      // The column says free but its note lists charges: the charges are what an applicant pays.
      feeStatus: stated ? 'stated' : 'free',
      feeMarkedFree: true,
      fees: charges.fees,
      foreignFees: charges.foreign,
      end,
    };
  }
  if (!glued && body.startsWith(NOT_STATED, pos)) {
    return { ...base, feeText: NOT_STATED, feeNote: '', feeStatus: 'not_stated', end: pos + NOT_STATED.length };
  }

  let digits: string;
  let currencyWord: string;
  let cellEnd: number;
  if (glued) {
    digits = glued.amountDigits;
    currencyWord = glued.currency;
    cellEnd = glued.end;
  } else {
    CELL_AMOUNT.lastIndex = pos;
    const m = CELL_AMOUNT.exec(body);
    if (!m) {
      return { ...base, feeText: '', feeNote: '', feeStatus: 'not_stated', end: pos };
    }
    digits = m[1] ?? '';
    currencyWord = m[2] ?? '';
    cellEnd = CELL_AMOUNT.lastIndex;
  }
  const { note, end, unclosed } = readNote(body, cellEnd);
  if (unclosed) problems.push('fee note has no closing bracket');
  const feeText = body.slice(pos, end);
  const token = readNumberToken(digits);
  if (!token) {
    problems.push(`fee amount "${digits} ${currencyWord}" is not a well-formed number`);
    return { ...base, feeText, feeNote: note, feeStatus: 'unparsed', end };
  }

  const noteMentions = findAmountMentions(note);
  let currency: 'VND' | 'USD' = currencyWord === 'USD' ? 'USD' : 'VND';
  let value = token.value;
  const inferred: string[] = glued ? [glued.reason] : [];
  if (currency === 'VND' && !token.grouped && noteMentions.some((x) => x.currency === 'USD' && x.value === value)) {
    // "155 VNĐ(… 155 USD/thẻ)": the note names the currency the column got wrong.
    currency = 'USD';
    inferred.push(`cell says ${digits} ${currencyWord} but the note states ${digits} USD`);
  }
  if (currency === 'VND' && !token.grouped && value < 1000) {
    if (value < 10) {
      problems.push(`fee amount "${digits} ${currencyWord}" is not a plausible charge`);
      return { ...base, feeText, feeNote: note, feeStatus: 'unparsed', end };
    }
    // Officials often typed the amount in thousands ("20 VNĐ" with a note "20.000 đồng/tờ khai");
    // no administrative charge is below 1.000 đồng, so the column is read in thousands.
    const confirmed = noteMentions.some((x) => x.value === value * 1000);
    inferred.push(`cell says ${digits} ${currencyWord}; read as ${value * 1000} đồng${confirmed ? ' (the note states it)' : ' (amounts under 1.000 đồng are typed in thousands)'}`);
    value *= 1000;
  }

  const charges = noteCharges(note, { value, currency });
  const label = charges.cellLabel ?? 'Phí, lệ phí';
  const reason = inferred.length ? inferred.join('; ') : null;
  const fees = [...charges.fees];
  const foreignFees = [...charges.foreign];
  if (currency === 'USD') {
    foreignFees.unshift({ amount: value, currency: 'USD', label, per: charges.cellPer, source: 'cell', inferred: reason });
  } else {
    fees.unshift({ amountVnd: value, label, per: charges.cellPer, source: 'cell', inferred: reason });
  }
  return { ...base, feeText, feeNote: note, feeStatus: 'stated', fees, foreignFees, end };
}

interface ChannelParse {
  channels: ParsedChannelOption[];
  problems: string[];
}

function parseChannelsDetailed(text: string): ChannelParse {
  const clean = cleanText(text).replace(CHANNELS_HEADER, '');
  const problems: string[] = [];
  const found = [...clean.matchAll(ROW_START)];
  // A description ending in a channel word glues it to the next row's label ("…Trực tuyếnTrực tiếp5 Ngày"):
  // a label directly followed by another label opens no row.
  const starts = found.filter((m, i) => found[i + 1]?.index !== m.index + (m[1] ?? '').length);
  if (starts.length === 0) {
    if (clean !== '' && clean !== NOT_STATED) problems.push('channels: no submission channel row found');
    return { channels: [], problems };
  }
  const preamble = clean.slice(0, starts[0]?.index ?? 0).trim();
  if (preamble) problems.push(`channels: text before the first row was ignored: "${preamble.slice(0, 80)}"`);

  const rows = starts.map((m, i) => {
    const bodyStart = m.index + (m[1] ?? '').length;
    const bodyEnd = starts[i + 1]?.index ?? clean.length;
    const body = clean.slice(bodyStart, bodyEnd);
    return { channel: CHANNEL_LABELS[m[1] ?? ''] ?? 'in_person', body, cell: readDurationCell(body) };
  });

  const siblingValues = new Set<number>();
  for (const row of rows) {
    for (const d of row.cell.durations) siblingValues.add(d.value);
    if (row.cell.bareValue !== null) siblingValues.add(row.cell.bareValue);
  }

  const channels = rows.map(({ channel, body, cell }): ParsedChannelOption => {
    let durationText = body.slice(0, cell.feeStart).trim();
    let bareValue = cell.bareValue;
    let gluedFee: { amountDigits: string; currency: string; end: number; reason: string } | null = null;
    if (cell.glued) {
      const note = readNote(body, cell.glued.end).note;
      const split = splitGluedAmount(cell.glued.digits, note, siblingValues);
      if (split) {
        durationText = split.durationDigits;
        bareValue = toNumber(split.durationDigits);
        gluedFee = { amountDigits: split.amountDigits, currency: cell.glued.currency, end: cell.glued.end, reason: split.reason };
      } else {
        // Nothing to split off: the whole run is the amount and the duration cell is empty.
        gluedFee = {
          amountDigits: cell.glued.digits,
          currency: cell.glued.currency,
          end: cell.glued.end,
          reason: 'duration cell is empty; the run is read as the amount',
        };
        durationText = '';
      }
    }
    const fee = readFeeCell(body, gluedFee ? 0 : cell.feeStart, gluedFee);
    const status: DurationStatus = cell.glued ? (bareValue === null ? 'not_stated' : 'value_without_unit') : cell.status;
    for (const p of fee.problems) problems.push(`channels (${channel}): ${p}`);
    if (status === 'unparsed') problems.push(`channels (${channel}): duration not understood: "${durationText.slice(0, 80)}"`);
    const feeStatus = fee.feeStatus;
    if (feeStatus === 'not_stated' && fee.feeText === '' && body.slice(cell.feeStart).trim() !== '') {
      problems.push(`channels (${channel}): no fee cell found after the duration`);
    }
    return {
      channel,
      durations: cell.durations,
      durationText,
      durationStatus: status,
      durationValueWithoutUnit: status === 'value_without_unit' ? bareValue : null,
      fees: fee.fees,
      foreignFees: fee.foreignFees,
      feeStatus,
      feeText: fee.feeText,
      feeNote: fee.feeNote,
      feeMarkedFree: fee.feeMarkedFree,
      description: body.slice(fee.end).trim(),
    };
  });
  return { channels, problems };
}

export function parseChannels(text: string): ParsedChannelOption[] {
  return parseChannelsDetailed(text).channels;
}

// ---------------------------------------------------------------------------
// Required documents (thanh_phan_ho_so)
// ---------------------------------------------------------------------------

const REQUIREMENTS_HEADER = 'Tên giấy tờMẫu đơn, tờ khaiSố lượng';
// The count cell is "N bản chính" or "N bản chính,M bản sao". It is never followed by a space
// or punctuation, which is how the same words quoted inside a name ("…: 01 bản chính; …") are told apart.
const COUNT_CELL = /(\d+) bản chính(?:, ?(\d+) bản sao)?(?=$|[^\s;.,:)\]])/gu;
const LOOSE_COUNT_CELL = /(?<=\S)(\d+) bản chính(?:, ?(\d+) bản sao)?(?=\s)/gu;
const TEMPLATE_EXTENSION = /\.(?:docx|doc|pdf|xlsx|xls|rtf|odt|zip|rar)(?![\p{Ll}\d])/gu;
const TEMPLATE_EXTENSION_JOINED = /\.(?:docx|doc|pdf|xlsx|xls|rtf|odt|zip|rar)/giu;

/** Where a word boundary was lost: "sảnMau", "CPMẫu", "2026Mẫu", "pháp luật.Mẫu", "vốnmẫu". */
function joinPositions(token: string): number[] {
  const positions: number[] = [];
  for (let i = 1; i < token.length; i++) {
    const prev = token[i - 1] ?? '';
    const ch = token[i] ?? '';
    const next = token[i + 1] ?? '';
    const isUpper = /\p{Lu}/u.test(ch);
    if (isUpper && /\p{Ll}/u.test(prev)) positions.push(i);
    else if (isUpper && /\p{Lu}/u.test(prev) && /\p{Ll}/u.test(next)) positions.push(i);
    else if (isUpper && /\d/.test(prev) && /\p{Ll}/u.test(next) && i >= 4) positions.push(i);
    else if (/[\p{L}\d]/u.test(ch) && /[;:)”"]/u.test(prev)) positions.push(i);
    else if (/[\p{L}]/u.test(ch) && prev === '.' && /[\p{L})]/u.test(token[i - 2] ?? '')) positions.push(i);
    else if (/\p{Ll}/u.test(prev) && /^(?:mẫu|mau)/iu.test(token.slice(i))) positions.push(i);
  }
  return positions;
}

/**
 * Splits "name + template file names" where the cells ran together. Walking back from the
 * extension over space-separated tokens, the template starts at the nearest token in which
 * a word boundary was lost; within that token, at its first such boundary.
 */
function splitTemplates(cell: string): { name: string; templates: string[] } {
  TEMPLATE_EXTENSION.lastIndex = 0;
  const firstExt = TEMPLATE_EXTENSION.exec(cell);
  if (!firstExt) return { name: cell.trim(), templates: [] };
  // Only trailing templates are cut off; an extension mid-name ("theo file mẫu.docx kèm theo") is left alone.
  const extEnds: number[] = [];
  for (const m of cell.matchAll(TEMPLATE_EXTENSION_JOINED)) extEnds.push(m.index + m[0].length);
  const lastEnd = extEnds[extEnds.length - 1] ?? cell.length;
  if (cell.slice(lastEnd).trim() !== '') return { name: cell.trim(), templates: [] };

  const head = cell.slice(0, firstExt.index);
  let start = -1;
  let cursor = head.length;
  for (let tokens = 0; tokens < 14 && cursor > 0; tokens++) {
    const space = head.lastIndexOf(' ', cursor - 1);
    const tokenStart = space + 1;
    const token = head.slice(tokenStart, cursor);
    const joins = joinPositions(token);
    if (joins.length > 0) {
      start = tokenStart + (joins[0] ?? 0);
      break;
    }
    if (space === -1) break;
    cursor = space;
  }
  if (start === -1) {
    // No lost boundary found: take the last word as the file name rather than swallowing the whole name.
    start = head.lastIndexOf(' ') + 1;
  }
  const templatePart = cell.slice(start).trim();
  const templates: string[] = [];
  let from = 0;
  for (const m of templatePart.matchAll(TEMPLATE_EXTENSION_JOINED)) {
    const end = m.index + m[0].length;
    const piece = templatePart.slice(from, end).trim();
    if (piece.replace(TEMPLATE_EXTENSION_JOINED, '').trim() === '' && templates.length > 0) {
      templates[templates.length - 1] += piece; // "x.docx.docx": a doubled extension, not a second file
    } else if (piece) templates.push(piece);
    from = end;
  }
  return { name: cell.slice(0, start).trim(), templates };
}

function cleanRequirementName(name: string): string {
  return name
    .replace(/^[\s\-+*•\uf0b7\uf0fc\uf0a7\uf0d8]+/u, '')
    .replace(/\s+/g, ' ')
    .trim();
}

function cleanGroupHeading(text: string): string | null {
  const heading = text.replace(/^[\s\-*]+/u, '').replace(/[\s:]+$/u, '').replace(/\s+/g, ' ').trim();
  return heading === '' ? null : heading;
}

interface RequirementParse {
  requirements: ParsedRequirement[];
  leftover: string[];
}

function parseRequirementsDetailed(text: string): RequirementParse {
  const clean = cleanText(text);
  const leftover: string[] = [];
  if (!clean.includes(REQUIREMENTS_HEADER)) {
    const rest = clean.replace(/-/g, '').trim();
    if (rest && rest !== NOT_STATED) leftover.push(clean);
    return { requirements: [], leftover };
  }
  const segments = clean.split(REQUIREMENTS_HEADER);
  const requirements: ParsedRequirement[] = [];
  let heading = cleanGroupHeading(segments[0] ?? '');
  for (let s = 1; s < segments.length; s++) {
    const segment = segments[s] ?? '';
    const counts = [...segment.matchAll(COUNT_CELL)];
    // "…: 01 bản chính1 bản chính": a count immediately followed by another count is part of the name.
    const cells: Array<{ index: number; 0: string; 1?: string; 2?: string }> = counts.filter((m, i) => {
      const next = counts[i + 1];
      return !(next && next.index === m.index + m[0].length && /\s/.test(segment[m.index - 1] ?? ''));
    });
    if (s < segments.length - 1) {
      // Before the next group's heading the last count may be followed by a space
      // ("…chấp thuận;1 bản chính (2). Đối với trường hợp…"): it still closes a row.
      const afterLast = (cells[cells.length - 1]?.index ?? -1) + (cells[cells.length - 1]?.[0].length ?? 1);
      const loose = [...segment.slice(afterLast).matchAll(LOOSE_COUNT_CELL)].pop();
      if (loose) cells.push({ index: afterLast + loose.index, 0: loose[0], 1: loose[1], 2: loose[2] });
    }
    let rowStart = 0;
    for (const m of cells) {
      let originalsDigits = m[1] ?? '0';
      let countStart = m.index;
      // Counts are single digits; longer runs are the name's trailing number glued on ("năm 20241 bản chính").
      if (originalsDigits.length > 1) {
        countStart += originalsDigits.length - 1;
        originalsDigits = originalsDigits.slice(-1);
      }
      const cell = segment.slice(rowStart, countStart);
      const { name, templates } = splitTemplates(cell);
      requirements.push({
        name: cleanRequirementName(name),
        formTemplate: templates[0] ?? null,
        formTemplates: templates,
        originals: Number(originalsDigits),
        copies: m[2] ? Number(m[2]) : 0,
        countText: segment.slice(countStart, m.index + m[0].length),
        group: heading,
      });
      rowStart = m.index + m[0].length;
    }
    const tail = segment.slice(rowStart);
    if (s < segments.length - 1) heading = cleanGroupHeading(tail);
    else if (tail.replace(/-/g, '').trim()) leftover.push(tail.trim());
  }
  return { requirements, leftover };
}

export function parseRequirements(text: string): ParsedRequirement[] {
  return parseRequirementsDetailed(text).requirements;
}

// ---------------------------------------------------------------------------
// Steps (trinh_tu_thuc_hien)
// ---------------------------------------------------------------------------

// "Bước 1:", "- Bước 2.", "a) Bước 1 -", "6.1.1. Bước 1 nộp hồ sơ:".
const STEP_WORD = /Bước\s*(\d+)\s*([:.)\-–])?\s*/giu;
// What may stand between a line start and "Bước N" for the marker to count as opening the line.
const STEP_LINE_PREFIX = /^[ \t\-+*•\uf0b7\uf0fc\uf0a7\uf0d8]*(?:(?:[a-zđ]\)|\d+(?:\.\d+)*\.?)\s*)?$/iu;
const LETTER_MARKER = /^[ \t]*([a-zđ])\)\s*/u;
const NUMBER_MARKER = /^[ \t]*(\d{1,2})[.)]\s+/u;
const BULLET_MARKER = /^[ \t]*([-+•\uf0b7\uf0fc])\s*/u;
const HEADING_LIKE = /^(?:[a-zđ]\)|\*|[IVX]+\.|\d+\.|Trường hợp|Đối với|Thủ tục)|:\s*$/iu;

/**
 * Title and body from a step's text. A short first line, or the part before a colon that
 * introduces the rest, is the title. A long first line is itself the step's content, so the
 * body keeps it whole and the title is its opening clause.
 */
function splitTitle(text: string): { title: string; body: string } {
  const newline = text.indexOf('\n');
  const first = (newline === -1 ? text : text.slice(0, newline)).trim();
  const rest = newline === -1 ? '' : text.slice(newline + 1);
  const colon = first.indexOf(':');
  if (colon > 0 && colon <= 100) {
    return { title: first.slice(0, colon).trim(), body: joinBody([first.slice(colon + 1), rest]) };
  }
  if (first.length <= 150) return { title: first, body: joinBody([rest]) };
  const sentence = /^(.{20,120}?)[.;](?:\s|$)/u.exec(first);
  const cut = sentence?.[1] ?? `${first.slice(0, 100).replace(/\s+\S*$/u, '')}…`;
  return { title: cut.trim(), body: joinBody([first, rest]) };
}

function joinBody(parts: string[]): string {
  return parts
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

interface StepDraft {
  order: number;
  text: string;
  group: string | null;
}

function finishSteps(drafts: StepDraft[]): ParsedStep[] {
  return drafts.map((d) => ({ order: d.order, ...splitTitle(d.text), group: d.group }));
}

/** Splits at lines matched by `marker`; steps are numbered in order of appearance. */
function splitAtLineMarkers(lines: string[], marker: RegExp): { preamble: string; drafts: StepDraft[] } {
  const preamble: string[] = [];
  const drafts: StepDraft[] = [];
  for (const line of lines) {
    const m = marker.exec(line);
    const last = drafts[drafts.length - 1];
    if (m) drafts.push({ order: drafts.length + 1, text: line.slice(m[0].length), group: null });
    else if (last) last.text += `\n${line}`;
    else preamble.push(line);
  }
  return { preamble: joinBody(preamble), drafts };
}

interface StepMarker {
  order: number;
  /** Where the step's own text starts (after "Bước N:"). */
  textStart: number;
  /** Where the previous step's text ends (before any bullet or numbering that opens the line). */
  cut: number;
}

/**
 * "Bước N" opens a step when it starts a line (after bullets or numbering), or mid-line when it is
 * followed by ":" or "." and carries the next expected number ("Nộp hồ sơ Bước 1: …"), which keeps
 * references like "theo Bước 3" inside a step's text.
 */
function findStepMarkers(text: string): StepMarker[] {
  const markers: StepMarker[] = [];
  for (const m of text.matchAll(STEP_WORD)) {
    const lineStart = text.lastIndexOf('\n', m.index - 1) + 1;
    const prefix = text.slice(lineStart, m.index);
    const order = Number(m[1]);
    const atLineStart = STEP_LINE_PREFIX.test(prefix);
    const previous = markers[markers.length - 1];
    const expected = previous ? order === previous.order + 1 : order === 1;
    if (atLineStart || (expected && (m[2] === ':' || m[2] === '.'))) {
      markers.push({ order, textStart: m.index + m[0].length, cut: atLineStart ? lineStart : m.index });
    }
  }
  return markers;
}

function stepsFromMarkers(text: string, markers: StepMarker[]): ParsedStep[] {
  const drafts: StepDraft[] = markers.map((marker, i) => ({
    order: marker.order,
    text: text.slice(marker.textStart, markers[i + 1]?.cut ?? text.length),
    group: null,
  }));
  const preamble = joinBody([text.slice(0, markers[0]?.cut ?? 0)]);
  let group: string | null = null;
  if (preamble.length > 0 && preamble.length <= 300) group = collapseSpaces(preamble.replace(/\n+/g, ' '));
  // Several sequences ("a) Trường hợp…" then Bước 1, 2…; "b) …" then Bước 1 again): the heading line
  // just before a restart names the case, so it moves out of the previous step's text.
  for (let i = 0; i < drafts.length; i++) {
    const draft = drafts[i];
    const previous = drafts[i - 1];
    if (!draft) continue;
    if (previous && draft.order <= previous.order) {
      const lines = previous.text.replace(/\s+$/u, '').split('\n');
      const candidate = (lines[lines.length - 1] ?? '').trim();
      if (lines.length > 1 && candidate.length <= 200 && HEADING_LIKE.test(candidate)) {
        group = candidate.replace(/:\s*$/u, '');
        previous.text = lines.slice(0, -1).join('\n');
      }
    }
    draft.group = group;
  }
  const steps = finishSteps(drafts);
  if (preamble.length > 300) steps.unshift({ order: 0, title: '', body: preamble, group: null });
  return steps;
}

function withPreamble(preamble: string, steps: ParsedStep[]): ParsedStep[] {
  if (!preamble) return steps;
  const heading = collapseSpaces(preamble.replace(/\n+/g, ' '));
  // A short lead-in names the case the steps belong to; a long one is kept as an unnumbered step.
  if (heading.length <= 300) return steps.map((s) => ({ ...s, group: s.group ?? heading }));
  return [{ order: 0, title: '', body: preamble, group: null }, ...steps];
}

export function parseSteps(text: string): ParsedStep[] {
  const clean = cleanText(text).replace(/\r\n?/g, '\n');
  if (clean === '' || clean === NOT_STATED) return [];

  const markers = findStepMarkers(clean);
  if (markers.length > 0) return stepsFromMarkers(clean, markers);

  const lines = clean.split('\n');
  const letters = lines.map((l) => LETTER_MARKER.exec(l)?.[1]).filter((x): x is string => !!x);
  if (letters.length >= 2 && letters[0] === 'a' && letters[1] === 'b') {
    const { preamble, drafts } = splitAtLineMarkers(lines, LETTER_MARKER);
    return withPreamble(preamble, finishSteps(drafts));
  }
  const numbers = lines.map((l) => NUMBER_MARKER.exec(l)?.[1]).filter((x): x is string => !!x);
  if (numbers.length >= 2 && numbers[0] === '1' && numbers[1] === '2') {
    const { preamble, drafts } = splitAtLineMarkers(lines, NUMBER_MARKER);
    return withPreamble(preamble, finishSteps(drafts));
  }
  const firstContent = lines.find((l) => l.trim() !== '') ?? '';
  const bullet = BULLET_MARKER.exec(firstContent)?.[1];
  if (bullet) {
    const sameBullet = new RegExp(`^[ \\t]*[${bullet}]\\s*`, 'u');
    if (lines.filter((l) => sameBullet.test(l)).length >= 2) {
      return finishSteps(splitAtLineMarkers(lines, sameBullet).drafts);
    }
  }
  return finishSteps([{ order: 1, text: clean, group: null }]);
}

// ---------------------------------------------------------------------------
// Legal bases (can_cu_phap_ly)
// ---------------------------------------------------------------------------

const LEGAL_HEADER = /^Tên văn bản pháp lý\s*Mã văn bản/u;
// "68/2013/TT-BCA", "02/2011/QH13", "42/2012/QĐ-TTg", "198/2016/TT/BTC". Parts after the year are
// capitals; only "QH" takes digits (the legislature) and only "TT" a trailing "g" (Thủ tướng), so a
// code glued to the next row's number ("QH15193/2025", "NĐ-CP121/2021") stops where it should.
const LEGAL_CODE = /(\d+)\/(\d{4})\/(\p{Lu}+(?:(?<=QH)\d{2}|(?<=TT)g)?(?:\s?[-–/]\s?\p{Lu}+(?:(?<=QH)\d{2}|(?<=TT)g)?)*)/gu;
const DOC_TYPE_TAIL =
  /(?:(?:Luật|Bộ luật|Pháp lệnh|Thông tư liên tịch|Thông tư|Thông thư|Nghị định|Quyết định|Nghị quyết|Chỉ thị|Văn bản|NĐ|TT|QĐ|NQ|TTLT)(?:\s+số)?|[Ss]ố)\s*$/u;
// The next row's title may start after a single space when it opens with a document type.
const NEXT_TITLE_START = /^ (?:Luật|Bộ luật|Pháp lệnh|Thông tư|Nghị định|Quyết định|Nghị quyết|Chỉ thị)\b/u;

interface CodeHit {
  start: number;
  end: number;
  code: string;
  boundary: boolean;
}

function findLegalCodes(text: string): CodeHit[] {
  const hits: CodeHit[] = [];
  for (const m of text.matchAll(LEGAL_CODE)) {
    let start = m.index;
    let numberPart = m[1] ?? '';
    // A title ending in a year runs into the code: "năm 201102/2011/QH13", "ngày 29/6/202443/2024/QH15".
    if (numberPart.length > 4 && /^(?:19|20)\d\d/.test(numberPart)) {
      start += 4;
      numberPart = numberPart.slice(4);
    } else if (text[start - 1] === '/') continue; // the tail of a date or another code
    let suffix = m[3] ?? '';
    let end = m.index + m[0].length;
    // A capital that begins the next row's first word is not part of the code ("TT-BCALuật").
    while (/\p{Lu}$/u.test(suffix) && /\p{Ll}/u.test(text[end] ?? '') && suffix.length > 1) {
      suffix = suffix.slice(0, -1);
      end--;
    }
    const before = start > 0 ? (text[start - 1] ?? '') : '';
    const after = text[end] ?? '';
    const glued = start > 0 && !/[\s(“"]/u.test(before);
    const closes = after === '' || after === '\n' || /[\p{Lu}\d]/u.test(after) || NEXT_TITLE_START.test(text.slice(end, end + 20));
    hits.push({ start, end, code: `${numberPart}/${m[2]}/${suffix.replace(/\s+/g, '')}`, boundary: glued || closes });
  }
  return hits;
}

export function parseLegalBases(text: string): ParsedLegalBasis[] {
  const clean = cleanText(text);
  if (!LEGAL_HEADER.test(clean)) return [];
  const body = clean.replace(LEGAL_HEADER, '');
  const rows: Array<{ text: string; code: string | null; codeStart: number }> = [];
  let from = 0;
  for (const hit of findLegalCodes(body)) {
    if (!hit.boundary || hit.start < from) continue;
    rows.push({ text: body.slice(from, hit.end), code: hit.code, codeStart: hit.start - from });
    from = hit.end;
  }
  const tail = body.slice(from).trim();
  if (tail) rows.push({ text: tail, code: null, codeStart: tail.length });

  const bases: ParsedLegalBasis[] = [];
  for (const row of rows) {
    let title = row.text.slice(0, row.codeStart);
    // The code cell may carry its document type ("…nước ngoàiThông tư số 79/2025/TT-NHNN").
    const typeTail = DOC_TYPE_TAIL.exec(title);
    if (typeTail && typeTail.index > 0 && /[\p{Ll}.;)]/u.test(title[typeTail.index - 1] ?? '')) {
      title = title.slice(0, typeTail.index);
    }
    title = collapseSpaces(title.replace(/\s*\n\s*/g, ' ')).replace(/[;,]\s*$/u, '');
    const previous = bases[bases.length - 1];
    if (title === '' || DOC_TYPE_TAIL.test(title) && title.length <= 25) {
      // A row holding only the code again ("193/2025/NĐ-CP193/2025/NĐ-CP"): the title cell was the code itself.
      if (previous && previous.code === row.code) continue;
      if (previous && previous.code === null) {
        previous.code = row.code;
        continue;
      }
      title = collapseSpaces(row.text);
    }
    bases.push({ title, code: row.code });
  }
  return bases;
}

// ---------------------------------------------------------------------------
// Results (ket_qua_xu_ly)
// ---------------------------------------------------------------------------

// Everything after the keyword/description block is page furniture the scraper caught.
const RESULTS_END = /Từ khóa|Chọn cơ quan thực hiện/u;
const RESULT_CODE = /^\s*([A-Za-z0-9][A-Za-z0-9._\-/]*?)(?=\p{Lu}\p{Ll}|[^A-Za-z0-9._\-/]|$)/u;

export function parseResults(text: string): ParsedResult[] {
  const clean = cleanText(text);
  if (!clean.includes('Mã:')) return [];
  const endAt = clean.search(RESULTS_END);
  const body = endAt === -1 ? clean : clean.slice(0, endAt);
  const parts = body.split('Mã:');
  const results: ParsedResult[] = [];
  let name = collapseSpaces(parts[0] ?? '');
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] ?? '';
    const m = RESULT_CODE.exec(part);
    let code: string | null = null;
    let rest = part;
    if (m && m[1]) {
      const after = part[m[0].length] ?? '';
      // "Mã: Chưa xác định" is prose, not a code: a code is followed by the next name, a space or the end.
      if (/\d/.test(m[1]) || after === '' || /[\p{Lu}\s+]/u.test(after)) {
        code = m[1];
        rest = part.slice(m[0].length);
      }
    }
    if (code === null) rest = '';
    if (name) results.push({ name, code });
    name = collapseSpaces(rest.replace(/^[\s+\-]+/u, ''));
  }
  if (name) results.push({ name, code: null });
  return results;
}

// ---------------------------------------------------------------------------
// Small fields
// ---------------------------------------------------------------------------

const LEVELS: Record<string, AdministrativeLevel> = {
  'cấp bộ': 'ministry',
  'cấp trung ương': 'ministry',
  'cấp tỉnh': 'province',
  'cấp xã': 'commune',
};

export function parseLevels(text: string): AdministrativeLevel[] {
  const levels: AdministrativeLevel[] = [];
  for (const part of cleanText(text).split(/[,;]/)) {
    const key = part.trim().toLowerCase();
    if (!key) continue;
    const level = LEVELS[key] ?? 'other';
    if (!levels.includes(level)) levels.push(level);
  }
  return levels;
}

/** Comma list with commas inside brackets kept ("Tổ chức (không bao gồm doanh nghiệp, HTX)"). */
export function parseApplicantTypes(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of cleanText(text)) {
    if (ch === '(') depth++;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      items.push(current.trim());
      current = '';
    } else current += ch;
  }
  items.push(current.trim());
  const merged: string[] = [];
  for (const item of items) {
    if (!item) continue;
    // "Cán bộ, công chức, viên chức" is one category: a lower-case start continues the previous item.
    if (merged.length > 0 && /^\p{Ll}/u.test(item)) merged[merged.length - 1] += `, ${item}`;
    else merged.push(item);
  }
  return merged;
}

// ---------------------------------------------------------------------------
// Whole record
// ---------------------------------------------------------------------------

/**
 * The scraper cut sections at the first occurrence of the next section's title, so when a
 * title appeared inside the text (steps saying "theo mục 5.3 (Thành phần hồ sơ)", a fee note
 * saying "(Căn cứ pháp lý: …)"), the rest of that text landed in the next field and that
 * field's own table was lost. Glue the pieces back so the earlier field is whole.
 */
function rejoinSplit(before: string, title: string, after: string): string {
  const left = /[(\s]$/u.test(before) || before === '' ? '' : ' ';
  const right = /^[)\s.,;:]/u.test(after) ? '' : ' ';
  return `${before}${left}${title}${right}${after}`;
}

export function parseProcedure(raw: RawProcedureRecord): ParsedProcedure {
  const problems: string[] = [];
  const field = (name: string): string => cleanText(raw[name]);

  let stepsText = field('trinh_tu_thuc_hien');
  let channelsText = field('cach_thuc_thuc_hien');
  let requirementsText = field('thanh_phan_ho_so');
  let legalText = field('can_cu_phap_ly');

  const requirementsMisplaced =
    requirementsText !== '' && !requirementsText.includes(REQUIREMENTS_HEADER) && requirementsText.replace(/-/g, '').trim() !== '';
  if (requirementsMisplaced) {
    if (/\s/.test(requirementsText)) {
      stepsText = rejoinSplit(stepsText, 'Thành phần hồ sơ', requirementsText);
      problems.push('requirements: the source field holds the rest of the steps text (cut at the words "Thành phần hồ sơ"); the document list is missing');
    } else {
      problems.push(`requirements: the source field holds no document table ("${requirementsText.slice(0, 40)}")`);
    }
    requirementsText = '';
  }
  if (legalText !== '' && legalText !== NOT_STATED && !LEGAL_HEADER.test(legalText)) {
    if (/^[:\s]/u.test(legalText) && /\($/u.test(channelsText)) {
      channelsText = rejoinSplit(channelsText, 'Căn cứ pháp lý', legalText);
      problems.push('legal bases: the source field holds the rest of the channels text (cut at the words "Căn cứ pháp lý"); the legal basis table is missing');
    } else {
      problems.push(`legal bases: no table in the source field ("${legalText.slice(0, 60)}")`);
    }
    legalText = '';
  }

  const channelParse = parseChannelsDetailed(channelsText);
  problems.push(...channelParse.problems);

  const requirementParse = parseRequirementsDetailed(requirementsText);
  for (const left of requirementParse.leftover) {
    problems.push(`requirements: text without a count was not parsed: "${left.slice(0, 80)}"`);
  }

  const resultsText = field('ket_qua_xu_ly');
  const results = parseResults(resultsText);
  if (results.length === 0 && resultsText !== '' && resultsText !== NOT_STATED) {
    problems.push(`results: no "Mã:" entries in "${resultsText.slice(0, 60)}"`);
  }

  const code = field('ma_thu_tuc');
  const name = field('ten_thu_tuc');
  const sector = field('linh_vuc');
  if (!code) problems.push('record has no procedure code');
  if (!name) problems.push('record has no name');
  if (!sector) problems.push('record has no sector');

  const channels = channelParse.channels;
  return {
    code,
    name,
    decisionNumber: field('so_quyet_dinh'),
    sector,
    levels: parseLevels(field('cap_thuc_hien')),
    procedureType: field('loai_thu_tuc'),
    applicantTypes: parseApplicantTypes(field('doi_tuong_thuc_hien')),
    competentAgency: valueOrEmpty(raw['co_quan_co_tham_quyen']),
    handlingAgency: valueOrEmpty(raw['co_quan_thuc_hien']),
    receivingAddress: valueOrEmpty(raw['dia_chi_tiep_nhan']),
    coordinatingAgency: valueOrEmpty(raw['co_quan_phoi_hop']),
    delegatedAgency: valueOrEmpty(raw['co_quan_duoc_uy_quyen']),
    relatedProcedures: valueOrEmpty(raw['thu_tuc_lien_quan']),
    channels,
    requirements: requirementParse.requirements,
    steps: parseSteps(stepsText),
    conditions: valueOrEmpty(raw['yeu_cau_dieu_kien']),
    legalBases: parseLegalBases(legalText),
    results,
    onlineOffered: channels.some((c) => c.channel === 'online'),
    sourceUrl: field('detail_url'),
    sourceMinistry: field('_source_ministry_dir'),
    raw,
    problems,
  };
}
