import { DomainError, type FieldProblem } from '../../platform/errors/errors.js';
import { validatePersonalId, type PersonalIdProblem } from '../identity/index.js';
import { FormsErrors } from './forms.errors.js';
import {
  isAddress,
  isFileList,
  isGroupItems,
  isEmpty,
  isFieldShown,
  itemPath,
  mimeOfKind,
  pruneHidden,
  sectionById,
  visibleSections,
  type FileValue,
  type FormLookups,
  type FormValues,
  type GroupItem,
  type Scope,
} from './forms.model.js';
import type { FileField, FileKind, FormDefinition, GroupField, LeafField, Section } from './forms.schema.js';

/**
 * Server-side validation of e-form values. Hidden fields (showIf false, or in a hidden section) are neither
 * required nor checked. Each problem names the input path the page renders as the input's id, so the error
 * summary links to the input; messages are catalogue keys (`forms.validation.*`, or a definition's own pattern
 * key) filled at display time with the field's label (see `problemMessage`).
 */

export interface ValidationOptions {
  /** Today in Viet Nam (YYYY-MM-DD); tests pass a fixed day. */
  today?: string;
  /** When given, provinces and communes are checked against the lists (a commune must be in its province). */
  lookups?: FormLookups;
  /** Leave file fields out (for callers that keep uploads apart from values and check them with requiredUploads). */
  skipFiles?: boolean;
}

export const DEFAULT_MAX_LENGTH = { text: 200, textarea: 2000 } as const;

/** Every message key the engine itself emits (a test checks each exists in both catalogues). */
export const validationMessageKeys = [
  'forms.validation.required',
  'forms.validation.requiredChoice',
  'forms.validation.requiredTick',
  'forms.validation.requiredFile',
  'forms.validation.tooShort',
  'forms.validation.tooLong',
  'forms.validation.notNumber',
  'forms.validation.notWholeNumber',
  'forms.validation.numberTooSmall',
  'forms.validation.numberTooLarge',
  'forms.validation.moneyFormat',
  'forms.validation.moneyTooSmall',
  'forms.validation.moneyTooLarge',
  'forms.validation.dateInvalid',
  'forms.validation.dateInFuture',
  'forms.validation.dateInPast',
  'forms.validation.tooYoung',
  'forms.validation.tooOld',
  'forms.validation.optionUnknown',
  'forms.validation.tooFewSelected',
  'forms.validation.tooManySelected',
  'forms.validation.personalIdFormat',
  'forms.validation.personalIdProvince',
  'forms.validation.personalIdBirthYear',
  'forms.validation.personalIdSex',
  'forms.validation.phoneFormat',
  'forms.validation.emailFormat',
  'forms.validation.addressProvince',
  'forms.validation.addressCommune',
  'forms.validation.addressLine',
  'forms.validation.addressProvinceUnknown',
  'forms.validation.addressCommuneMismatch',
  'forms.validation.fileType',
  'forms.validation.fileTooLarge',
  'forms.validation.tooManyFiles',
  'forms.validation.tooFewItems',
  'forms.validation.tooManyItems',
] as const;
type MessageKey = (typeof validationMessageKeys)[number];

function problem(field: string, messageKey: MessageKey | string, params?: Record<string, string | number>): FieldProblem {
  return params ? { field, messageKey, params } : { field, messageKey };
}

