import { defineError } from '../../platform/errors/errors.js';

/**
 * Errors of the back office (one-stop desk first). Messages live in `messages/<locale>.json` under
 * `workflow.error.<CODE>`; the code is shown to the officer so that the help desk can quote it.
 */
const key = (code: string) => `workflow.error.${code}`;

export const WorkflowErrors = {
  deskRoleRequired: defineError(
    'DESK_ROLE_REQUIRED',
    'forbidden',
    'Only an officer with the one-stop desk role (`desk`) of an agency may use the reception desk.',
    key('DESK_ROLE_REQUIRED'),
  ),
  // One error for "no such code" and "another agency's dossier": an officer must not learn which codes exist elsewhere.
  dossierNotFound: defineError(
    'DESK_DOSSIER_NOT_FOUND',
    'not_found',
    'No dossier with this code is received or held by the officer’s agency.',
    key('DESK_DOSSIER_NOT_FOUND'),
  ),
  dossierChanged: defineError(
    'DOSSIER_CHANGED',
    'conflict',
    'Someone else changed the dossier after the page was loaded (its row version moved on); reload it and act again.',
    key('DOSSIER_CHANGED'),
  ),
  actionNotAllowed: defineError(
    'DESK_ACTION_NOT_ALLOWED',
    'conflict',
    'The dossier’s current status does not allow this desk action (e.g. receiving a dossier already received).',
    key('DESK_ACTION_NOT_ALLOWED'),
  ),
  documentNotFound: defineError(
    'DESK_DOCUMENT_NOT_FOUND',
    'not_found',
    'The document is not part of this dossier.',
    key('DESK_DOCUMENT_NOT_FOUND'),
  ),
};
