import { defineError } from '../../platform/errors/errors.js';

/** Errors of drafts, submission and the citizen's dossier pages. */
export const SubmissionErrors = {
  draftNotFound: defineError('DRAFT_NOT_FOUND', 'not_found', 'No draft with this id belongs to the signed-in user (it may have expired).'),
  draftExpired: defineError('DRAFT_EXPIRED', 'conflict', 'The draft passed its expiry date and can no longer be submitted; start again.'),
  notOfferedOnline: defineError('PROCEDURE_NOT_ONLINE', 'conflict', 'This procedure is not offered online; apply in person or by post.'),
  noReceivingAgency: defineError('PROCEDURE_NO_RECEIVING_AGENCY', 'conflict', 'No agency on this portal receives this procedure.'),
  agencyNotReceiving: defineError('AGENCY_NOT_RECEIVING', 'invalid', 'The chosen agency does not receive this procedure.'),
  formIncomplete: defineError('DOSSIER_FORM_INCOMPLETE', 'invalid', 'Some answers are missing or invalid; each field says why.'),
  dossierNotFound: defineError('DOSSIER_NOT_FOUND', 'not_found', 'No dossier with this code belongs to the signed-in user.'),
  cannotWithdraw: defineError('DOSSIER_CANNOT_WITHDRAW', 'conflict', 'A dossier can be withdrawn only before its result is ready.'),
  noOpenSupplement: defineError('DOSSIER_NO_SUPPLEMENT_REQUESTED', 'conflict', 'This dossier has no open request for supplementary documents.'),
  uploadNotFound: defineError('UPLOAD_NOT_FOUND', 'not_found', 'The uploaded file is not part of this draft.'),
};
