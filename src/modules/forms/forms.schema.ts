import { z } from 'zod';

/**
 * The declarative e-form format. A definition is data (stored as JSON in `form_definition`), validated by the
 * schema below when it is seeded and when it is read back. Labels are carried in both languages because a
 * definition is content, like the catalogue, not code.
 *
 * Ids are camelCase (`childFullName`) so that flat submission names (`members[0].fullName`, `home.province`)
 * can be split without ambiguity; an input's HTML id equals its submission name, and field errors name the same
 * path, so an error summary links straight to the input.
 */

// ---------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------

export const localTextSchema = z.strictObject({
  vi: z.string().min(1),
  en: z.string().min(1),
});
export type LocalText = z.infer<typeof localTextSchema>;

const ID = /^[a-z][A-Za-z0-9]{0,47}$/;
// Ids an input must not take because the page layout already uses them.
const RESERVED_IDS = new Set(['main', 'q']);
export const fieldIdSchema = z
  .string()
  .regex(ID, 'ids are camelCase letters and digits, starting with a lower-case letter')
  .refine((id) => !RESERVED_IDS.has(id), 'this id is used by the page layout');

const optionValueSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,60}$/);

export const optionSchema = z.strictObject({
  value: optionValueSchema,
  label: localTextSchema,
  hint: localTextSchema.optional(),
});
export type FieldOption = z.infer<typeof optionSchema>;

/** A condition on the values of other fields; inside a repeatable group, a sibling of the same item comes first. */
export type Condition =
  | { field: string; equals: string | number | boolean }
  | { field: string; notEquals: string | number | boolean }
  | { field: string; in: string[] }
  | { field: string; isTrue: boolean }
  | { all: Condition[] }
  | { any: Condition[] };

const scalarSchema = z.union([z.string(), z.number(), z.boolean()]);
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ field: fieldIdSchema, equals: scalarSchema }),
    z.strictObject({ field: fieldIdSchema, notEquals: scalarSchema }),
    z.strictObject({ field: fieldIdSchema, in: z.array(z.string()).min(1) }),
    z.strictObject({ field: fieldIdSchema, isTrue: z.boolean() }),
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
  ]),
);

/**
 * Where a prefilled value comes from:
 * - `profile.<key>`: the signed-in person's profile (from the national identity provider and population registry);
 *   `profile.address` fills an address field; `profile.organisation.<key>` reads the first organisation;
 * - `previous.<fieldId>`: the same field of the applicant's previous dossier of this procedure;
 * - `vault.<documentType>`: a document from the applicant's vault (Decree 45/2020/NĐ-CP), for file fields.
 */
export const profileKeys = ['fullName', 'personalId', 'birthDate', 'sex', 'phone', 'email', 'address'] as const;
export const organisationKeys = ['taxCode', 'name', 'address'] as const;
const PREFILL_PATH = new RegExp(
  `^(?:profile\\.(?:${profileKeys.join('|')})|profile\\.organisation\\.(?:${organisationKeys.join('|')})|previous\\.[a-z][A-Za-z0-9]*|vault\\.[A-Za-z0-9_.-]+)$`,
);
export const prefillPathSchema = z.string().regex(PREFILL_PATH, 'unknown prefill source');

const messageKeySchema = z.string().regex(/^forms\.[A-Za-z0-9_.]+$/, 'message keys of forms live under "forms."');

// ---------------------------------------------------------------------------
// Fields
// ---------------------------------------------------------------------------

const base = {
  id: fieldIdSchema,
  label: localTextSchema,
  hint: localTextSchema.optional(),
  /** How error messages name the field when the label is a question ("Trẻ được sinh ở đâu?" → "nơi sinh của trẻ"). */
  errorLabel: localTextSchema.optional(),
  required: z.boolean().optional(),
  showIf: conditionSchema.optional(),
  /** Source of a value filled in before the applicant starts (see prefillPathSchema). */
  prefill: prefillPathSchema.optional(),
  /** Prefill only while this holds (e.g. the mother's details come from the profile when the applicant is the mother). */
  prefillWhen: conditionSchema.optional(),
  /** The law does not allow the applicant to correct the prefilled value (population registry data). */
  prefillLocked: z.boolean().optional(),
};

const autocompleteSchema = z.string().regex(/^[a-z0-9 -]{1,60}$/).optional();
const widthSchema = z.enum(['short', 'medium', 'full']).optional();

const patternSchema = z.strictObject({
  /** A JavaScript regular expression (flag `u`) the whole trimmed value must match. */
  regex: z.string().refine((r) => {
    try {
      new RegExp(r, 'u');
      return true;
    } catch {
      return false;
    }
  }, 'not a valid regular expression'),
  messageKey: messageKeySchema,
});

