import { isSealed, mapStrings, normaliseForIndex, type FieldCipher } from '../../platform/crypto/index.js';
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
  return (await mapStrings(values, async (text) => (isPersonalValue(text) || isSealed(text) ? cipher.seal(text) : text))) as Record<string, unknown>;
}

/**
 * Seals the identity and phone numbers still in plaintext in stored answers, leaving sealed values as they are
 * (`motcua data:encrypt`, over rows written before encryption at rest).
 */
export async function sealPlainValues(cipher: FieldCipher, values: unknown): Promise<unknown> {
  return mapStrings(values, async (text) => (isPersonalValue(text) ? cipher.seal(text) : text));
}
