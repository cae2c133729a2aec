/** Row types of the calendar module's tables; platform/db/schema.ts composes every module's tables into one Database. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CalendarTables {}
