import type { ColumnType } from 'kysely';

/** Materialised monthly counts behind the indicators (see migrations/202611240800_reports.sql). */
export interface IndicatorMonthTable {
  /** A date: drivers return a Date (pg) or a string (PGlite); compare with 'YYYY-MM-01'. */
  month: ColumnType<Date | string, string, string>;
  agency_id: number;
  procedure_id: number;
  received: number;
  received_online: number;
  received_in_person: number;
  received_by_post: number;
  received_digitised: number;
  received_reusing_data: number;
  fee_due: number;
  paid_online: number;
  finished: number;
  finished_early: number;
  finished_on_time: number;
  finished_late: number;
  finished_electronic_result: number;
  /** Finished in the month with at least one complaint (whenever filed); ratings of those dossiers and their sum. */
  complaints: ColumnType<number, number | undefined, number>;
  rated: ColumnType<number, number | undefined, number>;
  rating_sum: ColumnType<number, number | undefined, number>;
  refreshed_at: ColumnType<Date, string | undefined, string>;
}

/** The same counts summed per month and agency (what dashboards read). */
export type IndicatorMonthAgencyTable = Omit<IndicatorMonthTable, 'procedure_id' | 'refreshed_at'>;

/**
 * Per agency × procedure and year, the months with at least one online dossier received, as bits (bit m − 1 = month
 * m): "procedures used online" of a period without reading every month's rows (migrations/202611241400_…).
 */
export interface IndicatorOnlineUseTable {
  year: number;
  agency_id: number;
  procedure_id: number;
  months: number;
}

export interface ReportsTables {
  indicator_month: IndicatorMonthTable;
  indicator_month_agency: IndicatorMonthAgencyTable;
  indicator_online_use: IndicatorOnlineUseTable;
}
