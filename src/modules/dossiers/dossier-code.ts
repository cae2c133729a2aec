import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { DomainError } from '../../platform/errors/errors.js';
import type { Database as Schema } from '../../platform/db/schema.js';
import { prepared } from '../../platform/db/prepared.js';
import { isAgencyCode } from '../admin/index.js';
import { DossierCodeErrors } from './dossiers.errors.js';

/**
 * Dossier codes: `{agency identifier}-{yymmdd}-{NNNN}`, e.g. `H15.50.05.13-261008-0975` (RULES.md, "Dossier code").
 * The number counts per receiving agency per calendar day in Vietnam time, has at least 4 digits and grows wider
 * after 9999 (`…-10000`). Codes are unique and never reused.
 *
 * How numbers are drawn: one row per (agency, day) in `dossier_code_counter`, advanced by a single
 * `insert … on conflict do update set last_value = last_value + n returning last_value` (n = 1, or the number of
 * codes a batch draws: `drawDossierCodes`). PostgreSQL makes that statement atomic under concurrency (the second
 * writer waits for the first one's row lock, then increments the committed value), so two callers never get the
 * same number; the primary key backs it up, and so does the unique `dossier.code`.
 *
 * Transactions, gaps and reuse — pass the caller's transaction (`trx`):
 * - The code and the dossier row then commit or roll back together. A rolled-back submission gives its number back
 *   and the next submission gets it: that is not reuse, because the first code never existed anywhere. The rule for
 *   callers is therefore: do not let a code leave the transaction before commit (no e-mail, SMS, file key or
 *   response built from it until the transaction has committed; send those after commit or through an outbox).
 * - The counter row stays locked until the caller commits, so submissions to the same agency on the same day run
 *   one after the other through the rest of that transaction: keep it short (render PDFs and copy files outside).
 * - Passing the root `Kysely` instead draws the number in its own auto-committed statement: the lock lasts
 *   microseconds and a later failure leaves a gap (acceptable: gaps are allowed, duplicates never). Never do that
 *   while the same process holds an open transaction on the embedded database (PGlite has one session: it would
 *   wait for itself).
 * - Under `serializable` isolation two concurrent first-of-the-day inserts can fail with a serialization error;
 *   the caller's usual retry handles it. Read committed (the default) never fails here.
 * `yy` repeats after a century; by 2100 the format will have been revised.
 */
export async function nextDossierCode(trx: Kysely<Schema> | Transaction<Schema>, agencyCode: string, at: Date): Promise<string> {
  return (await drawDossierCodes(trx, [{ agencyCode, at }]))[0]!;
}

/**
 * One code for each request, in order, drawn by one statement however many agencies and days they name (a batch of
 * submissions, `SubmissionService`): each (agency, day) counter advances once by the number of its requests, and
 * its requests get the numbers in between, in request order. The same rules as `nextDossierCode` (which is a batch
 * of one). Counter rows are locked in a fixed order (agency, then day), so two batches naming the same agencies
 * cannot deadlock. An agency identifier that would make a malformed code is refused before anything is drawn.
 */
