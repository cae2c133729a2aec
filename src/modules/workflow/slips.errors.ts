import { defineError } from '../../platform/errors/errors.js';

/** Errors of the standard documents 02–06; messages under `workflow.slips.error.<CODE>`. */
export const SlipErrors = {
  // One error for "no such code" and "not yours": nobody learns which codes exist elsewhere.
  dossierNotFound: defineError(
    'SLIP_DOSSIER_NOT_FOUND',
    'not_found',
    'No dossier with this code among those the user may see: officers of the receiving or holding agency or of an agency it went through; the applicant for their own dossier.',
    'workflow.slips.error.SLIP_DOSSIER_NOT_FOUND',
  ),
  notAvailable: defineError(
    'SLIP_NOT_AVAILABLE',
    'not_found',
    'The dossier has no such document (yet): no supplement request (02), refusal (03), apology letter (04) or stop (05); or the form number is unknown, or the applicant asked for the internal control slip (06).',
    'workflow.slips.error.SLIP_NOT_AVAILABLE',
  ),
};
