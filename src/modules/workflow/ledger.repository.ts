import { sql, type Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import { fold } from '../../platform/i18n/fold.js';
import type { DossierChannel, DossierStatus } from '../dossiers/index.js';

export type LedgerTiming = 'early' | 'on_time' | 'late';
export type LedgerDateField = 'submitted' | 'received' | 'due' | 'completed';

/** The ledger's filters as the service checked them (instants, not dates: the service converts Vietnam days). */
export interface LedgerQuery {
  agencyId: number;
  /** The period applies to this date of the dossier. */
  dateField: LedgerDateField;
  from: Date | null;
  /** Exclusive upper bound. */
  until: Date | null;
  statuses: DossierStatus[];
  channel: DossierChannel | null;
  procedureCode: string | null;
  sectorId: number | null;
  timing: LedgerTiming | null;
  /** A dossier code (exact or its beginning) or part of the applicant's name, already trimmed. */
  search: string;
  /** Keyset: rows strictly after this (submitted_at, id) in the newest-first order. */
  after: { submittedAt: Date; id: number } | null;
  limit: number;
  /** "Now" for "late, still open". */
  now: Date;
}

const dateColumn = { submitted: 'd.submitted_at', received: 'd.received_at', due: 'd.due_at', completed: 'd.completed_at' } as const;

/** Finished with a result: the statuses timed against the due date (refused, withdrawn and stopped are not). */
const RESULT_STATUSES: DossierStatus[] = ['result_ready', 'result_returned'];

/**
 * Timing of a dossier against its due date, the rule of `timingOf` (tasks.plan.ts) in SQL so the ledger can filter
 * and page by it (Circular 03/2025/TT-VPCP, forms 06–07: early / on time / late; RULES.md, Deadlines): finished on the
 * due day → on time, on an earlier Vietnam day → early, after the due moment → late; an open dossier past its due
 * moment is late already. Vietnam has one fixed offset (UTC+7, no summer time), so days are computed without a
 * time-zone database. ledger.test.ts checks it against `timingOf` at the day boundaries. Exported for that test only.
 */
export function timingExpression(now: Date) {
  return sql<LedgerTiming | null>`case
    when d.due_at is null then null
    when d.completed_at is null then case when d.due_at < ${now} then 'late' end
    when d.status not in ('result_ready', 'result_returned') then null
    when d.completed_at > d.due_at then 'late'
    when ((d.completed_at at time zone 'UTC') + interval '7 hours')::date < ((d.due_at at time zone 'UTC') + interval '7 hours')::date then 'early'
    else 'on_time' end`;
}

/** The only place with SQL for the tracking ledger (form 07). Reads the dossiers module's tables by name. */
export class LedgerRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  private filtered(q: LedgerQuery) {
    let query = this.db
      .selectFrom('dossier as d')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .where('d.receiving_agency_id', '=', q.agencyId);
    const column = dateColumn[q.dateField];
    if (q.from) query = query.where(column, '>=', q.from);
    if (q.until) query = query.where(column, '<', q.until);
    if (q.statuses.length > 0) query = query.where('d.status', 'in', q.statuses);
    if (q.channel) query = query.where('d.channel', '=', q.channel);
    if (q.procedureCode) query = query.where('p.code', '=', q.procedureCode);
    if (q.sectorId !== null) query = query.where('p.sector_id', '=', q.sectorId);
    if (q.timing === 'late') {
      // Late: finished after the due moment, or still open past it (index dossier_ledger_due for the open ones).
      query = query.where((eb) =>
        eb.or([
          eb.and([eb('d.completed_at', 'is', null), eb('d.due_at', '<', q.now)]),
          eb.and([eb('d.status', 'in', RESULT_STATUSES), eb('d.completed_at', '>', eb.ref('d.due_at'))]),
        ]),
      );
    } else if (q.timing) {
      query = query.where('d.status', 'in', RESULT_STATUSES).where(timingExpression(q.now), '=', q.timing);
    }
    const search = q.search;
    if (search !== '') {
      const escaped = search.replace(/[\\%_]/g, (c) => `\\${c}`);
      if (/^[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*-\d{6}-\d{4,9}$/.test(search)) {
        // A whole dossier code: the unique index on code.
        query = query.where('d.code', '=', search.toUpperCase());
      } else if (/^[0-9A-Za-z.]+-[0-9-]*$/.test(search)) {
        // The beginning of a code ("H40.51.01-2610"): within the agency's rows.
        query = query.where('d.code', 'like', `${escaped.toUpperCase()}%`);
      } else {
        // Part of a name, folded here as search_fold() folds the column (index dossier_ledger_applicant): a constant
        // pattern lets the planner use the trigram index.
        query = query.where(sql<string>`search_fold(d.applicant->>'fullName')`, 'like', `%${fold(search).replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      }
    }
    return query;
  }

  /** One page of the ledger, newest first. */
  async rows(q: LedgerQuery) {
    let query = this.filtered(q);
    if (q.after) {
      const { submittedAt, id } = q.after;
      // A row comparison: PostgreSQL reads it as one index condition on dossier_ledger_submitted.
      query = query.where(sql<boolean>`(d.submitted_at, d.id) < (${submittedAt}, ${id})`);
    }
    return query
      .leftJoin('agency as ha', (j) => j.onRef('ha.id', '=', 'd.holder_agency_id').onRef('ha.id', '<>', 'd.receiving_agency_id'))
      .select([
        'd.id',
        'd.code',
        'd.status',
        'd.channel',
        'd.applicant',
        'd.submitted_at',
        'd.received_at',
        'd.due_at',
        'd.completed_at',
        'd.result_delivery',
        'p.code as procedure_code',
        'p.name as procedure_name',
        'ha.name as transferred_to',
        timingExpression(q.now).as('timing'),
        // When the result was handed over (the latest "result returned" event; index dossier_event_dossier).
        sql<Date | null>`(select max(e.at) from dossier_event e where e.dossier_id = d.id and e.to_status = 'result_returned')`.as('returned_at'),
      ])
      .orderBy('d.submitted_at', 'desc')
      .orderBy('d.id', 'desc')
      .limit(q.limit)
      .execute();
  }

  /** How many rows match, counting at most `cap` (an exact count of millions of rows is not worth its cost). */
  async count(q: LedgerQuery, cap: number): Promise<number> {
    const inner = this.filtered(q).select('d.id').limit(cap + 1);
    const row = await this.db.selectFrom(inner.as('x')).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async agencyName(agencyId: number): Promise<string> {
    const row = await this.db.selectFrom('agency').select('name').where('id', '=', agencyId).executeTakeFirst();
    return row?.name ?? '';
  }

  /** Sectors of the procedures this agency receives, for the sector filter. */
  async sectors(agencyId: number) {
    return this.db
      .selectFrom('sector as s')
      .select(['s.id', 's.name'])
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('procedure_agency as pa')
            .innerJoin('procedure as p', 'p.id', 'pa.procedure_id')
            .select(sql`1`.as('one'))
            .where('pa.agency_id', '=', agencyId)
            .whereRef('p.sector_id', '=', 's.id'),
        ),
      )
      // Alphabetical as a Vietnamese reader expects, whatever the database collation (Đ sorts with D).
      .orderBy(sql`search_fold(s.name)`)
      .orderBy('s.name')
      .execute();
  }
}