const lengthValidation = {
  minLength: z.number().int().min(0).optional(),
  maxLength: z.number().int().min(1).optional(),
  pattern: patternSchema.optional(),
};

export const textFieldSchema = z.strictObject({
  ...base,
  type: z.literal('text'),
  autocomplete: autocompleteSchema,
  width: widthSchema,
  /** Value used when nothing else fills the field (e.g. nationality "Việt Nam"). */
  defaultValue: z.string().optional(),
  validation: z.strictObject(lengthValidation).optional(),
});

export const textareaFieldSchema = z.strictObject({
  ...base,
  type: z.literal('textarea'),
  rows: z.number().int().min(2).max(20).optional(),
  validation: z.strictObject(lengthValidation).optional(),
});

export const numberFieldSchema = z.strictObject({
  ...base,
  type: z.literal('number'),
  /** Unit shown after the input ("m²", "tầng", "người"). */
  unit: localTextSchema.optional(),
  width: widthSchema,
  validation: z
    .strictObject({
      min: z.number().optional(),
      max: z.number().optional(),
      /** Whole numbers only (the default); false allows up to 2 decimals (areas, heights). */
      integer: z.boolean().optional(),
    })
    .optional(),
});

export const moneyFieldSchema = z.strictObject({
  ...base,
  type: z.literal('money'),
  validation: z.strictObject({ min: z.number().int().min(0).optional(), max: z.number().int().optional() }).optional(),
});

export const dateFieldSchema = z.strictObject({
  ...base,
  type: z.literal('date'),
  autocomplete: autocompleteSchema,
  validation: z
    .strictObject({
      notInFuture: z.boolean().optional(),
      notInPast: z.boolean().optional(),
      /** The person born on this date must be at least this old today (e.g. marriage age). */
      minAgeYears: z.number().int().min(0).max(150).optional(),
      maxAgeYears: z.number().int().min(0).max(150).optional(),
    })
    .optional(),
});

export const selectFieldSchema = z.strictObject({
  ...base,
  type: z.literal('select'),
  options: z.array(optionSchema).min(1),
  defaultValue: z.string().optional(),
  width: widthSchema,
});

export const radioFieldSchema = z.strictObject({
  ...base,
  type: z.literal('radio'),
  options: z.array(optionSchema).min(2),
  defaultValue: z.string().optional(),
  /** Options side by side (two short options such as Yes / No). */
  inline: z.boolean().optional(),
});

/** A single yes/no box (declarations, "I am the mother"); the value is a boolean. */
export const checkboxFieldSchema = z.strictObject({
  ...base,
  type: z.literal('checkbox'),
});

/** Several boxes, any number ticked; the value is the list of ticked option values. */
export const checkboxesFieldSchema = z.strictObject({
  ...base,
  type: z.literal('checkboxes'),
  options: z.array(optionSchema).min(1),
  validation: z.strictObject({ minSelected: z.number().int().min(0).optional(), maxSelected: z.number().int().min(1).optional() }).optional(),
});

export const personalIdFieldSchema = z.strictObject({
  ...base,
  type: z.literal('personalId'),
  validation: z
    .strictObject({
      /** Date field holding the person's birth date: the id's century/sex digit and year must agree with it. */
      birthDateField: fieldIdSchema.optional(),
      /** Radio/select field holding the person's sex ('male' | 'female'). */
      sexField: fieldIdSchema.optional(),
      /** The person's sex when the form fixes it (the wife, the mother). */
      sex: z.enum(['male', 'female']).optional(),
    })
    .optional(),
});

export const phoneFieldSchema = z.strictObject({ ...base, type: z.literal('phone') });
export const emailFieldSchema = z.strictObject({ ...base, type: z.literal('email') });

/** Province + commune (two levels since 1 July 2025) + house number and street. */
export const addressFieldSchema = z.strictObject({
  ...base,
  type: z.literal('address'),
  /** The street line may stay empty (rural addresses often stop at the commune). Default: required with the field. */
  lineOptional: z.boolean().optional(),
});

export const fileKinds = ['pdf', 'jpeg', 'png'] as const;
export type FileKind = (typeof fileKinds)[number];

export const fileFieldSchema = z.strictObject({
  ...base,
  type: z.literal('file'),
  accept: z.array(z.enum(fileKinds)).min(1),
  maxSizeMb: z.number().positive().max(50),
  /** How many files the field takes (drawings come as several sheets). Default 1. */
  maxFiles: z.number().int().min(1).max(20).optional(),
  /** An electronic copy from the applicant's vault may be used instead of an upload (Decree 45/2020/NĐ-CP). */
  vaultReusable: z.boolean(),
  /** The catalogue's required document this file answers (its name, or the beginning of it). */
  requirementName: z.string().min(3),
});

