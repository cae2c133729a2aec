import { defineError } from '../../platform/errors/errors.js';

/**
 * Domain errors of the forms module. Codes are stable and shown to the user; messages live in this module's
 * catalogue under `forms.error.<CODE>`.
 */
export const FormsErrors = {
  definitionInvalid: defineError(
    'FORM_DEFINITION_INVALID',
    'internal',
    'A stored or seeded e-form definition does not pass the form schema; the details name each problem.',
    'forms.error.FORM_DEFINITION_INVALID',
  ),
  procedureUnknown: defineError(
    'FORM_PROCEDURE_UNKNOWN',
    'not_found',
    'No e-form exists for this procedure code: it has no stored form and is not in the catalogue.',
    'forms.error.FORM_PROCEDURE_UNKNOWN',
  ),
  sectionNotFound: defineError(
    'FORM_SECTION_NOT_FOUND',
    'not_found',
    'The e-form has no page with this id (an old link, or a page hidden by earlier answers).',
    'forms.error.FORM_SECTION_NOT_FOUND',
  ),
};
