import { fold } from '../../platform/i18n/fold.js';

/**
 * Commands a citizen can text to the portal's SMS number or Zalo official account:
 * - `TRACUU <dossier code> <last 4 digits of the applicant's phone>`: the dossier's status;
 * - `DANGKY <dossier code> <4 digits>`: this number/account gets the dossier's updates from now on;
 * - `HUY <dossier code>`: no more updates;
 * anything else gets the help text. Case, diacritics ("Tra cứu"), a space inside the keyword and extra spaces are
 * tolerated, since phones autocorrect.
 */
export type InboundCommand =
  | { kind: 'lookup'; code: string; check: string }
  | { kind: 'subscribe'; code: string; check: string }
  | { kind: 'unsubscribe'; code: string }
  | { kind: 'help' };

const keywords: Record<string, 'lookup' | 'subscribe' | 'unsubscribe'> = {
  tracuu: 'lookup',
  dangky: 'subscribe',
  dangki: 'subscribe',
  huy: 'unsubscribe',
  huydangky: 'unsubscribe',
};

export function parseInboundText(text: string): InboundCommand {
  const words = fold(text.slice(0, 500)).split(' ').filter((w) => w !== '');
  // The keyword may be one word or two ("TRA CUU", "DANG KY", "HUY DANG KY").
  let kind: 'lookup' | 'subscribe' | 'unsubscribe' | undefined;
  let rest: string[] = [];
  for (const take of [3, 2, 1]) {
    const candidate = keywords[words.slice(0, take).join('')];
    if (candidate && words.length >= take) {
      kind = candidate;
      rest = words.slice(take);
      break;
    }
  }
  if (!kind) return { kind: 'help' };
  const code = rest[0]?.toUpperCase();
  if (!code || !/^[A-Z0-9.]+-\d{6}-\d{4,}$/.test(code)) return { kind: 'help' };
  if (kind === 'unsubscribe') return rest.length === 1 ? { kind, code } : { kind: 'help' };
  const check = rest[1];
  if (!check || !/^\d{4}$/.test(check) || rest.length !== 2) return { kind: 'help' };
  return { kind, code, check };
}
