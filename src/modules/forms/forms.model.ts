import type { Locale } from '../../platform/i18n/i18n.js';
import type {
  Condition,
  Field,
  FileKind,
  FormDefinition,
  GroupField,
  InputField,
  LeafField,
  LocalText,
  Section,
} from './forms.schema.js';

/**
 * Values of a filled form and the rules every part of the engine shares: which fields exist, which are shown.
 *
 * Value shapes by field type:
 * text, textarea, personalId, phone, email, date (YYYY-MM-DD), select, radio → string;
 * number, money → number (or the raw string the applicant typed when it is not a number, so the page can show it
 * back with an error); checkbox → boolean; checkboxes → string[]; address → AddressValue;
 * file → FileValue[]; group → GroupItem[].
 */
export interface AddressValue {
  /** Province code (2 digits, Decision 19/2025/QĐ-TTg). */
  province: string;
  /** Commune code (5 digits). */
  commune: string;
  /** House number, street, hamlet. */
  line: string;
}

export interface FileValue {
  /** The caller's reference to the stored bytes (an upload id, a vault document id). */
  ref: string;
  name: string;
  mimeType: string;
  size: number;
  source: 'upload' | 'vault';
}

export type LeafValue = string | number | boolean | string[] | AddressValue | FileValue[];
export type GroupItem = Record<string, LeafValue>;
export type FieldValue = LeafValue | GroupItem[];
export type FormValues = Record<string, FieldValue>;

export const mimeOfKind: Record<FileKind, string> = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  png: 'image/png',
};

export function localText(text: LocalText, locale: Locale): string {
  return text[locale] || text.vi;
}

export function isAddress(value: unknown): value is AddressValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'province' in value && 'commune' in value;
}

function isFile(v: unknown): v is FileValue {
  return typeof v === 'object' && v !== null && 'ref' in v && 'mimeType' in v && 'size' in v;
}

export function isFileList(value: unknown): value is FileValue[] {
  return Array.isArray(value) && value.every(isFile);
}

export function isGroupItems(value: unknown): value is GroupItem[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v) && !isFile(v));
}

/** Nothing entered: undefined, blank text, an empty list, an address with no part chosen. Unticked boxes are false, not empty. */
export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (isAddress(value)) return !value.province && !value.commune && !value.line.trim();
  return false;
}

// ---------------------------------------------------------------------------
// Finding fields
// ---------------------------------------------------------------------------

export function sectionById(definition: FormDefinition, sectionId: string): Section | undefined {
  return definition.sections.find((s) => s.id === sectionId);
}

/** Every top-level field with the section holding it. */
export function* topLevelFields(definition: FormDefinition): Generator<{ section: Section; field: Field }> {
  for (const section of definition.sections) for (const field of section.fields) yield { section, field };
}

export function fieldById(definition: FormDefinition, id: string): { section: Section; field: Field } | undefined {
  for (const entry of topLevelFields(definition)) if (entry.field.id === id) return entry;
  return undefined;
}

export interface ResolvedPath {
  section: Section;
  /** The top-level field (the group, for a path inside a group). */
  field: Field;
  /** The field inside the group, when the path points into one. */
  child?: LeafField;
  index?: number;
  /** address part, when the path names one. */
  part?: 'province' | 'commune' | 'line';
}

const PATH = /^([a-z][A-Za-z0-9]*)(?:\[(\d+)\]\.([a-z][A-Za-z0-9]*))?(?:\.(province|commune|line))?$/;

/** Resolves an input path (`fullName`, `home.commune`, `members[1].birthDate`) to its field. */
export function resolvePath(definition: FormDefinition, path: string): ResolvedPath | undefined {
  const m = PATH.exec(path);
  if (!m) return undefined;
  const top = fieldById(definition, m[1]!);
  if (!top) return undefined;
  const part = m[4] as ResolvedPath['part'];
  if (m[2] === undefined) return { ...top, ...(part ? { part } : {}) };
  if (top.field.type !== 'group') return undefined;
  const child = top.field.fields.find((c) => c.id === m[3]);
  if (!child) return undefined;
  return { ...top, child, index: Number(m[2]), ...(part ? { part } : {}) };
}

export function itemPath(groupId: string, index: number, childId: string): string {
  return `${groupId}[${index}].${childId}`;
}

// ---------------------------------------------------------------------------
// Conditions and visibility
// ---------------------------------------------------------------------------

/** The scope a condition is evaluated in: the whole form, plus the item of a group when inside one. */
export interface Scope {
  definition: FormDefinition;
  values: FormValues;
  group?: GroupField;
  item?: GroupItem;
}

function matches(value: unknown, expected: string | number | boolean): boolean {
  if (Array.isArray(value)) return value.some((v) => v === expected || String(v) === String(expected));
  if (value === undefined || value === null || value === '') return false;
  if (typeof expected === 'boolean') return value === expected;
  return value === expected || String(value) === String(expected);
}

/**
 * The value a condition sees for a field: a sibling in the same group item first, then a top-level field.
 * A field that is itself hidden counts as empty, so chains of conditions behave (hiding A hides what depends on A).
 */
function conditionValue(scope: Scope, fieldId: string, depth: number): unknown {
  if (scope.group && scope.item) {
    const sibling = scope.group.fields.find((f) => f.id === fieldId);
    if (sibling) return isFieldShown(sibling, scope, depth + 1) ? scope.item[fieldId] : undefined;
  }
  const top = fieldById(scope.definition, fieldId);
  if (!top) return undefined;
  if (!isSectionShown(top.section, scope.definition, scope.values, depth + 1)) return undefined;
  if (!isFieldShown(top.field, { definition: scope.definition, values: scope.values }, depth + 1)) return undefined;
  return scope.values[fieldId];
}

