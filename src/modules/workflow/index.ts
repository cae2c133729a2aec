/**
 * The workflow module: the back office. First part: the one-stop desk ("bộ phận một cửa") — the queue of online
 * dossiers awaiting reception and the reception decisions (receive, request a supplement, refuse), with the deadline
 * rules they need. Other modules import only from here.
 */
import type { Database } from '../../platform/db/database.js';
import { formDateParts } from '../../platform/pdf/index.js';
import { translator } from '../../platform/i18n/i18n.js';
import { createCalendarService, type CalendarService } from '../calendar/index.js';
import { applicantMessages, type NotificationService } from '../notifications/index.js';
import { DeskRepository } from './desk.repository.js';
import { DeskService, type DeskPorts } from './desk.service.js';
import type { ProcessDefinition } from './process.model.js';
import { TasksRepository } from './tasks.repository.js';
import { TaskService, type TaskPorts } from './tasks.service.js';
import { SlipsRepository } from './slips.repository.js';
import { SlipsService } from './slips.service.js';
import { LedgerRepository } from './ledger.repository.js';
import { LedgerService } from './ledger.service.js';
import { ProcessRepository } from './process.repository.js';
import { ProcessService } from './process.service.js';

export { DeskService } from './desk.service.js';
export type {
  ApplicantContact,
  DeskAction,
  DeskDocument,
  DeskDossier,
  DeskHistoryEntry,
  DeskPorts,
  QueueFilters,
  QueueItem,
  QueuePage,
  ReceiveOutcome,
  RefuseOutcome,
  SupplementItem,
  SupplementOutcome,
} from './desk.service.js';
export { dueAtFor, statutoryDurationFor, supplementWindow } from './desk.deadlines.js';
export type { DurationUnit, StatutoryDuration, SupplementWindow, SupplementWindowPolicy } from './desk.deadlines.js';
export { WorkflowErrors } from './workflow.errors.js';
// Internal process definitions ("quy trình nội bộ") and their editor.
export { ProcessService, builtInProcess, checkProcessDraft, processRoles, processStepKinds, rolesForKind } from './process.service.js';
export type { ProcessDraft, StepInput } from './process.service.js';
export { ProcessErrors } from './process.errors.js';
export { seedDemoProcesses, demoProcesses } from './process.seed.js';
export { processRoutes } from './process.routes.js';
export type { ProcessRouteDeps } from './process.routes.js';
export type { ProcessDefinition, ProcessRole, ProcessStep, ProcessStepKind } from './process.model.js';
export { workflowRoutes } from './workflow.routes.js';
export { TaskService } from './tasks.service.js';
export { taskRoutes, type TaskRouteDeps } from './tasks.routes.js';
export { taskPaths } from './tasks.pages.js';
export { DEADLINE_SWEEP_JOB, DEADLINE_SWEEP_CRON, registerDeadlineJobs } from './deadline-jobs.js';
export type { InboxFilters, InboxItem, InboxPage, TaskAction, TaskPorts, TaskView, TransitionOutcome, ProcessStart } from './tasks.service.js';
export { planSteps, timingOf, indicatorTimingOf, urgencyOf } from './tasks.plan.js';
export type { WorkflowRouteDeps } from './workflow.routes.js';
// Standard documents 02–06 as PDFs (Circular 03/2025/TT-VPCP, annex I).
export { renderSlip, renderSupplementRequest, renderRefusal, renderApologyLetter, renderStopNotice, renderControlSlip, slipForms, applicantSlipForms, slipFormsFromHistory, slipPaths } from './slips.js';
export type { SlipData, SlipForm, SlipAgency, SlipDossier, ControlSlipEntry } from './slips.js';
export { SlipsService } from './slips.service.js';
export { SlipErrors } from './slips.errors.js';
export { SlipLinks } from './slips.pages.js';
export { slipRoutes, type SlipRouteDeps } from './slips.routes.js';

/** The service that loads the data of forms 02–06 of a dossier. */
export function createSlipsService(database: Database): SlipsService {
  return new SlipsService(new SlipsRepository(database.db));
}

