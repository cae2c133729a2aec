import type { DossierChannel } from '../dossiers/index.js';
import type { DueStage, FeeLineRow } from './payments.tables.js';

/**
 * A dossier's fee schedule, read from the procedure version's parsed content (the catalogue parser's
 * `content.channels[].fees`, `feeStatus`, `feeNote`), for the dossier's own channel — fees differ by channel (online
 * filing is often cheaper). Pure.
 *
 * - The fee column's own amount (`source: 'cell'`) is what every applicant owes.
 * - Amounts found only in the bracketed note (`source: 'note'`) are other charges the text names — copies of the
 *   result, a second certificate, a different case; the applicant adds those that apply (quantity 0 by default),
 *   and the officer sees what was chosen.
 * - A charge counted per copy or page ("bản", "bản sao", "trang", "tờ") takes a quantity.
 * - Exemptions: only the categories the catalogue text itself names are offered (e.g. "Miễn lệ phí cho người thuộc hộ
 *   nghèo; người khuyết tật"). The applicant chooses one and declares it; the statement then totals 0 and the
 *   declaration is kept for the officer, who checks it against the documents.
 * - "không được hoàn trả" in the note (e.g. household business registration, Circular 85/2019/TT-BTC) marks the fee
 *   as not refunded when the dossier is refused.
 * - When what is due: a required charge is due at submission (the fee is paid when the dossier is filed); a statement
 *   of optional charges only (copies issued with the result) is due before the result is returned.
 */
export type ExemptionCategory = 'meritorious' | 'poor_household' | 'disability' | 'child' | 'elderly' | 'ethnic_minority';

const exemptionPatterns: [ExemptionCategory, RegExp][] = [
  ['meritorious', /có công với cách mạng|người có công|gia đình chính sách|thương binh|liệt sĩ/iu],
  ['poor_household', /hộ nghèo|hộ cận nghèo/iu],
  ['disability', /khuyết tật/iu],
  ['child', /trẻ em/iu],
  ['elderly', /người cao tuổi/iu],
  ['ethnic_minority', /dân tộc thiểu số|đặc biệt khó khăn/iu],
];

export const exemptionCategories: readonly ExemptionCategory[] = exemptionPatterns.map(([c]) => c);

export interface FeeItem {
  /** Stable within the schedule: `r0`, `r1` for required charges, `o0`… for optional ones. */
  key: string;
  label: string;
  unitVnd: number;
  per: string | null;
  /** The applicant chooses how many (copies, pages). */
  perCopy: boolean;
  required: boolean;
}

export interface FeeSchedule {
  /** As the catalogue states it for this channel: 'free' (no charge), 'stated' (amounts), or not usable online. */
  status: 'free' | 'stated' | 'not_stated' | 'unparsed';
  items: FeeItem[];
  /** Exemption categories the catalogue text names. */
  exemptions: ExemptionCategory[];
  refundable: boolean;
  /** The catalogue's own words, shown beside the statement. */
  text: string;
  /** Charges in foreign currency only: not payable here. */
  foreignOnly: boolean;
}

interface ChannelContent {
  channel?: unknown;
  fees?: { amountVnd?: unknown; label?: unknown; per?: unknown; source?: unknown }[];
  foreignFees?: unknown[];
  feeStatus?: unknown;
  feeText?: unknown;
  feeNote?: unknown;
}

const perCopyUnit = /^(?:\d+\s*)?(?:bản|bản sao|trang|tờ)\b/iu;
export const MAX_QUANTITY = 20;