/** Today's date in Viet Nam (UTC+7, no daylight saving). */
export function todayInVietnam(now = new Date()): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** A real calendar day written YYYY-MM-DD, between 1850 and 2200. */
export function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1850 || y > 2200) return false;
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Full years between a birth date and a day (both YYYY-MM-DD). */
export function ageOn(birthDate: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return day.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

/**
 * The personal identification number, checked by the one implementation of the rule (identity module:
 * Decree 137/2015/NĐ-CP art. 13, Circular 59/2021/TT-BCA annex I) against the birth date and sex given in the form.
 * Returns the message key of the first problem, or null.
 */
const personalIdMessages: Record<PersonalIdProblem, MessageKey> = {
  format: 'forms.validation.personalIdFormat',
  registrationCode: 'forms.validation.personalIdProvince',
  birthYearInFuture: 'forms.validation.personalIdBirthYear',
  birthYearMismatch: 'forms.validation.personalIdBirthYear',
  sexMismatch: 'forms.validation.personalIdSex',
};

export function checkPersonalId(id: string, facts: { birthDate?: unknown; sex?: unknown } = {}): MessageKey | null {
  const problems = validatePersonalId(id, {
    birthDate: typeof facts.birthDate === 'string' && isIsoDate(facts.birthDate) ? facts.birthDate : null,
    sex: facts.sex === 'male' || facts.sex === 'female' ? facts.sex : null,
  });
  return problems[0] ? personalIdMessages[problems[0]] : null;
}

const PHONE = /^0\d{9,10}$/;
const EMAIL = /^[^\s@"<>]+@[^\s@"<>]+\.[^\s@"<>]{2,}$/;

/** Problems of one file (type and size), before or after it is stored: the route can refuse it early. */
export function validateUpload(field: FileField, file: { name: string; mimeType: string; size: number }, path = field.id): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const kinds = field.accept as FileKind[];
  if (!kinds.some((k) => mimeOfKind[k] === file.mimeType)) {
    problems.push(problem(path, 'forms.validation.fileType', { name: file.name, types: kinds.map((k) => k.toUpperCase()).join(', ') }));
  }
  if (file.size > field.maxSizeMb * 1024 * 1024) problems.push(problem(path, 'forms.validation.fileTooLarge', { name: file.name, max: field.maxSizeMb }));
  return problems;
}

function requiredKey(field: LeafField | FileField): MessageKey {
  switch (field.type) {
    case 'select':
    case 'radio':
    case 'checkboxes':
      return 'forms.validation.requiredChoice';
    case 'checkbox':
      return 'forms.validation.requiredTick';
    case 'file':
      return 'forms.validation.requiredFile';
    default:
      return 'forms.validation.required';
  }
}

function scopeValue(scope: Scope, id: string): unknown {
  if (scope.item && scope.group?.fields.some((f) => f.id === id)) return scope.item[id];
  return scope.values[id];
}

function validateLeaf(field: LeafField | FileField, value: unknown, path: string, scope: Scope, options: ValidationOptions, out: FieldProblem[]): void {
  const today = options.today ?? todayInVietnam();
  if (field.type === 'file' && options.skipFiles) return;

  if (field.type === 'address') {
    validateAddress(field.required === true, field.lineOptional === true, value, path, options, out);
    return;
  }
  if (field.type === 'checkbox') {
    if (field.required && value !== true) out.push(problem(path, 'forms.validation.requiredTick'));
    return;
  }
  if (isEmpty(value)) {
    if (field.required) out.push(problem(path, requiredKey(field)));
    return;
  }

  switch (field.type) {
    case 'text':
    case 'textarea': {
      const text = String(value);
      const v = field.validation;
      const max = v?.maxLength ?? DEFAULT_MAX_LENGTH[field.type];
      const length = [...text].length;
      if (v?.minLength !== undefined && length < v.minLength) out.push(problem(path, 'forms.validation.tooShort', { min: v.minLength }));
      else if (length > max) out.push(problem(path, 'forms.validation.tooLong', { max }));
      else if (v?.pattern && !new RegExp(`^(?:${v.pattern.regex})$`, 'u').test(text)) out.push(problem(path, v.pattern.messageKey));
      return;
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        out.push(problem(path, 'forms.validation.notNumber'));
        return;
      }
      const v = field.validation;
      if (v?.integer !== false && !Number.isInteger(value)) out.push(problem(path, 'forms.validation.notWholeNumber'));
      else if (v?.min !== undefined && value < v.min) out.push(problem(path, 'forms.validation.numberTooSmall', { min: v.min }));
      else if (v?.max !== undefined && value > v.max) out.push(problem(path, 'forms.validation.numberTooLarge', { max: v.max }));
      return;
    }
    case 'money': {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
        out.push(problem(path, 'forms.validation.moneyFormat'));
        return;
      }
      const v = field.validation;
      if (v?.min !== undefined && value < v.min) out.push(problem(path, 'forms.validation.moneyTooSmall', { min: v.min }));
      else if (v?.max !== undefined && value > v.max) out.push(problem(path, 'forms.validation.moneyTooLarge', { max: v.max }));
      return;
    }
    case 'date': {
      const date = String(value);
      if (!isIsoDate(date)) {
        out.push(problem(path, 'forms.validation.dateInvalid'));
        return;
      }
      const v = field.validation;
      if (v?.notInFuture && date > today) out.push(problem(path, 'forms.validation.dateInFuture'));
      else if (v?.notInPast && date < today) out.push(problem(path, 'forms.validation.dateInPast'));
      else if (v?.minAgeYears !== undefined && ageOn(date, today) < v.minAgeYears) out.push(problem(path, 'forms.validation.tooYoung', { years: v.minAgeYears }));
      else if (v?.maxAgeYears !== undefined && ageOn(date, today) > v.maxAgeYears) out.push(problem(path, 'forms.validation.tooOld', { years: v.maxAgeYears }));
      return;
    }
    case 'select':
    case 'radio':
      if (!field.options.some((o) => o.value === value)) out.push(problem(path, 'forms.validation.optionUnknown'));
      return;
    case 'checkboxes': {
      const chosen = Array.isArray(value) ? value.map(String) : [];
      const v = field.validation;
      if (chosen.some((c) => !field.options.some((o) => o.value === c))) out.push(problem(path, 'forms.validation.optionUnknown'));
      else if (v?.minSelected !== undefined && chosen.length < v.minSelected) out.push(problem(path, 'forms.validation.tooFewSelected', { min: v.minSelected }));
      else if (v?.maxSelected !== undefined && chosen.length > v.maxSelected) out.push(problem(path, 'forms.validation.tooManySelected', { max: v.maxSelected }));
      return;
    }
    case 'personalId': {
      const v = field.validation;
      const key = checkPersonalId(String(value), {
        birthDate: v?.birthDateField ? scopeValue(scope, v.birthDateField) : undefined,
        sex: v?.sex ?? (v?.sexField ? scopeValue(scope, v.sexField) : undefined),
      });
      if (key) out.push(problem(path, key));
      return;
    }
    case 'phone':
      if (!PHONE.test(String(value))) out.push(problem(path, 'forms.validation.phoneFormat'));
      return;
    case 'email': {
      const email = String(value);
      if (email.length > 254 || !EMAIL.test(email)) out.push(problem(path, 'forms.validation.emailFormat'));
      return;
    }
    case 'file': {
      const files: FileValue[] = isFileList(value) ? value : [];
      const max = field.maxFiles ?? 1;
      if (files.length > max) out.push(problem(path, 'forms.validation.tooManyFiles', { max }));
      for (const file of files) out.push(...validateUpload(field, file, path));
      return;
    }
  }
}