// The tracking ledger (form 07) with its Excel and CSV exports.
export { LedgerService, type LedgerFilters, type LedgerPage, type LedgerRow } from './ledger.service.js';
export { LedgerErrors } from './ledger.errors.js';
export { writeLedgerCsv, writeLedgerXlsx } from './ledger.export.js';
export { ledgerRoutes, type LedgerRouteDeps } from './ledger.routes.js';

/** The ledger service over a database. */
export function createLedgerService(database: Database): LedgerService {
  return new LedgerService(new LedgerRepository(database.db));
}

// Walk-in and postal dossiers entered at the desk, received at once.
export { CounterService, type CounterOutcome } from './counter.service.js';
export { counterRoutes, type CounterRouteDeps } from './counter.routes.js';

export interface DeskServiceOptions {
  /** The outbox the applicant's messages go to (in the decision's transaction). */
  notifications: NotificationService;
  /** The working calendar; default the calendar module over the same database. */
  calendar?: CalendarService;
  supplementPolicy?: DeskPorts['supplementPolicy'];
  /** The workflow engine: reception starts the dossier's internal process (its steps and first tasks). */
  tasks?: TaskService;
  /** Runs inside a refusal's transaction (the payments module requests the refund of a paid fee). */
  afterRefused?: DeskPorts['afterRefused'];
  /** Clock, for tests. */
  clock?: () => Date;
}

/** The applicant's messages about a dossier, on both channels they gave (as at submission); the delivery worker sends them. */
function notifyApplicant(notifications: NotificationService): DeskPorts['notify'] & TaskPorts['notify'] {
  return async (trx, { applicant, template, params, dossierId }) => {
    await notifications.enqueueMany(trx, applicantMessages(applicant, { template, params, dossierId }));
  };
}

/** The desk service with its real ports: the calendar module and the notification outbox (e-mail and SMS). */
export function createDeskService(database: Database, options: DeskServiceOptions): DeskService {
  const calendar = options.calendar ?? createCalendarService(database);
  const vi = translator('vi');
  return new DeskService(new DeskRepository(database.db), {
    calendar: (hours) => calendar.calendar(hours),
    notify: notifyApplicant(options.notifications),
    formatMoment: (at) => vi('workflow.dateTime', { ...formDateParts(at) }),
    ...(options.supplementPolicy ? { supplementPolicy: options.supplementPolicy } : {}),
    ...(options.tasks ? { process: options.tasks } : {}),
    ...(options.afterRefused ? { afterRefused: options.afterRefused } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

export interface TaskServiceOptions {
  /** The outbox the applicant's messages go to (in the transition's transaction). */
  notifications: NotificationService;
  /** The internal processes (ProcessService.current); absent: the built-in process. */
  processes?: { current(procedureId: number, receivingAgencyId: number): Promise<ProcessDefinition> };
  /** Issues the signed result when a leader approves (signatures module); absent: approval records the decision. */
  sign?: TaskPorts['sign'];
  /** The text appended to the result-returned message (satisfaction module: the rating link). */
  ratingInvitation?: TaskPorts['ratingInvitation'];
  calendar?: CalendarService;
  dueSoonHours?: number;
  clock?: () => Date;
}

/** The workflow engine with its real ports: calendar, notification outbox, process definitions, signatures. */
export function createTaskService(database: Database, options: TaskServiceOptions): TaskService {
  const calendar = options.calendar ?? createCalendarService(database);
  const vi = translator('vi');
  const processes = options.processes;
  return new TaskService(new TasksRepository(database.db), {
    calendar: (hours) => calendar.calendar(hours),
    notify: notifyApplicant(options.notifications),
    formatMoment: (at) => vi('workflow.dateTime', { ...formDateParts(at) }),
    ...(processes ? { processFor: (procedureId: number, agencyId: number) => processes.current(procedureId, agencyId) } : {}),
    ...(options.sign ? { sign: options.sign } : {}),
    ...(options.ratingInvitation ? { ratingInvitation: options.ratingInvitation } : {}),
    ...(options.dueSoonHours !== undefined ? { dueSoonHours: options.dueSoonHours } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

/** The internal-process service over a database: `current(procedureId, receivingAgencyId)` for the engine, the editor's reads and writes. */
export function createProcessService(database: Database): ProcessService {
  return new ProcessService(new ProcessRepository(database.db));
}
