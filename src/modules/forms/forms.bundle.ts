import type { FieldProblem } from '../../platform/errors/errors.js';
import { formVersionOf } from './forms.definition.js';
import { noLookups, type FormLookups, type FormValues } from './forms.model.js';
import { applyPrefill, type ProfileSource } from './forms.prefill.js';
import { applicantOf } from './forms.present.js';
import type { FormDefinition } from './forms.schema.js';
import { requiredUploads, validateAll } from './forms.validate.js';

/** Reads a citizen's profile (the accounts module's ProfileService fits). */
export interface ProfileReader {
  get(userId: number): Promise<ProfileSource | null>;
}

/**
 * One procedure's form as dossier submission uses it, for callers that keep uploads apart from the values
 * (file fields are checked by `requiredUploads`, not by `validateAll`).
 */
export interface FormBundle {
  definition: FormDefinition;
  /** "3" for stored form version 3, "generic-5" for a form built from catalogue version 5. */
  version: string;
  /** A new draft's values: defaults and prefill from the profile. */
  initialValues(userId: number): Promise<Record<string, unknown>>;
  /** Every problem with the whole form; hidden fields and file fields ignored. */
  validateAll(values: Record<string, unknown>): FieldProblem[];
  requiredUploads(values: Record<string, unknown>): { fieldId: string; requirementName: string }[];
  /** Who the applicant is, from the fields the definition names. */
  applicant(values: Record<string, unknown>, userId: number): Promise<{ fullName: string; personalId: string | null; phone: string | null; email: string | null; address: string | null }>;
}

/** The applicant's answers in their latest earlier dossier of the same procedure ("once only": not asked again). */
export type PreviousAnswers = (userId: number, procedureCode: string) => Promise<FormValues | null>;

export interface BundleDeps {
  profiles?: ProfileReader;
  previous?: PreviousAnswers;
  /** Provinces and communes for the values (names in the applicant's address). */
  lookups?: (definition: FormDefinition, values: FormValues) => Promise<FormLookups>;
  today?: () => string;
}

export function formBundle(definition: FormDefinition, deps: BundleDeps = {}): FormBundle {
  return {
    definition,
    version: formVersionOf(definition),
    async initialValues(userId) {
      const [profile, previous] = await Promise.all([
        deps.profiles ? deps.profiles.get(userId) : null,
        deps.previous ? deps.previous(userId, definition.procedureCode) : null,
      ]);
      return applyPrefill(definition, { profile, previous }).values;
    },
    validateAll(values) {
      return validateAll(definition, values as FormValues, { skipFiles: true, ...(deps.today ? { today: deps.today() } : {}) }).errors;
    },
    requiredUploads(values) {
      return requiredUploads(definition, values as FormValues).map(({ fieldId, requirementName }) => ({ fieldId, requirementName }));
    },
    async applicant(values, userId) {
      let snapshot = applicantOf(definition, values as FormValues, deps.lookups ? await deps.lookups(definition, values as FormValues) : noLookups);
      if (!snapshot.fullName && deps.profiles) {
        // A form that does not name the applicant (should not happen) still records who submitted it.
        const profile = await deps.profiles.get(userId);
        snapshot = { ...snapshot, fullName: profile?.fullName ?? '' };
      }
      return snapshot;
    },
  };
}
