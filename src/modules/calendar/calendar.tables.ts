import type { ColumnType, Generated } from 'kysely';

/** Row types of the calendar module's tables; platform/db/schema.ts composes every module's tables into one Database. */

/** What an entry of a year's table does to its date (see migrations/202611232030_calendar.sql). */
export type CalendarDayKind = 'holiday' | 'day_off' | 'working_day';

export type CalendarEditionStatus = 'active' | 'withdrawn';

/** One version of one year's official table; the latest active version of a year is the one in force. */
export interface CalendarEditionTable {
  id: Generated<number>;
  year: number;
  version: number;
  status: Generated<CalendarEditionStatus>;
  legal_source: string;
  note: string | null;
  checksum: string;
  /** Null: written by the system (the official seed). */
  created_by: number | null;
  created_at: Generated<Date>;
  withdrawn_by: number | null;
  withdrawn_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** One dated entry of an edition. Dates are read back as `YYYY-MM-DD` text (no time-zone shift). */
export interface CalendarDayTable {
  edition_id: number;
  year: number;
  date: ColumnType<string, string, string>;
  kind: CalendarDayKind;
  name_vi: string;
  name_en: string;
  legal_source: string;
  verified: Generated<boolean>;
}

export interface CalendarTables {
  calendar_edition: CalendarEditionTable;
  calendar_day: CalendarDayTable;
}
