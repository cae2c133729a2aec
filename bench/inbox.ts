// Officers' inbox and workflow transitions: `TaskService.inbox` (the query behind /can-bo/viec-can-lam) against the
// generated dossiers and tasks, beside the same SQL run raw and `select 1` on the same handle; then the rate of
// "forward to the next step" transitions beside the same writes done raw in one transaction each.
import { sql } from 'kysely';
import type { TestServer } from '../e2e/support/server.js';
import type { SessionUser } from '../src/platform/http/auth.js';
import { createNotificationService } from '../src/modules/notifications/index.js';
import { createTaskService } from '../src/modules/workflow/index.js';
import { BENCH_STEP } from './seed-dossiers.js';
import { integer, ms, percentiles, table, type Percentiles } from './stats.js';

/** Target of issue #4: inbox p95 under 20 ms at 10M dossiers. */
export const inboxTargetP95Ms = 20;

export interface InboxBenchOptions {
  fixture: TestServer;
  /** Inbox calls per variant, after `warmup` unmeasured ones. */
  rounds: number;
  warmup: number;
  /** Transitions to run (each on its own task), and how many at once. */
  transitions: number;
  concurrency: number;
}

async function timed(count: number, warmup: number, fn: (i: number) => Promise<unknown>): Promise<Percentiles> {
  const out: number[] = [];
  for (let i = 0; i < warmup + count; i++) {
    const started = performance.now();
    await fn(i);
    if (i >= warmup) out.push(performance.now() - started);
  }
  return percentiles(out);
}

async function parallel(count: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<{ seconds: number; failed: number }> {
  let next = 0;
  let failed = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < count; i = next++) {
        try {
          await fn(i);
        } catch {
          failed++;
        }
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, failed };
}

