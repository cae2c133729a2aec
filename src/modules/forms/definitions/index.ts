import type { FormDefinition } from '../forms.schema.js';
import { birthRegistration } from './birth-registration.js';
import { constructionPermit } from './construction-permit.js';
import { householdBusiness } from './household-business.js';
import { identityCardReplacement } from './identity-card-replacement.js';
import { marriageRegistration } from './marriage-registration.js';
import { residenceConfirmation } from './residence-confirmation.js';

/** The e-forms written for common procedures (seeded by `seedForms`); any other procedure gets a generic form. */
export const officialDefinitions: readonly FormDefinition[] = [
  birthRegistration,
  marriageRegistration,
  residenceConfirmation,
  householdBusiness,
  constructionPermit,
  identityCardReplacement,
];

export { birthRegistration, constructionPermit, householdBusiness, identityCardReplacement, marriageRegistration, residenceConfirmation };
