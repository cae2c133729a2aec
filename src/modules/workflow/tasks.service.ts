import type { Transaction } from 'kysely';
import { appendAudit } from '../../platform/audit/index.js';
import type { Database as Schema } from '../../platform/db/schema.js';
import { CommonErrors, DomainError, type FieldProblem } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import { isLocalDate, type OfficeHoursInterval, type WorkingCalendar } from '../calendar/index.js';
import { dossierChanged, type DossierStatus, type ResultDelivery, type WithdrawalClosure } from '../dossiers/index.js';
import type { ApplicantContact, SupplementItem } from './desk.service.js';
import type { ProcessDefinition } from './process.model.js';
import {
  builtInSteps,
  indicatorTimingOf,
  pausedWorkingHours,
  planSteps,
  replanRemaining,
  shiftDue,
  timingOf,
  urgencyOf,
  type PlannedStep,
  type Urgency,
} from './tasks.plan.js';
import type { TasksRepository } from './tasks.repository.js';
import { WorkflowErrors } from './workflow.errors.js';
import type { AlertKind, ProcessRole, ProcessStepKind, Timing } from './workflow.tables.js';

export interface TaskPorts {
  /** The working calendar of an agency's office hours (calendar module). */
  calendar(officeHours: readonly OfficeHoursInterval[]): Promise<WorkingCalendar>;
  /** Writes the messages to the applicant in the caller's transaction (notification outbox). */
  notify(trx: Transaction<Schema>, message: { dossierId: number; applicant: ApplicantContact; template: string; params: Record<string, string> }): Promise<void>;
  /** Formats an instant for a message to the applicant (Vietnamese, Vietnam time). */
  formatMoment(at: Date): string;
  /**
   * The current internal process of a procedure at the receiving agency (ProcessService.current); null or absent:
   * the built-in process (receive → handle → approve → return at the receiving agency).
   */
  processFor?(procedureId: number, receivingAgencyId: number): Promise<ProcessDefinition | null>;
  /** Renders, signs and seals the result (signatures module); runs outside any transaction. Absent: approval only records the decision. */
  sign?(input: { dossierId: number; signer: SessionUser }): Promise<{ resultId: number; verificationCode: string }>;
  /**
   * Runs in the return-result transaction and gives the text appended to the result-returned message: the
   * satisfaction module's single-use rating link. Absent: the message has no link.
   */
  ratingInvitation?(trx: Transaction<Schema>, dossierId: number): Promise<string>;
  /** Working hours before a due moment from which a task is "due soon" (default 8: one working day). */
  dueSoonHours?: number;
  clock?: () => Date;
}

export type TaskAction =
  | 'forward'
  | 'return'
  | 'transfer'
  | 'consult'
  | 'answer'
  | 'approve'
  | 'decline'
  | 'draft'
  | 'requestSupplement'
  | 'stop'
  | 'returnResult'
  | 'apology'
  | 'claim';

/** 'agency': every open task of the agency, whatever the role (leaders and agency administrators, to assign). */
export type InboxScope = 'all' | 'mine' | 'unassigned' | 'agency';
export type InboxUrgency = 'all' | 'overdue' | 'due_soon';

export interface InboxFilters {
  scope?: InboxScope;
  urgency?: InboxUrgency;
  /** One dossier by its exact code. */
  code?: string;
  page?: number;
}

export interface InboxItem {
  taskId: number;
  rowVersion: number;
  code: string;
  procedureName: string;
  applicantName: string;
  stepName: string;
  kind: ProcessStepKind;
  role: ProcessRole;
  assigneeName: string | null;
  assignedToMe: boolean;
  startedAt: Date;
  dueAt: Date | null;
  dossierDueAt: Date | null;
  urgency: Urgency;
  /** The dossier is due soon, its process cannot end in time and no apology letter (form 04) covers it yet. */
  apologyRequired: boolean;
  consultation: boolean;
  dossierStatus: DossierStatus;
}

export interface InboxPage {
  agencyName: string;
  items: InboxItem[];
  /** Matching tasks, counted up to `countCap`. */
  total: number;
  countCap: number;
  page: number;
  hasNext: boolean;
  filters: { scope: InboxScope; urgency: InboxUrgency; code: string };
  /** Leaders and agency administrators assign tasks; these are the officers they may pick. */
  canAssign: boolean;
  assignees: { id: number; name: string; roles: string[] }[];
  /** Deadline alerts of open tasks, and tasks closed lately because the applicant withdrew the dossier. */
  alerts: { taskId: number; kind: AlertKind; code: string; stepName: string; dueAt: Date | null; sentAt: Date }[];
}

export interface ControlSlipEntry {
  at: Date;
  action: string;
  actorKind: string;
  actorName: string | null;
  toUserName: string | null;
  fromAgency: string | null;
  toAgency: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  stepName: string | null;
  stepDueAt: Date | null;
  timing: Timing | null;
  reason: string | null;
}

export interface TaskView {
  id: number;
  rowVersion: number;
  status: 'open' | 'paused' | 'done' | 'cancelled';
  kind: ProcessStepKind;
  role: ProcessRole;
  stepName: string;
  agencyName: string;
  assigneeName: string | null;
  startedAt: Date;
  dueAt: Date | null;
  finishedAt: Date | null;
  urgency: Urgency;
  consultation: boolean;
  draftNote: string | null;
  apologyRequired: boolean;
  dossier: {
    code: string;
    status: DossierStatus;
    procedure: { code: string; name: string };
    applicant: ApplicantContact;
    channel: string;
    resultDelivery: ResultDelivery;
    receivingAgency: string;
    holderAgency: string;
    submittedAt: Date;
    receivedAt: Date | null;
    dueAt: Date | null;
    completedAt: Date | null;
  };
  steps: { position: number; kind: ProcessStepKind; role: ProcessRole; agencyName: string; sharePercent: number; name: string; dueAt: Date | null; current: boolean }[];
  tasks: { id: number; stepName: string; agencyName: string; assigneeName: string | null; status: string; startedAt: Date; dueAt: Date | null; finishedAt: Date | null; outcome: string | null; timing: Timing | null }[];
  controlSlip: ControlSlipEntry[];
  documents: { id: number; requirementName: string; fileName: string; mime: string; pages: number | null }[];
  openSupplement: { requestedAt: Date; items: { name: string; reason: string }[]; note: string } | null;
  latestApology: { issuedAt: Date; reason: string; previousDueAt: Date; newDueAt: Date } | null;
  /** What the signed-in officer may do on this task now. */
  allowed: TaskAction[];
  /** Agencies a dossier may be transferred to or consulted with (not the task's own). */
  agencies: { id: number; name: string }[];
}

export interface TransitionOutcome {
  code: string;
  /** The task opened by the transition, if any. */
  nextTaskId: number | null;
  dossierStatus: DossierStatus;
}

/** What a reception needs from the engine: the steps planned before the transaction, written inside it. */
export interface ProcessStart {
  steps: PlannedStep[];
  /** Writes the steps and the first tasks; returns the control-slip details of the reception hand-over. */
  apply(trx: Transaction<Schema>, officerId: number): Promise<{ stepName: string | null; stepDueAt: Date | null; timing: Timing | null; toAgencyId: number }>;
}

interface Officer {
  id: number;
  agencyId: number;
  roles: ProcessRole[];
  /** Leaders and agency administrators assign tasks. */
  assigns: boolean;
}

type TaskRow = NonNullable<Awaited<ReturnType<TasksRepository['taskContext']>>>;
type LockedTask = NonNullable<Awaited<ReturnType<TasksRepository['lockTask']>>>;
type LockedDossier = NonNullable<Awaited<ReturnType<TasksRepository['lockDossier']>>>;
type StepRow = Awaited<ReturnType<TasksRepository['steps']>>[number];