export async function benchInbox(options: InboxBenchOptions): Promise<{ markdown: string }> {
  const { fixture, rounds, warmup } = options;
  const db = fixture.database.db;
  const tasks = createTaskService(fixture.database, { notifications: createNotificationService(fixture.database) });

  // The busiest agency's handlers: the worst inbox of the generated data.
  const busiest = await sql<{ agency_id: number; n: number }>`
    select agency_id, count(*)::int as n from dossier_task where status = 'open' and role = 'handler' group by agency_id order by n desc limit 1`.execute(db);
  const agencyId = busiest.rows[0]?.agency_id;
  const counts = await sql<{ dossiers: number; tasks: number; open: number }>`
    select (select count(*) from dossier)::bigint as dossiers, (select count(*) from dossier_task)::bigint as tasks,
           (select count(*) from dossier_task where status = 'open')::bigint as open`.execute(db);
  const c = counts.rows[0]!;
  if (agencyId === undefined) return { markdown: '### Officers’ inbox\n\nNo open tasks: run with `--scale=…` to generate dossiers and tasks.' };
  const user = await db.insertInto('app_user').values({ kind: 'officer', username: `bench.inbox.${Date.now()}`, display_name: 'Bench handler', password_hash: 'x', agency_id: agencyId, roles: ['handler', 'leader'] }).returning('id').executeTakeFirstOrThrow();
  const officer: SessionUser = { id: user.id, kind: 'officer', displayName: 'Bench handler', agencyId, roles: ['handler', 'leader'] };
  const handlerOnly: SessionUser = { ...officer, roles: ['handler'] };
  const open = (await sql<{ n: number }>`select count(*)::int as n from dossier_task where status = 'open' and agency_id = ${agencyId} and role = 'handler'`.execute(db)).rows[0]!.n;

  const now = new Date();
  // The statement TaskService.inbox issues for one page (one ordered index range per role, merged), written by hand.
  const branch = (role: string) => sql`(select t.* from dossier_task t where t.status = 'open' and t.agency_id = ${agencyId} and t.role = ${role}
          order by t.due_at asc nulls last, t.id limit 51)`;
  const inboxSql = (roles: string[]) => sql`
    select t.id, t.row_version, t.step_name, t.due_at, d.code, d.status, d.due_at as dossier_due_at, d.applicant->>'fullName' as applicant_name,
           p.name as procedure_name, u.display_name as assignee_name,
           exists (select 1 from dossier_apology a where a.dossier_id = d.id and a.new_due_at = d.due_at) as apology_issued
    from (select * from (${sql.join(roles.map(branch), sql` union all `)}) m order by m.due_at asc nulls last, m.id limit 51) t
    join dossier d on d.id = t.dossier_id join procedure p on p.id = d.procedure_id left join app_user u on u.id = t.assignee_id
    order by t.due_at asc nulls last, t.id`;

  const variants: [string, Percentiles][] = [
    ['`select 1` (same handle)', await timed(rounds, warmup, () => sql`select 1`.execute(db))],
    ['raw SQL: one inbox page (handler)', await timed(rounds, warmup, () => inboxSql(['handler']).execute(db))],
    ['raw SQL: one inbox page (handler + leader)', await timed(rounds, warmup, () => inboxSql(['handler', 'leader']).execute(db))],
    ['`TaskService.inbox`: handler, all, page 1', await timed(rounds, warmup, () => tasks.inbox(handlerOnly, {}))],
    ['`TaskService.inbox`: handler + leader, all', await timed(rounds, warmup, () => tasks.inbox(officer, {}))],
    ['`TaskService.inbox`: overdue filter', await timed(rounds, warmup, () => tasks.inbox(handlerOnly, { urgency: 'overdue' }))],
    ['`TaskService.inbox`: assigned to me', await timed(rounds, warmup, () => tasks.inbox(handlerOnly, { scope: 'mine' }))],
    ['`TaskService.inbox`: page 20', await timed(rounds, warmup, () => tasks.inbox(handlerOnly, { page: 20 }))],
  ];
  const explain = await sql<{ 'QUERY PLAN': string }>`explain ${inboxSql(['handler'])}`.execute(db);
  const usesIndex = explain.rows.some((r) => r['QUERY PLAN'].includes('dossier_task_inbox'));

  // Transitions: forward open handling tasks of processing dossiers at the busiest agency to their next step. Each
  // needs its process snapshot (dossier_step), added here for the chosen dossiers.
  const picked = await sql<{ id: number; dossier_id: number; row_version: number }>`
    select t.id, t.dossier_id, t.row_version from dossier_task t join dossier d on d.id = t.dossier_id
    where t.status = 'open' and t.agency_id = ${agencyId} and t.role = 'handler' and t.step_name = ${BENCH_STEP} and d.status = 'processing'
    order by t.id desc limit ${options.transitions * 2}`.execute(db);
  const chosen = picked.rows;
  await sql`
    insert into dossier_step (dossier_id, position, kind, role, agency_id, share_percent, name, due_at)
    select t.dossier_id, s.position, s.kind, s.role, ${agencyId}, s.share, s.name, d.due_at
    from unnest(${chosen.map((r) => Number(r.dossier_id))}::bigint[]) as t(dossier_id)
    join dossier d on d.id = t.dossier_id
    cross join (values (1, 'receive', 'desk', 10, 'Tiếp nhận'), (2, 'handle', 'handler', 60, ${BENCH_STEP}), (3, 'approve', 'leader', 20, 'Phê duyệt'), (4, 'return', 'desk', 10, 'Trả kết quả')) as s(position, kind, role, share, name)
    on conflict do nothing`.execute(db);
  const half = Math.floor(chosen.length / 2);
  const viaService = chosen.slice(0, half);
  const viaRaw = chosen.slice(half);
  const service = await parallel(viaService.length, options.concurrency, (i) => tasks.forward(handlerOnly, Number(viaService[i]!.id), viaService[i]!.row_version, ''));
  const raw = await parallel(viaRaw.length, options.concurrency, async (i) => {
    const t = viaRaw[i]!;
    await db.transaction().execute(async (trx) => {
      await sql`select id from dossier where id = ${t.dossier_id} for update`.execute(trx);
      await sql`update dossier_task set status = 'done', outcome = 'forwarded', finished_at = now(), row_version = row_version + 1 where id = ${t.id} and row_version = ${t.row_version}`.execute(trx);
      await sql`insert into dossier_task (dossier_id, position, kind, role, agency_id, step_name, status, started_at, due_at) values (${t.dossier_id}, 3, 'approve', 'leader', ${agencyId}, 'Phê duyệt', 'open', now(), now())`.execute(trx);
      await sql`update dossier set status = 'processing', row_version = row_version + 1, updated_at = now() where id = ${t.dossier_id}`.execute(trx);
      await sql`insert into dossier_event (dossier_id, actor_user_id, actor_kind, action, from_status, to_status, from_agency_id, to_agency_id) values (${t.dossier_id}, ${officer.id}, 'officer', 'forwarded', 'processing', 'processing', ${agencyId}, ${agencyId})`.execute(trx);
    });
  });
  const rate = (r: { seconds: number; failed: number }, n: number) => (n - r.failed) / Math.max(r.seconds, 0.001);

  const markdown = [
    '### Officers’ inbox and transitions',
    '',
    `Data: ${integer(Number(c.dossiers))} dossiers, ${integer(Number(c.tasks))} tasks (${integer(Number(c.open))} open); the busiest agency's handler inbox has ${integer(open)} open tasks. ` +
      `${rounds} calls per row after ${warmup} warm-up; the inbox page query ${usesIndex ? 'uses' : 'does NOT use'} the partial index \`dossier_task_inbox\`. Target: p95 < ${inboxTargetP95Ms} ms at 10M dossiers.`,
    '',
    table(
      ['query', 'p50', 'p95', 'p99', 'max'],
      variants.map(([name, p]) => [name, ms(p.p50), ms(p.p95), ms(p.p99), ms(p.max)]),
    ),
    '',
    table(
      ['transition (forward to the next step)', 'count', `concurrency`, 'per second', 'failed'],
      [
        ['raw SQL: lock, close task, open task, move dossier, event (one transaction)', String(viaRaw.length), String(options.concurrency), rate(raw, viaRaw.length).toFixed(0), String(raw.failed)],
        ['`TaskService.forward` (+ checks, steps, audit chain, outbox, change notice)', String(viaService.length), String(options.concurrency), rate(service, viaService.length).toFixed(0), String(service.failed)],
      ],
    ),
  ].join('\n');
  return { markdown };
}
