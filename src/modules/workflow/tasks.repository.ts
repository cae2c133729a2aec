import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { DossierStatus } from '../dossiers/index.js';
import type { PlannedStep } from './tasks.plan.js';
import type { AlertKind, ProcessRole, ProcessStepKind, TaskStatus, Timing } from './workflow.tables.js';
import { DossierRecordsRepository, type DossierEventRecord } from './dossier-records.repository.js';

type Db = Kysely<Schema> | Transaction<Schema>;

export interface InboxQuery {
  agencyId: number;
  roles: ProcessRole[];
  /** Only tasks assigned to this officer. */
  assigneeId?: number;
  /** Only tasks nobody is assigned to. */
  unassigned?: boolean;
  /** Only tasks due before this moment (overdue: now). */
  dueBefore?: Date;
  /** Only tasks due at or after this moment. */
  dueFrom?: Date;
  /** One dossier by its code. */
  code?: string;
  limit: number;
  offset: number;
}

export interface NewTask {
  dossierId: number;
  position: number;
  kind: ProcessStepKind;
  role: ProcessRole;
  agencyId: number;
  stepName: string;
  assigneeId: number | null;
  status: TaskStatus;
  startedAt: Date;
  dueAt: Date | null;
  finishedAt?: Date | null;
  outcome?: string | null;
  timing?: Timing | null;
  consultedFrom?: number | null;
}

/** A control-slip entry written by the engine (its actor kind is always stated). */
export type TaskEvent = DossierEventRecord & { actorKind: 'officer' | 'system' };

/** The only place with SQL for the workflow engine (tasks, steps, alerts, completions). */
export class TasksRepository extends DossierRecordsRepository {

  async agencies() {
    return this.db.selectFrom('agency').select(['id', 'name']).where('active', '=', true).orderBy('name').execute();
  }

  async agencyExists(id: number): Promise<boolean> {
    return (await this.db.selectFrom('agency').select('id').where('id', '=', id).where('active', '=', true).executeTakeFirst()) !== undefined;
  }

  /** Officers of an agency (for assignment and escalation), optionally only those holding `role`. */
  async officersOf(agencyId: number, role?: string, db: Db = this.db) {
    let q = db.selectFrom('app_user').select(['id', 'display_name', 'roles']).where('kind', '=', 'officer').where('agency_id', '=', agencyId);
    if (role) q = q.where(sql<boolean>`${role} = any(roles)`);
    return q.orderBy('display_name').execute();
  }

  // ---- inbox ----

  private inboxFilter(q: InboxQuery, role?: ProcessRole) {
    // Served by dossier_task_inbox (agency_id, role, due_at, id) WHERE status = 'open', or by dossier_task_assignee
    // for "assigned to me"; the due-moment filters are ranges on the same index.
    let query = this.db.selectFrom('dossier_task as t').where('t.status', '=', 'open');
    if (q.assigneeId !== undefined) query = query.where('t.assignee_id', '=', q.assigneeId).where('t.agency_id', '=', q.agencyId);
    else if (role !== undefined) query = query.where('t.agency_id', '=', q.agencyId).where('t.role', '=', role);
    else query = query.where('t.agency_id', '=', q.agencyId).where('t.role', 'in', q.roles);
    if (q.unassigned) query = query.where('t.assignee_id', 'is', null);
    if (q.dueBefore) query = query.where('t.due_at', '<', q.dueBefore);
    if (q.dueFrom) query = query.where('t.due_at', '>=', q.dueFrom);
    if (q.code) query = query.where('t.dossier_id', '=', (eb) => eb.selectFrom('dossier').select('id').where('code', '=', q.code!));
    return query;
  }

