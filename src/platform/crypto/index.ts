/** Personal-data encryption at rest: envelope encryption with master keys from configuration, and blind indexes. */
export { FieldCipher } from './field-cipher.js';
export type { FieldCipherOptions } from './field-cipher.js';
export { FIELD_PREFIX, isSealed, nationalPhoneSpelling, normaliseForIndex } from './envelope.js';
export type { IndexKind, MasterKey } from './envelope.js';
export { CryptoErrors, PersonalDataError } from './crypto.errors.js';
export type { CryptoTables, DataKeyTable } from './crypto.tables.js';
export { OpenSealedSnapshotsPlugin, mapStrings, openDeep } from './open-plugin.js';
