/** Row types of the forms module's tables; platform/db/schema.ts composes every module's tables into one Database. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface FormsTables {}
