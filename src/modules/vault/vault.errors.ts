import { defineError } from '../../platform/errors/errors.js';

/** Errors of the citizen's vault. Messages live in `messages/<locale>.json` under `vault.error.<CODE>`. */
const key = (code: string) => `vault.error.${code}`;

export const VaultErrors = {
  // One error for "no such document" and "someone else's document": nobody learns which ids exist.
  documentNotFound: defineError('VAULT_DOCUMENT_NOT_FOUND', 'not_found', 'No document with this id in the signed-in citizen’s vault.', key('VAULT_DOCUMENT_NOT_FOUND')),
  fieldNotReusable: defineError(
    'VAULT_FIELD_NOT_REUSABLE',
    'invalid',
    'This document of the form does not accept vault documents (its file field is not marked `vaultReusable`).',
    key('VAULT_FIELD_NOT_REUSABLE'),
  ),
  typeNotAccepted: defineError('VAULT_TYPE_NOT_ACCEPTED', 'invalid', 'The vault document’s file type is not one this form field accepts.', key('VAULT_TYPE_NOT_ACCEPTED')),
};
