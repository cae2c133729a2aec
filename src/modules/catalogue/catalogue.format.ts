import type { Translate } from '../../platform/i18n/i18n.js';
import type { ParsedChannelOption, ParsedDuration } from './catalogue.parser.js';

/** Small text helpers shared by the catalogue's pages. */
export function formatDuration(t: Translate, d: ParsedDuration): string {
  return t(`duration.${d.unit}`, { n: d.value });
}

export function formatVnd(t: Translate, amount: number): string {
  return t('money.vnd', { amount });
}

export function feeSummary(t: Translate, channel: ParsedChannelOption): string {
  switch (channel.feeStatus) {
    case 'free':
      return t('fee.free');
    case 'stated':
      return channel.fees.map((f) => (f.label ? `${f.label}: ${formatVnd(t, f.amountVnd)}` : formatVnd(t, f.amountVnd))).join('; ');
    case 'not_stated':
      return t('fee.notStated');
    default:
      return t('fee.seeText');
  }
}
