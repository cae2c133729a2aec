import { evaluate, isEmpty, isFileList, isGroupItems, topLevelFields, type FieldValue, type FileValue, type FormValues } from './forms.model.js';
import type { FormDefinition, Field } from './forms.schema.js';

/**
 * "Once only" (Resolution 66.7/2025/NQ-CP, Decree 45/2020/NĐ-CP): what the state already knows about the
 * applicant is filled in before they start. Sources are passed in by the caller, so this stays a pure function.
 */

/** The applicant's profile, as the accounts module's ProfileService.get(userId) returns it. */
export interface ProfileSource {
  personalId?: string | null;
  fullName?: string | null;
  /** YYYY-MM-DD */
  birthDate?: string | null;
  sex?: 'male' | 'female' | null;
  provinceCode?: string | null;
  communeCode?: string | null;
  addressLine?: string | null;
  phone?: string | null;
  email?: string | null;
  organisations?: { taxCode: string; name: string; address: string }[];
}

export interface PrefillSources {
  profile?: ProfileSource | null;
  /** Values of the applicant's previous dossier of the same procedure. */
  previous?: FormValues | null;
  /** Documents in the applicant's vault, by document type. */
  vault?: Record<string, FileValue | FileValue[]> | null;
}

export interface PrefillResult {
  values: FormValues;
  /** Fields whose value is the prefilled one (shown with "Filled in from …"; locked ones read-only). */
  prefilled: Set<string>;
}

export type PrefillKind = 'profile' | 'previous' | 'vault';

export function prefillKind(path: string): PrefillKind {
  return path.startsWith('vault.') ? 'vault' : path.startsWith('previous.') ? 'previous' : 'profile';
}

function fromProfile(profile: ProfileSource, key: string): FieldValue | undefined {
  if (key === 'address') {
    if (!profile.provinceCode) return undefined;
    return { province: profile.provinceCode, commune: profile.communeCode ?? '', line: profile.addressLine ?? '' };
  }
  if (key.startsWith('organisation.')) {
    const organisation = profile.organisations?.[0];
    const value = organisation?.[key.slice('organisation.'.length) as 'taxCode' | 'name' | 'address'];
    return value || undefined;
  }
  const value = profile[key as 'fullName'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The value a source path gives, shaped for the field (undefined when the source has nothing). */
export function resolvePrefill(path: string, sources: PrefillSources, field: Field): FieldValue | undefined {
  const dot = path.indexOf('.');
  const root = path.slice(0, dot);
  const key = path.slice(dot + 1);
  let value: FieldValue | undefined;
  if (root === 'profile') value = sources.profile ? fromProfile(sources.profile, key) : undefined;
  else if (root === 'previous') value = sources.previous?.[key];
  else if (root === 'vault') {
    const doc = sources.vault?.[key];
    value = doc === undefined ? undefined : Array.isArray(doc) ? doc : [doc];
    if (isFileList(value)) value = value.map((f) => ({ ...f, source: 'vault' as const }));
  }
  if (value === undefined || isEmpty(value)) return undefined;
  // A value of the wrong shape (an old dossier's field changed type) is not used.
  if (field.type === 'group' && !isGroupItems(value)) return undefined;
  if (field.type === 'file' && !isFileList(value)) return undefined;
  if ((field.type === 'select' || field.type === 'radio') && !field.options.some((o) => o.value === value)) return undefined;
  return value;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Fills fields from their prefill source and default values, without overwriting what the applicant entered
 * (`entered`, the draft's values: a field counts as entered once it has a key there, even blank). A field with `prefillLocked` always takes the source value when the source
 * has one: the law does not let the applicant correct registry data here, and a tampered post must not either —
 * so call this again after parsing each page. `prefillWhen` limits a source to some answers (the mother's
 * details come from the profile when the applicant is the mother).
 */
export function applyPrefill(definition: FormDefinition, sources: PrefillSources, entered: FormValues = {}): PrefillResult {
  const values: FormValues = { ...entered };
  const prefilled = new Set<string>();
  for (const { field } of topLevelFields(definition)) {
    if (field.type === 'paragraph') continue;
    if ('defaultValue' in field && field.defaultValue !== undefined && values[field.id] === undefined) values[field.id] = field.defaultValue;
    if (!field.prefill) continue;
    if (field.prefillWhen && !evaluate(field.prefillWhen, { definition, values })) continue;
    const source = resolvePrefill(field.prefill, sources, field);
    if (source === undefined) continue;
    const locked = 'prefillLocked' in field && field.prefillLocked === true;
    const current = entered[field.id];
    // Only a field never answered is filled: a value the applicant cleared on purpose stays cleared.
    if (locked || current === undefined || ('defaultValue' in field && current === field.defaultValue)) {
      values[field.id] = source;
      prefilled.add(field.id);
    } else if (same(current, source)) {
      prefilled.add(field.id);
    }
  }
  return { values, prefilled };
}

/** Fields that show a prefilled value the applicant may not change. */
export function lockedFields(definition: FormDefinition, prefilled: Set<string>): Set<string> {
  const locked = new Set<string>();
  for (const { field } of topLevelFields(definition)) {
    if (field.type !== 'paragraph' && 'prefillLocked' in field && field.prefillLocked && prefilled.has(field.id)) locked.add(field.id);
  }
  return locked;
}