// Definitions are checked for unknown references, not for cycles; a cycle stops here and counts as hidden.
const MAX_DEPTH = 32;

export function evaluate(condition: Condition, scope: Scope, depth = 0): boolean {
  if (depth > MAX_DEPTH) return false;
  if ('all' in condition) return condition.all.every((c) => evaluate(c, scope, depth + 1));
  if ('any' in condition) return condition.any.some((c) => evaluate(c, scope, depth + 1));
  const value = conditionValue(scope, condition.field, depth);
  if ('equals' in condition) return matches(value, condition.equals);
  if ('notEquals' in condition) return !matches(value, condition.notEquals);
  if ('in' in condition) return condition.in.some((expected) => matches(value, expected));
  const truthy = value === true || value === 'true' || value === 'yes';
  return condition.isTrue ? truthy : !truthy;
}

export function isFieldShown(field: Field | LeafField, scope: Scope, depth = 0): boolean {
  if (!field.showIf) return true;
  return evaluate(field.showIf, scope, depth);
}

export function isSectionShown(section: Section, definition: FormDefinition, values: FormValues, depth = 0): boolean {
  if (!section.showIf) return true;
  return evaluate(section.showIf, { definition, values }, depth);
}

/** The pages the applicant goes through, given the answers so far. */
export function visibleSections(definition: FormDefinition, values: FormValues): Section[] {
  return definition.sections.filter((s) => isSectionShown(s, definition, values));
}

/** The sections after `sectionId` that are shown, for "Continue": the next page, or null at the end. */
export function nextSection(definition: FormDefinition, values: FormValues, sectionId: string): Section | null {
  const index = definition.sections.findIndex((s) => s.id === sectionId);
  for (let i = index + 1; i < definition.sections.length; i++) {
    const section = definition.sections[i]!;
    if (isSectionShown(section, definition, values)) return section;
  }
  return null;
}

export function previousSection(definition: FormDefinition, values: FormValues, sectionId: string): Section | null {
  const index = definition.sections.findIndex((s) => s.id === sectionId);
  for (let i = index - 1; i >= 0; i--) {
    const section = definition.sections[i]!;
    if (isSectionShown(section, definition, values)) return section;
  }
  return null;
}

/**
 * The values worth keeping: only fields that exist and are shown (in shown sections, and inside group items only
 * the shown children). Hidden answers are dropped, so a changed mind leaves no stale data in the dossier.
 */
export function pruneHidden(definition: FormDefinition, values: FormValues): FormValues {
  const kept: FormValues = {};
  for (const section of visibleSections(definition, values)) {
    for (const field of section.fields) {
      if (field.type === 'paragraph') continue;
      if (!isFieldShown(field, { definition, values })) continue;
      const value = values[field.id];
      if (value === undefined) continue;
      if (field.type === 'group') {
        if (!isGroupItems(value)) continue;
        kept[field.id] = value.map((item) => {
          const out: GroupItem = {};
          for (const child of field.fields) {
            if (item[child.id] === undefined) continue;
            if (isFieldShown(child, { definition, values, group: field, item })) out[child.id] = item[child.id]!;
          }
          return out;
        });
        continue;
      }
      kept[field.id] = value;
    }
  }
  return kept;
}

export function inputFields(section: Section): InputField[] {
  return section.fields.filter((f): f is InputField => f.type !== 'paragraph');
}

// ---------------------------------------------------------------------------
// Lookups (lists the page needs that live elsewhere)
// ---------------------------------------------------------------------------

/** A province or commune as an address picker shows it. */
export interface UnitOption {
  code: string;
  /** Full name with its kind, e.g. "Phường Hoa Lư". */
  name: string;
  nameEn?: string | null;
}

/**
 * Option lists from the administrative-units service: all provinces, and the communes of each province the
 * values refer to (see `provincesInValues`). Missing commune lists simply leave the commune picker empty.
 */
export interface FormLookups {
  provinces: UnitOption[];
  communes: Record<string, UnitOption[]>;
}

export const noLookups: FormLookups = { provinces: [], communes: {} };

/** Province codes chosen in any address of the values (commune lists to load for the page or the summary). */
export function provincesInValues(definition: FormDefinition, values: FormValues): string[] {
  const codes = new Set<string>();
  const add = (value: unknown) => {
    if (isAddress(value) && value.province) codes.add(value.province);
  };
  for (const { field } of topLevelFields(definition)) {
    const value = values[field.id];
    if (field.type === 'address') add(value);
    if (field.type === 'group' && isGroupItems(value)) {
      for (const child of field.fields) if (child.type === 'address') for (const item of value) add(item[child.id]);
    }
  }
  return [...codes].sort();
}

export function unitName(unit: UnitOption, locale: Locale): string {
  return locale === 'en' && unit.nameEn ? unit.nameEn : unit.name;
}

/** "12 Lê Lợi, Phường Hoa Lư, Tỉnh Ninh Bình" (codes shown when the names are not loaded). */
export function formatAddress(value: AddressValue, lookups: FormLookups, locale: Locale): string {
  const province = lookups.provinces.find((p) => p.code === value.province);
  const commune = lookups.communes[value.province]?.find((c) => c.code === value.commune);
  return [
    value.line.trim(),
    commune ? unitName(commune, locale) : value.commune,
    province ? unitName(province, locale) : value.province,
  ]
    .filter((part) => part)
    .join(', ');
}