const PAGE_SIZE = 50;
const COUNT_CAP = 200;
const MAX_REASON = 4000;
const MAX_ITEMS = 30;
const MAX_BULK = 200;
const PROCESS_ROLES: readonly ProcessRole[] = ['desk', 'handler', 'leader'];
/** Dossier statuses in which the internal process runs (tasks may act). */
const ACTIVE: readonly DossierStatus[] = ['received', 'processing', 'result_ready'];
const DELIVERIES: readonly ResultDelivery[] = ['online', 'at_desk', 'post'];
/** How long a "withdrawn" alert stays above the officer's inbox (calendar days): long enough to span a holiday. */
const WITHDRAWN_ALERT_DAYS = 14;

/**
 * The workflow engine and the officers' inbox. A received dossier carries a snapshot of its internal process
 * (dossier_step) and tasks (dossier_task): each task is one step being worked on at one agency by one role. Officers
 * act on tasks: forward to the next step, return to the previous one with a reason, transfer to another agency,
 * consult another agency (its answer comes back), approve or decline, attach a draft result, ask the applicant for a
 * supplement (the clock pauses), stop the dossier (form 05), issue the apology letter (form 04), return the result.
 *
 * Authorisation lives here: an officer acts on tasks of their own agency and role; they see a dossier only when
 * their agency received it, holds it, or was ever given a task on it (transfer, consultation) — otherwise "not
 * found". Every transition is one transaction that locks the dossier row, checks the task's row version (of two
 * officers acting on one task exactly one wins, the other gets DOSSIER_CHANGED), closes the task with its timing
 * against the step's due moment, opens the next task, moves the dossier (status, holder), writes the control-slip
 * event (form 06), the audit event and the applicant's messages — all or nothing.
 *
 * Reads that need other services (calendar, process definitions, signing) happen before the transaction: on the
 * embedded database a transaction holds the only session.
 */
export class TaskService {
  private readonly clock: () => Date;
  private readonly soonHours: number;

  constructor(
    private readonly repository: TasksRepository,
    private readonly ports: TaskPorts,
  ) {
    this.clock = ports.clock ?? (() => new Date());
    this.soonHours = ports.dueSoonHours ?? 8;
  }

  // ---- reception (called by the desk) ----

  /**
   * Plans the process of a dossier being received: the current definition of the procedure at the receiving agency
   * (or the built-in one), resolved and snapshotted with each step's due moment. `apply` writes it in the desk's
   * transaction: the reception step (if the process starts with one) is done by the receiving officer at once, and
   * the next step's task opens.
   */
  async prepareStart(input: { dossierId: number; procedureId: number; receivingAgencyId: number; receivedAt: Date; dueAt: Date | null }): Promise<ProcessStart> {
    const definition = this.ports.processFor ? await this.ports.processFor(input.procedureId, input.receivingAgencyId) : null;
    const source = definition && definition.steps.length > 0 ? definition.steps : builtInSteps();
    const calendar = await this.calendarOf(input.receivingAgencyId);
    const steps = planSteps(calendar, source, input.receivingAgencyId, input.receivedAt, input.dueAt);
    return {
      steps,
      apply: async (trx, officerId) => {
        await this.repository.insertSteps(trx, input.dossierId, steps);
        const [first, second] = steps;
        if (!first) return { stepName: null, stepDueAt: null, timing: null, toAgencyId: input.receivingAgencyId };
        if (first.kind === 'receive' && second) {
          const timing = timingOf(input.receivedAt, first.dueAt);
          await this.repository.insertTask(trx, {
            dossierId: input.dossierId,
            position: first.position,
            kind: first.kind,
            role: first.role,
            agencyId: first.agencyId,
            stepName: first.name,
            assigneeId: officerId,
            status: 'done',
            startedAt: input.receivedAt,
            dueAt: first.dueAt,
            finishedAt: input.receivedAt,
            outcome: 'forwarded',
            timing,
          });
          await this.repository.insertTask(trx, this.openTaskFor(input.dossierId, second, input.receivedAt, null));
          return { stepName: first.name, stepDueAt: first.dueAt, timing, toAgencyId: second.agencyId };
        }
        await this.repository.insertTask(trx, this.openTaskFor(input.dossierId, first, input.receivedAt, null));
        return { stepName: null, stepDueAt: null, timing: null, toAgencyId: first.agencyId };
      },
    };
  }

  private openTaskFor(dossierId: number, step: { position: number; kind: ProcessStepKind; role: ProcessRole; agencyId: number; name: string; dueAt: Date | null }, at: Date, assigneeId: number | null) {
    return {
      dossierId,
      position: step.position,
      kind: step.kind,
      role: step.role,
      agencyId: step.agencyId,
      stepName: step.name,
      assigneeId,
      status: 'open' as const,
      startedAt: at,
      dueAt: step.dueAt,
    };
  }

  // ---- reading ----

  /** The officer's inbox: open tasks of their agency and roles, most urgent first, with filters and alerts. */
  async inbox(actor: SessionUser, filters: InboxFilters = {}): Promise<InboxPage> {
    const officer = officerOf(actor);
    const scope: InboxScope = filters.scope === 'mine' || filters.scope === 'unassigned' || (filters.scope === 'agency' && officer.assigns) ? filters.scope : 'all';
    const urgency: InboxUrgency = filters.urgency === 'overdue' || filters.urgency === 'due_soon' ? filters.urgency : 'all';
    const code = (filters.code ?? '').trim().toUpperCase().slice(0, 60);
    const page = Number.isInteger(filters.page) && filters.page! > 0 ? Math.min(filters.page!, 1000) : 1;
    // The agency's calendar is read beside the page (it is needed before the query only for the due-soon filter).
    const calendarRead = this.repository.agencyHours(officer.agencyId).then(async (agency) => ({ agency, calendar: await this.ports.calendar(agency?.office_hours ?? []) }));
    const now = this.clock();
    const soonMoment = urgency === 'due_soon' ? (await calendarRead).calendar.addWorkingHours(now, this.soonHours) : now;
    const query = {
      agencyId: officer.agencyId,
      roles: scope === 'agency' || officer.roles.length === 0 ? [...PROCESS_ROLES] : officer.roles,
      ...(scope === 'mine' ? { assigneeId: officer.id } : {}),
      ...(scope === 'unassigned' ? { unassigned: true } : {}),
      ...(urgency === 'overdue' ? { dueBefore: now } : {}),
      ...(urgency === 'due_soon' ? { dueFrom: now, dueBefore: soonMoment } : {}),
      ...(code ? { code } : {}),
      limit: PAGE_SIZE + 1,
      offset: (page - 1) * PAGE_SIZE,
    };
    const [{ agency, calendar }, rows, total, officers, alerts] = await Promise.all([
      calendarRead,
      this.repository.inbox(query),
      this.repository.inboxCount(query, COUNT_CAP),
      officer.assigns ? this.repository.officersOf(officer.agencyId) : Promise.resolve([]),
      this.repository.alertsFor(officer.id, 10, new Date(now.getTime() - WITHDRAWN_ALERT_DAYS * 86_400_000)),
    ]);
    return {
      agencyName: agency?.name ?? '',
      items: rows.slice(0, PAGE_SIZE).map((r) => ({
        taskId: Number(r.id),
        rowVersion: r.row_version,
        code: r.code,
        procedureName: r.procedure_name,
        applicantName: r.applicant_name,
        stepName: r.step_name,
        kind: r.kind,
        role: r.role,
        assigneeName: r.assignee_name,
        assignedToMe: r.assignee_id === officer.id,
        startedAt: r.started_at,
        dueAt: r.due_at,
        dossierDueAt: r.dossier_due_at,
        urgency: urgencyOf(calendar, r.due_at, now, this.soonHours),
        apologyRequired: this.apologyRequired(calendar, now, r.dossier_due_at, r.kind, Boolean(r.apology_issued)),
        consultation: r.consulted_from !== null,
        dossierStatus: r.dossier_status,
      })),
      total: Math.min(total, COUNT_CAP),
      countCap: COUNT_CAP,
      page,
      hasNext: rows.length > PAGE_SIZE,
      filters: { scope, urgency, code },
      canAssign: officer.assigns,
      assignees: officers.map((o) => ({ id: o.id, name: o.display_name, roles: o.roles })),
      alerts: alerts.map((a) => ({ taskId: Number(a.task_id), kind: a.kind, code: a.code, stepName: a.step_name, dueAt: a.due_at, sentAt: a.sent_at })),
    };
  }

