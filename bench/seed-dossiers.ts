import { sql, type Kysely } from 'kysely';
import type { Database as Schema } from '../src/platform/db/schema.js';

/**
 * Generates `count` dossiers for benchmarks at national scale (`npm run bench -- --scale=1m`, or 10m), inside the
 * database with generate_series in chunks: no rows cross the wire, so it runs at the server's insert speed on
 * PostgreSQL and on PGlite alike (faster than COPY from the client, which would have to build and send them).
 * Codes follow the real format on days from 2021 so they never meet the counters of real submissions; agencies,
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
        timestamptz '2024-01-01 00:00:00+07' + (g % 63072000) * interval '1 second',
        case when g % 6 = 0 then null else timestamptz '2024-01-01 00:00:00+07' + (g % 63072000 + 3600) * interval '1 second' end,
        case when g % 6 = 0 then null else timestamptz '2024-01-01 00:00:00+07' + (g % 63072000 + 864000) * interval '1 second' end
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