  /**
   * One page of the inbox, most urgent first (no due moment last). An officer with several roles gets one ordered
   * index range per role (`role = ?` keeps dossier_task_inbox's order, `role IN (…)` would not and sorts every open
   * task of the agency), merged: each branch reads at most offset + limit entries.
   */
  async inbox(q: InboxQuery) {
    const columns = ['t.id', 't.dossier_id', 't.position', 't.kind', 't.role', 't.step_name', 't.assignee_id', 't.started_at', 't.due_at', 't.row_version', 't.consulted_from'] as const;
    const branch = (role?: ProcessRole) => this.inboxFilter(q, role).select(columns).orderBy(sql`t.due_at asc nulls last`).orderBy('t.id');
    const single = q.assigneeId !== undefined || q.roles.length === 1;
    let page;
    if (single) {
      page = branch(q.assigneeId === undefined ? q.roles[0] : undefined).limit(q.limit).offset(q.offset).as('t');
    } else {
      const parts = q.roles.map((role, i) => this.db.selectFrom(branch(role).limit(q.offset + q.limit).as(`r${i}`)).selectAll());
      const merged = parts.slice(1).reduce((u, part) => u.unionAll(part), parts[0]!);
      page = this.db.selectFrom(merged.as('u')).selectAll().orderBy(sql`u.due_at asc nulls last`).orderBy('u.id').limit(q.limit).offset(q.offset).as('t');
    }
    return this.db
      .selectFrom(page)
      .innerJoin('dossier as d', 'd.id', 't.dossier_id')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .leftJoin('app_user as u', 'u.id', 't.assignee_id')
      .select([
        't.id',
        't.position',
        't.kind',
        't.role',
        't.step_name',
        't.assignee_id',
        't.started_at',
        't.due_at',
        't.row_version',
        't.consulted_from',
        'd.code',
        'd.status as dossier_status',
        'd.due_at as dossier_due_at',
        sql<string>`d.applicant->>'fullName'`.as('applicant_name'),
        'p.name as procedure_name',
        'u.display_name as assignee_name',
        sql<boolean>`exists (select 1 from dossier_apology a where a.dossier_id = d.id and a.new_due_at = d.due_at)`.as('apology_issued'),
      ])
      .orderBy(sql`t.due_at asc nulls last`)
      .orderBy('t.id')
      .execute();
  }