  /**
   * Form 04 is needed when the dossier will be late: it is due within the "due soon" window, not yet past (after the
   * due moment it is too late to issue), the process is not at its last step (returning the result, which can still
   * finish in time), and no apology letter set the current due moment.
   */
  private apologyRequired(calendar: WorkingCalendar, now: Date, dossierDueAt: Date | null, kind: ProcessStepKind, apologyIssued: boolean): boolean {
    if (dossierDueAt === null || apologyIssued || kind === 'return') return false;
    return urgencyOf(calendar, dossierDueAt, now, this.soonHours) === 'due_soon';
  }

  /** A task with its dossier, process, control slip and the actions the officer may take. */
  async task(actor: SessionUser, taskId: number): Promise<TaskView> {
    const officer = officerOf(actor);
    const row = await this.visibleTask(officer, taskId);
    await this.logRead(officer, Number(row.dossier_id), 'task', { taskId });
    const [steps, tasks, events, documents, supplement, apology, calendar, agencies] = await Promise.all([
      this.repository.steps(row.dossier_id),
      this.repository.tasksOf(row.dossier_id),
      this.repository.events(row.dossier_id),
      this.repository.documents(row.dossier_id),
      this.repository.openSupplement(row.dossier_id),
      this.repository.latestApology(row.dossier_id),
      this.calendarOf(row.receiving_agency_id),
      this.repository.agencies(),
    ]);
    const now = this.clock();
    const apologyIssued = apology !== undefined && row.dossier_due_at !== null && apology.new_due_at.getTime() === row.dossier_due_at.getTime();
    return {
      id: Number(row.id),
      rowVersion: row.row_version,
      status: row.status,
      kind: row.kind,
      role: row.role,
      stepName: row.step_name,
      agencyName: row.agency_name,
      assigneeName: row.assignee_name,
      startedAt: row.started_at,
      dueAt: row.due_at,
      finishedAt: row.finished_at,
      urgency: row.status === 'open' ? urgencyOf(calendar, row.due_at, now, this.soonHours) : 'none',
      consultation: row.consulted_from !== null,
      draftNote: row.draft_note,
      apologyRequired: row.status === 'open' && this.apologyRequired(calendar, now, row.dossier_due_at, row.kind, apologyIssued),
      dossier: {
        code: row.code,
        status: row.dossier_status,
        procedure: { code: row.procedure_code, name: row.procedure_name },
        applicant: row.applicant,
        channel: row.channel,
        resultDelivery: row.result_delivery,
        receivingAgency: row.receiving_agency_name,
        holderAgency: row.holder_agency_name,
        submittedAt: row.submitted_at,
        receivedAt: row.received_at,
        dueAt: row.dossier_due_at,
        completedAt: row.completed_at,
      },
      steps: steps.map((s) => ({
        position: s.position,
        kind: s.kind,
        role: s.role,
        agencyName: s.agency_name,
        sharePercent: Number(s.share_percent),
        name: s.name,
        dueAt: s.due_at,
        current: s.position === row.position,
      })),
      tasks: tasks.map((t) => ({
        id: Number(t.id),
        stepName: t.step_name,
        agencyName: t.agency_name,
        assigneeName: t.assignee_name,
        status: t.status,
        startedAt: t.started_at,
        dueAt: t.due_at,
        finishedAt: t.finished_at,
        outcome: t.outcome,
        timing: t.timing,
      })),
      controlSlip: events.map((e) => ({
        at: e.at,
        action: e.action,
        actorKind: e.actor_kind,
        actorName: e.actor_name,
        toUserName: e.to_user_name,
        fromAgency: e.from_agency,
        toAgency: e.to_agency,
        fromStatus: e.from_status,
        toStatus: e.to_status,
        stepName: e.step_name,
        stepDueAt: e.step_due_at,
        timing: e.timing,
        reason: e.reason,
      })),
      documents: documents.map((d) => ({ id: Number(d.id), requirementName: d.requirement_name, fileName: d.file_name, mime: d.mime, pages: d.pages })),
      openSupplement: supplement ? { requestedAt: supplement.requested_at, items: supplement.items, note: supplement.note } : null,
      latestApology: apology ? { issuedAt: apology.issued_at, reason: apology.reason, previousDueAt: apology.previous_due_at, newDueAt: apology.new_due_at } : null,
      allowed: this.allowedActions(officer, row, steps, now),
      agencies: agencies.filter((a) => a.id !== row.agency_id).map((a) => ({ id: a.id, name: a.name })),
    };
  }

  /** Where a document of a visible dossier is stored. */
  async document(actor: SessionUser, taskId: number, documentId: number): Promise<{ storageKey: string; fileName: string; mime: string }> {
    const officer = officerOf(actor);
    const row = await this.visibleTask(officer, taskId);
    const doc = (await this.repository.documents(row.dossier_id)).find((d) => Number(d.id) === documentId);
    if (!doc) throw new DomainError(WorkflowErrors.documentNotFound);
    await this.logRead(officer, Number(row.dossier_id), 'document', { taskId, documentId });
    return { storageKey: doc.storage_key, fileName: doc.file_name, mime: doc.mime };
  }

  /** Officers' reads of a dossier go into the audit trail (Decree 13/2023: the applicant sees who accessed it). */
  private async logRead(officer: { id: number; agencyId: number }, dossierId: number, view: string, details: Record<string, unknown> = {}): Promise<void> {
    await this.repository.transaction((trx) =>
      appendAudit(trx, { actorUserId: officer.id, actorKind: 'officer', action: 'dossier.read', subjectType: 'dossier', subjectId: dossierId, agencyId: officer.agencyId, details: { view, ...details } }),
    );
  }

  private allowedActions(officer: Officer, row: TaskRow, steps: StepRow[], now: Date): TaskAction[] {
    if (row.status !== 'open' || !ACTIVE.includes(row.dossier_status)) return [];
    if (row.agency_id !== officer.agencyId || !officer.roles.includes(row.role)) return [];
    const actions: TaskAction[] = [];
    if (row.assignee_id !== officer.id) actions.push('claim');
    const next = steps.find((s) => s.position > row.position);
    const previous = [...steps].reverse().find((s) => s.position < row.position);
    const beforeDue = row.dossier_due_at !== null && now.getTime() <= row.dossier_due_at.getTime();
    if (row.consulted_from !== null) return [...actions, 'answer', 'draft'];
    switch (row.kind) {
      case 'return':
        if (row.dossier_status === 'result_ready') actions.push('returnResult');
        if (previous) actions.push('return');
        return actions;
      case 'approve':
      case 'sign':
        actions.push('approve', 'decline');
        if (beforeDue) actions.push('apology');
        actions.push('stop');
        return actions;
      default:
        if (next) actions.push('forward');
        if (previous) actions.push('return');
        actions.push('draft', 'consult', 'transfer');
        if (row.role !== 'leader') actions.push('requestSupplement');
        if (beforeDue) actions.push('apology');
        actions.push('stop');
        return actions;
    }
  }

