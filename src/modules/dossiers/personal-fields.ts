import { isSealed, normaliseForIndex, type FieldCipher } from '../../platform/crypto/index.js';
import type { ApplicantSnapshot } from './dossiers.tables.js';

/**
 * Identity numbers and phone numbers in dossiers and drafts are sealed at rest (Decree 13/2023/NĐ-CP; platform/crypto)
 * by the repositories on write; the database handle's plugin (OpenSealedSnapshotsPlugin) opens the `values` and
 * `applicant` columns of any query on read: services, pages and other modules see plaintext.
 *
 * - The applicant snapshot: `personalId` and `phone` sealed; name, address and e-mail stay plain (the ledger and the
 *   desk search the name in SQL).
 * - Form values: a personalId field stores 12 digits and a phone field a mobile number; every string value (top
 *   level or inside a group's items) of that form is sealed. The repository decides by the value because it writes
 *   drafts without their form definition at hand (autosave); a value of another field that happens to look the same
 *   (a 10-digit tax code starting 03…) is sealed too, which costs nothing: reading opens it again.
 */
export async function sealApplicant(cipher: FieldCipher, applicant: ApplicantSnapshot): Promise<ApplicantSnapshot> {
  return { ...applicant, personalId: await cipher.sealOptional(applicant.personalId), phone: await cipher.sealOptional(applicant.phone) };
}

export async function openApplicant<T extends Partial<ApplicantSnapshot>>(cipher: FieldCipher, applicant: T): Promise<T> {
  if (!applicant || typeof applicant !== 'object') return applicant;
  const out = { ...applicant };
  if (typeof applicant.personalId === 'string') out.personalId = await cipher.open(applicant.personalId);
  if (typeof applicant.phone === 'string') out.phone = await cipher.open(applicant.phone);
  return out;
}

/** Whether a stored form value is an identity number or a phone number (then it is sealed). */
export function isPersonalValue(value: string): boolean {
  if (isSealed(value)) return false;
  return normaliseForIndex('personalId', value) !== null || normaliseForIndex('phone', value) !== null;
}

/**
 * Seals the personal values of a form's answers. An answer that already looks sealed (`pd1.…`, typed by someone)
 * is sealed as well, so every `pd1.` string stored under `values` is one the reader can open (platform/crypto's
 * plugin opens them once).
 */
export async function sealValues(cipher: FieldCipher, values: Record<string, unknown>): Promise<Record<string, unknown>> {
  return (await walk(values, async (text) => (isPersonalValue(text) || isSealed(text) ? cipher.seal(text) : text))) as Record<string, unknown>;
}

export async function openValues<T>(cipher: FieldCipher, values: T): Promise<T> {
  return (await walk(values, async (text) => (isSealed(text) ? cipher.open(text) : text))) as T;
}

/** Applies `fn` to every string in plain data (objects and arrays), leaving everything else as it is. */
async function walk(value: unknown, fn: (text: string) => Promise<string>): Promise<unknown> {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return Promise.all(value.map((v) => walk(v, fn)));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await walk(v, fn);
    return out;
  }
  return value;
}

/** A row read from dossier or dossier_draft with its `values` and `applicant` (when selected) opened. */
export async function openDossierRow<R extends object | undefined>(cipher: FieldCipher, row: R): Promise<R> {
  if (!row) return row;
  const r = row as Record<string, unknown>;
  const out: Record<string, unknown> = { ...r };
  if (r.values && typeof r.values === 'object') out.values = await openValues(cipher, r.values);
  if (r.applicant && typeof r.applicant === 'object') out.applicant = await openApplicant(cipher, r.applicant as Partial<ApplicantSnapshot>);
  return out as R;
}
