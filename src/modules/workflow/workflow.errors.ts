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
  officerRequired: defineError(
    'TASK_OFFICER_REQUIRED',
    'forbidden',
    'Only an officer of an agency with the desk, handler or leader role has an inbox of tasks.',
    key('TASK_OFFICER_REQUIRED'),
  ),
  // As for dossiers: a task of an agency not involved in the dossier is "not found", never "forbidden".
  taskNotFound: defineError('TASK_NOT_FOUND', 'not_found', 'No task with this number is visible to the officer’s agency.', key('TASK_NOT_FOUND')),
  taskRoleRequired: defineError(
    'TASK_ROLE_REQUIRED',
    'forbidden',
    'The task belongs to another agency or needs another role (desk, handler, leader) than the officer holds.',
    key('TASK_ROLE_REQUIRED'),
  ),
  taskActionNotAllowed: defineError(
    'TASK_ACTION_NOT_ALLOWED',
    'conflict',
    'The task is no longer open, or its step or the dossier’s status does not allow this action (e.g. approving a handling step).',
    key('TASK_ACTION_NOT_ALLOWED'),
  ),
  apologyTooLate: defineError(
    'APOLOGY_TOO_LATE',
    'conflict',
    'The apology letter (form 04) must be issued before the dossier’s due moment; it has passed.',
    key('APOLOGY_TOO_LATE'),
  ),
  assignNotAllowed: defineError(
    'TASK_ASSIGN_NOT_ALLOWED',
    'forbidden',
    'Only a leader or the agency administrator assigns tasks to others; an officer may take an unassigned task of their role.',
    key('TASK_ASSIGN_NOT_ALLOWED'),
  ),
};