  // ---- transitions ----

  /** Hands the dossier to the next step of its process (or, on a consultation task, back to the agency that asked). */
  async forward(actor: SessionUser, taskId: number, expectedRowVersion: number, note = ''): Promise<TransitionOutcome> {
    const cleanNote = checkText(note, 'note', MAX_REASON, false);
    return this.transition(actor, taskId, expectedRowVersion, 'forward', async (c) => {
      if (c.task.consulted_from !== null) return this.answerConsultation(c, cleanNote);
      const next = c.steps.find((s) => s.position > c.task.position);
      if (!next || c.task.kind === 'return' || c.task.kind === 'approve' || c.task.kind === 'sign') throw notAllowed(c);
      return this.handOver(c, { outcome: 'forwarded', action: 'forwarded', reason: cleanNote || null, next: { step: next, assigneeId: null } });
    });
  }

  /** A consultation task answers: the agency that asked gets a new task on the same step, for the officer who asked. */
  async answer(actor: SessionUser, taskId: number, expectedRowVersion: number, answer: string): Promise<TransitionOutcome> {
    const cleanAnswer = checkText(answer, 'answer', MAX_REASON, true);
    return this.transition(actor, taskId, expectedRowVersion, 'answer', async (c) => {
      if (c.task.consulted_from === null) throw notAllowed(c);
      return this.answerConsultation(c, cleanAnswer);
    });
  }

  private async answerConsultation(c: Ctx, answer: string): Promise<TransitionOutcome> {
    const origin = await c.trx.selectFrom('dossier_task').select(['id', 'position', 'kind', 'role', 'agency_id', 'step_name', 'assignee_id', 'due_at']).where('id', '=', c.task.consulted_from!).executeTakeFirstOrThrow();
    const step = c.steps.find((s) => s.position === origin.position);
    return this.handOver(c, {
      outcome: 'answered',
      action: 'consultation_answered',
      reason: answer || null,
      next: {
        step: { position: origin.position, kind: origin.kind, role: origin.role, agency_id: origin.agency_id, name: origin.step_name, due_at: step?.due_at ?? origin.due_at },
        assigneeId: origin.assignee_id,
      },
    });
  }

  /** Sends the dossier back to the previous step with the reason (the officer who did that step gets it again). */
  async returnToPrevious(actor: SessionUser, taskId: number, expectedRowVersion: number, reason: string): Promise<TransitionOutcome> {
    const cleanReason = checkText(reason, 'reason', MAX_REASON, true);
    return this.transition(actor, taskId, expectedRowVersion, 'return', (c) => this.backToPrevious(c, 'returned', 'returned', cleanReason));
  }

  /** The leader does not approve: back to the previous step with the reason. */
  async decline(actor: SessionUser, taskId: number, expectedRowVersion: number, reason: string): Promise<TransitionOutcome> {
    const cleanReason = checkText(reason, 'reason', MAX_REASON, true);
    return this.transition(actor, taskId, expectedRowVersion, 'decline', async (c) => {
      if (c.task.kind !== 'approve' && c.task.kind !== 'sign') throw notAllowed(c);
      return this.backToPrevious(c, 'declined', 'declined', cleanReason);
    });
  }

  private async backToPrevious(c: Ctx, outcome: string, action: string, reason: string): Promise<TransitionOutcome> {
    if (c.task.consulted_from !== null) throw notAllowed(c);
    const previous = [...c.steps].reverse().find((s) => s.position < c.task.position);
    if (!previous) throw notAllowed(c);
    const assigneeId = await this.repository.lastAssigneeOf(c.trx, c.dossier.id, previous.position, previous.agency_id);
    return this.handOver(c, { outcome, action, reason, next: { step: previous, assigneeId }, status: 'processing' });
  }

  /** Transfers the step to another agency (inter-agency): it does this step there, then the process goes on. */
  async transfer(actor: SessionUser, taskId: number, expectedRowVersion: number, agencyId: number, reason: string): Promise<TransitionOutcome> {
    const cleanReason = checkText(reason, 'reason', MAX_REASON, true);
    await this.checkAgency(agencyId);
    return this.transition(actor, taskId, expectedRowVersion, 'transfer', async (c) => {
      if (agencyId === c.task.agency_id || c.task.consulted_from !== null) throw notAllowed(c);
      const step = c.steps.find((s) => s.position === c.task.position)!;
      return this.handOver(c, {
        outcome: 'transferred',
        action: 'transferred',
        reason: cleanReason,
        next: { step: { ...step, agency_id: agencyId, role: 'handler' }, assigneeId: null },
        status: 'processing',
      });
    });
  }

  /** Asks another agency for its opinion: it gets a consultation task; its answer comes back to this step. */
  async consult(actor: SessionUser, taskId: number, expectedRowVersion: number, agencyId: number, question: string): Promise<TransitionOutcome> {
    const cleanQuestion = checkText(question, 'question', MAX_REASON, true);
    await this.checkAgency(agencyId);
    return this.transition(actor, taskId, expectedRowVersion, 'consult', async (c) => {
      if (agencyId === c.task.agency_id || c.task.consulted_from !== null) throw notAllowed(c);
      const step = c.steps.find((s) => s.position === c.task.position)!;
      return this.handOver(c, {
        outcome: 'consulted',
        action: 'consulted',
        reason: cleanQuestion,
        next: { step: { ...step, kind: 'consult', agency_id: agencyId, role: 'handler' }, assigneeId: null, consultedFrom: Number(c.task.id) },
        status: 'processing',
      });
    });
  }

  /**
   * The leader approves. On a signing step (or an approval step with no signing step after it) the signatures
   * module issues the signed result first, outside the transaction; the approval then moves the process on.
   */
  async approve(actor: SessionUser, taskId: number, expectedRowVersion: number, note = ''): Promise<TransitionOutcome & { result: { resultId: number; verificationCode: string } | null }> {
    const cleanNote = checkText(note, 'note', MAX_REASON, false);
    let result: { resultId: number; verificationCode: string } | null = null;
    if (this.ports.sign) {
      const officer = officerOf(actor);
      const row = await this.visibleTask(officer, taskId);
      this.checkCanAct(officer, row, expectedRowVersion);
      const steps = await this.repository.steps(row.dossier_id);
      const signsLater = steps.some((s) => s.position > row.position && s.kind === 'sign');
      if (row.kind === 'sign' || (row.kind === 'approve' && !signsLater)) result = await this.ports.sign({ dossierId: row.dossier_id, signer: actor });
    }
    const outcome = await this.transition(actor, taskId, expectedRowVersion, 'approve', async (c) => {
      if (c.task.kind !== 'approve' && c.task.kind !== 'sign') throw notAllowed(c);
      const next = c.steps.find((s) => s.position > c.task.position);
      return this.handOver(c, { outcome: 'approved', action: 'approved', reason: cleanNote || null, next: next ? { step: next, assigneeId: null } : null, ...(next ? {} : { status: 'result_ready' as const }) });
    });
    return { ...outcome, result };
  }

