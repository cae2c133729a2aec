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
  accountLocked: defineError(
    'ACCOUNT_LOCKED',
    'rate_limited',
    'Too many failed sign-ins for this account: it is locked for a while, twice as long after each further failure (per account, shared by every web process).',
    'identity.error.ACCOUNT_LOCKED',
  ),
  secondFactorInvalid: defineError(
    'SECOND_FACTOR_INVALID',
    'invalid',
    'The authenticator code or recovery code is wrong, expired or already used.',
    'identity.error.SECOND_FACTOR_INVALID',
  ),
  secondFactorExpired: defineError(
    'SECOND_FACTOR_STEP_EXPIRED',
    'unauthenticated',
    'The sign-in waiting for its second factor is over (10 minutes) or was never started: sign in again.',
    'identity.error.SECOND_FACTOR_STEP_EXPIRED',
  ),
  securityKeyInvalid: defineError(
    'SECURITY_KEY_INVALID',
    'invalid',
    "The security key's answer could not be verified (unknown key, wrong site or origin, challenge expired or used, bad signature, or a signature counter that did not go up): use the key again, or the authenticator code.",
    'identity.error.SECURITY_KEY_INVALID',
  ),
  securityKeyNotFound: defineError(
    'SECURITY_KEY_NOT_FOUND',
    'not_found',
    "The security key does not exist (any more) or is not one of the signed-in officer's.",
    'identity.error.SECURITY_KEY_NOT_FOUND',
  ),
  providerSignInFailed: defineError(
    'IDENTITY_PROVIDER_SIGN_IN_FAILED',
    'unauthenticated',
    'The answer of the national identity provider could not be verified (state, nonce, PKCE, signature or claims): nothing was signed in.',
    'identity.error.IDENTITY_PROVIDER_SIGN_IN_FAILED',
  ),
  providerUnavailable: defineError(
    'IDENTITY_PROVIDER_UNAVAILABLE',
    'unavailable',
    'The national identity provider (VNeID) could not be reached; signing in with a password still works.',
    'identity.error.IDENTITY_PROVIDER_UNAVAILABLE',
  ),
  identityLinkedElsewhere: defineError(
    'IDENTITY_LINKED_TO_ANOTHER_ACCOUNT',
    'conflict',
    'This national electronic identity is already linked to another portal account, or this account to another identity.',
    'identity.error.IDENTITY_LINKED_TO_ANOTHER_ACCOUNT',
  ),
  identityLinkNotForOfficers: defineError(
    'IDENTITY_LINK_CITIZENS_ONLY',
    'forbidden',
    'Only citizen accounts sign in with or link a national electronic identity.',
    'identity.error.IDENTITY_LINK_CITIZENS_ONLY',
  ),
  sessionNotFound: defineError(
    'SESSION_NOT_FOUND',
    'not_found',
    'The session to end does not exist (any more) or is not one of the signed-in user\'s.',
    'identity.error.SESSION_NOT_FOUND',
  ),
  erasureNotConfirmed: defineError(
    'ERASURE_NOT_CONFIRMED',
    'invalid',
    'Erasing an account\'s data needs the confirmation box ticked.',
    'identity.error.ERASURE_NOT_CONFIRMED',
  ),
  erasureBlocked: defineError(
    'ERASURE_BLOCKED_BY_DOSSIERS',
    'conflict',
    'The account has dossiers still being processed; their data is needed until they are finished.',
    'identity.error.ERASURE_BLOCKED_BY_DOSSIERS',
  ),
} as const;