  /** How many tasks match, counted up to `cap` (an exact count of a national inbox costs more than it tells). */
  async inboxCount(q: InboxQuery, cap: number): Promise<number> {
    const inner = this.inboxFilter(q).select('t.id').limit(cap + 1).as('x');
    const row = await this.db.selectFrom(inner).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // ---- one task ----

  /** A task with its dossier, for the detail page and for the checks before a transaction. */
  async taskContext(taskId: number) {
    return this.db
      .selectFrom('dossier_task as t')
      .innerJoin('dossier as d', 'd.id', 't.dossier_id')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .innerJoin('agency as ta', 'ta.id', 't.agency_id')
      .innerJoin('agency as ra', 'ra.id', 'd.receiving_agency_id')
      .innerJoin('agency as ha', 'ha.id', 'd.holder_agency_id')
      .leftJoin('app_user as u', 'u.id', 't.assignee_id')
      .select([
        't.id',
        't.dossier_id',
        't.position',
        't.kind',
        't.role',
        't.agency_id',
        't.step_name',
        't.assignee_id',
        't.status',
        't.started_at',
        't.due_at',
        't.finished_at',
        't.paused_at',
        't.row_version',
        't.consulted_from',
        't.draft_note',
        'ta.name as agency_name',
        'u.display_name as assignee_name',
        'd.code',
        'd.status as dossier_status',
        'd.channel',
        'd.applicant',
        'd.procedure_id',
        'd.receiving_agency_id',
        'd.holder_agency_id',
        'd.result_delivery',
        'd.submitted_at',
        'd.received_at',
        'd.due_at as dossier_due_at',
        'd.completed_at',
        'p.code as procedure_code',
        'p.name as procedure_name',
        'ra.name as receiving_agency_name',
        'ha.name as holder_agency_name',
      ])
      .where('t.id', '=', taskId)
      .executeTakeFirst();
  }

  /** Whether an agency ever held a task of the dossier (it was transferred to it or consulted on it). */
  async agencyInvolved(dossierId: number, agencyId: number): Promise<boolean> {
    const row = await this.db.selectFrom('dossier_task').select('id').where('dossier_id', '=', dossierId).where('agency_id', '=', agencyId).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async steps(dossierId: number, db: Db = this.db) {
    return db
      .selectFrom('dossier_step as s')
      .innerJoin('agency as a', 'a.id', 's.agency_id')
      .select(['s.position', 's.kind', 's.role', 's.agency_id', 's.share_percent', 's.name', 's.name_en', 's.due_at', 'a.name as agency_name'])
      .where('s.dossier_id', '=', dossierId)
      .orderBy('s.position')
      .execute();
  }

  async tasksOf(dossierId: number) {
    return this.db
      .selectFrom('dossier_task as t')
      .innerJoin('agency as a', 'a.id', 't.agency_id')
      .leftJoin('app_user as u', 'u.id', 't.assignee_id')
      .select(['t.id', 't.position', 't.kind', 't.role', 't.step_name', 't.status', 't.started_at', 't.due_at', 't.finished_at', 't.outcome', 't.timing', 'a.name as agency_name', 'u.display_name as assignee_name'])
      .where('t.dossier_id', '=', dossierId)
      .orderBy('t.id')
      .execute();
  }

  /** The control slip (form 06): every event with from/to agency and person, step, its due moment and timing. */
  async events(dossierId: number) {
    return this.db
      .selectFrom('dossier_event as e')
      .leftJoin('app_user as u', 'u.id', 'e.actor_user_id')
      .leftJoin('app_user as tu', 'tu.id', 'e.to_user_id')
      .leftJoin('agency as fa', 'fa.id', 'e.from_agency_id')
      .leftJoin('agency as ta', 'ta.id', 'e.to_agency_id')
      .select([
        'e.id',
        'e.at',
        'e.action',
        'e.actor_kind',
        'e.from_status',
        'e.to_status',
        'e.reason',
        'e.step_name',
        'e.step_due_at',
        'e.timing',
        'u.display_name as actor_name',
        'tu.display_name as to_user_name',
        'fa.name as from_agency',
        'ta.name as to_agency',
      ])
      .where('e.dossier_id', '=', dossierId)
      .orderBy('e.id')
      .execute();
  }



  async latestApology(dossierId: number) {
    return this.db
      .selectFrom('dossier_apology')
      .select(['id', 'issued_at', 'reason', 'previous_due_at', 'new_due_at'])
      .where('dossier_id', '=', dossierId)
      .orderBy('issued_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async dossierBrief(dossierId: number) {
    return this.db.selectFrom('dossier').select(['id', 'status', 'receiving_agency_id']).where('id', '=', dossierId).executeTakeFirst();
  }

  // ---- writing (inside the caller's transaction) ----

  /** The dossier row locked for the transaction (only that row: see DeskRepository.lockDossier). */
  async lockDossier(trx: Transaction<Schema>, dossierId: number) {
    return trx
      .selectFrom('dossier')
      .select(['id', 'code', 'status', 'applicant', 'receiving_agency_id', 'holder_agency_id', 'received_at', 'due_at', 'row_version'])
      .where('id', '=', dossierId)
      .forUpdate()
      .executeTakeFirst();
  }

  async lockTask(trx: Transaction<Schema>, taskId: number) {
    return trx.selectFrom('dossier_task').selectAll().where('id', '=', taskId).forUpdate().executeTakeFirst();
  }

  async insertSteps(trx: Transaction<Schema>, dossierId: number, steps: readonly PlannedStep[]): Promise<void> {
    if (steps.length === 0) return;
    await trx
      .insertInto('dossier_step')
      .values(
        steps.map((s) => ({
          dossier_id: dossierId,
          position: s.position,
          kind: s.kind,
          role: s.role,
          agency_id: s.agencyId,
          share_percent: s.sharePercent,
          name: s.name,
          name_en: s.nameEn,
          due_at: s.dueAt,
        })),
      )
      .execute();
  }

  async insertTask(trx: Db, t: NewTask): Promise<number> {
    const row = await trx
      .insertInto('dossier_task')
      .values({
        dossier_id: t.dossierId,
        position: t.position,
        kind: t.kind,
        role: t.role,
        agency_id: t.agencyId,
        step_name: t.stepName,
        assignee_id: t.assigneeId,
        status: t.status,
        started_at: t.startedAt,
        due_at: t.dueAt,
        finished_at: t.finishedAt ?? null,
        outcome: t.outcome ?? null,
        timing: t.timing ?? null,
        consulted_from: t.consultedFrom ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  /**
   * Closes a task if it is still open at `expectedRowVersion` (optimistic concurrency; the caller also holds the
   * dossier lock). Returns false when someone else acted first.
   */
  async finishTask(trx: Transaction<Schema>, taskId: number, expectedRowVersion: number, f: { status: 'done' | 'cancelled'; outcome: string; timing: Timing | null; at: Date }): Promise<boolean> {
    const row = await trx
      .updateTable('dossier_task')
      .set({ status: f.status, outcome: f.outcome, timing: f.timing, finished_at: f.at, row_version: sql`row_version + 1` })
      .where('id', '=', taskId)
      .where('row_version', '=', expectedRowVersion)
      .where('status', '=', 'open')
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Changes an open task in place (pause, draft, new due moment); false when the row version moved on. */
  async updateTask(
    trx: Transaction<Schema>,
    taskId: number,
    expectedRowVersion: number,
    set: { status?: TaskStatus; pausedAt?: Date | null; draftNote?: string; dueAt?: Date | null; assigneeId?: number | null },
  ): Promise<number | null> {
    const row = await trx
      .updateTable('dossier_task')
      .set({
        row_version: sql`row_version + 1`,
        ...(set.status !== undefined ? { status: set.status } : {}),
        ...(set.pausedAt !== undefined ? { paused_at: set.pausedAt } : {}),
        ...(set.draftNote !== undefined ? { draft_note: set.draftNote } : {}),
        ...(set.dueAt !== undefined ? { due_at: set.dueAt } : {}),
        ...(set.assigneeId !== undefined ? { assignee_id: set.assigneeId } : {}),
      })
      .where('id', '=', taskId)
      .where('row_version', '=', expectedRowVersion)
      .returning('row_version')
      .executeTakeFirst();
    return row ? row.row_version : null;
  }

  /** Other open tasks of the dossier (cancelled when it stops or is withdrawn; `outcome` says which). */
  async cancelOpenTasks(trx: Transaction<Schema>, dossierId: number, at: Date, outcome: string): Promise<void> {
    await trx
      .updateTable('dossier_task')
      .set({ status: 'cancelled', outcome, finished_at: at, row_version: sql`row_version + 1` })
      .where('dossier_id', '=', dossierId)
      .where('status', 'in', ['open', 'paused'])
      .execute();
  }

  /** The dossier's open and paused tasks, locked (closed when the applicant withdraws). */
  async unfinishedTasks(trx: Transaction<Schema>, dossierId: number) {
    return trx
      .selectFrom('dossier_task')
      .select(['id', 'agency_id', 'role', 'assignee_id', 'step_name', 'due_at', 'status'])
      .where('dossier_id', '=', dossierId)
      .where('status', 'in', ['open', 'paused'])
      .orderBy('id')
      .forUpdate()
      .execute();
  }

  async pausedTasks(trx: Transaction<Schema>, dossierId: number) {
    return trx.selectFrom('dossier_task').select(['id', 'due_at', 'paused_at', 'row_version']).where('dossier_id', '=', dossierId).where('status', '=', 'paused').forUpdate().execute();
  }

  async resumeTask(trx: Transaction<Schema>, taskId: number, dueAt: Date | null): Promise<void> {
    await trx.updateTable('dossier_task').set({ status: 'open', paused_at: null, due_at: dueAt, row_version: sql`row_version + 1` }).where('id', '=', taskId).execute();
  }

  async setStepDue(trx: Transaction<Schema>, dossierId: number, position: number, dueAt: Date | null): Promise<void> {
    await trx.updateTable('dossier_step').set({ due_at: dueAt }).where('dossier_id', '=', dossierId).where('position', '=', position).execute();
  }

  /** The last officer who finished a task of this step (a return to the step goes back to them). */
  async lastAssigneeOf(trx: Transaction<Schema>, dossierId: number, position: number, agencyId: number): Promise<number | null> {
    const row = await trx
      .selectFrom('dossier_task')
      .select('assignee_id')
      .where('dossier_id', '=', dossierId)
      .where('position', '=', position)
      .where('agency_id', '=', agencyId)
      .where('assignee_id', 'is not', null)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.assignee_id ?? null;
  }

  /** Moves the dossier on (status, holder, due moment, completion) and bumps its row version. */
  async updateDossier(trx: Transaction<Schema>, dossierId: number, set: { status?: DossierStatus; holderAgencyId?: number; dueAt?: Date | null; completedAt?: Date }): Promise<void> {
    await trx
      .updateTable('dossier')
      .set({
        row_version: sql`row_version + 1`,
        updated_at: sql`now()`,
        ...(set.status !== undefined ? { status: set.status } : {}),
        ...(set.holderAgencyId !== undefined ? { holder_agency_id: set.holderAgencyId } : {}),
        ...(set.dueAt !== undefined ? { due_at: set.dueAt } : {}),
        ...(set.completedAt !== undefined ? { completed_at: set.completedAt } : {}),
      })
      .where('id', '=', dossierId)
      .execute();
  }



  /** The applicant's answer to the latest supplement request (when the clock resumes). */
  async lastAnsweredSupplement(trx: Db, dossierId: number) {
    return trx
      .selectFrom('supplement_request')
      .select(['id', 'requested_at', 'answered_at'])
      .where('dossier_id', '=', dossierId)
      .where('answered_at', 'is not', null)
      .orderBy('answered_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async supplementCount(trx: Db, dossierId: number): Promise<number> {
    const row = await trx.selectFrom('supplement_request').select(sql<number>`count(*)`.as('n')).where('dossier_id', '=', dossierId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insertCompletion(
    trx: Db,
    c: { dossierId: number; completedAt: Date; dueAt: Date | null; outcome: 'result_returned' | 'stopped'; timing: Timing | null; supplementCount: number; indicatorTiming: Timing | null },
  ): Promise<void> {
    await trx
      .insertInto('dossier_completion')
      .values({
        dossier_id: c.dossierId,
        completed_at: c.completedAt,
        due_at: c.dueAt,
        outcome: c.outcome,
        timing: c.timing,
        supplement_count: c.supplementCount,
        indicator_timing: c.indicatorTiming,
      })
      .execute();
  }

  async insertApology(trx: Db, a: { dossierId: number; issuedBy: number; issuedAt: Date; reason: string; previousDueAt: Date; newDueAt: Date }): Promise<number> {
    const row = await trx
      .insertInto('dossier_apology')
      .values({ dossier_id: a.dossierId, issued_by: a.issuedBy, issued_at: a.issuedAt, reason: a.reason, previous_due_at: a.previousDueAt, new_due_at: a.newDueAt })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  // ---- deadline sweep ----

  /** Dossiers whose tasks are paused although the applicant has answered (resumed by the sweep as a backstop). */
  async dossiersToResume(limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('dossier_task as t')
      .innerJoin('dossier as d', 'd.id', 't.dossier_id')
      .select('t.dossier_id')
      .distinct()
      .where('t.status', '=', 'paused')
      .where('d.status', '!=', 'awaiting_supplement')
      .limit(limit)
      .execute();
    return rows.map((r) => Number(r.dossier_id));
  }

  /**
   * Open tasks due in [from, before) that have no alert of `kind` yet (dossier_task_due serves the range; the alert's
   * primary key makes the "not yet" check an index probe). The lower bound keeps a sweep from walking every task that
   * was alerted long ago.
   */
  async tasksToAlert(kind: 'due_soon' | 'overdue', from: Date, before: Date, limit: number) {
    return this.db
      .selectFrom('dossier_task as t')
      .innerJoin('dossier as d', 'd.id', 't.dossier_id')
      .select(['t.id', 't.dossier_id', 't.agency_id', 't.role', 't.assignee_id', 't.due_at', 't.step_name', 'd.code'])
      .where('t.status', '=', 'open')
      .where('t.due_at', '>=', from)
      .where('t.due_at', '<', before)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('dossier_task_alert as a').select('a.task_id').whereRef('a.task_id', '=', 't.id').where('a.kind', '=', kind))))
      .orderBy('t.due_at')
      .limit(limit)
      .execute();
  }

  /** Records an alert; false when one of that kind exists already (another worker or a retry sent it). */
  async insertAlert(trx: Db, taskId: number, kind: AlertKind, recipients: number[], at: Date): Promise<boolean> {
    const row = await trx
      .insertInto('dossier_task_alert')
      .values({ task_id: taskId, kind, recipients, sent_at: at })
      .onConflict((oc) => oc.columns(['task_id', 'kind']).doNothing())
      .returning('task_id')
      .executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Alerts addressed to an officer, newest first (shown above the inbox): deadline alerts while their task is open,
   * and "withdrawn" alerts (the task closed because the applicant withdrew) sent since `closedSince`.
   */
  async alertsFor(userId: number, limit: number, closedSince: Date) {
    return this.db
      .selectFrom('dossier_task_alert as a')
      .innerJoin('dossier_task as t', 't.id', 'a.task_id')
      .innerJoin('dossier as d', 'd.id', 't.dossier_id')
      .select(['a.task_id', 'a.kind', 'a.sent_at', 't.step_name', 't.due_at', 'd.code'])
      .where(sql<boolean>`a.recipients @> array[${userId}]::int[]`)
      .where((eb) => eb.or([eb.and([eb('a.kind', '!=', 'withdrawn'), eb('t.status', '=', 'open')]), eb.and([eb('a.kind', '=', 'withdrawn'), eb('a.sent_at', '>=', closedSince)])]))
      .orderBy('a.sent_at', 'desc')
      .limit(limit)
      .execute();
  }
}