  /** Keeps the handler's draft result with the task (no hand-over). */
  async attachDraft(actor: SessionUser, taskId: number, expectedRowVersion: number, draft: string): Promise<TransitionOutcome> {
    const cleanDraft = checkText(draft, 'draft', 20_000, true);
    return this.transition(actor, taskId, expectedRowVersion, 'draft', async (c) => {
      const version = await this.repository.updateTask(c.trx, Number(c.task.id), c.task.row_version, { draftNote: cleanDraft });
      if (version === null) throw changed(c.dossier.code);
      await this.repository.insertEvent(c.trx, {
        ...this.eventBase(c, 'draft_attached', c.dossier.status, c.task.agency_id),
        reason: null,
        visibleToPublic: false,
      });
      await this.audit(c, 'dossier.draft', { taskId: Number(c.task.id) });
      return { code: c.dossier.code, nextTaskId: Number(c.task.id), dossierStatus: c.dossier.status };
    });
  }

  /**
   * Asks the applicant for missing items while handling (form 02). The clock pauses: the task waits (paused) and,
   * when the applicant answers, every due moment moves by the working time the pause lasted (resumeAfterSupplement).
   */
  async requestSupplement(actor: SessionUser, taskId: number, expectedRowVersion: number, items: SupplementItem[], note: string): Promise<TransitionOutcome> {
    const cleanItems = checkItems(items);
    const cleanNote = checkText(note, 'note', MAX_REASON, false);
    return this.transition(actor, taskId, expectedRowVersion, 'requestSupplement', async (c) => {
      if (c.task.role === 'leader' || c.task.kind === 'return' || c.task.consulted_from !== null || c.dossier.status === 'result_ready') throw notAllowed(c);
      const version = await this.repository.updateTask(c.trx, Number(c.task.id), c.task.row_version, { status: 'paused', pausedAt: c.now });
      if (version === null) throw changed(c.dossier.code);
      await this.repository.insertSupplementRequest(c.trx, { dossierId: c.dossier.id, requestedBy: c.officer.id, requestedAt: c.now, items: cleanItems, note: cleanNote });
      await this.repository.updateDossier(c.trx, c.dossier.id, { status: 'awaiting_supplement' });
      const listing = cleanItems.map((i) => `- ${i.name}: ${i.reason}`).join('\n');
      await this.repository.insertEvent(c.trx, {
        ...this.eventBase(c, 'supplement_requested', 'awaiting_supplement', c.task.agency_id),
        reason: cleanNote ? `${listing}\n${cleanNote}` : listing,
      });
      await this.audit(c, 'dossier.request_supplement', { taskId: Number(c.task.id), fromStatus: c.dossier.status, toStatus: 'awaiting_supplement', items: cleanItems.length });
      await this.ports.notify(c.trx, {
        dossierId: c.dossier.id,
        applicant: c.dossier.applicant,
        template: cleanNote ? 'workflow.message.supplement' : 'workflow.message.supplementNoNote',
        params: { code: c.dossier.code, procedure: c.procedureName, agency: c.agencyName, items: listing, note: cleanNote },
      });
      return { code: c.dossier.code, nextTaskId: null, dossierStatus: 'awaiting_supplement' };
    });
  }

  /** Stops handling the dossier (form 05, with the reason): every open task ends, the applicant is told. */
  async stop(actor: SessionUser, taskId: number, expectedRowVersion: number, reason: string): Promise<TransitionOutcome> {
    const cleanReason = checkText(reason, 'reason', MAX_REASON, true);
    return this.transition(actor, taskId, expectedRowVersion, 'stop', async (c) => {
      if (c.task.kind === 'return' || c.task.consulted_from !== null) throw notAllowed(c);
      const timing = timingOf(c.now, c.task.due_at);
      if (!(await this.repository.finishTask(c.trx, Number(c.task.id), c.task.row_version, { status: 'done', outcome: 'stopped', timing, at: c.now }))) throw changed(c.dossier.code);
      await this.repository.cancelOpenTasks(c.trx, c.dossier.id, c.now, 'stopped');
      await this.repository.updateDossier(c.trx, c.dossier.id, { status: 'stopped', completedAt: c.now });
      const supplementCount = await this.repository.supplementCount(c.trx, c.dossier.id);
      await this.repository.insertCompletion(c.trx, { dossierId: c.dossier.id, completedAt: c.now, dueAt: c.dossier.due_at, outcome: 'stopped', timing: null, supplementCount, indicatorTiming: null });
      await this.repository.insertEvent(c.trx, { ...this.eventBase(c, 'stopped', 'stopped', c.task.agency_id), reason: cleanReason, timing });
      await this.audit(c, 'dossier.stop', { taskId: Number(c.task.id), fromStatus: c.dossier.status, toStatus: 'stopped' });
      await this.ports.notify(c.trx, {
        dossierId: c.dossier.id,
        applicant: c.dossier.applicant,
        template: 'workflow.message.stopped',
        params: { code: c.dossier.code, procedure: c.procedureName, agency: c.agencyName, reason: cleanReason },
      });
      return { code: c.dossier.code, nextTaskId: null, dossierStatus: 'stopped' };
    });
  }

  /**
   * Returns the result (online, at the desk or by post): the dossier is finished. Its timing against the due moment
   * and the number of supplement requests are recorded for the indicators (more than one request counts as late).
   */
  async returnResult(actor: SessionUser, taskId: number, expectedRowVersion: number, delivery: string, note = ''): Promise<TransitionOutcome & { timing: Timing | null }> {
    if (!DELIVERIES.includes(delivery as ResultDelivery)) throw invalid([{ field: 'delivery', messageKey: 'workflow.field.delivery.required' }]);
    const cleanNote = checkText(note, 'note', MAX_REASON, false);
    let timing: Timing | null = null;
    const outcome = await this.transition(actor, taskId, expectedRowVersion, 'returnResult', async (c) => {
      if (c.task.kind !== 'return' || c.dossier.status !== 'result_ready') throw notAllowed(c);
      const stepTiming = timingOf(c.now, c.task.due_at);
      if (!(await this.repository.finishTask(c.trx, Number(c.task.id), c.task.row_version, { status: 'done', outcome: 'result_returned', timing: stepTiming, at: c.now }))) throw changed(c.dossier.code);
      await this.repository.updateDossier(c.trx, c.dossier.id, { status: 'result_returned', completedAt: c.now });
      timing = timingOf(c.now, c.dossier.due_at);
      const supplementCount = await this.repository.supplementCount(c.trx, c.dossier.id);
      await this.repository.insertCompletion(c.trx, {
        dossierId: c.dossier.id,
        completedAt: c.now,
        dueAt: c.dossier.due_at,
        outcome: 'result_returned',
        timing,
        supplementCount,
        indicatorTiming: indicatorTimingOf(timing, supplementCount),
      });
      const deliveryNote = `${delivery}${cleanNote ? `: ${cleanNote}` : ''}`;
      await this.repository.insertEvent(c.trx, { ...this.eventBase(c, 'result_returned', 'result_returned', c.task.agency_id), reason: deliveryNote, timing: stepTiming });
      await this.audit(c, 'dossier.return_result', { taskId: Number(c.task.id), fromStatus: c.dossier.status, toStatus: 'result_returned', delivery, timing, supplementCount });
      await this.ports.notify(c.trx, {
        dossierId: c.dossier.id,
        applicant: c.dossier.applicant,
        template: `workflow.message.resultReturned.${delivery}`,
        params: { code: c.dossier.code, procedure: c.procedureName, agency: c.agencyName, rating: (await this.ports.ratingInvitation?.(c.trx, c.dossier.id)) ?? '' },
      });
      return { code: c.dossier.code, nextTaskId: null, dossierStatus: 'result_returned' };
    });
    return { ...outcome, timing };
  }

