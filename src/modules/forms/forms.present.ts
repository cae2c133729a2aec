import type { FieldProblem } from '../../platform/errors/errors.js';
import { formatNumber, translator, type Locale, type Translate } from '../../platform/i18n/i18n.js';
import {
  formatAddress,
  isAddress,
  isFieldShown,
  isFileList,
  isGroupItems,
  localText,
  noLookups,
  resolvePath,
  visibleSections,
  type FormLookups,
  type FormValues,
  type LeafValue,
} from './forms.model.js';
import type { FileField, FormDefinition, LeafField, LocalText } from './forms.schema.js';

/** Turning values and problems into text for people: answer summaries and error messages. */

/** "2026-03-05" → "05/03/2026" (the order used in Viet Nam, and in British English). */
export function formatDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/** "Họ và tên" → "họ và tên" for use inside a sentence; abbreviations ("CCCD") are left alone. */
export function lowerFirst(text: string): string {
  const [first, second] = [...text];
  if (first && second && second === second.toLowerCase() && second !== second.toUpperCase()) return first.toLowerCase() + text.slice(first.length);
  if (first && second === ' ') return first.toLowerCase() + text.slice(first.length);
  return text;
}

function upperFirst(text: string): string {
  const [first] = [...text];
  return first ? first.toUpperCase() + text.slice(first.length) : text;
}

/** How a field is named inside a sentence: its errorLabel, else its label (with the item, inside a group). */
export function problemLabel(definition: FormDefinition, path: string, locale: Locale): string {
  const resolved = resolvePath(definition, path);
  if (!resolved) return path;
  const { field, child, index } = resolved;
  if (field.type === 'paragraph') return path;
  const name = (f: { label: LocalText; errorLabel?: LocalText | undefined }) => (f.errorLabel ? localText(f.errorLabel, locale) : lowerFirst(localText(f.label, locale)));
  if (child && field.type === 'group' && index !== undefined) {
    return `${name(child)} (${localText(field.itemLabel, locale).replace('{n}', String(index + 1))})`;
  }
  return name(field);
}

/** The message for one problem, in the page's language, with {label} (mid-sentence) and {Label} (leading) filled in. */
export function problemMessage(definition: FormDefinition, problem: FieldProblem, t: Translate, locale: Locale): string {
  const label = problemLabel(definition, problem.field, locale);
  return t(problem.messageKey, { ...problem.params, label, Label: upperFirst(label) });
}

/** Problems as the layout's ErrorSummary takes them (`field` is the input id the link jumps to). */
export function errorSummaryItems(definition: FormDefinition, problems: FieldProblem[], t: Translate, locale: Locale): { field: string; message: string }[] {
  const seen = new Set<string>();
  const items: { field: string; message: string }[] = [];
  for (const p of problems) {
    // One message per input: the first problem is the one to fix first.
    if (seen.has(p.field)) continue;
    seen.add(p.field);
    items.push({ field: p.field, message: problemMessage(definition, p, t, locale) });
  }
  return items;
}

// ---------------------------------------------------------------------------
// Check your answers
// ---------------------------------------------------------------------------

export interface AnswerRow {
  /** The page to go back to for a change. */
  sectionId: string;
  /** The input to focus there (id on the page). */
  fieldId: string;
  label: string;
  /** Display text; several lines are separated by "\n" (render with white-space: pre-line). */
  value: string;
}

function displayValue(field: LeafField | FileField, value: LeafValue | undefined, locale: Locale, lookups: FormLookups, t: Translate): string {
  const none = t('forms.answer.notProvided');
  if (field.type === 'checkbox') return value === true ? t('forms.answer.yes') : t('forms.answer.no');
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return none;
  switch (field.type) {
    case 'number':
      if (typeof value !== 'number') return String(value);
      return field.unit ? `${formatNumber(locale, value)} ${localText(field.unit, locale)}` : formatNumber(locale, value);
    case 'money':
      return typeof value === 'number' ? t('forms.money.amount', { amount: value }) : String(value);
    case 'date':
      return formatDate(String(value));
    case 'select':
    case 'radio': {
      const option = field.options.find((o) => o.value === value);
      return option ? localText(option.label, locale) : String(value);
    }
    case 'checkboxes': {
      const chosen = Array.isArray(value) ? value.map(String) : [];
      return chosen.map((c) => {
        const option = field.options.find((o) => o.value === c);
        return option ? localText(option.label, locale) : c;
      }).join('\n');
    }
    case 'address':
      return isAddress(value) ? formatAddress(value, lookups, locale) || none : none;
    case 'file':
      return isFileList(value) ? value.map((f) => f.name).join('\n') : none;
    default:
      return String(value);
  }
}

/**
 * Rows for "check your answers": every shown field of every shown page, in order, with its display value.
 * A repeatable group gives one row per item (its fields as lines). Paragraphs give none.
 */
export function summarise(definition: FormDefinition, values: FormValues, locale: Locale, lookups: FormLookups = noLookups): AnswerRow[] {
  const t = translator(locale);
  const rows: AnswerRow[] = [];
  for (const section of visibleSections(definition, values)) {
    for (const field of section.fields) {
      if (field.type === 'paragraph') continue;
      if (!isFieldShown(field, { definition, values })) continue;
      if (field.type === 'group') {
        const items = isGroupItems(values[field.id]) ? (values[field.id] as Record<string, LeafValue>[]) : [];
        if (items.length === 0) {
          rows.push({ sectionId: section.id, fieldId: field.id, label: localText(field.label, locale), value: t('forms.answer.none') });
          continue;
        }
        items.forEach((item, index) => {
          const lines: string[] = [];
          for (const child of field.fields) {
            if (!isFieldShown(child, { definition, values, group: field, item })) continue;
            lines.push(`${localText(child.label, locale)}: ${displayValue(child, item[child.id], locale, lookups, t).replace(/\n/g, '; ')}`);
          }
          rows.push({
            sectionId: section.id,
            fieldId: `${field.id}[${index}].${field.fields[0]!.id}`,
            label: localText(field.itemLabel, locale).replace('{n}', String(index + 1)),
            value: lines.join('\n'),
          });
        });
        continue;
      }
      rows.push({
        sectionId: section.id,
        fieldId: field.type === 'address' ? `${field.id}.province` : field.id,
        label: localText(field.label, locale),
        value: displayValue(field, values[field.id] as LeafValue | undefined, locale, lookups, t),
      });
    }
  }
  return rows;
}

/** Who the applicant is, read from the fields the definition names (the dossier keeps this snapshot). */
export function applicantOf(
  definition: FormDefinition,
  values: FormValues,
  lookups: FormLookups = noLookups,
): { fullName: string; personalId: string | null; phone: string | null; email: string | null; address: string | null } {
  const m = definition.applicant;
  const text = (id: string | undefined) => {
    const v = id ? values[id] : undefined;
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
  };
  const address = m.address ? values[m.address] : undefined;
  return {
    fullName: text(m.fullName) ?? '',
    personalId: text(m.personalId),
    phone: text(m.phone),
    email: text(m.email),
    address: isAddress(address) ? formatAddress(address, lookups, 'vi') || null : null,
  };
}
