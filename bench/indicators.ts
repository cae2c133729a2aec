// Decision 766 indicators at scale: the monthly materialisation (one month recomputed from the dossiers, and every
// month) and the dashboard that reads it (`ReportsService.dashboard`, one agency and every agency with the ranking),
// beside the raw aggregate over the dossier table that the materialisation replaces, from the same run.
import { sql } from 'kysely';
import type { TestServer } from '../e2e/support/server.js';
import type { SessionUser } from '../src/platform/http/auth.js';
import { createReportsService, monthBounds, ReportsRepository } from '../src/modules/reports/index.js';
import { integer, ms, percentiles, table, type Percentiles } from './stats.js';

/** Target of issue #5: indicators over 10M generated dossiers under 500 ms. */
export const indicatorsTargetMs = 500;

async function timed(count: number, warmup: number, fn: () => Promise<unknown>): Promise<Percentiles> {
  const out: number[] = [];
  for (let i = 0; i < warmup + count; i++) {
    const started = performance.now();
    await fn();
    if (i >= warmup) out.push(performance.now() - started);
  }
  return percentiles(out);
}

export async function benchIndicators(options: { fixture: TestServer; rounds: number }): Promise<{ markdown: string }> {
  const { fixture, rounds } = options;
  const db = fixture.database.db;
  // Finished dossiers of the generated data get their completion record (early / on time / late in thirds).
  await sql`
    insert into dossier_completion (dossier_id, completed_at, due_at, outcome, timing, supplement_count, indicator_timing)
    select id, received_at + interval '5 days', due_at, 'result_returned',
           (array['early', 'on_time', 'late'])[1 + id % 3], (id % 4)::int, (array['early', 'on_time', 'late'])[1 + id % 3]
    from dossier where status = 'result_returned' and received_at is not null
    on conflict (dossier_id) do nothing`.execute(db);
  await sql`analyze dossier_completion`.execute(db);
  const { rows: countRows } = await sql<{ n: number; first: string | null; last: string | null }>`
    select count(*)::int as n, to_char(min(received_at), 'YYYY-MM') as first, to_char(max(received_at), 'YYYY-MM') as last from dossier where received_at is not null`.execute(db);
  const total = countRows[0]?.n ?? 0;
  const last = countRows[0]?.last ?? '2025-12';
  const month = `${last}-01`;

  const repository = new ReportsRepository(db);
  const reports = createReportsService(fixture.database, () => new Date(monthBounds(month).end.getTime() - 1));
  let started = performance.now();
  const oneMonthRows = await repository.refreshMonth(month);
  const oneMonthSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const rebuilt = await reports.rebuild();
  const rebuildSeconds = (performance.now() - started) / 1000;

  const admin: SessionUser = { id: 0, kind: 'officer', displayName: 'bench', agencyId: null, roles: ['system_admin'] };
  const { rows: busiest } = await sql<{ agency_id: number }>`select agency_id from indicator_month group by agency_id order by sum(received) desc limit 1`.execute(db);
  const agencyId = busiest[0]?.agency_id ?? null;
  const leader: SessionUser = { id: 0, kind: 'officer', displayName: 'bench', agencyId, roles: ['leader'] };
  const from = `${last.slice(0, 4)}-01`;
  const to = last;
  const oneAgency = await timed(rounds, 3, () => reports.dashboard(leader, { from, to }));
  const everyAgency = await timed(Math.max(5, Math.floor(rounds / 4)), 1, () => reports.dashboard(admin, { from, to }));
  // What the dashboard would cost without the materialisation: the same year's counts straight from the dossiers.
  const { start } = monthBounds(`${from}-01`);
  const { end } = monthBounds(month);
  const raw = await timed(Math.max(3, Math.floor(rounds / 10)), 1, () =>
    sql`select d.receiving_agency_id, count(*), count(*) filter (where d.channel = 'online'), count(c.dossier_id) filter (where c.indicator_timing = 'late')
        from dossier d left join dossier_completion c on c.dossier_id = d.id
        where d.received_at >= ${start} and d.received_at < ${end} group by 1`.execute(db),
  );
  const select1 = await timed(rounds, 3, () => sql`select 1`.execute(db));

  const markdown = [
    '### Service-quality indicators (Decision 766)',
    '',
    `Against ${integer(total)} received dossiers; dashboard period ${from} … ${to}. Target (issue #5): a dashboard over 10M dossiers under ${indicatorsTargetMs} ms.`,
    '',
    table(
      ['operation', 'p50', 'p95', 'p50 vs the raw aggregate'],
      [
        ['dashboard, one agency (leader): scores, trend', ms(oneAgency.p50), ms(oneAgency.p95), `${(oneAgency.p50 / Math.max(raw.p50, 0.001)).toFixed(2)}×`],
        ['dashboard, every agency (system admin): scores, trend, ranking', ms(everyAgency.p50), ms(everyAgency.p95), `${(everyAgency.p50 / Math.max(raw.p50, 0.001)).toFixed(2)}×`],
        ['raw aggregate of the same year from the dossier table (baseline)', ms(raw.p50), ms(raw.p95), '1×'],
        ['select 1 on the same handle', ms(select1.p50), ms(select1.p95), ''],
      ],
    ),
    '',
    `Materialisation: one month (${month.slice(0, 7)}) recomputed in ${oneMonthSeconds.toFixed(2)} s (${integer(oneMonthRows)} agency × procedure rows); every month (${rebuilt.months}) in ${rebuildSeconds.toFixed(1)} s. The job recomputes this month and the previous one every 10 minutes.`,
  ].join('\n');
  return { markdown };
}
