import { defineError } from '../../platform/errors/errors.js';

/** Errors of the tracking ledger (form 07); messages under `workflow.ledger.error.<CODE>`. */
export const LedgerErrors = {
  officerRequired: defineError(
    'LEDGER_OFFICER_REQUIRED',
    'forbidden',
    'Only an officer of an agency may open that agency’s tracking ledger (form 07).',
    'workflow.ledger.error.LEDGER_OFFICER_REQUIRED',
  ),
};
