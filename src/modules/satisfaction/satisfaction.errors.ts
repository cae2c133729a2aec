import { defineError } from '../../platform/errors/errors.js';

export const SatisfactionErrors = {
  dossierNotFound: defineError('SATISFACTION_DOSSIER_NOT_FOUND', 'not_found', 'No dossier of yours has this code.', 'satisfaction.error.SATISFACTION_DOSSIER_NOT_FOUND'),
  notReturned: defineError('SATISFACTION_NOT_RETURNED', 'conflict', 'A dossier can be rated once its result has been returned.', 'satisfaction.error.SATISFACTION_NOT_RETURNED'),
  alreadyRated: defineError('SATISFACTION_ALREADY_RATED', 'conflict', 'This dossier has already been rated; a rating is given once.', 'satisfaction.error.SATISFACTION_ALREADY_RATED'),
  linkInvalid: defineError(
    'SATISFACTION_LINK_INVALID',
    'not_found',
    'The rating link is wrong, expired or already used (each link works once).',
    'satisfaction.error.SATISFACTION_LINK_INVALID',
  ),
  complaintNotAllowed: defineError(
    'COMPLAINT_NOT_ALLOWED',
    'conflict',
    'A complaint can be filed about a dossier the agency has received, and one at a time until it is answered.',
    'satisfaction.error.COMPLAINT_NOT_ALLOWED',
  ),
  complaintNotFound: defineError('COMPLAINT_NOT_FOUND', 'not_found', 'No complaint with this number for your agency.', 'satisfaction.error.COMPLAINT_NOT_FOUND'),
  complaintAnswered: defineError('COMPLAINT_ALREADY_ANSWERED', 'conflict', 'The complaint has already been answered (by someone else meanwhile).', 'satisfaction.error.COMPLAINT_ALREADY_ANSWERED'),
  officerRequired: defineError(
    'COMPLAINT_OFFICER_REQUIRED',
    'forbidden',
    "Complaints are answered by the desk officers and leaders of the dossier's receiving agency.",
    'satisfaction.error.COMPLAINT_OFFICER_REQUIRED',
  ),
} as const;