  /**
   * Issues the apology letter and new due date (form 04; Circular 03/2025/TT-VPCP: when a dossier will be late, the
   * agency apologises in writing and sets a new date, before the due date). Refused once the due moment has passed.
   * The remaining steps share the time to the new date.
   */
  async issueApology(actor: SessionUser, taskId: number, expectedRowVersion: number, reason: string, newDueDate: string): Promise<{ code: string; newDueAt: Date }> {
    const cleanReason = checkText(reason, 'reason', MAX_REASON, true);
    if (!isLocalDate(newDueDate)) throw invalid([{ field: 'newDueDate', messageKey: 'workflow.field.newDueDate.invalid' }]);
    const officer = officerOf(actor);
    const row = await this.visibleTask(officer, taskId);
    const calendar = await this.calendarOf(row.receiving_agency_id);
    const newDueAt = calendar.endOfWorkingDay(calendar.isWorkingDay(newDueDate) ? newDueDate : calendar.nextWorkingDay(newDueDate));
    let outcome: { code: string; newDueAt: Date } | undefined;
    await this.transition(actor, taskId, expectedRowVersion, 'apology', async (c) => {
      const due = c.dossier.due_at;
      if (due === null) throw notAllowed(c);
      if (c.now.getTime() > due.getTime()) throw new DomainError(WorkflowErrors.apologyTooLate, { params: { code: c.dossier.code, dueAt: this.ports.formatMoment(due) } });
      if (newDueAt.getTime() <= due.getTime()) throw invalid([{ field: 'newDueDate', messageKey: 'workflow.field.newDueDate.notLater' }]);
      await this.repository.insertApology(c.trx, { dossierId: c.dossier.id, issuedBy: c.officer.id, issuedAt: c.now, reason: cleanReason, previousDueAt: due, newDueAt });
      const plan = replanRemaining(
        calendar,
        c.steps.map((s) => ({ position: s.position, sharePercent: Number(s.share_percent), dueAt: s.due_at })),
        c.task.position,
        c.now,
        newDueAt,
      );
      for (const [position, at] of plan) await this.repository.setStepDue(c.trx, c.dossier.id, position, at);
      const version = await this.repository.updateTask(c.trx, Number(c.task.id), c.task.row_version, { dueAt: plan.get(c.task.position) ?? newDueAt });
      if (version === null) throw changed(c.dossier.code);
      await this.repository.updateDossier(c.trx, c.dossier.id, { dueAt: newDueAt });
      await this.repository.insertEvent(c.trx, { ...this.eventBase(c, 'apology_issued', c.dossier.status, c.task.agency_id), reason: cleanReason });
      await this.audit(c, 'dossier.apology', { taskId: Number(c.task.id), previousDueAt: due.toISOString(), newDueAt: newDueAt.toISOString() });
      await this.ports.notify(c.trx, {
        dossierId: c.dossier.id,
        applicant: c.dossier.applicant,
        template: 'workflow.message.apology',
        params: { code: c.dossier.code, procedure: c.procedureName, agency: c.agencyName, reason: cleanReason, previousDueAt: this.ports.formatMoment(due), newDueAt: this.ports.formatMoment(newDueAt) },
      });
      outcome = { code: c.dossier.code, newDueAt };
      return { code: c.dossier.code, nextTaskId: null, dossierStatus: c.dossier.status };
    });
    return outcome!;
  }

  /** The officer takes the task (assigns it to themselves). */
  async claim(actor: SessionUser, taskId: number, expectedRowVersion: number): Promise<void> {
    await this.transition(actor, taskId, expectedRowVersion, 'claim', async (c) => {
      const version = await this.repository.updateTask(c.trx, Number(c.task.id), c.task.row_version, { assigneeId: c.officer.id });
      if (version === null) throw changed(c.dossier.code);
      await this.audit(c, 'task.claim', { taskId: Number(c.task.id) });
      return { code: c.dossier.code, nextTaskId: Number(c.task.id), dossierStatus: c.dossier.status };
    }, { dossierChanges: false });
  }

  /**
   * Bulk assignment by a leader or the agency administrator: each open task of the agency goes to `assigneeId`, who
   * must be an officer of the agency holding the task's role. Tasks that are no longer open are skipped and reported.
   */
  async assign(actor: SessionUser, taskIds: number[], assigneeId: number): Promise<{ assigned: number; skipped: number }> {
    const officer = officerOf(actor);
    if (!officer.assigns) throw new DomainError(WorkflowErrors.assignNotAllowed);
    const ids = [...new Set(taskIds.filter((id) => Number.isInteger(id) && id > 0))].slice(0, MAX_BULK);
    if (ids.length === 0) throw invalid([{ field: 'task', messageKey: 'workflow.field.task.required' }]);
    const assignee = (await this.repository.officersOf(officer.agencyId)).find((o) => o.id === assigneeId);
    if (!assignee) throw invalid([{ field: 'assignee', messageKey: 'workflow.field.assignee.invalid' }]);
    return this.repository.transaction(async (trx) => {
      let assigned = 0;
      for (const id of ids) {
        const task = await this.repository.lockTask(trx, id);
        if (!task || task.agency_id !== officer.agencyId || task.status !== 'open') continue;
        if (!assignee.roles.includes(task.role)) throw invalid([{ field: 'assignee', messageKey: 'workflow.field.assignee.role', params: { name: assignee.display_name, step: task.step_name } }]);
        await this.repository.updateTask(trx, id, task.row_version, { assigneeId });
        await appendAudit(trx, { actorUserId: officer.id, actorKind: 'officer', action: 'task.assign', subjectType: 'dossier', subjectId: Number(task.dossier_id), agencyId: officer.agencyId, details: { taskId: id, assigneeId } });
        assigned++;
      }
      return { assigned, skipped: ids.length - assigned };
    });
  }

  // ---- withdrawal (called by the dossiers module) ----

  /**
   * The applicant withdrew the dossier: runs in the withdrawal's transaction, which holds the dossier row (every
   * transition locks it first, so none runs meanwhile). Each open or paused task closes — cancelled, outcome
   * 'withdrawn', no timing (nobody finished the step) — so it leaves the inbox, the deadline sweep and the resume
   * backstop; an officer who had the task page open finds its row version moved on (DOSSIER_CHANGED). Whoever held
   * each task is told in-app: its assignee, or the officers of its role at its agency when nobody had taken it (those
   * who saw it in their inbox), as an alert of kind 'withdrawn' above the inbox.
   */
  async closeForWithdrawal(trx: Transaction<Schema>, withdrawal: { dossierId: number; at: Date }): Promise<WithdrawalClosure> {
    const unfinished = await this.repository.unfinishedTasks(trx, withdrawal.dossierId);
    if (unfinished.length === 0) return { tasks: [] };
    await this.repository.cancelOpenTasks(trx, withdrawal.dossierId, withdrawal.at, 'withdrawn');
    const tasks: WithdrawalClosure['tasks'] = [];
    for (const task of unfinished) {
      const notified = task.assignee_id !== null ? [task.assignee_id] : (await this.repository.officersOf(task.agency_id, task.role, trx)).map((o) => o.id);
      if (notified.length > 0) await this.repository.insertAlert(trx, Number(task.id), 'withdrawn', notified, withdrawal.at);
      tasks.push({ taskId: Number(task.id), agencyId: task.agency_id, stepName: task.step_name, stepDueAt: task.due_at, notified });
    }
    return { tasks };
  }

  // ---- the clock ----

