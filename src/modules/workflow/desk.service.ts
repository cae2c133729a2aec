import type { Transaction } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import { CommonErrors, DomainError, type FieldProblem } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import type { OfficeHoursInterval, WorkingCalendar } from '../calendar/index.js';
import { dossierChanged, type DossierChannel, type DossierStatus, type ResultDelivery } from '../dossiers/index.js';
import { dueAtFor, statutoryDurationFor, supplementWindow, type StatutoryDuration, type SupplementWindow, type SupplementWindowPolicy } from './desk.deadlines.js';
import type { DeskRepository } from './desk.repository.js';
import type { ProcessStart } from './tasks.service.js';
import { WorkflowErrors } from './workflow.errors.js';
import { appendAudit } from '../../platform/audit/index.js';

/** The applicant as submitted (snapshot kept with the dossier). */
export interface ApplicantContact {
  fullName: string;
  personalId: string | null;
  phone: string | null;
  email: string | null;
  address: string | null;
}

export interface DeskPorts {
  /** The working calendar of an agency's office hours (calendar module). */
  calendar(officeHours: readonly OfficeHoursInterval[]): Promise<WorkingCalendar>;
  /** Writes the messages to the applicant in the caller's transaction (notification outbox). */
  notify(trx: Transaction<Schema>, message: { dossierId: number; applicant: ApplicantContact; template: string; params: Record<string, string> }): Promise<void>;
  /** Formats an instant for a message to the applicant (Vietnamese, Vietnam time). */
  formatMoment(at: Date): string;
  /** Resolution 66.7/2025/NQ-CP window; default 8 working hours, warned 2 hours ahead. */
  supplementPolicy?: SupplementWindowPolicy;
  /**
   * The workflow engine (TaskService.prepareStart): plans the dossier's internal process before the reception's
   * transaction and writes its steps and first tasks inside it. Absent: reception records the decision only.
   */
  process?: {
    prepareStart(input: { dossierId: number; procedureId: number; receivingAgencyId: number; receivedAt: Date; dueAt: Date | null }): Promise<ProcessStart>;
  };
  /** Runs inside the refusal's transaction (payments module: a fee already paid is to be refunded). */
  afterRefused?(trx: Transaction<Schema>, dossierId: number): Promise<void>;
  clock?: () => Date;
}

export interface QueueFilters {
  /** Part of the dossier code or of the applicant's name. */
  search?: string;
  /** 1-based page of `pageSize` rows. */
  page?: number;
}

export interface QueueItem {
  code: string;
  procedure: { code: string; name: string };
  applicantName: string;
  channel: DossierChannel;
  submittedAt: Date;
  /** Working hours since submission, at this agency's office hours. */
  waitingHours: number;
  /** The same in working days (hours divided by the agency's standard working day). */
  waitingDays: number;
  supplementWindow: SupplementWindow | null;
  rowVersion: number;
}

export interface QueuePage {
  /** The officer's agency. */
  agencyName: string;
  items: QueueItem[];
  total: number;
  page: number;
  pageCount: number;
  search: string;
}

export interface DeskDocument {
  id: number;
  requirementName: string;
  fileName: string;
  mime: string;
  size: number;
  pages: number | null;
  source: string;
}

export interface DeskHistoryEntry {
  at: Date;
  action: string;
  actorKind: string;
  actorName: string | null;
  fromStatus: string | null;
  toStatus: string | null;
  fromAgency: string | null;
  toAgency: string | null;
  reason: string | null;
}

export type DeskAction = 'receive' | 'requestSupplement' | 'refuse';

export interface DeskDossier {
  code: string;
  status: DossierStatus;
  channel: DossierChannel;
  /** Send back with any action: the action fails with DOSSIER_CHANGED when the dossier moved on meanwhile. */
  rowVersion: number;
  procedure: { code: string; name: string; versionId: number };
  applicant: ApplicantContact;
  /** The e-form answers as submitted (the forms module presents them). */
  values: Record<string, unknown>;
  receivingAgency: string;
  holderAgency: string;
  resultDelivery: ResultDelivery;
  submittedAt: Date;
  receivedAt: Date | null;
  dueAt: Date | null;
  completedAt: Date | null;
  /** Working time since submission while awaiting reception (null once decided). */
  waiting: { hours: number; days: number } | null;
  statutoryDuration: StatutoryDuration | null;
  /** If received now: when it would count as received and be due (null due when no statutory duration is stated). */
  ifReceivedNow: { receivedAt: Date; dueAt: Date | null } | null;
  supplementWindow: SupplementWindow | null;
  documents: DeskDocument[];
  history: DeskHistoryEntry[];
  openSupplement: { requestedAt: Date; items: { name: string; reason: string }[]; note: string } | null;
  /** What the signed-in desk officer may do now. */
  allowed: DeskAction[];
}

