import { sql, type Kysely } from 'kysely';
import type { Database as Schema } from '../src/platform/db/schema.js';

/**
 * Generates `count` dossiers for benchmarks at national scale (`npm run bench -- --scale=1m`, or 10m), inside the
 * database with generate_series in chunks: no rows cross the wire, so it runs at the server's insert speed on
 * PostgreSQL and on PGlite alike (faster than COPY from the client, which would have to build and send them).
 * Codes follow the real format on days from 2021 so they never meet the counters of real submissions; submission
 * times spread over 2024–2025 (g × 7919 mod two years of seconds: a permutation, so every month gets its share); agencies,
 * procedures, channels, statuses and times are spread evenly over the demo data.
 */
export async function seedDossiers(db: Kysely<Schema>, count: number, onProgress?: (done: number) => void): Promise<{ rows: number; seconds: number }> {
  const started = performance.now();
  const { rows: existing } = await sql<{ n: number }>`select count(*)::int as n from dossier where form_version = 'bench'`.execute(db);
  const from = existing[0]?.n ?? 0;
  const chunk = 200_000;
  for (let start = from; start < count; start += chunk) {
    const end = Math.min(count, start + chunk) - 1;
    await sql`
      with a as (
        select array_agg(id order by id) as ids, array_agg(code order by id) as codes
        from agency where kind in ('service_centre', 'commune_committee', 'department')
      ),
      p as (
        select array_agg(id order by id) as ids, array_agg(current_version_id order by id) as versions
        from procedure where current_version_id is not null and online_offered
      )
      insert into dossier (code, lookup_secret, procedure_id, procedure_version_id, form_version, applicant,
        receiving_agency_id, holder_agency_id, channel, status, values, result_delivery, phone_last4,
        submitted_at, received_at, due_at)
      select
        a.codes[1 + g % cardinality(a.ids)] || '-' || to_char(date '2021-01-01' + (g / 10000), 'YYMMDD') || '-' || lpad((g % 10000)::text, 4, '0'),
        upper(substr(md5(g::text), 1, 6)),
        p.ids[1 + g % cardinality(p.ids)],
        p.versions[1 + g % cardinality(p.ids)],
        'bench',
        jsonb_build_object('fullName', 'Người thử ' || g, 'phone', '09' || lpad((g % 100000000)::text, 8, '0')),
        a.ids[1 + g % cardinality(a.ids)],
        a.ids[1 + g % cardinality(a.ids)],
        (array['online', 'in_person', 'post'])[1 + g % 3],
        (array['awaiting_reception', 'received', 'processing', 'awaiting_supplement', 'result_ready', 'result_returned'])[1 + g % 6],
        jsonb_build_object('bench', true, 'purpose', 'Bổ sung hồ sơ xin việc'),
        'online',
        lpad((g % 10000)::text, 4, '0'),
        timestamptz '2024-01-01 00:00:00+07' + (g::bigint * 7919 % 63072000) * interval '1 second',
        case when g % 6 = 0 then null else timestamptz '2024-01-01 00:00:00+07' + (g::bigint * 7919 % 63072000 + 3600) * interval '1 second' end,
        case when g % 6 = 0 then null else timestamptz '2024-01-01 00:00:00+07' + (g::bigint * 7919 % 63072000 + 864000) * interval '1 second' end
      from a, p, generate_series(${start}::int, ${end}::int) as g
    `.execute(db);
    onProgress?.(end + 1);
  }
  await sql`analyze dossier`.execute(db);
  return { rows: Math.max(0, count - from), seconds: (performance.now() - started) / 1000 };
}

/** "1m" → 1,000,000; "250k" → 250,000; "10m" → 10,000,000. */
export function parseScale(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!m) throw new Error(`--scale takes a number like 100k, 1m or 10m, not "${text}"`);
  const factor = m[2]!.toLowerCase() === 'm' ? 1_000_000 : m[2]!.toLowerCase() === 'k' ? 1_000 : 1;
  return Math.round(Number(m[1]) * factor);
}

/** The step name that marks generated tasks (so a second run resumes rather than duplicates). */
export const BENCH_STEP = 'Bước xử lý (bench)';

/**
 * Generates the workflow tasks of the generated dossiers (after `seedDossiers`), inside the database in chunks of
 * dossier ids, like the dossiers themselves. Every received dossier gets its done reception task at the receiving
 * agency and the task it is at now: an open handling task (handler) while received or processing, a paused one
 * while awaiting a supplement, an open return task (desk) when the result is ready, a done one once returned.
 * Step due moments spread over the dossier's span, so the inbox's urgency order and filters have real work to do.
 */
export async function seedTasks(db: Kysely<Schema>, onProgress?: (done: number) => void): Promise<{ rows: number; seconds: number }> {
  const started = performance.now();
  const { rows: bounds } = await sql<{ lo: number | null; hi: number | null }>`
    select min(id)::bigint as lo, max(id)::bigint as hi from dossier where form_version = 'bench'`.execute(db);
  const lo = Number(bounds[0]?.lo ?? 0);
  const hi = Number(bounds[0]?.hi ?? -1);
  const { rows: done } = await sql<{ last: number | null }>`
    select max(dossier_id)::bigint as last from dossier_task where step_name = ${BENCH_STEP}`.execute(db);
  let from = Math.max(lo, Number(done[0]?.last ?? lo - 1) + 1);
  const chunk = 200_000;
  let rows = 0;
  for (; from <= hi; from += chunk) {
    const to = Math.min(hi, from + chunk - 1);
    const inserted = await sql`
      insert into dossier_task (dossier_id, position, kind, role, agency_id, step_name, assignee_id, status, started_at,
        due_at, finished_at, outcome, timing)
      select d.id, s.position, s.kind, s.role, d.receiving_agency_id, ${BENCH_STEP}, null, s.status,
        d.received_at, d.received_at + (d.due_at - d.received_at) * s.share, s.finished_at, s.outcome, s.timing
      from dossier d
      cross join lateral (values
        (1, 'receive', 'desk', 'done', 0.1, d.received_at, 'forwarded', 'on_time'),
        (case when d.status in ('result_ready', 'result_returned') then 4 else 2 end,
         case when d.status in ('result_ready', 'result_returned') then 'return' else 'handle' end,
         case when d.status in ('result_ready', 'result_returned') then 'desk' else 'handler' end,
         case d.status when 'awaiting_supplement' then 'paused' when 'result_returned' then 'done' else 'open' end,
         case when d.status in ('result_ready', 'result_returned') then 1.0 else 0.7 end,
         case when d.status = 'result_returned' then d.due_at - interval '1 day' else null end,
         case when d.status = 'result_returned' then 'result_returned' else null end,
         case when d.status = 'result_returned' then 'early' else null end)
      ) as s(position, kind, role, status, share, finished_at, outcome, timing)
      where d.form_version = 'bench' and d.id between ${from} and ${to} and d.received_at is not null
    `.execute(db);
    rows += Number(inserted.numAffectedRows ?? 0);
    onProgress?.(to - lo + 1);
  }
  await sql`analyze dossier_task`.execute(db);
  return { rows, seconds: (performance.now() - started) / 1000 };
}
