import { defineError } from '../../platform/errors/errors.js';

/**
 * Domain errors of the identity module. Codes are stable and shown to the user; messages live in this module's
 * catalogue under `identity.error.<CODE>`. Messages about accounts never say whether an account exists.
 */
export const IdentityErrors = {
  signInFailed: defineError(
    'SIGN_IN_FAILED',
    'unauthenticated',
    'The account name or the password is wrong (the message does not say which, nor whether the account exists).',
    'identity.error.SIGN_IN_FAILED',
  ),
  codeInvalid: defineError(
    'ONE_TIME_CODE_INVALID',
    'invalid',
    'The one-time code is wrong, expired, already used or out of attempts; ask for a new code.',
    'identity.error.ONE_TIME_CODE_INVALID',
  ),
  profileNotAvailable: defineError(
    'PROFILE_NOT_AVAILABLE',
    'forbidden',
    'Only citizen accounts have a personal profile and organisations; officers do not.',
    'identity.error.PROFILE_NOT_AVAILABLE',
  ),
  organisationNotFound: defineError(
    'ORGANISATION_NOT_FOUND',
    'not_found',
    'The organisation does not exist or the signed-in citizen does not act for it.',
    'identity.error.ORGANISATION_NOT_FOUND',
  ),
  organisationExists: defineError(
    'ORGANISATION_ALREADY_ADDED',
    'conflict',
    'The citizen has already added an organisation with this tax code.',
    'identity.error.ORGANISATION_ALREADY_ADDED',
  ),
  providerNotConfigured: defineError(
    'IDENTITY_PROVIDER_NOT_CONFIGURED',
    'not_found',
    'Sign-in with the national electronic identity (VNeID) is not configured on this portal.',
    'identity.error.IDENTITY_PROVIDER_NOT_CONFIGURED',
  ),
} as const;
