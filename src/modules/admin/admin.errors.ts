import { defineError } from '../../platform/errors/errors.js';

/**
 * Domain errors of the admin module (administrative units, agencies, users). Codes are stable and shown to the
 * user; message keys follow the platform default `error.<CODE>`.
 */
export const AdminErrors = {
  // Administrative units
  unitsNotLoaded: defineError(
    'ADMINISTRATIVE_UNITS_NOT_LOADED',
    'unavailable',
    'No edition of administrative units is loaded yet; run `motcua import-units`.',
  ),
  unitNotFound: defineError(
    'ADMINISTRATIVE_UNIT_NOT_FOUND',
    'not_found',
    'No province or commune with this code exists in the current edition of administrative units.',
  ),
  unitsSourceInvalid: defineError(
    'ADMINISTRATIVE_UNITS_SOURCE_INVALID',
    'invalid',
    'An administrative-units source file is missing, malformed or inconsistent; the import changed nothing.',
  ),

  // Agencies
  agencyNotFound: defineError('AGENCY_NOT_FOUND', 'not_found', 'No agency with this id or identifier code exists.'),
  agencyCodeInvalid: defineError(
    'AGENCY_CODE_INVALID',
    'invalid',
    'The agency identifier code is not in the format of Decision 20/2020/QĐ-TTg (dotted groups of A–Z and 0–9, at most 35 characters).',
  ),
  agencyCodeTaken: defineError('AGENCY_CODE_TAKEN', 'conflict', 'Another agency already has this identifier code.'),
  agencyParentInvalid: defineError(
    'AGENCY_PARENT_INVALID',
    'invalid',
    'The parent agency does not exist, cannot hold an agency of this kind, or would make the tree circular.',
  ),
  agencyOfficeHoursInvalid: defineError(
    'AGENCY_OFFICE_HOURS_INVALID',
    'invalid',
    'Office hours need a weekday 1–7 and times HH:MM with opening before closing, without overlaps on a day.',
  ),
  agencyUnitInvalid: defineError(
    'AGENCY_UNIT_INVALID',
    'invalid',
    'The agency names a province or commune that is not in the current edition, or a commune of another province.',
  ),

  // Users
  userNotFound: defineError('USER_NOT_FOUND', 'not_found', 'No user with this id or username exists.'),
  userUsernameTaken: defineError('USER_USERNAME_TAKEN', 'conflict', 'Another account already uses this username.'),
  userUsernameInvalid: defineError(
    'USER_USERNAME_INVALID',
    'invalid',
    'A username is 3–100 characters of letters, digits and . _ @ + - (an e-mail address or phone number works).',
  ),
  userPasswordWeak: defineError('USER_PASSWORD_WEAK', 'invalid', 'A password needs at least 8 characters (at most 256).'),
  userRoleInvalid: defineError(
    'USER_ROLE_INVALID',
    'invalid',
    'Roles are desk, handler, leader, agency_admin or system_admin, for officers only; an officer needs at least one.',
  ),
  userAgencyRequired: defineError(
    'USER_AGENCY_REQUIRED',
    'invalid',
    'An officer belongs to an agency unless they are a system administrator; a citizen belongs to none.',
  ),
} as const;
