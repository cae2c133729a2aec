import { DomainError } from '../../platform/errors/errors.js';
import { FormsErrors } from './forms.errors.js';
import {
  isFileList,
  isGroupItems,
  sectionById,
  type AddressValue,
  type FileValue,
  type FormValues,
  type GroupItem,
  type LeafValue,
} from './forms.model.js';
import type { FormDefinition, GroupField, LeafField, FileField } from './forms.schema.js';

/**
 * Turns a posted page (form-urlencoded or multipart, already decoded into a map of names to values) into typed
 * values. Names are flat: `fullName`, `home.province`, `members[0].fullName`, a repeated name for checkboxes.
 * Nothing here rejects input: what cannot be read as its type is kept as typed, so the page can show it back
 * with an error from validation.
 */

/** A file part the route has already stored (after checking its real type with `sniffFileKind`). */
export interface UploadedFile {
  ref: string;
  name: string;
  mimeType: string;
  size: number;
}

export type SubmittedValue = string | string[] | UploadedFile | UploadedFile[] | undefined;
export type SubmissionBody = Record<string, unknown>;

// Longer input is cut: no field of any official form needs more, and it bounds the work done per request.
const MAX_INPUT = 5000;

function firstString(raw: unknown): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  return typeof value === 'string' ? value.normalize('NFC').slice(0, MAX_INPUT) : '';
}

function stringList(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: string[] = [];
  for (const v of list) {
    if (typeof v !== 'string') continue;
    const s = v.normalize('NFC').trim().slice(0, 200);
    if (s && !out.includes(s)) out.push(s);
  }
  return out.slice(0, 100);
}

function isUpload(value: unknown): value is UploadedFile {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.ref === 'string' && typeof v.name === 'string' && typeof v.mimeType === 'string' && typeof v.size === 'number';
}

/** "1.500.000", "1,500,000", "1 500 000 đồng" → 1500000; anything else stays as typed. */
export function parseMoney(raw: string): number | string {
  const s = raw
    .trim()
    .replace(/\s*(?:đồng|đ|vnđ|vnd)\.?$/iu, '')
    .replace(/\s+/g, '');
  if (s === '') return '';
  if (/^\d{1,3}(?:\.\d{3})+$/.test(s) || /^\d{1,3}(?:,\d{3})+$/.test(s)) return Number(s.replace(/[.,]/g, ''));
  if (/^\d{1,16}$/.test(s)) return Number(s);
  return raw.trim();
}

/**
 * Whole numbers accept thousands separators ("1.200"); decimals take a comma or a point ("85,5", "85.5").
 * Vietnamese grouping with a decimal comma ("1.250,5") is read too.
 */
export function parseNumber(raw: string, integer: boolean): number | string {
  const s = raw.trim().replace(/\s+/g, '');
  if (s === '') return '';
  if (/^-?\d{1,15}$/.test(s)) return Number(s);
  if (integer) {
    if (/^\d{1,3}(?:\.\d{3})+$/.test(s) || /^\d{1,3}(?:,\d{3})+$/.test(s)) return Number(s.replace(/[.,]/g, ''));
    return raw.trim();
  }
  if (/^-?\d{1,15}[.,]\d{1,6}$/.test(s)) return Number(s.replace(',', '.'));
  if (/^\d{1,3}(?:\.\d{3})+,\d{1,6}$/.test(s)) return Number(s.replace(/\./g, '').replace(',', '.'));
  return raw.trim();
}

/** ISO dates pass; "5/3/2026", "05-03-2026", "05.03.2026" (day first, as written in Viet Nam) become ISO. */
export function parseDate(raw: string): string {
  const s = raw.trim();
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (dmy) return `${dmy[3]}-${dmy[2]!.padStart(2, '0')}-${dmy[1]!.padStart(2, '0')}`;
  return s;
}

/** Spaces, dots and dashes dropped; +84 / 84 written as the leading 0. */
export function normalisePhone(raw: string): string {
  let s = raw.trim().replace(/[\s.()-]/g, '');
  if (s.startsWith('+84')) s = `0${s.slice(3)}`;
  else if (/^84\d{9,10}$/.test(s)) s = `0${s.slice(2)}`;
  return s;
}

function parseLeaf(field: LeafField | FileField, name: string, body: SubmissionBody, current: unknown): LeafValue {
  const raw = body[name];
  switch (field.type) {
    case 'text':
      return firstString(raw).trim().replace(/\s+/g, ' ');
    case 'textarea':
      return firstString(raw).replace(/\r\n?/g, '\n').trim();
    case 'number':
      return parseNumber(firstString(raw), field.validation?.integer !== false);
    case 'money':
      return parseMoney(firstString(raw));
    case 'date':
      return parseDate(firstString(raw));
    case 'select':
    case 'radio':
      return firstString(raw).trim();
    case 'checkbox': {
      const v = firstString(raw).trim().toLowerCase();
      return v === 'yes' || v === 'true' || v === 'on' || v === '1';
    }
    case 'checkboxes':
      return stringList(raw);
    case 'personalId':
      return firstString(raw).replace(/[\s.-]/g, '');
    case 'phone':
      return normalisePhone(firstString(raw));
    case 'email':
      return firstString(raw).trim();
    case 'address': {
      const value: AddressValue = {
        province: firstString(body[`${name}.province`]).trim(),
        commune: firstString(body[`${name}.commune`]).trim(),
        line: firstString(body[`${name}.line`]).trim().replace(/\s+/g, ' '),
      };
      return value;
    }
    case 'file': {
      const kept: FileValue[] = isFileList(current) ? current : [];
      const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
      const added: FileValue[] = list
        .filter(isUpload)
        // An empty file input still posts a part with no name and no bytes.
        .filter((f) => f.size > 0 && f.name !== '')
        .map((f) => ({ ref: f.ref, name: f.name.normalize('NFC').slice(0, 255), mimeType: f.mimeType, size: f.size, source: 'upload' as const }));
      if (added.length === 0) return kept;
      // One-file fields take the new upload in place of the old one; several-file fields add to the list.
      return (field.maxFiles ?? 1) === 1 ? added.slice(-1) : [...kept, ...added];
    }
  }
}

