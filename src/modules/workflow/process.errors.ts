import { defineError } from '../../platform/errors/errors.js';

/**
 * Errors of the internal-process editor ("quy trình nội bộ"). Messages live in `messages/<locale>.json` under
 * `workflow.process.error.<CODE>`.
 */
const key = (code: string) => `workflow.process.error.${code}`;

export const ProcessErrors = {
  readForbidden: defineError(
    'PROCESS_READ_FORBIDDEN',
    'forbidden',
    'Only officers may see internal process definitions.',
    key('PROCESS_READ_FORBIDDEN'),
  ),
  editForbidden: defineError(
    'PROCESS_EDIT_FORBIDDEN',
    'forbidden',
    'Only an agency administrator (`agency_admin`) may change their own agency’s process definitions, and only a system administrator the default ones or another agency’s.',
    key('PROCESS_EDIT_FORBIDDEN'),
  ),
  procedureNotFound: defineError(
    'PROCESS_PROCEDURE_NOT_FOUND',
    'not_found',
    'No published procedure has this code, or the agency whose process is asked for does not offer it.',
    key('PROCESS_PROCEDURE_NOT_FOUND'),
  ),
  versionNotFound: defineError(
    'PROCESS_VERSION_NOT_FOUND',
    'not_found',
    'The process definition has no such version in this scope.',
    key('PROCESS_VERSION_NOT_FOUND'),
  ),
  changed: defineError(
    'PROCESS_CHANGED',
    'conflict',
    'Someone published another version of this process after the editor was opened; reload it and make the change again.',
    key('PROCESS_CHANGED'),
  ),
};