  /**
   * The applicant answered a supplement request: the paused tasks open again and every due moment of the dossier
   * (its own, its steps', its open tasks') moves by the working time the clock was paused. Idempotent: a second call
   * finds no paused task. Called right after the answer commits, and by the deadline sweep as a backstop.
   */
  async resumeAfterSupplement(dossierId: number): Promise<boolean> {
    const peek = await this.repository.dossierBrief(dossierId);
    if (!peek || peek.status === 'awaiting_supplement') return false;
    const calendar = await this.calendarOf(peek.receiving_agency_id);
    const now = this.clock();
    const resumed = await this.repository.transaction(async (trx) => {
      const dossier = await this.repository.lockDossier(trx, dossierId);
      if (!dossier || dossier.status === 'awaiting_supplement') return null;
      const paused = await this.repository.pausedTasks(trx, dossierId);
      if (paused.length === 0) return null;
      const answered = await this.repository.lastAnsweredSupplement(trx, dossierId);
      const resumedAt = answered?.answered_at ?? now;
      const pausedAt = paused.reduce((min, t) => (t.paused_at && t.paused_at < min ? t.paused_at : min), paused[0]!.paused_at ?? resumedAt);
      const hours = pausedWorkingHours(calendar, pausedAt, resumedAt);
      for (const t of paused) await this.repository.resumeTask(trx, Number(t.id), shiftDue(calendar, t.due_at, hours));
      for (const s of await this.repository.steps(dossierId, trx)) {
        if (s.due_at && s.due_at.getTime() > pausedAt.getTime()) await this.repository.setStepDue(trx, dossierId, s.position, shiftDue(calendar, s.due_at, hours));
      }
      const newDue = shiftDue(calendar, dossier.due_at, hours);
      await this.repository.updateDossier(trx, dossierId, { dueAt: newDue });
      await this.repository.insertEvent(trx, {
        dossierId,
        at: now,
        actorUserId: null,
        actorKind: 'system',
        action: 'deadline_resumed',
        fromStatus: dossier.status,
        toStatus: dossier.status,
        fromAgencyId: dossier.holder_agency_id,
        toAgencyId: dossier.holder_agency_id,
        reason: null,
        stepDueAt: newDue,
        visibleToPublic: false,
      });
      await appendAudit(trx, {
        actorUserId: null,
        actorKind: 'system',
        action: 'dossier.resume_clock',
        subjectType: 'dossier',
        subjectId: dossierId,
        agencyId: dossier.holder_agency_id,
        at: now,
        details: { pausedHours: Math.round(hours * 100) / 100, previousDueAt: dossier.due_at?.toISOString() ?? null, newDueAt: newDue?.toISOString() ?? null },
      });
      if (newDue) {
        await this.ports.notify(trx, {
          dossierId,
          applicant: dossier.applicant,
          template: 'workflow.message.resumed',
          params: { code: dossier.code, dueAt: this.ports.formatMoment(newDue) },
        });
      }
      await dossierChanged(trx, dossier.code); // the public lookup's cached copies
      return dossier.code;
    });
    return resumed !== null;
  }

  /**
   * The deadline sweep (a scheduled job): resumes dossiers whose applicant answered while the resume did not run
   * (backstop), then alerts on open tasks — "due soon" to the assignee (or the role's officers when unassigned), and
   * "overdue" escalated to the agency's leaders as well. Each alert is sent exactly once per task and kind: the alert
   * row's primary key (task, kind) is the unique key, written in one transaction with its audit event, so retries and
   * several workers never send twice. Officers read their alerts above their inbox.
   */
  async sweepDeadlines(options: { limit?: number } = {}): Promise<{ resumed: number; dueSoon: number; overdue: number }> {
    const limit = options.limit ?? 500;
    let resumed = 0;
    for (const dossierId of await this.repository.dossiersToResume(100)) if (await this.resumeAfterSupplement(dossierId)) resumed++;
    const now = this.clock();
    // Overdue: tasks that fell due in the last week (a sweep runs every few minutes; older ones were alerted then, or
    // the system was down for more than a week and the inbox shows them as overdue anyway).
    const overdue = await this.alert('overdue', new Date(now.getTime() - 7 * 86_400_000), now, now, limit);
    // Candidates up to ten calendar days ahead (8 working hours never span more, Tết included); each is then checked
    // against its own agency's calendar.
    const dueSoon = await this.alert('due_soon', now, new Date(now.getTime() + 10 * 86_400_000), now, limit);
    return { resumed, dueSoon, overdue };
  }

  private async alert(kind: 'due_soon' | 'overdue', from: Date, before: Date, now: Date, limit: number): Promise<number> {
    const candidates = await this.repository.tasksToAlert(kind, from, before, limit);
    const calendars = new Map<number, WorkingCalendar>();
    const officers = new Map<string, number[]>();
    const officersOf = async (agencyId: number, role: string) => {
      const key = `${agencyId}:${role}`;
      if (!officers.has(key)) officers.set(key, (await this.repository.officersOf(agencyId, role)).map((o) => o.id));
      return officers.get(key)!;
    };
    let sent = 0;
    for (const task of candidates) {
      if (kind === 'due_soon') {
        if (!calendars.has(task.agency_id)) calendars.set(task.agency_id, await this.calendarOf(task.agency_id));
        if (urgencyOf(calendars.get(task.agency_id)!, task.due_at, now, this.soonHours) !== 'due_soon') continue;
      }
      const recipients = new Set<number>(task.assignee_id !== null ? [task.assignee_id] : await officersOf(task.agency_id, task.role));
      if (kind === 'overdue') for (const id of await officersOf(task.agency_id, 'leader')) recipients.add(id);
      const inserted = await this.repository.transaction(async (trx) => {
        // Closed since it was picked (the dossier withdrawn, the step done): nothing to remind anyone of.
        if ((await this.repository.lockTask(trx, Number(task.id)))?.status !== 'open') return false;
        if (!(await this.repository.insertAlert(trx, Number(task.id), kind, [...recipients], now))) return false;
        await appendAudit(trx, {
          actorUserId: null,
          actorKind: 'system',
          action: kind === 'overdue' ? 'task.escalate' : 'task.remind',
          subjectType: 'dossier',
          subjectId: Number(task.dossier_id),
          agencyId: task.agency_id,
          at: now,
          details: { taskId: Number(task.id), recipients: [...recipients], dueAt: task.due_at?.toISOString() ?? null },
        });
        return true;
      });
      if (inserted) sent++;
    }
    return sent;
  }

  // ---- helpers ----

  private async calendarOf(agencyId: number): Promise<WorkingCalendar> {
    const agency = await this.repository.agencyHours(agencyId);
    return this.ports.calendar(agency?.office_hours ?? []);
  }

  private async checkAgency(agencyId: number): Promise<void> {
    if (!Number.isInteger(agencyId) || agencyId < 1 || !(await this.repository.agencyExists(agencyId))) throw invalid([{ field: 'agency', messageKey: 'workflow.field.agency.required' }]);
  }

  /** The task, if the officer's agency may see its dossier; "not found" otherwise. */
  private async visibleTask(officer: Officer, taskId: number): Promise<TaskRow> {
    const row = Number.isInteger(taskId) && taskId > 0 ? await this.repository.taskContext(taskId) : undefined;
    const visible =
      row !== undefined &&
      (row.agency_id === officer.agencyId ||
        row.receiving_agency_id === officer.agencyId ||
        row.holder_agency_id === officer.agencyId ||
        (await this.repository.agencyInvolved(row.dossier_id, officer.agencyId)));
    if (!row || !visible) throw new DomainError(WorkflowErrors.taskNotFound, { params: { id: String(taskId).slice(0, 20) } });
    return row;
  }

  private checkCanAct(officer: Officer, row: { agency_id: number; role: ProcessRole; row_version: number; status: string; code?: string }, expectedRowVersion: number): void {
    if (row.agency_id !== officer.agencyId || !officer.roles.includes(row.role)) throw new DomainError(WorkflowErrors.taskRoleRequired, { params: { role: row.role } });
    if (row.row_version !== expectedRowVersion) throw changed(row.code ?? '');
  }

