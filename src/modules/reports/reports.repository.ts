import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import { emptyCounts, type IndicatorCounts } from './indicators.js';

/** A calendar month as its first day, YYYY-MM-01. */
export type Month = string;

/** Vietnam is UTC+7 all year (no daylight saving): month boundaries as instants. */
export function monthBounds(month: Month): { start: Date; end: Date } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const offset = 7 * 3600_000;
  return { start: new Date(Date.UTC(y, m - 1, 1) - offset), end: new Date(Date.UTC(y, m, 1) - offset) };
}

export function monthOf(at: Date): Month {
  const local = new Date(at.getTime() + 7 * 3600_000);
  return `${local.getUTCFullYear()}-${String(local.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

export function addMonths(month: Month, n: number): Month {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

export interface Scope {
  /** Receiving agencies; null = all. */
  agencyIds: number[] | null;
  from: Month;
  to: Month;
}

/** Advisory lock classes: one month's indicator rows (key YYYYMM), one year's indicator_online_use rows (key YYYY). */
const MONTH_LOCK = 727200;
const YEAR_LOCK = 727201;

/** The month's lock, held to the end of the transaction: a refresh and an adjustment of one month queue. */
async function lockMonth(trx: Transaction<Schema>, month: Month): Promise<void> {
  const key = Number(month.slice(0, 4)) * 100 + Number(month.slice(5, 7));
  await sql`select pg_advisory_xact_lock(${MONTH_LOCK}::int4, ${key}::int4)`.execute(trx);
}

const sum = (column: string) => sql<number>`coalesce(sum(${sql.ref(column)}), 0)::int`;

/** The SQL of the indicators: the monthly materialisation and the sums a dashboard reads. */
export class ReportsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /**
   * Recomputes one month from the dossiers, whole and idempotently, under a lock per month (two workers refreshing
   * the same month queue instead of colliding). Returns the number of (agency, procedure) rows written.
   */
  async refreshMonth(month: Month): Promise<number> {
    const { start, end } = monthBounds(month);
    return this.db.transaction().execute(async (trx) => {
      await lockMonth(trx, month);
      await trx.deleteFrom('indicator_month').where('month', '=', month).execute();
      const received = await sql`
        insert into indicator_month (month, agency_id, procedure_id, received, received_online, received_in_person, received_by_post,
                                     received_digitised, received_reusing_data, fee_due, paid_online)
        select ${month}::date, d.receiving_agency_id, d.procedure_id, count(*),
               count(*) filter (where d.channel = 'online'),
               count(*) filter (where d.channel = 'in_person'),
               count(*) filter (where d.channel = 'post'),
               count(*) filter (where d.values <> '{}'::jsonb),
               count(*) filter (where exists (select 1 from dossier_document x where x.dossier_id = d.id and x.source = 'vault')),
               count(*) filter (where f.total_vnd > 0),
               count(*) filter (where f.total_vnd > 0 and exists (select 1 from payment p where p.dossier_id = d.id and p.status in ('paid', 'refunded')))
        from dossier d
        left join dossier_fee f on f.dossier_id = d.id
        where d.received_at >= ${start} and d.received_at < ${end}
        group by d.receiving_agency_id, d.procedure_id`.execute(trx);
      const finished = await sql`
        insert into indicator_month (month, agency_id, procedure_id, finished, finished_early, finished_on_time, finished_late, finished_electronic_result,
                                     complaints, rated, rating_sum)
        select ${month}::date, d.receiving_agency_id, d.procedure_id, count(*),
               count(*) filter (where c.indicator_timing = 'early'),
               count(*) filter (where c.indicator_timing = 'on_time'),
               count(*) filter (where c.indicator_timing = 'late'),
               count(*) filter (where exists (select 1 from dossier_result r where r.dossier_id = d.id and r.origin = 'signed')),
               count(*) filter (where exists (select 1 from complaint k where k.dossier_id = d.id)),
               count(s.dossier_id),
               coalesce(sum(s.overall), 0)
        from dossier_completion c
        join dossier d on d.id = c.dossier_id
        left join satisfaction_rating s on s.dossier_id = d.id
        where c.completed_at >= ${start} and c.completed_at < ${end} and c.indicator_timing is not null
        group by d.receiving_agency_id, d.procedure_id
        on conflict (month, agency_id, procedure_id) do update set
          finished = excluded.finished, finished_early = excluded.finished_early, finished_on_time = excluded.finished_on_time,
          finished_late = excluded.finished_late, finished_electronic_result = excluded.finished_electronic_result,
          complaints = excluded.complaints, rated = excluded.rated, rating_sum = excluded.rating_sum`.execute(trx);
      await trx.deleteFrom('indicator_month_agency').where('month', '=', month).execute();
      await sql`
        insert into indicator_month_agency (month, agency_id, received, received_online, received_in_person, received_by_post, received_digitised,
                                            received_reusing_data, fee_due, paid_online, finished, finished_early, finished_on_time, finished_late, finished_electronic_result,
                                            complaints, rated, rating_sum)
        select month, agency_id, sum(received), sum(received_online), sum(received_in_person), sum(received_by_post), sum(received_digitised),
               sum(received_reusing_data), sum(fee_due), sum(paid_online), sum(finished), sum(finished_early), sum(finished_on_time), sum(finished_late),
               sum(finished_electronic_result), sum(complaints), sum(rated), sum(rating_sum)
        from indicator_month where month = ${month}::date group by month, agency_id`.execute(trx);
      await this.refreshOnlineUse(trx, month);
      return Number(received.numAffectedRows ?? 0) + Number(finished.numAffectedRows ?? 0);
    });
  }

  /**
   * Sets the month's bit in indicator_online_use for every agency × procedure with online dossiers received in the
   * month (as just written to indicator_month) and clears it for the others; rows left without any month are
   * deleted. Only rows whose bits change are written (a refresh that changes nothing locks no row). Under a lock per
   * year, taken after the month's: refreshes of two months of the same year (two workers) touch the same rows, and
   * would otherwise risk a deadlock.
   */
  private async refreshOnlineUse(trx: Transaction<Schema>, month: Month): Promise<void> {
    const year = Number(month.slice(0, 4));
    const bit = 1 << (Number(month.slice(5, 7)) - 1);
    await sql`select pg_advisory_xact_lock(${YEAR_LOCK}::int4, ${year}::int4)`.execute(trx);
    await sql`
      insert into indicator_online_use (year, agency_id, procedure_id, months)
      select ${year}::smallint, m.agency_id, m.procedure_id, ${bit}::int
      from indicator_month m
      where m.month = ${month}::date and m.received_online > 0
        and not exists (select 1 from indicator_online_use u
                        where u.year = ${year}::smallint and u.agency_id = m.agency_id and u.procedure_id = m.procedure_id and u.months & ${bit}::int <> 0)
      on conflict (year, agency_id, procedure_id) do update set months = indicator_online_use.months | excluded.months`.execute(trx);
    const { rows: cleared } = await sql<{ months: number }>`
      update indicator_online_use u set months = u.months & ~${bit}::int
      where u.year = ${year}::smallint and u.months & ${bit}::int <> 0
        and not exists (select 1 from indicator_month m
                        where m.month = ${month}::date and m.agency_id = u.agency_id and m.procedure_id = u.procedure_id and m.received_online > 0)
      returning u.months`.execute(trx);
    if (cleared.some((r) => r.months === 0)) await sql`delete from indicator_online_use where year = ${year}::smallint and months = 0`.execute(trx);
  }

  /**
   * A complaint or a rating that arrives after its dossier finished changes the counts of the month the dossier
   * finished, which the job may no longer refresh (it recomputes this month and the one before): the two rows of that
   * month are adjusted here, in the caller's transaction, under the month's lock (a refresh of the month in progress
   * finishes first; one that starts later sees this change committed). Nothing for a dossier not finished yet: the
   * refresh of its finishing month counts it. The refresh computes the same numbers from the tables, so both agree.
   */
  async addToFinishedMonth(trx: Transaction<Schema>, dossierId: number, delta: { complaints?: number; rated?: number; ratingSum?: number }): Promise<boolean> {
    const dossier = await trx
      .selectFrom('dossier_completion as c')
      .innerJoin('dossier as d', 'd.id', 'c.dossier_id')
      .select(['c.completed_at', 'd.receiving_agency_id', 'd.procedure_id'])
      .where('c.dossier_id', '=', dossierId)
      .where('c.indicator_timing', 'is not', null)
      .executeTakeFirst();
    if (!dossier) return false;
    const month = monthOf(new Date(dossier.completed_at));
    await lockMonth(trx, month);
    const complaints = delta.complaints ?? 0;
    const rated = delta.rated ?? 0;
    const ratingSum = delta.ratingSum ?? 0;
    await sql`
      insert into indicator_month (month, agency_id, procedure_id, complaints, rated, rating_sum)
      values (${month}::date, ${dossier.receiving_agency_id}, ${dossier.procedure_id}, ${complaints}, ${rated}, ${ratingSum})
      on conflict (month, agency_id, procedure_id) do update set
        complaints = indicator_month.complaints + excluded.complaints, rated = indicator_month.rated + excluded.rated,
        rating_sum = indicator_month.rating_sum + excluded.rating_sum`.execute(trx);
    await sql`
      insert into indicator_month_agency (month, agency_id, complaints, rated, rating_sum)
      values (${month}::date, ${dossier.receiving_agency_id}, ${complaints}, ${rated}, ${ratingSum})
      on conflict (month, agency_id) do update set
        complaints = indicator_month_agency.complaints + excluded.complaints, rated = indicator_month_agency.rated + excluded.rated,
        rating_sum = indicator_month_agency.rating_sum + excluded.rating_sum`.execute(trx);
    return true;
  }

  /** The month of the earliest received dossier (where a full rebuild starts), or null. */
  async firstMonth(): Promise<Month | null> {
    const row = await this.db.selectFrom('dossier').select((eb) => eb.fn.min('received_at').as('first')).executeTakeFirst();
    return row?.first ? monthOf(new Date(row.first as unknown as string)) : null;
  }

  /** Dossier counts of a scope, grouped by agency and/or month when asked. */
  async dossierCounts(scope: Scope, groupBy: ('agency' | 'month')[] = []) {
    let query = this.db
      .selectFrom('indicator_month_agency')
      .select([
        sum('received').as('received'),
        sum('received_online').as('received_online'),
        sum('received_in_person').as('received_in_person'),
        sum('received_by_post').as('received_by_post'),
        sum('received_digitised').as('received_digitised'),
        sum('received_reusing_data').as('received_reusing_data'),
        sum('fee_due').as('fee_due'),
        sum('paid_online').as('paid_online'),
        sum('finished').as('finished'),
        sum('finished_early').as('finished_early'),
        sum('finished_on_time').as('finished_on_time'),
        sum('finished_late').as('finished_late'),
        sum('finished_electronic_result').as('finished_electronic_result'),
        sum('complaints').as('complaints'),
        sum('rated').as('rated'),
        sum('rating_sum').as('rating_sum'),
      ])
      .where('month', '>=', scope.from)
      .where('month', '<=', scope.to);
    if (scope.agencyIds) query = query.where('agency_id', 'in', scope.agencyIds.length ? scope.agencyIds : [-1]);
    if (groupBy.includes('agency')) query = query.select('agency_id').groupBy('agency_id');
    if (groupBy.includes('month')) query = query.select('month').groupBy('month').orderBy('month');
    return query.execute() as Promise<(Record<string, number> & { agency_id?: number; month?: Date })[]>;
  }

  /**
   * Online procedures (offered online now) that received at least one online dossier in the scope: per agency, and
   * overall (a procedure used at two agencies counts once), from one read of indicator_online_use — at most one row
   * per agency × procedure and year of the period, whatever the number of months.
   */
  async proceduresUsedOnline(scope: Scope): Promise<{ overall: number; byAgency: Map<number, number> }> {
    const masks = yearMasks(scope.from, scope.to);
    const years = [...masks.keys()];
    const mask = sql.join([...masks].map(([year, bits]) => sql`when ${year}::smallint then ${bits}::int`), sql` `);
    const agencies = scope.agencyIds
      ? sql`and u.agency_id in (${sql.join(scope.agencyIds.length ? scope.agencyIds : [-1])})`
      : sql``;
    const { rows } = await sql<{ agency_id: number | null; n: number }>`
      select u.agency_id, count(distinct u.procedure_id)::int as n
      from indicator_online_use u
      join procedure p on p.id = u.procedure_id
      where u.year in (${sql.join(years.map((y) => sql`${y}::smallint`))}) and u.months & (case u.year ${mask} end) <> 0 and p.online_offered ${agencies}
      group by grouping sets ((u.agency_id), ())`.execute(this.db);
    let overall = 0;
    const byAgency = new Map<number, number>();
    for (const r of rows) {
      if (r.agency_id === null) overall = Number(r.n);
      else byAgency.set(r.agency_id, Number(r.n));
    }
    return { overall, byAgency };
  }

  /**
   * Per procedure, once: complete public record (every channel's duration stated, fee stated or free, documents and
   * legal basis listed), offered online, fee-bearing. Materialised in the query so the JSON checks run once per
   * procedure, not once per agency that offers it.
   */
  private flagged() {
    return this.db.with(
      (cte) => cte('f').materialized(),
      (db) =>
        db
          .selectFrom('procedure as p')
          .leftJoin('procedure_version as v', 'v.id', 'p.current_version_id')
          .select([
            'p.id',
            'p.online_offered',
            sql<boolean>`coalesce(p.has_fee, false)`.as('has_fee'),
            sql<boolean>`(jsonb_array_length(coalesce(v.content -> 'channels', '[]'::jsonb)) > 0
              and not jsonb_path_exists(v.content, '$.channels[*] ? (@.durationStatus != "stated" || (@.feeStatus != "stated" && @.feeStatus != "free"))')
              and jsonb_array_length(coalesce(v.content -> 'requirements', '[]'::jsonb)) > 0
              and jsonb_array_length(coalesce(v.content -> 'legalBases', '[]'::jsonb)) > 0)`.as('complete'),
          ]),
    );
  }

  private static readonly counted = [
    sql<number>`count(*)::int`.as('procedures'),
    sql<number>`count(*) filter (where f.complete)::int`.as('complete'),
    sql<number>`count(*) filter (where f.online_offered)::int`.as('online'),
    sql<number>`count(*) filter (where f.has_fee)::int`.as('with_fee'),
    sql<number>`count(*) filter (where f.has_fee and f.online_offered)::int`.as('with_fee_online'),
  ];

  /** The procedures each agency offers (catalogue links), and of those: complete, online, fee-bearing, payable online. */
  async procedureCounts(agencyIds: number[] | null) {
    return this.cached(`agency:${agencyIds?.join(',') ?? '*'}`, async () => {
      let query = this.flagged()
        .selectFrom('procedure_agency as pa')
        .innerJoin('f', 'f.id', 'pa.procedure_id')
        .select(['pa.agency_id', ...ReportsRepository.counted])
        .groupBy('pa.agency_id');
      if (agencyIds) query = query.where('pa.agency_id', 'in', agencyIds.length ? agencyIds : [-1]);
      return query.execute();
    });
  }

  /** The same over the union of the agencies' procedures (a procedure offered by two agencies counts once). */
  async procedureCountsOverall(agencyIds: number[] | null) {
    return this.cached(`overall:${agencyIds?.join(',') ?? '*'}`, async () => {
      let ids = this.db.selectFrom('procedure_agency').select('procedure_id').distinct();
      if (agencyIds) ids = ids.where('agency_id', 'in', agencyIds.length ? agencyIds : [-1]);
      return this.flagged().selectFrom('f').select(ReportsRepository.counted).where('f.id', 'in', ids).executeTakeFirstOrThrow();
    });
  }

  /** Procedure counts follow the catalogue, which changes by imports: kept for five minutes. */
  private readonly cache = new Map<string, { at: number; value: Promise<unknown> }>();
  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit && Date.now() - hit.at < 300_000) return hit.value as Promise<T>;
    if (this.cache.size > 1000) this.cache.clear();
    const value = load();
    this.cache.set(key, { at: Date.now(), value });
    value.catch(() => this.cache.delete(key));
    return value;
  }

  async agencies(ids: number[] | null) {
    let query = this.db.selectFrom('agency').select(['id', 'code', 'name']).where('active', '=', true).orderBy('name');
    if (ids) query = query.where('id', 'in', ids.length ? ids : [-1]);
    return query.execute();
  }

  /** The dossiers behind a number (drill-down), newest first: code, procedure, channel, dates, timing. */
  async dossiersBehind(scope: Scope, basis: 'received' | 'finished', filter: DrillFilter, limit: number) {
    const { start } = monthBounds(scope.from);
    const { end } = monthBounds(scope.to);
    let query = this.db
      .selectFrom('dossier as d')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .leftJoin('dossier_completion as c', 'c.dossier_id', 'd.id')
      .select(['d.code', 'p.code as procedure_code', 'p.name as procedure_name', 'd.channel', 'd.received_at', 'd.due_at', 'c.completed_at', 'c.indicator_timing', 'c.supplement_count'])
      .limit(limit);
    query = basis === 'received'
      ? query.where('d.received_at', '>=', start).where('d.received_at', '<', end).orderBy('d.received_at', 'desc')
      : query.where('c.completed_at', '>=', start).where('c.completed_at', '<', end).where('c.indicator_timing', 'is not', null).orderBy('c.completed_at', 'desc');
    if (scope.agencyIds) query = query.where('d.receiving_agency_id', 'in', scope.agencyIds.length ? scope.agencyIds : [-1]);
    if (filter.channel) query = query.where('d.channel', '=', filter.channel);
    if (filter.timing) query = query.where('c.indicator_timing', '=', filter.timing);
    return query.execute();
  }
}

/** The years of a period, each with the bits of its months in the period (bit m − 1 = month m). */
export function yearMasks(from: Month, to: Month): Map<number, number> {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  const masks = new Map<number, number>();
  for (let y = fy; y <= ty; y++) {
    const first = y === fy ? fm : 1;
    const last = y === ty ? tm : 12;
    masks.set(y, ((1 << last) - 1) & ~((1 << (first - 1)) - 1));
  }
  return masks;
}

export interface DrillFilter {
  channel?: 'online' | 'in_person' | 'post';
  timing?: 'early' | 'on_time' | 'late';
}

/** Adds a dossier-count row and procedure counts into the scorer's input. */
export function toCounts(
  d: Record<string, number> | undefined,
  p: { procedures: number; complete: number; online: number; with_fee: number; with_fee_online: number } | undefined,
  usedOnline: number,
): IndicatorCounts {
  const c = emptyCounts();
  if (p) {
    c.procedures = Number(p.procedures);
    c.proceduresPublishedComplete = Number(p.complete);
    c.proceduresOnline = Number(p.online);
    c.proceduresWithFee = Number(p.with_fee);
    c.proceduresWithFeePayableOnline = Number(p.with_fee_online);
  }
  c.proceduresOnlineWithDossiers = usedOnline;
  if (d) {
    c.received = Number(d.received);
    c.receivedOnline = Number(d.received_online);
    c.receivedInPerson = Number(d.received_in_person);
    c.receivedByPost = Number(d.received_by_post);
    c.receivedTrackedPublicly = Number(d.received); // every dossier has a code, a lookup page and a QR
    c.receivedDigitised = Number(d.received_digitised);
    c.receivedReusingData = Number(d.received_reusing_data);
    c.paid = Number(d.fee_due);
    c.paidOnline = Number(d.paid_online);
    c.finished = Number(d.finished);
    c.finishedEarly = Number(d.finished_early);
    c.finishedOnTime = Number(d.finished_on_time);
    c.finishedLate = Number(d.finished_late);
    c.finishedWithElectronicResult = Number(d.finished_electronic_result);
    c.complaints = Number(d.complaints ?? 0);
  }
  return c;
}
