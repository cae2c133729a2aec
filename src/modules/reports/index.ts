/**
 * The reports module: the service-quality indicators of Decision 766/QĐ-TTg, computed from monthly materialised
 * counts, with the dashboard for leaders and the open data. Other modules import only from here.
 */
import type { Transaction } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import type { Database as Schema } from '../../platform/db/schema.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsService } from './reports.service.js';

export { DEFAULT_POLICY, GROUP_POINTS, emptyCounts, scoreIndicators, validatePolicy } from './indicators.js';
export type { IndicatorCounts, IndicatorGroup, IndicatorPolicy, IndicatorReport, IndicatorScore } from './indicators.js';
export { ReportsRepository, addMonths, monthBounds, monthOf } from './reports.repository.js';
export type { Month, Scope } from './reports.repository.js';
export { ReportsService } from './reports.service.js';
export type { Dashboard, DashboardInput, DrillDown } from './reports.service.js';
export { ReportsErrors } from './reports.errors.js';
export { reportsRoutes, csvField } from './reports.routes.js';
export type { ReportsRouteDeps } from './reports.routes.js';

/**
 * What the satisfaction module calls, in its own transaction, when a complaint or a rating arrives: the monthly
 * counts of the month the dossier finished are adjusted at once (see ReportsRepository.addToFinishedMonth).
 */
export function satisfactionIndicators(database: Database) {
  const repository = new ReportsRepository(database.db);
  return {
    complaintFiled: async (trx: Transaction<Schema>, dossierId: number) => void (await repository.addToFinishedMonth(trx, dossierId, { complaints: 1 })),
    rated: async (trx: Transaction<Schema>, dossierId: number, overall: number) => void (await repository.addToFinishedMonth(trx, dossierId, { rated: 1, ratingSum: overall })),
  };
}

export function createReportsService(database: Database, clock?: () => Date): ReportsService {
  return new ReportsService(new ReportsRepository(database.db), undefined, clock);
}