export const paragraphSchema = z.strictObject({
  id: fieldIdSchema,
  type: z.literal('paragraph'),
  text: localTextSchema,
  /** note: inset text; warning: bold text with a marker. */
  style: z.enum(['plain', 'note', 'warning']).optional(),
  showIf: conditionSchema.optional(),
});

/** Fields that may sit inside a repeatable group (no files, no nested groups). */
const groupChildSchema = z.discriminatedUnion('type', [
  textFieldSchema,
  textareaFieldSchema,
  numberFieldSchema,
  moneyFieldSchema,
  dateFieldSchema,
  selectFieldSchema,
  radioFieldSchema,
  checkboxFieldSchema,
  checkboxesFieldSchema,
  personalIdFieldSchema,
  phoneFieldSchema,
  emailFieldSchema,
  addressFieldSchema,
]);

export const groupFieldSchema = z.strictObject({
  id: fieldIdSchema,
  type: z.literal('group'),
  label: localTextSchema,
  hint: localTextSchema.optional(),
  errorLabel: localTextSchema.optional(),
  /** Heading of one item; "{n}" is replaced by its position (e.g. "Thành viên {n}"). */
  itemLabel: localTextSchema,
  minItems: z.number().int().min(0).max(50),
  maxItems: z.number().int().min(1).max(50),
  showIf: conditionSchema.optional(),
  prefill: prefillPathSchema.optional(),
  prefillWhen: conditionSchema.optional(),
  fields: z.array(groupChildSchema).min(1),
});

export const fieldSchema = z.discriminatedUnion('type', [
  textFieldSchema,
  textareaFieldSchema,
  numberFieldSchema,
  moneyFieldSchema,
  dateFieldSchema,
  selectFieldSchema,
  radioFieldSchema,
  checkboxFieldSchema,
  checkboxesFieldSchema,
  personalIdFieldSchema,
  phoneFieldSchema,
  emailFieldSchema,
  addressFieldSchema,
  fileFieldSchema,
  paragraphSchema,
  groupFieldSchema,
]);

export type TextField = z.infer<typeof textFieldSchema>;
export type TextareaField = z.infer<typeof textareaFieldSchema>;
export type NumberField = z.infer<typeof numberFieldSchema>;
export type MoneyField = z.infer<typeof moneyFieldSchema>;
export type DateField = z.infer<typeof dateFieldSchema>;
export type SelectField = z.infer<typeof selectFieldSchema>;
export type RadioField = z.infer<typeof radioFieldSchema>;
export type CheckboxField = z.infer<typeof checkboxFieldSchema>;
export type CheckboxesField = z.infer<typeof checkboxesFieldSchema>;
export type PersonalIdField = z.infer<typeof personalIdFieldSchema>;
export type PhoneField = z.infer<typeof phoneFieldSchema>;
export type EmailField = z.infer<typeof emailFieldSchema>;
export type AddressField = z.infer<typeof addressFieldSchema>;
export type FileField = z.infer<typeof fileFieldSchema>;
export type Paragraph = z.infer<typeof paragraphSchema>;
export type GroupField = z.infer<typeof groupFieldSchema>;
/** A field that can sit in a group. */
export type LeafField = z.infer<typeof groupChildSchema>;
/** Anything a section holds. */
export type Field = z.infer<typeof fieldSchema>;
/** Fields that hold a value (everything but paragraphs). */
export type InputField = Exclude<Field, Paragraph>;
export type FieldType = Field['type'];

// ---------------------------------------------------------------------------
// Sections and the definition
// ---------------------------------------------------------------------------

export const sectionSchema = z.strictObject({
  id: fieldIdSchema,
  title: localTextSchema,
  intro: localTextSchema.optional(),
  showIf: conditionSchema.optional(),
  fields: z.array(fieldSchema).min(1),
});
export type Section = z.infer<typeof sectionSchema>;

/** Which fields say who the applicant is (kept with the dossier as its applicant snapshot). */
export const applicantMappingSchema = z.strictObject({
  fullName: fieldIdSchema,
  personalId: fieldIdSchema.optional(),
  phone: fieldIdSchema.optional(),
  email: fieldIdSchema.optional(),
  address: fieldIdSchema.optional(),
});
export type ApplicantMapping = z.infer<typeof applicantMappingSchema>;