function itemCount(group: GroupField, body: SubmissionBody): number {
  const declared = Number.parseInt(firstString(body[`${group.id}.count`]), 10);
  let count = Number.isFinite(declared) && declared >= 0 ? declared : 0;
  const prefix = `${group.id}[`;
  for (const key of Object.keys(body)) {
    if (!key.startsWith(prefix)) continue;
    const index = Number.parseInt(key.slice(prefix.length), 10);
    if (Number.isFinite(index)) count = Math.max(count, index + 1);
  }
  // The page never shows more than maxItems items; more in a request is not from our page.
  return Math.min(count, group.maxItems);
}

/**
 * Typed values of the fields of one section, read from the posted body. `current` (the values saved so far)
 * supplies files uploaded earlier: a file field keeps them unless a new upload replaces them.
 */
export function parseSubmission(definition: FormDefinition, sectionId: string, body: SubmissionBody, current: FormValues = {}): FormValues {
  const section = sectionById(definition, sectionId);
  if (!section) throw new DomainError(FormsErrors.sectionNotFound, { params: { section: sectionId } });
  const values: FormValues = {};
  for (const field of section.fields) {
    if (field.type === 'paragraph') continue;
    if (field.type === 'group') {
      const items: GroupItem[] = [];
      const count = itemCount(field, body);
      for (let i = 0; i < count; i++) {
        const item: GroupItem = {};
        for (const child of field.fields) item[child.id] = parseLeaf(child, `${field.id}[${i}].${child.id}`, body, undefined);
        items.push(item);
      }
      values[field.id] = items;
      continue;
    }
    values[field.id] = parseLeaf(field, field.id, body, current[field.id]);
  }
  return values;
}

// ---------------------------------------------------------------------------
// Page actions (the submit button that was pressed)
// ---------------------------------------------------------------------------

/**
 * Which button sent the page. Besides "Continue", a page without JavaScript has buttons that change the page
 * itself: show the communes of the chosen province, add or remove an item of a repeatable group, remove a file.
 */
export type FormAction =
  | { kind: 'continue' }
  | { kind: 'refresh' }
  | { kind: 'add'; group: string }
  | { kind: 'remove'; group: string; index: number }
  | { kind: 'removeFile'; field: string; ref: string };

export function parseAction(body: SubmissionBody): FormAction {
  const action = firstString(body._action).trim();
  if (action === 'refresh') return { kind: 'refresh' };
  let m = /^add:([a-z][A-Za-z0-9]*)$/.exec(action);
  if (m) return { kind: 'add', group: m[1]! };
  m = /^remove:([a-z][A-Za-z0-9]*):(\d{1,3})$/.exec(action);
  if (m) return { kind: 'remove', group: m[1]!, index: Number(m[2]) };
  m = /^removeFile:([a-z][A-Za-z0-9]*):([A-Za-z0-9_.:-]{1,100})$/.exec(action);
  if (m) return { kind: 'removeFile', field: m[1]!, ref: m[2]! };
  return { kind: 'continue' };
}

/**
 * Applies a page-changing action to the values (add an empty item, remove one, drop a file). Continue and
 * refresh change nothing. Limits of the group are kept: no item beyond maxItems, none removed below minItems.
 */
export function applyAction(definition: FormDefinition, values: FormValues, action: FormAction): FormValues {
  if (action.kind === 'continue' || action.kind === 'refresh') return values;
  if (action.kind === 'removeFile') {
    const current = values[action.field];
    if (!isFileList(current)) return values;
    return { ...values, [action.field]: current.filter((f) => f.ref !== action.ref) };
  }
  const group = definition.sections.flatMap((s) => s.fields).find((f): f is GroupField => f.type === 'group' && f.id === action.group);
  if (!group) return values;
  const current = values[group.id];
  const items = isGroupItems(current) ? [...current] : [];
  while (items.length < group.minItems) items.push({});
  if (action.kind === 'add') {
    if (items.length < group.maxItems) items.push({});
  } else if (action.index < items.length && items.length > group.minItems) {
    items.splice(action.index, 1);
  }
  return { ...values, [group.id]: items };
}

/** Items to show for a group: the ones entered, padded with empty ones up to minItems. */
export function itemsForDisplay(group: GroupField, values: FormValues): GroupItem[] {
  const current = values[group.id];
  const items = isGroupItems(current) ? [...current] : [];
  while (items.length < group.minItems) items.push({});
  return items;
}

/** The first bytes say what a file really is; a browser's declared type is not trusted. */
export function sniffFileKind(bytes: Uint8Array): 'pdf' | 'jpeg' | 'png' | null {
  if (bytes.length >= 5 && bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46 && bytes[4] === 0x2d) return 'pdf';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'png';
  return null;
}
