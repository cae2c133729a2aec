/**
 * The forms module: declarative e-form definitions per procedure, a pure engine (parse, validate, prefill,
 * summarise) and server-rendered pages. Other modules import only from here.
 */
import type { Database } from '../../platform/db/database.js';
import { createUnitsService } from '../admin/index.js';
import type { PreviousAnswers, ProfileReader } from './forms.bundle.js';
import { FormsRepository } from './forms.repository.js';
import { FormsService } from './forms.service.js';

// Definition format (schema and types)
export { formDefinitionSchema, fileKinds, profileKeys, organisationKeys } from './forms.schema.js';
export type {
  AddressField,
  ApplicantMapping,
  CheckboxField,
  CheckboxesField,
  Condition,
  DateField,
  EmailField,
  Field,
  FieldOption,
  FieldType,
  FileField,
  FileKind,
  FormDefinition,
  GroupField,
  InputField,
  LeafField,
  LocalText,
  MoneyField,
  NumberField,
  Paragraph,
  PersonalIdField,
  PhoneField,
  RadioField,
  Section,
  SelectField,
  TextareaField,
  TextField,
} from './forms.schema.js';
export { definitionProblems, parseDefinition, definitionHash, formVersionOf } from './forms.definition.js';
export { FormsErrors } from './forms.errors.js';

// Values and visibility
export {
  evaluate,
  fieldById,
  formatAddress,
  isEmpty,
  isFieldShown,
  isSectionShown,
  localText,
  nextSection,
  noLookups,
  previousSection,
  provincesInValues,
  pruneHidden,
  resolvePath,
  sectionById,
  visibleSections,
} from './forms.model.js';
export type { AddressValue, FieldValue, FileValue, FormLookups, FormValues, GroupItem, LeafValue, UnitOption } from './forms.model.js';

// Engine
export { applyAction, itemsForDisplay, parseAction, parseSubmission, sniffFileKind } from './forms.parse.js';
export type { FormAction, SubmissionBody, UploadedFile } from './forms.parse.js';
export {
  checkPersonalId,
  fileFields,
  requiredUploads,
  todayInVietnam,
  validateAll,
  validateSection,
  validateUpload,
  validationMessageKeys,
} from './forms.validate.js';
export type { ValidationOptions } from './forms.validate.js';
export { applyPrefill, lockedFields } from './forms.prefill.js';
export type { PrefillResult, PrefillSources, ProfileSource } from './forms.prefill.js';
export { applicantOf, errorSummaryItems, formatDate, problemMessage, summarise } from './forms.present.js';
export type { AnswerRow } from './forms.present.js';
export { formBundle } from './forms.bundle.js';
export type { BundleDeps, FormBundle, PreviousAnswers, ProfileReader } from './forms.bundle.js';

// Pages
export { CheckYourAnswers, FormSection } from './forms.views.js';
export type { CheckYourAnswersProps, FormSectionProps } from './forms.views.js';

// Definitions, generic forms, storage
export {
  officialDefinitions,
  birthRegistration,
  constructionPermit,
  householdBusiness,
  identityCardReplacement,
  marriageRegistration,
  residenceConfirmation,
} from './definitions/index.js';
export { genericDefinition, isRequiredUpload } from './forms.generic.js';
export type { CatalogueRequirement, GenericProcedure } from './forms.generic.js';
export { seedForms } from './forms.seed.js';
export type { SeedFormsOutcome } from './forms.seed.js';
export { FormsService } from './forms.service.js';
export { latestFormStamp } from './forms.repository.js';
export type { ProcedureContentSource, UnitsSource } from './forms.service.js';

/** The forms service over a database; `profiles` (accounts module) enables prefill in `bundleFor`. */
export function createFormsService(database: Database, options: { profiles?: ProfileReader; previous?: PreviousAnswers } = {}): FormsService {
  const repository = new FormsRepository(database.db);
  return new FormsService(repository, repository, createUnitsService(database), options.profiles, options.previous);
}