function validateAddress(required: boolean, lineOptional: boolean, value: unknown, path: string, options: ValidationOptions, out: FieldProblem[]): void {
  const address = isAddress(value) ? value : { province: '', commune: '', line: '' };
  // An optional address left blank is fine; once any part is given, the address must be whole.
  if (!required && isEmpty(address)) return;
  if (!address.province) {
    out.push(problem(`${path}.province`, 'forms.validation.addressProvince'));
    return;
  }
  const lookups = options.lookups;
  if (lookups && lookups.provinces.length > 0 && !lookups.provinces.some((p) => p.code === address.province)) {
    out.push(problem(`${path}.province`, 'forms.validation.addressProvinceUnknown'));
    return;
  }
  if (!address.commune) out.push(problem(`${path}.commune`, 'forms.validation.addressCommune'));
  else {
    const communes = lookups?.communes[address.province];
    if (communes && !communes.some((c) => c.code === address.commune)) out.push(problem(`${path}.commune`, 'forms.validation.addressCommuneMismatch'));
  }
  if (!lineOptional && !address.line.trim()) out.push(problem(`${path}.line`, 'forms.validation.addressLine'));
  else if ([...address.line].length > DEFAULT_MAX_LENGTH.text) out.push(problem(`${path}.line`, 'forms.validation.tooLong', { max: DEFAULT_MAX_LENGTH.text }));
}