export interface ReceiveOutcome {
  code: string;
  receivedAt: Date;
  dueAt: Date | null;
  statutoryDuration: StatutoryDuration | null;
  rowVersion: number;
}

export interface SupplementItem {
  name: string;
  reason: string;
}

export interface SupplementOutcome {
  code: string;
  requestedAt: Date;
  /** The Resolution 66.7 window at the time of the request (null for paper dossiers). */
  window: SupplementWindow | null;
  rowVersion: number;
}

export interface RefuseOutcome {
  code: string;
  refusedAt: Date;
  rowVersion: number;
}

interface DeskOfficer {
  id: number;
  agencyId: number;
}

type DossierRow = NonNullable<Awaited<ReturnType<DeskRepository['dossierByCode']>>>;

const PAGE_SIZE = 50;
const MAX_ITEMS = 30;
const MAX_NAME = 300;
const MAX_REASON = 1000;
const MAX_NOTE = 4000;
const MAX_REASONS = 4000;
const defaultPolicy: SupplementWindowPolicy = { limitHours: 8, warnHours: 2 };

/** Statuses from which each desk action may start. Reception-time decisions only: later steps belong to handlers. */
const ALLOWED_FROM: Record<DeskAction, readonly DossierStatus[]> = {
  receive: ['awaiting_reception'],
  requestSupplement: ['awaiting_reception'],
  refuse: ['awaiting_reception'],
};

/**
 * The one-stop desk ("bộ phận một cửa"): the queue of online dossiers awaiting reception, and the three decisions on
 * each — receive (form 01: the clock starts), request a supplement (form 02) or refuse (form 03).
 *
 * Authorisation lives here, whatever the caller checked: only an officer with the `desk` role acts, and only on
 * dossiers their agency receives or currently holds; another agency's dossier is "not found", never "forbidden", so
 * codes of other agencies cannot be probed. Every decision is one transaction that locks the dossier row, checks the
 * row version the officer saw (optimistic concurrency: of two officers acting at once exactly one wins, the other
 * gets DOSSIER_CHANGED), changes the status, appends the history event (the control slip: actor, time, from/to status
 * and agency, reason) and queues the applicant's messages, all or nothing.
 *
 * Reads that need other services (the calendar) happen before the transaction: on the embedded database a
 * transaction holds the only session, so nothing else may query until it ends.
 */
export class DeskService {
  private readonly clock: () => Date;
  private readonly policy: SupplementWindowPolicy;

  constructor(
    private readonly repository: DeskRepository,
    private readonly ports: DeskPorts,
  ) {
    this.clock = ports.clock ?? (() => new Date());
    this.policy = ports.supplementPolicy ?? defaultPolicy;
  }

  // ---- reading ----

  /** Online dossiers awaiting reception at the officer's agency, oldest first, with the waiting time in working hours. */
  async queue(actor: SessionUser, filters: QueueFilters = {}): Promise<QueuePage> {
    const officer = deskOfficer(actor);
    const search = (filters.search ?? '').trim().slice(0, 100);
    const page = Number.isInteger(filters.page) && filters.page! > 0 ? filters.page! : 1;
    const query = { agencyId: officer.agencyId, search, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE };
    const [rows, total, agency] = await Promise.all([this.repository.queue(query), this.repository.queueCount(query), this.repository.agencyHours(officer.agencyId)]);
    const calendar = await this.ports.calendar(agency?.office_hours ?? []);
    const now = this.clock();
    return {
      agencyName: agency?.name ?? '',
      items: rows.map((r) => {
        const waiting = calendar.workingTimeBetween(r.submitted_at, now);
        return {
          code: r.code,
          procedure: { code: r.procedure_code, name: r.procedure_name },
          applicantName: r.applicant_name,
          channel: r.channel,
          submittedAt: r.submitted_at,
          waitingHours: Math.max(0, waiting.hours),
          waitingDays: Math.max(0, waiting.days),
          supplementWindow: supplementWindow(calendar, r.submitted_at, r.channel, now, this.policy),
          rowVersion: r.row_version,
        };
      }),
      total,
      page,
      pageCount: Math.max(1, Math.ceil(total / PAGE_SIZE)),
      search,
    };
  }

