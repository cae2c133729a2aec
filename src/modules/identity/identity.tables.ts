/** Row types of the identity module's tables (sessions, verification codes, organisations ...). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface IdentityTables {}
