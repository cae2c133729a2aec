import { DomainError, defineError, type ErrorDefinition } from '../errors/errors.js';

/** Failures of personal-data encryption (never caused by a citizen's input: each is an operator's matter). */
export const CryptoErrors = {
  tampered: defineError(
    'PERSONAL_DATA_TAMPERED',
    'internal',
    'An encrypted personal-data value or wrapped key failed its integrity check (changed in the database, or the wrong key).',
  ),
  keyMissing: defineError(
    'DATA_KEY_MISSING',
    'internal',
    'A value or data key names a key that is not available: a data key absent from the database, or a master key absent from DATA_ENCRYPTION_KEYS.',
  ),
};

/** A typed crypto failure; `reason` is for the log (never contains the value). */
export class PersonalDataError extends DomainError {
  constructor(definition: ErrorDefinition, readonly reason: string, cause?: unknown) {
    super(definition, cause === undefined ? {} : { cause });
    this.name = 'PersonalDataError';
  }
}