export const formDefinitionSchema = z
  .strictObject({
    /** National procedure code, e.g. 1.001193. */
    procedureCode: z.string().regex(/^\d\.\d{6}$/),
    /** Version of this form for the procedure; a changed form is a new version, never an edit of a used one. */
    version: z.number().int().min(1),
    title: localTextSchema,
    /** The official template the e-form reproduces ("Mẫu … ban hành kèm theo Thông tư …"). */
    legalBasis: localTextSchema,
    /** True when built from the catalogue's required documents rather than written for the procedure. */
    generic: z.boolean().optional(),
    applicant: applicantMappingSchema,
    sections: z.array(sectionSchema).min(1),
  })
  .superRefine((definition, ctx) => {
    for (const problem of semanticProblems(definition)) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
  });

export type FormDefinition = z.infer<typeof formDefinitionSchema>;

// ---------------------------------------------------------------------------
// Checks the shapes alone cannot express
// ---------------------------------------------------------------------------

interface SemanticProblem {
  path: (string | number)[];
  message: string;
}

const CHOICE_TYPES = new Set(['select', 'radio', 'checkboxes']);

function conditionFields(condition: Condition): { field: string; values: (string | number | boolean)[]; kind: string }[] {
  if ('all' in condition) return condition.all.flatMap(conditionFields);
  if ('any' in condition) return condition.any.flatMap(conditionFields);
  if ('equals' in condition) return [{ field: condition.field, values: [condition.equals], kind: 'equals' }];
  if ('notEquals' in condition) return [{ field: condition.field, values: [condition.notEquals], kind: 'notEquals' }];
  if ('in' in condition) return [{ field: condition.field, values: condition.in, kind: 'in' }];
  return [{ field: condition.field, values: [], kind: 'isTrue' }];
}

type AnyField = { id: string; type: string; options?: FieldOption[] };