  /** A dossier of the officer's agency with its documents and history. */
  async dossier(actor: SessionUser, code: string): Promise<DeskDossier> {
    const officer = deskOfficer(actor);
    const row = await this.visibleDossier(officer, code);
    await this.logRead(officer, row.id, 'desk');
    const [documents, events, supplement, content, calendar] = await Promise.all([
      this.repository.documents(row.id),
      this.repository.events(row.id),
      this.repository.openSupplement(row.id),
      this.repository.versionContent(row.procedure_version_id),
      this.calendarOf(row.receiving_agency_id),
    ]);
    const now = this.clock();
    const duration = statutoryDurationFor(content, row.channel);
    const awaiting = row.status === 'awaiting_reception';
    const receivedNow = awaiting ? calendar.nextWorkingMoment(now) : null;
    const waiting = awaiting ? calendar.workingTimeBetween(row.submitted_at, now) : null;
    return {
      code: row.code,
      status: row.status,
      channel: row.channel,
      rowVersion: row.row_version,
      procedure: { code: row.procedure_code, name: row.procedure_name, versionId: row.procedure_version_id },
      applicant: row.applicant,
      values: row.values,
      receivingAgency: row.receiving_agency_name,
      holderAgency: row.holder_agency_name,
      resultDelivery: row.result_delivery,
      submittedAt: row.submitted_at,
      receivedAt: row.received_at,
      dueAt: row.due_at,
      completedAt: row.completed_at,
      waiting: waiting ? { hours: Math.max(0, waiting.hours), days: Math.max(0, waiting.days) } : null,
      statutoryDuration: duration,
      ifReceivedNow: receivedNow ? { receivedAt: receivedNow, dueAt: duration ? dueAtFor(calendar, receivedNow, duration) : null } : null,
      supplementWindow: awaiting ? supplementWindow(calendar, row.submitted_at, row.channel, now, this.policy) : null,
      documents: documents.map((d) => ({
        id: d.id,
        requirementName: d.requirement_name,
        fileName: d.file_name,
        mime: d.mime,
        size: d.size_bytes,
        pages: d.pages,
        source: d.source,
      })),
      history: events.map((e) => ({
        at: e.at,
        action: e.action,
        actorKind: e.actor_kind,
        actorName: e.actor_name,
        fromStatus: e.from_status,
        toStatus: e.to_status,
        fromAgency: e.from_agency,
        toAgency: e.to_agency,
        reason: e.reason,
      })),
      openSupplement: supplement ? { requestedAt: supplement.requested_at, items: supplement.items, note: supplement.note } : null,
      allowed: (Object.keys(ALLOWED_FROM) as DeskAction[]).filter((a) => ALLOWED_FROM[a].includes(row.status)),
    };
  }

  /** Where a document of a visible dossier is stored, to stream it to the officer. */
  async document(actor: SessionUser, code: string, documentId: number): Promise<{ storageKey: string; fileName: string; mime: string }> {
    const officer = deskOfficer(actor);
    const row = await this.visibleDossier(officer, code);
    const doc = (await this.repository.documents(row.id)).find((d) => d.id === documentId);
    if (!doc) throw new DomainError(WorkflowErrors.documentNotFound);
    await this.logRead(officer, row.id, 'document', { documentId });
    return { storageKey: doc.storage_key, fileName: doc.file_name, mime: doc.mime };
  }

