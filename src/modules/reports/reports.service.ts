import { DomainError } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import { DEFAULT_POLICY, scoreIndicators, type IndicatorPolicy, type IndicatorReport } from './indicators.js';
import { ReportsErrors } from './reports.errors.js';
import { addMonths, monthOf, toCounts, type DrillFilter, type Month, type ReportsRepository, type Scope } from './reports.repository.js';

export interface DashboardInput {
  /** An agency id, or null for every agency (system administrators only). */
  agencyId?: number | null;
  /** YYYY-MM; default: the last 12 months up to this one. */
  from?: string;
  to?: string;
}

export interface Dashboard {
  scope: { agencyId: number | null; agencyName: string | null; from: Month; to: Month };
  /** Agencies the viewer may choose (one for a leader, all for a system administrator). */
  agencies: { id: number; name: string }[];
  report: IndicatorReport;
  /** Applicants' ratings (1–5) of the dossiers finished in the period: how many, and their average (null: none). */
  ratings: { count: number; average: number | null; complaints: number };
  trend: { month: Month; outOf100: number | null; received: number; finished: number }[];
  /** Agencies ranked by score (system administrators looking at every agency). */
  ranking: { agencyId: number; name: string; outOf100: number | null; total: number; maximum: number; received: number }[];
}

export interface DrillDown {
  indicator: string;
  rows: { code: string; procedureCode: string; procedureName: string; channel: string; receivedAt: Date | null; dueAt: Date | null; completedAt: Date | null; timing: string | null; supplements: number | null }[];
}

const MAX_MONTHS = 60;
const DRILL_LIMIT = 500;

/** What each indicator's dossiers are (drill-down); procedure-based indicators have none. */
const DRILL: Record<string, { basis: 'received' | 'finished'; filter?: DrillFilter }> = {
  'transparency.dossiersTracked': { basis: 'received' },
  'progress.onTime': { basis: 'finished' },
  'progress.late': { basis: 'finished', filter: { timing: 'late' } },
  'online.dossiersOnline': { basis: 'received', filter: { channel: 'online' } },
  satisfaction: { basis: 'finished', filter: { timing: 'late' } },
  'digitisation.electronicResults': { basis: 'finished' },
  'digitisation.digitised': { basis: 'received' },
  'digitisation.reuse': { basis: 'received' },
  'payment.dossiersPaidOnline': { basis: 'received' },
};

/**
 * The Decision 766 dashboard: scores of an agency (or every agency) over a period of months, the trend by month, and
 * a ranking of agencies; the dossiers behind a number. Reads the monthly materialisation only (indicator_month), so
 * its cost does not grow with the number of dossiers. Leaders and agency administrators see their agency; system
 * administrators any agency or all.
 */