function semanticProblems(definition: {
  sections: { id: string; showIf?: Condition | undefined; fields: Field[] }[];
  applicant: ApplicantMapping;
}): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  const topLevel = new Map<string, AnyField>();
  const sectionIds = new Set<string>();
  const allIds = new Set<string>();

  definition.sections.forEach((section, s) => {
    if (sectionIds.has(section.id)) problems.push({ path: ['sections', s, 'id'], message: `section id ${section.id} is used twice` });
    sectionIds.add(section.id);
    section.fields.forEach((field, f) => {
      if (allIds.has(field.id)) problems.push({ path: ['sections', s, 'fields', f, 'id'], message: `field id ${field.id} is used twice` });
      allIds.add(field.id);
      topLevel.set(field.id, field);
      if (field.type === 'group') {
        field.fields.forEach((child, c) => {
          if (allIds.has(child.id)) {
            problems.push({ path: ['sections', s, 'fields', f, 'fields', c, 'id'], message: `field id ${child.id} is used twice` });
          }
          allIds.add(child.id);
        });
      }
    });
  });

  const checkCondition = (condition: Condition, path: (string | number)[], siblings: Map<string, AnyField> | null) => {
    for (const ref of conditionFields(condition)) {
      const target = siblings?.get(ref.field) ?? topLevel.get(ref.field);
      if (!target) {
        problems.push({ path, message: `condition refers to unknown field ${ref.field}` });
        continue;
      }
      if (target.type === 'paragraph' || target.type === 'group' || target.type === 'file') {
        problems.push({ path, message: `condition refers to ${ref.field}, a ${target.type}, which has no comparable value` });
        continue;
      }
      if (CHOICE_TYPES.has(target.type) && ref.kind !== 'isTrue') {
        const known = new Set((target.options ?? []).map((o) => o.value));
        for (const value of ref.values) {
          if (!known.has(String(value))) problems.push({ path, message: `condition compares ${ref.field} with ${String(value)}, which is not one of its options` });
        }
      }
    }
  };

  const checkInput = (field: InputField | LeafField, path: (string | number)[], siblings: Map<string, AnyField> | null) => {
    if (field.showIf) checkCondition(field.showIf, [...path, 'showIf'], siblings);
    if ('prefillWhen' in field && field.prefillWhen) checkCondition(field.prefillWhen, [...path, 'prefillWhen'], siblings);
    if ('prefillLocked' in field && field.prefillLocked && !field.prefill) {
      problems.push({ path: [...path, 'prefillLocked'], message: 'prefillLocked needs a prefill source' });
    }
    if ('prefill' in field && field.prefill) {
      const p = field.prefill;
      if (p === 'profile.address' && field.type !== 'address') problems.push({ path: [...path, 'prefill'], message: 'profile.address fills address fields only' });
      if (field.type === 'address' && p.startsWith('profile.') && p !== 'profile.address') {
        problems.push({ path: [...path, 'prefill'], message: 'an address field is filled from profile.address' });
      }
      if (p.startsWith('vault.') !== (field.type === 'file')) problems.push({ path: [...path, 'prefill'], message: 'vault sources fill file fields, and file fields only from the vault' });
    }
    if (field.type === 'personalId' && field.validation) {
      const v = field.validation;
      for (const [key, expected] of [
        ['birthDateField', 'date'],
        ['sexField', null],
      ] as const) {
        const ref = v[key];
        if (!ref) continue;
        const target = siblings?.get(ref) ?? topLevel.get(ref);
        if (!target) problems.push({ path: [...path, 'validation', key], message: `${key} refers to unknown field ${ref}` });
        else if (expected && target.type !== expected) problems.push({ path: [...path, 'validation', key], message: `${key} must name a ${expected} field` });
        else if (!expected && target.type !== 'radio' && target.type !== 'select') {
          problems.push({ path: [...path, 'validation', key], message: `${key} must name a radio or select field` });
        }
      }
    }
    const range = (min: number | undefined, max: number | undefined, what: string) => {
      if (min !== undefined && max !== undefined && min > max) problems.push({ path: [...path, 'validation'], message: `${what}: min is above max` });
    };
    if (field.type === 'text' || field.type === 'textarea') range(field.validation?.minLength, field.validation?.maxLength, 'length');
    if (field.type === 'number' || field.type === 'money') range(field.validation?.min, field.validation?.max, 'value');
    if (field.type === 'date') range(field.validation?.minAgeYears, field.validation?.maxAgeYears, 'age');
    if (field.type === 'checkboxes') range(field.validation?.minSelected, field.validation?.maxSelected, 'selection');
    if ((field.type === 'select' || field.type === 'radio') && field.defaultValue !== undefined) {
      if (!field.options.some((o) => o.value === field.defaultValue)) problems.push({ path: [...path, 'defaultValue'], message: 'defaultValue is not one of the options' });
    }
    if ('options' in field) {
      const values = field.options.map((o) => o.value);
      if (new Set(values).size !== values.length) problems.push({ path: [...path, 'options'], message: 'option values repeat' });
    }
  };

  definition.sections.forEach((section, s) => {
    if (section.showIf) checkCondition(section.showIf, ['sections', s, 'showIf'], null);
    section.fields.forEach((field, f) => {
      const path = ['sections', s, 'fields', f];
      if (field.type === 'paragraph') {
        if (field.showIf) checkCondition(field.showIf, [...path, 'showIf'], null);
        return;
      }
      if (field.type === 'group') {
        if (field.minItems > field.maxItems) problems.push({ path, message: 'minItems is above maxItems' });
        if (field.showIf) checkCondition(field.showIf, [...path, 'showIf'], null);
        const siblings = new Map<string, AnyField>(field.fields.map((c) => [c.id, c]));
        field.fields.forEach((child, c) => checkInput(child, [...path, 'fields', c], siblings));
        return;
      }
      checkInput(field, path, null);
    });
  });

  // Conditions must not go round in a circle (A shown if B, B shown if A): the engine would count both as hidden.
  const dependsOn = new Map<string, string[]>();
  for (const section of definition.sections) {
    for (const field of section.fields) {
      const refs = field.showIf ? conditionFields(field.showIf).map((r) => r.field) : [];
      if (section.showIf) refs.push(...conditionFields(section.showIf).map((r) => r.field));
      dependsOn.set(field.id, refs);
      if (field.type === 'group') {
        for (const child of field.fields) {
          const own = child.showIf ? conditionFields(child.showIf).map((r) => r.field) : [];
          dependsOn.set(child.id, [...own, field.id]);
        }
      }
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string, trail: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      problems.push({ path: ['sections'], message: `conditions form a cycle: ${[...trail.slice(trail.indexOf(id)), id].join(' → ')}` });
      return;
    }
    state.set(id, 'visiting');
    for (const next of dependsOn.get(id) ?? []) visit(next, [...trail, id]);
    state.set(id, 'done');
  };
  for (const id of dependsOn.keys()) visit(id, []);

  for (const [key, id] of Object.entries(definition.applicant)) {
    if (id === undefined) continue;
    const target = topLevel.get(id);
    if (!target) problems.push({ path: ['applicant', key], message: `applicant.${key} refers to unknown field ${id}` });
    else if (key === 'address' && target.type !== 'address') problems.push({ path: ['applicant', key], message: 'applicant.address must name an address field' });
  }
  return problems;
}