export function feeScheduleFor(content: unknown, channel: DossierChannel): FeeSchedule {
  const channels = (content as { channels?: unknown } | null)?.channels;
  const entry = Array.isArray(channels) ? (channels as ChannelContent[]).find((c) => c && c.channel === channel) : undefined;
  const empty: FeeSchedule = { status: 'not_stated', items: [], exemptions: [], refundable: true, text: '', foreignOnly: false };
  if (!entry) return empty;
  const note = typeof entry.feeNote === 'string' ? entry.feeNote : '';
  const text = typeof entry.feeText === 'string' ? entry.feeText : '';
  const status = ['free', 'stated', 'not_stated', 'unparsed'].includes(entry.feeStatus as string) ? (entry.feeStatus as FeeSchedule['status']) : 'not_stated';
  const fees = (Array.isArray(entry.fees) ? entry.fees : []).filter((f) => typeof f?.amountVnd === 'number' && Number.isSafeInteger(f.amountVnd) && (f.amountVnd as number) > 0);
  let r = 0;
  let o = 0;
  const items: FeeItem[] = fees.map((f) => {
    const required = f.source === 'cell';
    const per = typeof f.per === 'string' && f.per.trim() !== '' ? f.per.trim() : null;
    return {
      key: required ? `r${r++}` : `o${o++}`,
      label: typeof f.label === 'string' && f.label.trim() !== '' ? f.label.trim() : 'Phí, lệ phí',
      unitVnd: f.amountVnd as number,
      per,
      perCopy: per !== null && perCopyUnit.test(per),
      required,
    };
  });
  const foreign = Array.isArray(entry.foreignFees) && entry.foreignFees.length > 0;
  return {
    status,
    items,
    exemptions: exemptionPatterns.filter(([, re]) => re.test(note)).map(([c]) => c),
    refundable: !/không (?:được )?hoàn trả/iu.test(note),
    text,
    foreignOnly: status === 'stated' && items.length === 0 && foreign,
  };
}

/** Whether the schedule has anything to pay online at all. */
export function payableOnline(schedule: FeeSchedule): boolean {
  return schedule.items.length > 0 && (schedule.status === 'stated' || schedule.status === 'free');
}

export interface FeeChoice {
  /** Quantity per item key; required items default to 1, optional ones to 0. */
  quantities: Record<string, number>;
  exemption: ExemptionCategory | null;
}

export interface FeeStatement {
  lines: FeeLineRow[];
  /** What the lines add up to before any exemption. */
  grossVnd: number;
  totalVnd: number;
  exemption: ExemptionCategory | null;
  dueStage: DueStage;
}

export type StatementProblem = { field: string; problem: 'quantity' | 'exemption' | 'empty' };

/** The statement for the applicant's choice, or the problems with it. */
export function feeStatement(schedule: FeeSchedule, choice: FeeChoice): FeeStatement | StatementProblem[] {
  const problems: StatementProblem[] = [];
  const lines: FeeLineRow[] = [];
  for (const item of schedule.items) {
    const given = choice.quantities[item.key];
    const quantity = given === undefined ? (item.required ? 1 : 0) : given;
    const min = item.required ? 1 : 0;
    const max = item.perCopy || !item.required ? MAX_QUANTITY : 1;
    if (!Number.isInteger(quantity) || quantity < min || quantity > max) {
      problems.push({ field: `qty-${item.key}`, problem: 'quantity' });
      continue;
    }
    if (quantity > 0) lines.push({ label: item.label, unitVnd: item.unitVnd, quantity, per: item.per, amountVnd: item.unitVnd * quantity });
  }
  if (choice.exemption !== null && !schedule.exemptions.includes(choice.exemption)) problems.push({ field: 'exemption', problem: 'exemption' });
  if (problems.length === 0 && lines.length === 0) problems.push({ field: 'qty-o0', problem: 'empty' });
  if (problems.length > 0) return problems;
  const grossVnd = lines.reduce((sum, l) => sum + l.amountVnd, 0);
  const anyRequired = schedule.items.some((i) => i.required);
  return {
    lines,
    grossVnd,
    totalVnd: choice.exemption ? 0 : grossVnd,
    exemption: choice.exemption,
    dueStage: anyRequired ? 'submission' : 'before_result',
  };
}