  /** Officers' reads of a dossier go into the audit trail (Decree 13/2023: the applicant sees who accessed it). */
  private async logRead(officer: DeskOfficer, dossierId: number, view: string, details: Record<string, unknown> = {}): Promise<void> {
    await this.repository.transaction((trx) =>
      appendAudit(trx, { actorUserId: officer.id, actorKind: 'officer', action: 'dossier.read', subjectType: 'dossier', subjectId: dossierId, agencyId: officer.agencyId, at: this.clock(), details: { view, ...details } }),
    );
  }

  // ---- decisions ----

  /**
   * Receives the dossier: the deadline clock starts. `received_at` is the first working moment at or after now at the
   * receiving agency (an online dossier received after office hours counts from the next working morning: RULES.md,
   * Deadlines), `due_at` follows from the procedure's statutory duration for the dossier's channel (see `dueAtFor`),
   * and the receiving agency holds the dossier. The applicant is told the due date.
   */
  async receive(actor: SessionUser, code: string, expectedRowVersion: number): Promise<ReceiveOutcome> {
    const officer = deskOfficer(actor);
    checkRowVersion(expectedRowVersion);
    const row = await this.visibleDossier(officer, code);
    const [content, calendar] = await Promise.all([this.repository.versionContent(row.procedure_version_id), this.calendarOf(row.receiving_agency_id)]);
    const now = this.clock();
    const duration = statutoryDurationFor(content, row.channel);
    const receivedAt = calendar.nextWorkingMoment(now);
    const dueAt = duration ? dueAtFor(calendar, receivedAt, duration) : null;
    const start = this.ports.process
      ? await this.ports.process.prepareStart({ dossierId: row.id, procedureId: row.procedure_id, receivingAgencyId: row.receiving_agency_id, receivedAt, dueAt })
      : null;

    return this.repository.transaction(async (trx) => {
      const locked = await this.lockForAction(trx, officer, code, expectedRowVersion, 'receive');
      const rowVersion = await this.repository.applyTransition(trx, {
        dossierId: locked.id,
        expectedRowVersion,
        fromStatus: locked.status,
        toStatus: 'received',
        holderAgencyId: locked.receiving_agency_id,
        receivedAt,
        dueAt,
      });
      if (rowVersion === null) throw new DomainError(WorkflowErrors.dossierChanged, { params: { code } });
      // The internal process starts: its steps are snapshotted and the first handler's task opens.
      const handOver = start ? await start.apply(trx, officer.id) : null;
      await this.repository.insertEvent(trx, {
        dossierId: locked.id,
        at: now,
        actorUserId: officer.id,
        action: 'received',
        fromStatus: locked.status,
        toStatus: 'received',
        fromAgencyId: locked.holder_agency_id,
        toAgencyId: locked.receiving_agency_id,
        reason: null,
        stepName: handOver?.stepName ?? null,
        stepDueAt: handOver?.stepDueAt ?? null,
        timing: handOver?.timing ?? null,
      });
      await this.audit(trx, officer, locked.id, 'dossier.receive', { code, fromStatus: locked.status, toStatus: 'received', dueAt: dueAt?.toISOString() ?? null });
      const params = { code, procedure: row.procedure_name, agency: row.receiving_agency_name, receivedAt: this.ports.formatMoment(receivedAt) };
      await this.ports.notify(trx, {
        dossierId: locked.id,
        applicant: locked.applicant,
        template: dueAt ? 'workflow.message.received' : 'workflow.message.receivedNoDue',
        params: dueAt ? { ...params, dueAt: this.ports.formatMoment(dueAt) } : params,
      });
      await dossierChanged(trx, code); // the public lookup's cached copies
      return { code, receivedAt, dueAt, statutoryDuration: duration, rowVersion };
    });
  }

