import { defineError } from '../../platform/errors/errors.js';

/**
 * Errors of signed results and their verification. Messages live in `messages/<locale>.json` under
 * `signatures.error.<CODE>`; the code is shown so that the help desk can quote it.
 */
const key = (code: string) => `signatures.error.${code}`;

export const SignatureErrors = {
  leaderRequired: defineError(
    'RESULT_LEADER_REQUIRED',
    'forbidden',
    'Only a leader (role `leader`) of the agency that received or holds the dossier may sign its result.',
    key('RESULT_LEADER_REQUIRED'),
  ),
  dossierNotFound: defineError('RESULT_DOSSIER_NOT_FOUND', 'not_found', 'No dossier with this id or code (or not one the user may see).', key('RESULT_DOSSIER_NOT_FOUND')),
  dossierClosed: defineError(
    'RESULT_DOSSIER_CLOSED',
    'conflict',
    'The dossier was refused, withdrawn or stopped: no result can be issued for it.',
    key('RESULT_DOSSIER_CLOSED'),
  ),
  keyMissing: defineError(
    'SIGNING_KEY_MISSING',
    'conflict',
    'No signing key is provisioned for the leader or for the agency’s seal (a PKCS#12 file in SIGNING_KEYS_DIR; `motcua ca:issue` makes demo keys).',
    key('SIGNING_KEY_MISSING'),
  ),
  resultNotFound: defineError('RESULT_NOT_FOUND', 'not_found', 'No result with this verification code, or none issued for this dossier yet.', key('RESULT_NOT_FOUND')),
  digitizeRoleRequired: defineError(
    'DIGITIZE_ROLE_REQUIRED',
    'forbidden',
    'Only an officer of the one-stop desk (`desk`) or a leader of the agency that received the dossier may digitise its paper result.',
    key('DIGITIZE_ROLE_REQUIRED'),
  ),
  scanInvalid: defineError('SCAN_INVALID', 'invalid', 'The scan is not a PDF, JPEG or PNG the portal accepts, or a required detail is missing.', key('SCAN_INVALID')),
};