function validateGroup(group: GroupField, value: unknown, scope: Scope, options: ValidationOptions, out: FieldProblem[]): void {
  const items: GroupItem[] = isGroupItems(value) ? value : [];
  if (items.length < group.minItems) out.push(problem(group.id, 'forms.validation.tooFewItems', { min: group.minItems }));
  if (items.length > group.maxItems) out.push(problem(group.id, 'forms.validation.tooManyItems', { max: group.maxItems }));
  items.slice(0, group.maxItems).forEach((item, index) => {
    const itemScope: Scope = { ...scope, group, item };
    for (const child of group.fields) {
      if (!isFieldShown(child, itemScope)) continue;
      validateLeaf(child, item[child.id], itemPath(group.id, index, child.id), itemScope, options, out);
    }
  });
}

function validateFields(definition: FormDefinition, section: Section, values: FormValues, options: ValidationOptions): FieldProblem[] {
  const out: FieldProblem[] = [];
  const scope: Scope = { definition, values };
  for (const field of section.fields) {
    if (field.type === 'paragraph') continue;
    if (!isFieldShown(field, scope)) continue;
    if (field.type === 'group') validateGroup(field, values[field.id], scope, options, out);
    else validateLeaf(field, values[field.id], field.id, scope, options, out);
  }
  return out;
}

/**
 * Problems of one page, in page order. `values` are the whole form's values (a condition may look at an earlier
 * page). A page hidden by earlier answers has nothing to check.
 */
export function validateSection(definition: FormDefinition, sectionId: string, values: FormValues, options: ValidationOptions = {}): FieldProblem[] {
  const section = sectionById(definition, sectionId);
  if (!section) throw new DomainError(FormsErrors.sectionNotFound, { params: { section: sectionId } });
  if (!visibleSections(definition, values).includes(section)) return [];
  return validateFields(definition, section, values, options);
}

/** Problems of the whole form, and the values to keep (hidden answers dropped) when there are none. */
export function validateAll(definition: FormDefinition, values: FormValues, options: ValidationOptions = {}): { errors: FieldProblem[]; values: FormValues } {
  const errors = visibleSections(definition, values).flatMap((section) => validateFields(definition, section, values, options));
  return { errors, values: pruneHidden(definition, values) };
}

/** File fields that are shown and required with the current answers, for callers that keep uploads apart from values. */
export function requiredUploads(definition: FormDefinition, values: FormValues): { fieldId: string; requirementName: string; sectionId: string }[] {
  const out: { fieldId: string; requirementName: string; sectionId: string }[] = [];
  for (const section of visibleSections(definition, values)) {
    for (const field of section.fields) {
      if (field.type !== 'file' || !field.required) continue;
      if (!isFieldShown(field, { definition, values })) continue;
      out.push({ fieldId: field.id, requirementName: field.requirementName, sectionId: section.id });
    }
  }
  return out;
}

/** The file fields of a form (where uploads for a given field id may go, and what they may be). */
export function fileFields(definition: FormDefinition): FileField[] {
  return definition.sections.flatMap((s) => s.fields).filter((f): f is FileField => f.type === 'file');
}