export class ReportsService {
  constructor(
    private readonly repository: ReportsRepository,
    private readonly policy: IndicatorPolicy = DEFAULT_POLICY,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async dashboard(actor: SessionUser, input: DashboardInput = {}): Promise<Dashboard> {
    const scope = this.scopeFor(actor, input);
    const agencyId = scope.agencyIds?.[0] ?? null;
    const everyAgency = isSystemAdmin(actor) && agencyId === null;
    // Every query at once: the ranking's inputs need no list of agencies first (the per-agency counts of the period
    // are exactly the agencies that received dossiers; procedure counts of every agency are cached), and "procedures
    // used online" comes per agency and overall from one read.
    const [dossiers, procedures, usedOnline, months, agencies, perAgency, perProcedures] = await Promise.all([
      this.repository.dossierCounts(scope),
      scope.agencyIds ? this.repository.procedureCounts(scope.agencyIds).then((r) => r[0]) : this.repository.procedureCountsOverall(null),
      this.repository.proceduresUsedOnline(scope),
      this.repository.dossierCounts(scope, ['month']),
      this.repository.agencies(isSystemAdmin(actor) ? null : [actor.agencyId!]),
      everyAgency ? this.repository.dossierCounts(scope, ['agency']) : Promise.resolve([]),
      everyAgency ? this.repository.procedureCounts(null) : Promise.resolve([]),
    ]);
    const report = scoreIndicators(toCounts(dossiers[0], procedures, usedOnline.overall), this.policy);
    const trend = months.map((m) => {
      const month = monthOf(new Date(m.month!));
      const r = scoreIndicators(toCounts(m, procedures, usedOnline.overall), this.policy);
      return { month, outOf100: r.outOf100, received: Number(m.received), finished: Number(m.finished) };
    });
    let ranking: Dashboard['ranking'] = [];
    if (everyAgency) {
      const procBy = new Map(perProcedures.map((p) => [p.agency_id, p]));
      const nameBy = new Map(agencies.map((a) => [a.id, a.name]));
      ranking = perAgency
        .map((d) => {
          const r = scoreIndicators(toCounts(d, procBy.get(d.agency_id!), usedOnline.byAgency.get(d.agency_id!) ?? 0), this.policy);
          return { agencyId: d.agency_id!, name: nameBy.get(d.agency_id!) ?? String(d.agency_id), outOf100: r.outOf100, total: r.total, maximum: r.maximum, received: Number(d.received) };
        })
        .sort((a, b) => (b.outOf100 ?? -1) - (a.outOf100 ?? -1) || b.received - a.received);
    }
    return {
      scope: { agencyId, agencyName: agencies.find((a) => a.id === agencyId)?.name ?? null, from: scope.from, to: scope.to },
      agencies: agencies.map((a) => ({ id: a.id, name: a.name })),
      report,
      ratings: ratingsOf(dossiers[0]),
      trend,
      ranking,
    };
  }

  async drillDown(actor: SessionUser, indicator: string, input: DashboardInput = {}): Promise<DrillDown> {
    const scope = this.scopeFor(actor, input);
    const drill = DRILL[indicator];
    if (!drill) return { indicator, rows: [] };
    const rows = await this.repository.dossiersBehind(scope, drill.basis, drill.filter ?? {}, DRILL_LIMIT);
    return {
      indicator,
      rows: rows.map((r) => ({
        code: r.code,
        procedureCode: r.procedure_code,
        procedureName: r.procedure_name,
        channel: r.channel,
        receivedAt: r.received_at,
        dueAt: r.due_at,
        completedAt: r.completed_at ? new Date(r.completed_at) : null,
        timing: r.indicator_timing,
        supplements: r.supplement_count,
      })),
    };
  }

  /** Recomputes the months a change may have touched: this one and the one before (the job's work). */
  async refreshRecent(): Promise<{ months: Month[]; rows: number }> {
    const now = monthOf(this.clock());
    const months = [addMonths(now, -1), now];
    let rows = 0;
    for (const m of months) rows += await this.repository.refreshMonth(m);
    return { months, rows };
  }

  /** Recomputes every month since the first received dossier (after an import or a policy change). */
  async rebuild(): Promise<{ months: number; rows: number }> {
    const first = await this.repository.firstMonth();
    if (!first) return { months: 0, rows: 0 };
    const last = monthOf(this.clock());
    let rows = 0;
    let months = 0;
    for (let m = first; m <= last; m = addMonths(m, 1)) {
      rows += await this.repository.refreshMonth(m);
      months++;
    }
    return { months, rows };
  }

  private scopeFor(actor: SessionUser, input: DashboardInput): Scope {
    if (actor.kind !== 'officer') throw new DomainError(ReportsErrors.notAllowed);
    const admin = isSystemAdmin(actor);
    if (!admin && !actor.roles.some((r) => r === 'leader' || r === 'agency_admin')) throw new DomainError(ReportsErrors.notAllowed);
    let agencyId: number | null;
    if (admin) agencyId = input.agencyId ?? null;
    else {
      if (input.agencyId != null && input.agencyId !== actor.agencyId) throw new DomainError(ReportsErrors.notAllowed);
      agencyId = actor.agencyId;
    }
    const to = input.to ? parseMonth(input.to) : monthOf(this.clock());
    const from = input.from ? parseMonth(input.from) : addMonths(to, -11);
    if (from > to || monthsBetween(from, to) > MAX_MONTHS) throw badPeriod();
    return { agencyIds: agencyId === null ? null : [agencyId], from, to };
  }
}

function ratingsOf(d: Record<string, number> | undefined): Dashboard['ratings'] {
  const count = Number(d?.rated ?? 0);
  return { count, average: count > 0 ? Math.round((Number(d?.rating_sum ?? 0) / count) * 100) / 100 : null, complaints: Number(d?.complaints ?? 0) };
}

function badPeriod(): DomainError {
  return new DomainError(ReportsErrors.badPeriod, { fields: [{ field: 'tu', messageKey: 'reports.error.REPORTS_PERIOD_INVALID' }] });
}

function isSystemAdmin(actor: SessionUser): boolean {
  return actor.kind === 'officer' && actor.roles.includes('system_admin');
}

function parseMonth(value: string): Month {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(value.trim());
  if (!m) throw badPeriod();
  return `${m[1]}-${m[2]}-01`;
}

function monthsBetween(a: Month, b: Month): number {
  return (Number(b.slice(0, 4)) - Number(a.slice(0, 4))) * 12 + Number(b.slice(5, 7)) - Number(a.slice(5, 7)) + 1;
}