  /**
   * Runs one action on a task: checks outside the transaction (visibility), then inside it locks the dossier and the
   * task, checks the row version, the task's status and the officer's agency and role, and runs `act`.
   */
  private async transition(
    actor: SessionUser,
    taskId: number,
    expectedRowVersion: number,
    action: TaskAction,
    act: (c: Ctx) => Promise<TransitionOutcome>,
    options: { dossierChanges?: boolean } = {},
  ): Promise<TransitionOutcome> {
    const officer = officerOf(actor);
    if (!Number.isInteger(expectedRowVersion) || expectedRowVersion < 1) throw invalid([{ field: 'rowVersion', messageKey: 'workflow.field.rowVersion.invalid' }]);
    const row = await this.visibleTask(officer, taskId);
    const agency = await this.repository.agencyHours(row.agency_id);
    const outcome = await this.repository.transaction(async (trx) => {
      const dossier = await this.repository.lockDossier(trx, row.dossier_id);
      const task = await this.repository.lockTask(trx, taskId);
      if (!dossier || !task) throw new DomainError(WorkflowErrors.taskNotFound, { params: { id: String(taskId) } });
      this.checkCanAct(officer, { ...task, code: dossier.code }, expectedRowVersion);
      if (task.status !== 'open' || !ACTIVE.includes(dossier.status)) throw new DomainError(WorkflowErrors.taskActionNotAllowed, { params: { code: dossier.code, status: dossier.status } });
      const steps = await this.repository.steps(dossier.id, trx);
      const result = await act({ trx, officer, task, dossier, steps, now: this.clock(), procedureName: row.procedure_name, agencyName: agency?.name ?? '' });
      if (options.dossierChanges !== false) await dossierChanged(trx, dossier.code); // the public lookup's cached copies
      return result;
    });
    return outcome;
  }

  private eventBase(c: Ctx, action: string, toStatus: DossierStatus, toAgencyId: number) {
    return {
      dossierId: c.dossier.id,
      at: c.now,
      actorUserId: c.officer.id,
      actorKind: 'officer' as const,
      action,
      fromStatus: c.dossier.status,
      toStatus,
      fromAgencyId: c.task.agency_id,
      toAgencyId,
      stepName: c.task.step_name,
      stepDueAt: c.task.due_at,
    };
  }

  private async audit(c: Ctx, action: string, details: Record<string, unknown>): Promise<void> {
    await appendAudit(c.trx, {
      actorUserId: c.officer.id,
      actorKind: 'officer',
      action,
      subjectType: 'dossier',
      subjectId: c.dossier.id,
      agencyId: c.officer.agencyId,
      at: c.now,
      details: { code: c.dossier.code, ...details },
    });
  }

  /**
   * Closes the current task (timing against its due moment), opens the next one, moves the dossier (status, holder)
   * and writes the control-slip event, the audit event and the applicant's message.
   */
  private async handOver(
    c: Ctx,
    h: {
      outcome: string;
      action: string;
      reason: string | null;
      next: { step: Pick<StepRow, 'position' | 'kind' | 'role' | 'agency_id' | 'name' | 'due_at'>; assigneeId: number | null; consultedFrom?: number } | null;
      status?: DossierStatus;
    },
  ): Promise<TransitionOutcome> {
    const timing = timingOf(c.now, c.task.due_at);
    if (!(await this.repository.finishTask(c.trx, Number(c.task.id), c.task.row_version, { status: 'done', outcome: h.outcome, timing, at: c.now }))) throw changed(c.dossier.code);
    let nextTaskId: number | null = null;
    const toAgencyId = h.next?.step.agency_id ?? c.task.agency_id;
    if (h.next) {
      const s = h.next.step;
      nextTaskId = await this.repository.insertTask(c.trx, {
        ...this.openTaskFor(c.dossier.id, { position: s.position, kind: s.kind, role: s.role, agencyId: s.agency_id, name: s.name, dueAt: s.due_at }, c.now, h.next.assigneeId),
        consultedFrom: h.next.consultedFrom ?? null,
      });
    }
    const status: DossierStatus = h.status ?? (h.next?.step.kind === 'return' ? 'result_ready' : 'processing');
    await this.repository.updateDossier(c.trx, c.dossier.id, { status, holderAgencyId: toAgencyId });
    await this.repository.insertEvent(c.trx, { ...this.eventBase(c, h.action, status, toAgencyId), reason: h.reason, toUserId: h.next?.assigneeId ?? null, timing });
    await this.audit(c, `dossier.${h.action}`, {
      taskId: Number(c.task.id),
      nextTaskId,
      fromStatus: c.dossier.status,
      toStatus: status,
      fromAgencyId: c.task.agency_id,
      toAgencyId,
      timing,
    });
    const template = status === 'result_ready' && c.dossier.status !== 'result_ready' ? 'workflow.message.resultReady' : 'workflow.message.progress';
    await this.ports.notify(c.trx, {
      dossierId: c.dossier.id,
      applicant: c.dossier.applicant,
      template,
      params: { code: c.dossier.code, procedure: c.procedureName, step: h.next?.step.name ?? c.task.step_name },
    });
    return { code: c.dossier.code, nextTaskId, dossierStatus: status };
  }
}

interface Ctx {
  trx: Transaction<Schema>;
  officer: Officer;
  task: LockedTask;
  dossier: LockedDossier;
  steps: StepRow[];
  now: Date;
  procedureName: string;
  agencyName: string;
}

function officerOf(actor: SessionUser): Officer {
  const roles = PROCESS_ROLES.filter((r) => actor.roles.includes(r));
  const assigns = actor.roles.includes('leader') || actor.roles.includes('agency_admin');
  if (actor.kind !== 'officer' || actor.agencyId === null || (roles.length === 0 && !assigns)) throw new DomainError(WorkflowErrors.officerRequired);
  return { id: actor.id, agencyId: actor.agencyId, roles, assigns };
}

function changed(code: string): DomainError {
  return new DomainError(WorkflowErrors.dossierChanged, { params: { code } });
}

function notAllowed(c: Ctx): DomainError {
  return new DomainError(WorkflowErrors.taskActionNotAllowed, { params: { code: c.dossier.code, status: c.dossier.status } });
}

function invalid(fields: FieldProblem[]): DomainError {
  return new DomainError(CommonErrors.validation, { fields });
}

function checkText(value: string, field: string, max: number, required: boolean): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (required && text === '') throw invalid([{ field, messageKey: `workflow.field.${field}.required` }]);
  if (text.length > max) throw invalid([{ field, messageKey: `workflow.field.${field}.tooLong`, params: { max } }]);
  return text;
}

function checkItems(items: SupplementItem[]): SupplementItem[] {
  const kept = (Array.isArray(items) ? items : [])
    .map((i) => ({ name: String(i?.name ?? '').replace(/\s+/g, ' ').trim(), reason: String(i?.reason ?? '').replace(/\s+/g, ' ').trim() }))
    .filter((i) => i.name !== '' || i.reason !== '');
  if (kept.length === 0) throw invalid([{ field: 'items', messageKey: 'workflow.field.items.required' }]);
  if (kept.length > MAX_ITEMS) throw invalid([{ field: 'items', messageKey: 'workflow.field.items.tooMany', params: { max: MAX_ITEMS } }]);
  const problems: FieldProblem[] = [];
  kept.forEach((item, index) => {
    if (item.name === '') problems.push({ field: 'items', messageKey: 'workflow.field.items.nameRequired', params: { line: index + 1 } });
    else if (item.reason === '') problems.push({ field: 'items', messageKey: 'workflow.field.items.reasonRequired', params: { line: index + 1, name: item.name } });
  });
  if (problems.length > 0) throw invalid(problems);
  return kept;
}