export async function drawDossierCodes(trx: Kysely<Schema> | Transaction<Schema>, requests: readonly { agencyCode: string; at: Date }[]): Promise<string[]> {
  const groups = new Map<string, { agencyCode: string; day: { iso: string; yymmdd: string }; count: number }>();
  const keys = requests.map(({ agencyCode, at }) => {
    if (!isAgencyCode(agencyCode)) {
      throw new DomainError(DossierCodeErrors.agencyCodeInvalid, { params: { agencyCode: agencyCode.slice(0, 40) } });
    }
    const day = vietnamDay(at);
    const key = `${agencyCode} ${day.iso}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { agencyCode, day, count: 1 });
    return key;
  });
  if (keys.length === 0) return [];
  // Sorted by key: a space sorts before every character of an agency identifier, so this is (agency, then day).
  const wanted = [...groups].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, group]) => group);
  const result = await sql<{ agency_code: string; day: string; last_value: number | string }>`
    insert into dossier_code_counter as c (agency_code, day, last_value)
    select w.agency_code, w.day, w.n
    from jsonb_to_recordset(${JSON.stringify(wanted.map((g) => ({ agency_code: g.agencyCode, day: g.day.iso, n: g.count })))}::jsonb) as w(agency_code text, day date, n integer)
    on conflict (agency_code, day) do update set last_value = c.last_value + excluded.last_value
    returning c.agency_code, c.day::text as day, c.last_value${prepared}`.execute(trx);
  // The first number of each group still to give: the new last value less the group's count, plus one.
  const next = new Map<string, number>();
  for (const row of result.rows) {
    const group = groups.get(`${row.agency_code} ${row.day}`);
    if (!group) throw new Error(`dossier_code_counter returned an unrequested row (${row.agency_code}, ${row.day})`);
    next.set(`${row.agency_code} ${row.day}`, Number(row.last_value) - group.count + 1);
  }
  return keys.map((key) => {
    const sequence = next.get(key);
    if (sequence === undefined) throw new Error('dossier_code_counter returned no row');
    next.set(key, sequence + 1);
    const group = groups.get(key)!;
    return formatDossierCode(group.agencyCode, group.day.yymmdd, sequence);
  });
}

export function formatDossierCode(agencyCode: string, yymmdd: string, sequence: number): string {
  return `${agencyCode}-${yymmdd}-${String(sequence).padStart(4, '0')}`;
}

export interface DossierCodeParts {
  agencyCode: string;
  /** The day of the code in Vietnam, `YYYY-MM-DD` (years 2000–2099). */
  day: string;
  sequence: number;
}

const codePattern = /^([0-9A-Z]+(?:\.[0-9A-Z]+)*)-(\d{2})(\d{2})(\d{2})-(\d{4,9})$/;

/** Splits a code into its parts, or null when the text is not a well-formed dossier code (e.g. typed in lookup). */
export function parseDossierCode(code: string): DossierCodeParts | null {
  const m = codePattern.exec(code.trim().toUpperCase());
  if (!m) return null;
  const [, agencyCode, yy, mm, dd, seq] = m as unknown as [string, string, string, string, string, string];
  if (!isAgencyCode(agencyCode)) return null;
  const month = Number(mm);
  const dayOfMonth = Number(dd);
  const date = new Date(Date.UTC(2000 + Number(yy), month - 1, dayOfMonth));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== dayOfMonth) return null;
  const sequence = Number(seq);
  if (sequence < 1 || (seq.length > 4 && seq.startsWith('0'))) return null;
  return { agencyCode, day: `20${yy}-${mm}-${dd}`, sequence };
}

// Vietnam has used UTC+7 without daylight saving since 1975; the time-zone database still decides, not a constant.
const vietnamDateFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar day of `at` in Vietnam: `iso` = `YYYY-MM-DD`, `yymmdd` as in the dossier code. */
export function vietnamDay(at: Date): { iso: string; yymmdd: string } {
  if (Number.isNaN(at.getTime())) throw new RangeError('invalid date');
  const parts = Object.fromEntries(vietnamDateFormat.formatToParts(at).map((p) => [p.type, p.value]));
  const { year, month, day } = parts as { year: string; month: string; day: string };
  return { iso: `${year}-${month}-${day}`, yymmdd: `${year.slice(-2)}${month}${day}` };
}

// ---------------------------------------------------------------------------------------------------------------
// Lookup secret: the second factor printed on the receipt slip and carried in its QR link (RULES.md: public
// lookup must ask for a second factor). Crockford's base32 alphabet: no I, L, O, U, so nothing is misread.

const secretAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A random secret of `length` characters from a 32-letter alphabet (5 bits each: 6 characters = 30 bits, about a
 * billion values). Together with the lookup rate limit, guessing one dossier's secret takes years.
 */
export function lookupSecret(length = 6): string {
  const bytes = randomBytes(length);
  let out = '';
  // 256 is a multiple of 32, so the low five bits of a random byte are uniform.
  for (const b of bytes) out += secretAlphabet[b & 31];
  return out;
}

/** What the applicant typed, as stored: upper case, spaces and dashes removed, O read as 0 and I/L as 1. */
export function normalizeLookupSecret(input: string): string {
  return input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

/** Compares a typed secret with the stored one in constant time (no timing hint about matching prefixes). */
export function lookupSecretMatches(stored: string, typed: string): boolean {
  const a = Buffer.from(normalizeLookupSecret(stored));
  const b = Buffer.from(normalizeLookupSecret(typed));
  return a.length === b.length && timingSafeEqual(a, b);
}