  /**
   * Asks the applicant for missing or invalid items before reception (form 02: what is missing and why). The dossier
   * waits for the applicant; no deadline runs yet. For an online dossier Resolution 66.7/2025/NQ-CP wants the request
   * within 8 working hours of submission: a late request is still sent (the applicant needs it), and the queue has
   * warned the desk before.
   */
  async requestSupplement(actor: SessionUser, code: string, items: SupplementItem[], note: string, expectedRowVersion: number): Promise<SupplementOutcome> {
    const officer = deskOfficer(actor);
    checkRowVersion(expectedRowVersion);
    const cleanItems = checkItems(items);
    const cleanNote = checkText(note, 'note', MAX_NOTE, false);
    const row = await this.visibleDossier(officer, code);
    const calendar = await this.calendarOf(row.receiving_agency_id);
    const now = this.clock();
    const window = supplementWindow(calendar, row.submitted_at, row.channel, now, this.policy);

    return this.repository.transaction(async (trx) => {
      const locked = await this.lockForAction(trx, officer, code, expectedRowVersion, 'requestSupplement');
      const rowVersion = await this.repository.applyTransition(trx, {
        dossierId: locked.id,
        expectedRowVersion,
        fromStatus: locked.status,
        toStatus: 'awaiting_supplement',
      });
      if (rowVersion === null) throw new DomainError(WorkflowErrors.dossierChanged, { params: { code } });
      await this.repository.insertSupplementRequest(trx, { dossierId: locked.id, requestedBy: officer.id, requestedAt: now, items: cleanItems, note: cleanNote });
      const listing = cleanItems.map((i) => `- ${i.name}: ${i.reason}`).join('\n');
      await this.repository.insertEvent(trx, {
        dossierId: locked.id,
        at: now,
        actorUserId: officer.id,
        action: 'supplement_requested',
        fromStatus: locked.status,
        toStatus: 'awaiting_supplement',
        fromAgencyId: locked.holder_agency_id,
        toAgencyId: locked.holder_agency_id,
        reason: cleanNote ? `${listing}\n${cleanNote}` : listing,
      });
      await this.audit(trx, officer, locked.id, 'dossier.request_supplement', { code, fromStatus: locked.status, toStatus: 'awaiting_supplement', items: cleanItems.length });
      await this.ports.notify(trx, {
        dossierId: locked.id,
        applicant: locked.applicant,
        template: cleanNote ? 'workflow.message.supplement' : 'workflow.message.supplementNoNote',
        params: { code, procedure: row.procedure_name, agency: row.holder_agency_name, items: listing, note: cleanNote },
      });
      await dossierChanged(trx, code); // the public lookup's cached copies
      return { code, requestedAt: now, window, rowVersion };
    });
  }

  /** Refuses to receive the dossier, with the reasons (form 03). The dossier ends here; the applicant is told why. */
  async refuse(actor: SessionUser, code: string, reasons: string, expectedRowVersion: number): Promise<RefuseOutcome> {
    const officer = deskOfficer(actor);
    checkRowVersion(expectedRowVersion);
    const cleanReasons = checkText(reasons, 'reasons', MAX_REASONS, true);
    const row = await this.visibleDossier(officer, code);
    const now = this.clock();

    return this.repository.transaction(async (trx) => {
      const locked = await this.lockForAction(trx, officer, code, expectedRowVersion, 'refuse');
      const rowVersion = await this.repository.applyTransition(trx, {
        dossierId: locked.id,
        expectedRowVersion,
        fromStatus: locked.status,
        toStatus: 'refused',
        completedAt: now,
      });
      if (rowVersion === null) throw new DomainError(WorkflowErrors.dossierChanged, { params: { code } });
      await this.repository.insertEvent(trx, {
        dossierId: locked.id,
        at: now,
        actorUserId: officer.id,
        action: 'refused',
        fromStatus: locked.status,
        toStatus: 'refused',
        fromAgencyId: locked.holder_agency_id,
        toAgencyId: locked.holder_agency_id,
        reason: cleanReasons,
      });
      await this.audit(trx, officer, locked.id, 'dossier.refuse', { code, fromStatus: locked.status, toStatus: 'refused' });
      await this.ports.notify(trx, {
        dossierId: locked.id,
        applicant: locked.applicant,
        template: 'workflow.message.refused',
        params: { code, procedure: row.procedure_name, agency: row.holder_agency_name, reasons: cleanReasons },
      });
      await this.ports.afterRefused?.(trx, locked.id);
      await dossierChanged(trx, code); // the public lookup's cached copies
      return { code, refusedAt: now, rowVersion };
    });
  }

  // ---- helpers ----

  /** The audit event of a desk decision, in its transaction (ids and statuses only: the trail is kept for years). */
  private async audit(trx: Transaction<Schema>, officer: DeskOfficer, dossierId: number, action: string, details: Record<string, unknown>): Promise<void> {
    await appendAudit(trx, { actorUserId: officer.id, actorKind: 'officer', action, subjectType: 'dossier', subjectId: dossierId, agencyId: officer.agencyId, at: this.clock(), details });
  }

  private async calendarOf(agencyId: number): Promise<WorkingCalendar> {
    const agency = await this.repository.agencyHours(agencyId);
    return this.ports.calendar(agency?.office_hours ?? []);
  }

  private async visibleDossier(officer: DeskOfficer, code: string): Promise<DossierRow> {
    const row = typeof code === 'string' && code.length <= 60 ? await this.repository.dossierByCode(code) : undefined;
    if (!row || !sameAgency(officer, row)) throw new DomainError(WorkflowErrors.dossierNotFound, { params: { code: String(code).slice(0, 60) } });
    return row;
  }

  /** Locks the row and checks, under the lock, everything the decision depends on. */
  private async lockForAction(trx: Transaction<Schema>, officer: DeskOfficer, code: string, expectedRowVersion: number, action: DeskAction) {
    const locked = await this.repository.lockDossier(trx, code);
    if (!locked || !sameAgency(officer, locked)) throw new DomainError(WorkflowErrors.dossierNotFound, { params: { code } });
    if (locked.row_version !== expectedRowVersion) throw new DomainError(WorkflowErrors.dossierChanged, { params: { code } });
    if (!ALLOWED_FROM[action].includes(locked.status)) throw new DomainError(WorkflowErrors.actionNotAllowed, { params: { code, status: locked.status } });
    return locked;
  }
}

function deskOfficer(actor: SessionUser): DeskOfficer {
  if (actor.kind !== 'officer' || actor.agencyId === null || !actor.roles.includes('desk')) throw new DomainError(WorkflowErrors.deskRoleRequired);
  return { id: actor.id, agencyId: actor.agencyId };
}

function sameAgency(officer: DeskOfficer, row: { receiving_agency_id: number; holder_agency_id: number }): boolean {
  return row.receiving_agency_id === officer.agencyId || row.holder_agency_id === officer.agencyId;
}

function invalid(fields: FieldProblem[]): DomainError {
  return new DomainError(CommonErrors.validation, { fields });
}

function checkRowVersion(value: number): void {
  if (!Number.isInteger(value) || value < 1) throw invalid([{ field: 'rowVersion', messageKey: 'workflow.field.rowVersion.invalid' }]);
}

function checkText(value: string, field: string, max: number, required: boolean): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (required && text === '') throw invalid([{ field, messageKey: `workflow.field.${field}.required` }]);
  if (text.length > max) throw invalid([{ field, messageKey: `workflow.field.${field}.tooLong`, params: { max } }]);
  return text;
}

/** Form 02 states each missing item and why: both are required, one line each in the message to the applicant. */
function checkItems(items: SupplementItem[]): SupplementItem[] {
  const clean = (Array.isArray(items) ? items : []).map((i) => ({
    name: (typeof i?.name === 'string' ? i.name : '').replace(/\s+/g, ' ').trim(),
    reason: (typeof i?.reason === 'string' ? i.reason : '').replace(/\s+/g, ' ').trim(),
  }));
  const kept = clean.filter((i) => i.name !== '' || i.reason !== '');
  if (kept.length === 0) throw invalid([{ field: 'items', messageKey: 'workflow.field.items.required' }]);
  if (kept.length > MAX_ITEMS) throw invalid([{ field: 'items', messageKey: 'workflow.field.items.tooMany', params: { max: MAX_ITEMS } }]);
  const problems: FieldProblem[] = [];
  kept.forEach((item, index) => {
    const line = index + 1;
    if (item.name === '') problems.push({ field: 'items', messageKey: 'workflow.field.items.nameRequired', params: { line } });
    else if (item.reason === '') problems.push({ field: 'items', messageKey: 'workflow.field.items.reasonRequired', params: { line, name: item.name } });
    else if (item.name.length > MAX_NAME || item.reason.length > MAX_REASON) {
      problems.push({ field: 'items', messageKey: 'workflow.field.items.tooLong', params: { line, max: MAX_REASON } });
    }
  });
  if (problems.length > 0) throw invalid(problems);
  return kept;
}
