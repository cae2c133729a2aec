import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { SessionUser } from '../../platform/http/auth.js';
import type { Database as Schema } from '../../platform/db/schema.js';
import { DomainError, type FieldProblem } from '../../platform/errors/errors.js';
import { appendAudit } from '../../platform/audit/index.js';
import { GroupCommit } from '../../platform/db/group-commit.js';
import type { DossierRepository, SubmitDraft } from './dossier.repository.js';
import type { ApplicantSnapshot, DossierStatus, ResultDelivery } from './dossiers.tables.js';
import { SubmissionErrors } from './submission.errors.js';
import { dossierChanged } from './dossier-changes.js';
import type { ReceiptSlipData } from './receipt-slip.js';

/** The e-form of a procedure, as submission needs it (built from the forms module by the composition root). */
export interface FormBundle {
  /** Version of the form definition the values follow. */
  version: string;
  /** Values to start a new draft with: prefilled from the profile ("once only"). */
  initialValues(userId: number): Promise<Record<string, unknown>>;
  /** Every problem with the whole form, hidden (show-if) fields ignored. */
  validateAll(values: Record<string, unknown>): FieldProblem[];
  /** File fields that need at least one upload (given the values: some are conditional). */
  requiredUploads(values: Record<string, unknown>): { fieldId: string; requirementName: string }[];
  /** Who the applicant is, from the values (snapshot kept with the dossier). */
  applicant(values: Record<string, unknown>, userId: number): Promise<ApplicantSnapshot>;
}

export interface SubmissionPorts {
  /** `stamp`: the latest stored form as the draft's query saw it (null: none), so a cached one needs no read. */
  forms: { bundleFor(procedureCode: string, procedureVersionId: number, stamp?: string | null): Promise<FormBundle> };
  /** The slip's lookup secret of a new dossier (its number is drawn with its batch: `writeBatch`). */
  codes: { secret(): string };
  /** Writes outgoing messages about one or several dossiers in the caller's transaction (outbox), in one go. */
  notify(trx: Transaction<Schema>, events: readonly DossierMessage[]): Promise<void>;
  draftLifetimeDays: number;
  /** Told after the applicant answered a supplement request (the workflow resumes the deadline clock). */
  afterSupplementAnswered?: (dossierId: number) => Promise<unknown>;
  /**
   * Runs inside the withdrawal's transaction, the dossier row locked: the back office closes the dossier's open work
   * (the workflow engine's tasks) and tells the officers who held it. Returns what it closed, for the control slip
   * and the audit trail.
   */
  onWithdrawn?: (trx: Transaction<Schema>, withdrawal: { dossierId: number; code: string; at: Date }) => Promise<WithdrawalClosure>;
  clock?: () => Date;
}

/** A message to a dossier's applicant (the notifications module renders it for each channel they gave). */
export interface DossierMessage {
  dossierId: number;
  code: string;
  applicant: ApplicantSnapshot;
  template: string;
  params: Record<string, string>;
}

/** A validated submission waiting for its batch (group commit); its code is drawn with the batch. */
interface PendingSubmission extends Omit<SubmitDraft, 'code'> {
  /** Set once drawn, and kept through a retry: a code is never drawn twice for one submission. */
  code?: string;
  agencyCode: string;
  at: Date;
  procedureName: string;
}

/** The applicant's "received your dossier" message. */
function submittedMessage(p: PendingSubmission, dossier: { id: number; code: string }): DossierMessage {
  return { dossierId: dossier.id, code: dossier.code, applicant: p.applicant, template: 'dossier.submitted', params: { code: dossier.code, procedure: p.procedureName } };
}

/** How many submissions one transaction writes at most (group commit). */
const MAX_SUBMISSION_BATCH = 64;

export interface DraftView {
  id: string;
  procedure: { id: number; code: string; name: string };
  procedureVersionId: number;
  formVersion: string;
  values: Record<string, unknown>;
  receivingAgencyId: number | null;
  resultDelivery: ResultDelivery | null;
  lastSection: string | null;
  submittedDossierId: number | null;
  expiresAt: Date;
  updatedAt: Date;
  uploads: { id: number; fieldId: string; fileName: string; size: number; mime: string; pages: number | null; source: 'upload' | 'vault' }[];
}

/** The back office's work a withdrawal closed: each open task, and the officers told about it. */
export interface WithdrawalClosure {
  tasks: { taskId: number; agencyId: number; stepName: string; stepDueAt: Date | null; notified: number[] }[];
}

export interface SubmitOutcome {
  code: string;
  /** False when this draft had already been submitted (a retry or a double click): same dossier, nothing new. */
  created: boolean;
}

const WITHDRAWABLE: DossierStatus[] = ['awaiting_reception', 'received', 'processing', 'awaiting_supplement', 'awaiting_payment'];

/**
 * Drafts and online submission. Every method takes the signed-in citizen and checks ownership itself.
 * Submission is idempotent per draft: the draft row is locked, and a draft already submitted answers with its
 * dossier; the unique draft_id on dossier is the backstop.
 */
export class SubmissionService {
  private readonly clock: () => Date;
  /** This process's submissions, written in batches (`writeBatch`). */
  private readonly batches: GroupCommit<PendingSubmission, { id: number; code: string } | undefined>;
  constructor(
    private readonly repository: DossierRepository,
    private readonly ports: SubmissionPorts,
  ) {
    this.clock = ports.clock ?? (() => new Date());
    this.batches = new GroupCommit((batch) => this.writeBatch(batch), { maxBatch: MAX_SUBMISSION_BATCH, keyOf: (p) => p.draftId });
  }

  private citizen(actor: SessionUser): number {
    if (actor.kind !== 'citizen') throw new DomainError(SubmissionErrors.draftNotFound);
    return actor.id;
  }

  /** Resumes the citizen's open draft of this procedure, or starts one prefilled from the profile. */
  async startDraft(actor: SessionUser, procedureCode: string): Promise<DraftView> {
    const userId = this.citizen(actor);
    const procedure = await this.repository.procedureForSubmission(procedureCode);
    if (!procedure || procedure.status !== 'published' || procedure.current_version_id === null) {
      throw new DomainError(SubmissionErrors.notOfferedOnline, { params: { code: procedureCode } });
    }
    if (!procedure.online_offered) throw new DomainError(SubmissionErrors.notOfferedOnline, { params: { code: procedureCode } });
    const agencies = await this.repository.receivingAgencies(procedure.id);
    if (agencies.length === 0) throw new DomainError(SubmissionErrors.noReceivingAgency, { params: { code: procedureCode } });
    const now = this.clock();
    const open = await this.repository.latestOpenDraft(userId, procedure.id, now);
    if (open) return this.draft(actor, open.id);
    const bundle = await this.ports.forms.bundleFor(procedure.code, procedure.current_version_id);
    const id = randomUUID();
    await this.repository.insertDraft({
      id,
      ownerUserId: userId,
      procedureId: procedure.id,
      procedureVersionId: procedure.current_version_id,
      formVersion: bundle.version,
      values: await bundle.initialValues(userId),
      onBehalfOf: null,
      expiresAt: this.expiry(now),
    });
    return this.draft(actor, id);
  }

  private expiry(now: Date): Date {
    return new Date(now.getTime() + this.ports.draftLifetimeDays * 86_400_000);
  }

  async draft(actor: SessionUser, draftId: string): Promise<DraftView> {
    return (await this.draftInContext(actor, draftId)).view;
  }

  /** The draft (one query: with its procedure, uploads and chosen agency), checked to be the citizen's own. */
  private async draftInContext(actor: SessionUser, draftId: string): Promise<{ view: DraftView; version: string; agencyCode: string | null; formStamp: string | null }> {
    const userId = this.citizen(actor);
    const row = /^[0-9a-f-]{36}$/.test(draftId) ? await this.repository.draftWithContext(draftId) : undefined;
    if (!row || row.owner_user_id !== userId) throw new DomainError(SubmissionErrors.draftNotFound);
    const view: DraftView = {
      id: row.id,
      procedure: { id: row.procedure_id, code: row.procedure_code, name: row.procedure_name },
      procedureVersionId: row.procedure_version_id,
      formVersion: row.form_version,
      values: row.values,
      receivingAgencyId: row.receiving_agency_id,
      resultDelivery: row.result_delivery,
      lastSection: row.last_section,
      submittedDossierId: row.submitted_dossier_id,
      expiresAt: row.expires_at,
      updatedAt: row.updated_at,
      uploads: row.uploads.map((u) => ({ id: u.id, fieldId: u.field_id, fileName: u.file_name, size: u.size_bytes, mime: u.mime, pages: u.pages, source: u.source })),
    };
    return { view, version: row.version, agencyCode: row.agency_code, formStamp: row.form_stamp };
  }

  async openDrafts(actor: SessionUser) {
    return this.repository.openDrafts(this.citizen(actor), this.clock());
  }

  /** Saves a page's answers (autosave at every page); the draft's expiry moves forward. */
  async saveAnswers(actor: SessionUser, draftId: string, values: Record<string, unknown>, section: string): Promise<void> {
    const draft = await this.writableDraft(actor, draftId);
    await this.repository.updateDraft(draft.id, { values: { ...draft.values, ...values }, lastSection: section, expiresAt: this.expiry(this.clock()) });
  }

  async chooseReception(actor: SessionUser, draftId: string, agencyId: number, delivery: ResultDelivery): Promise<void> {
    const draft = await this.writableDraft(actor, draftId);
    const agencies = await this.repository.receivingAgencies(draft.procedure.id);
    if (!agencies.some((a) => a.id === agencyId)) throw new DomainError(SubmissionErrors.agencyNotReceiving);
    await this.repository.updateDraft(draft.id, { receivingAgencyId: agencyId, resultDelivery: delivery, lastSection: 'reception' });
  }

  async receivingAgencies(actor: SessionUser, draftId: string) {
    const draft = await this.draft(actor, draftId);
    return this.repository.receivingAgencies(draft.procedure.id);
  }

  async addUpload(
    actor: SessionUser,
    draftId: string,
    upload: { fieldId: string; requirementName: string; storageKey: string; fileName: string; mime: string; size: number; sha256: string; pages: number | null; source?: 'upload' | 'vault' },
  ): Promise<number> {
    const draft = await this.writableDraft(actor, draftId);
    const row = await this.repository.insertDraftUpload({ draftId: draft.id, ...upload });
    await this.repository.updateDraft(draft.id, {});
    return row.id;
  }

  async removeUpload(actor: SessionUser, draftId: string, uploadId: number): Promise<void> {
    const draft = await this.writableDraft(actor, draftId);
    if (!(await this.repository.deleteDraftUpload(draft.id, uploadId))) throw new DomainError(SubmissionErrors.uploadNotFound);
    await this.repository.updateDraft(draft.id, {});
  }

  private async writableDraft(actor: SessionUser, draftId: string): Promise<DraftView> {
    const draft = await this.draft(actor, draftId);
    if (draft.expiresAt <= this.clock()) throw new DomainError(SubmissionErrors.draftExpired);
    return draft;
  }

  /** Everything still wrong before the draft can be submitted (empty when it can). */
  async problems(actor: SessionUser, draftId: string): Promise<FieldProblem[]> {
    const { view: draft, formStamp } = await this.draftInContext(actor, draftId);
    const bundle = await this.ports.forms.bundleFor(draft.procedure.code, draft.procedureVersionId, formStamp);
    return this.problemsOf(draft, bundle);
  }

  private problemsOf(draft: DraftView, bundle: FormBundle): FieldProblem[] {
    const problems = [...bundle.validateAll(draft.values)];
    for (const required of bundle.requiredUploads(draft.values)) {
      if (!draft.uploads.some((u) => u.fieldId === required.fieldId)) {
        problems.push({ field: required.fieldId, messageKey: 'dossiers.upload.required', params: { name: required.requirementName } });
      }
    }
    if (draft.receivingAgencyId === null) problems.push({ field: 'agencyId', messageKey: 'dossiers.reception.agencyRequired' });
    if (draft.resultDelivery === null) problems.push({ field: 'resultDelivery', messageKey: 'dossiers.reception.deliveryRequired' });
    return problems;
  }

  /**
   * Submits the draft as an online dossier awaiting reception. Idempotent: a second call for the same draft
   * (double click, retry after a timeout, another tab) returns the same dossier code with created = false.
   *
   * Group commit: once read and validated, the submission joins this process's next batch (`writeBatch`: one code
   * draw, one transaction of two statements for all of it). A submission the batch did not write (the draft changed
   * or was submitted meanwhile), or whose batch failed, goes on on its own with the code it may have been given:
   * `submitAlone` says what happened, retries with the new answers, or fails with its own error.
   */
  async submit(actor: SessionUser, draftId: string): Promise<SubmitOutcome> {
    const pending = await this.validated(actor, draftId);
    if ('created' in pending) return pending;
    try {
      const written = await this.batches.add(pending);
      if (written) return { code: written.code, created: true };
    } catch {
      // The batch failed as a whole (one bad item fails them all): this submission alone says whether it was this one.
    }
    return this.submitAlone(actor, draftId, pending, 1);
  }

  /**
   * Reads the draft and validates it, outside any transaction (inside one only the transaction's own session may be
   * used: the embedded database has one session, and other modules' reads would wait for it forever). Answers with
   * the outcome instead when the draft was already submitted.
   */
  private async validated(actor: SessionUser, draftId: string): Promise<PendingSubmission | SubmitOutcome> {
    const userId = this.citizen(actor);
    const now = this.clock();
    const { view: draft, version, agencyCode, formStamp } = await this.draftInContext(actor, draftId);
    if (draft.submittedDossierId !== null) return { code: await this.repository.dossierCode(draft.submittedDossierId), created: false };
    if (draft.expiresAt <= now) throw new DomainError(SubmissionErrors.draftExpired);
    const bundle = await this.ports.forms.bundleFor(draft.procedure.code, draft.procedureVersionId, formStamp);
    const problems = this.problemsOf(draft, bundle);
    if (problems.length > 0) throw new DomainError(SubmissionErrors.formIncomplete, { fields: problems });
    if (agencyCode === null) throw new DomainError(SubmissionErrors.agencyNotReceiving);
    const applicant = await bundle.applicant(draft.values, userId);
    const phoneDigits = (applicant.phone ?? '').replace(/\D/g, '');
    return {
      draftId: draft.id,
      ownerUserId: userId,
      draftVersion: version,
      lookupSecret: this.ports.codes.secret(),
      procedureId: draft.procedure.id,
      procedureVersionId: draft.procedureVersionId,
      formVersion: draft.formVersion,
      applicant,
      receivingAgencyId: draft.receivingAgencyId!,
      resultDelivery: draft.resultDelivery!,
      phoneLast4: phoneDigits.length >= 4 ? phoneDigits.slice(-4) : null,
      agencyCode,
      at: now,
      procedureName: draft.procedure.name,
    };
  }

  /**
   * Writes a batch of validated submissions: their codes drawn in one auto-committed statement (an agency identifier
   * that would make a malformed code fails the batch before anything is drawn: DOSSIER_CODE_AGENCY_INVALID), then
   * one transaction with the dossiers' statement and their messages' statement. Each submission keeps the code it
   * was given even if the transaction then fails: a code is never given twice (gaps are allowed, dossier-code.ts).
   */
  private async writeBatch(batch: PendingSubmission[]): Promise<({ id: number; code: string } | undefined)[]> {
    const codes = await this.repository.drawCodes(batch.map((p) => ({ agencyCode: p.agencyCode, at: p.at })));
    const drafts: SubmitDraft[] = batch.map((p, i) => Object.assign(p, { code: codes[i]! }));
    return this.repository.transaction(async (trx) => {
      const written = await this.repository.submitDrafts(trx, drafts);
      await this.ports.notify(trx, batch.flatMap((p, i) => (written[i] ? [submittedMessage(p, written[i])] : [])));
      return written;
    });
  }

  /**
   * One submission in its own transaction, after its batch did not write it: under the draft's lock, either writes
   * it, or says why not (submitted meanwhile: the same dossier; not the citizen's: not found), or, when the draft was
   * edited after validation, validates the new answers and tries again (with the same code, if one was drawn).
   */
  private async submitAlone(actor: SessionUser, draftId: string, pending: PendingSubmission, attempt: number): Promise<SubmitOutcome> {
    const userId = pending.ownerUserId;
    // An agency identifier that would make a malformed code is refused here, before anything is written.
    const code = pending.code ?? (await this.repository.drawCodes([pending]))[0]!;
    const outcome = await this.repository.transaction(async (trx): Promise<SubmitOutcome | 'changed'> => {
      const submitted = await this.repository.submitDraft(trx, { ...pending, code });
      if (!submitted) {
        // Nothing written: say why, under the draft's lock.
        const row = await this.repository.draft(draftId, trx, true);
        if (!row || row.owner_user_id !== userId) throw new DomainError(SubmissionErrors.draftNotFound);
        if (row.submitted_dossier_id !== null) return { code: await this.repository.dossierCode(row.submitted_dossier_id, trx), created: false };
        // Edited in another tab between our validation and the lock: validate again with the new answers.
        return 'changed';
      }
      await this.ports.notify(trx, [submittedMessage(pending, submitted)]);
      return { code, created: true };
    });
    if (outcome !== 'changed') return outcome;
    // A draft edited at every attempt (a script, not a person): stop rather than loop.
    if (attempt >= 5) throw new Error(`draft ${draftId} kept changing during submission`);
    const again = await this.validated(actor, draftId);
    if ('created' in again) return again;
    return this.submitAlone(actor, draftId, { ...again, code }, attempt + 1);
  }

  // ---- the citizen's dossiers ----

  async myDossiers(actor: SessionUser, page = 1) {
    const userId = this.citizen(actor);
    const rows = await this.repository.dossiersOf(userId, 50, (Math.max(page, 1) - 1) * 50);
    return rows.map((d) => ({
      code: d.code,
      procedure: { code: d.procedure_code, name: d.procedure_name },
      status: d.status,
      submittedAt: d.submitted_at,
      dueAt: d.due_at,
      holderAgency: d.holder_agency_name,
    }));
  }

  private async ownDossier(actor: SessionUser, code: string, trx?: Transaction<Schema>) {
    const userId = this.citizen(actor);
    const row = await this.repository.dossierByCode(code, trx, trx !== undefined);
    if (!row || row.applicant_user_id !== userId) throw new DomainError(SubmissionErrors.dossierNotFound, { params: { code } });
    return row;
  }

  async dossier(actor: SessionUser, code: string) {
    const row = await this.ownDossier(actor, code);
    const [events, documents, messages, supplement] = await Promise.all([
      this.repository.events(row.id, false),
      this.repository.documents(row.id),
      this.repository.messages(row.id),
      this.repository.openSupplement(row.id),
    ]);
    return {
      id: row.id,
      code: row.code,
      lookupSecret: row.lookup_secret,
      procedure: { code: row.procedure_code, name: row.procedure_name, versionId: row.procedure_version_id },
      status: row.status,
      channel: row.channel,
      applicant: row.applicant,
      values: row.values,
      formVersion: row.form_version,
      receivingAgency: { name: row.receiving_agency_name, code: row.receiving_agency_code },
      holderAgency: row.holder_agency_name,
      resultDelivery: row.result_delivery,
      submittedAt: row.submitted_at,
      receivedAt: row.received_at,
      dueAt: row.due_at,
      completedAt: row.completed_at,
      events,
      documents: documents.map((d) => ({ id: d.id, fieldId: d.field_id, requirementName: d.requirement_name, fileName: d.file_name, mime: d.mime, size: d.size_bytes, pages: d.pages, source: d.source, storageKey: d.storage_key })),
      messages: messages.map((m) => ({ authorKind: m.author_kind, body: m.body, at: m.created_at })),
      supplement: supplement ? { id: supplement.id, requestedAt: supplement.requested_at, items: supplement.items, note: supplement.note } : null,
      canWithdraw: WITHDRAWABLE.includes(row.status),
    };
  }

  /** What the receipt and appointment slip (form 01) prints, from the dossier as submitted. */
  async slipData(actor: SessionUser, code: string): Promise<Omit<ReceiptSlipData, 'baseUrl' | 'documents'> & { documents: { name: string; originals: number; copies: number; pages: number }[] }> {
    const d = await this.dossier(actor, code);
    const agency = await this.repository.slipAgency(d.receivingAgency.code);
    const content = (await this.repository.versionContent(d.procedure.versionId)).content as {
      requirements?: { name: string; originals: number; copies: number }[];
      channels?: { channel: string; durations: { value: number; unit: string }[] }[];
    };
    // Documents grouped by the requirement they answer, with the counts the catalogue asks for.
    const byRequirement = new Map<string, { pages: number; files: number }>();
    for (const doc of d.documents) {
      const key = doc.requirementName || doc.fileName;
      const entry = byRequirement.get(key) ?? { pages: 0, files: 0 };
      byRequirement.set(key, { pages: entry.pages + (doc.pages ?? 1), files: entry.files + 1 });
    }
    const documents = [...byRequirement.entries()].map(([name, info]) => {
      const requirement = content.requirements?.find((r) => r.name.startsWith(name) || name.startsWith(r.name));
      return { name, originals: requirement?.originals ?? 1, copies: requirement?.copies ?? 0, pages: info.pages };
    });
    // The duration of the dossier's own channel: the one the desk counts the due date from (workflow module).
    const stated = content.channels?.find((c) => c.channel === d.channel)?.durations[0];
    const statutoryDuration =
      stated && (stated.unit === 'working_day' || stated.unit === 'working_hour' || stated.unit === 'day')
        ? { amount: stated.value, unit: stated.unit === 'working_day' ? ('working_days' as const) : stated.unit === 'working_hour' ? ('working_hours' as const) : ('days' as const) }
        : null;
    return {
      code: d.code,
      lookupSecret: d.lookupSecret,
      // The date line names the province of the receiving agency ("Ninh Bình, ngày … tháng … năm …").
      agency: { name: d.receivingAgency.name, parentName: agency.parentName, place: agency.provinceName ?? d.receivingAgency.name },
      applicant: { fullName: d.applicant.fullName, address: d.applicant.address, phone: d.applicant.phone, email: d.applicant.email },
      procedure: { code: d.procedure.code, name: d.procedure.name },
      documents,
      channel: d.channel as ReceiptSlipData['channel'],
      submittedAt: d.submittedAt,
      receivedAt: d.receivedAt,
      statutoryDuration,
      dueAt: d.dueAt,
      receivingOfficer: d.receivedAt ? await this.repository.receivingOfficerName(d.id) : null,
      resultDelivery: d.resultDelivery,
    };
  }

  /**
   * The applicant withdraws the dossier (state 7). Allowed only before its result is ready: once the agency has
   * decided and issued the result, there is nothing left to withdraw (a result ready or returned stays on record).
   * One transaction, the dossier row locked (as every officer's transition locks it): the back office's open tasks
   * close with it (`onWithdrawn`), so an officer acting on one at the same moment either wins first (and the
   * withdrawal then closes the task that follows) or finds the dossier changed.
   */
  async withdraw(actor: SessionUser, code: string, reason: string): Promise<void> {
    await this.repository.transaction(async (trx) => {
      const row = await this.ownDossier(actor, code, trx);
      if (!WITHDRAWABLE.includes(row.status)) throw new DomainError(SubmissionErrors.cannotWithdraw, { params: { code } });
      const now = this.clock();
      const closed = (await this.ports.onWithdrawn?.(trx, { dossierId: row.id, code: row.code, at: now })) ?? { tasks: [] };
      await this.repository.setStatus(trx, row.id, 'withdrawn', { completedAt: true });
      // The control slip (form 06): the step the dossier was at and the agency holding it when the applicant withdrew.
      const held = closed.tasks.find((t) => t.agencyId === row.holder_agency_id) ?? closed.tasks[0];
      await this.repository.insertEvent(trx, {
        dossierId: row.id,
        at: now,
        actorUserId: actor.id,
        actorKind: 'citizen',
        action: 'withdrawn',
        fromStatus: row.status,
        toStatus: 'withdrawn',
        fromAgencyId: row.holder_agency_id,
        toAgencyId: row.holder_agency_id,
        reason: reason.slice(0, 1000) || null,
        stepName: held?.stepName ?? null,
        stepDueAt: held?.stepDueAt ?? null,
      });
      await appendAudit(trx, {
        actorUserId: actor.id,
        actorKind: 'citizen',
        action: 'dossier.withdraw',
        subjectType: 'dossier',
        subjectId: row.id,
        agencyId: row.holder_agency_id,
        at: now,
        details: {
          code: row.code,
          fromStatus: row.status,
          toStatus: 'withdrawn',
          closedTasks: closed.tasks.map((t) => ({ taskId: t.taskId, agencyId: t.agencyId, notified: t.notified })),
        },
      });
      await this.ports.notify(trx, [{ dossierId: row.id, code: row.code, applicant: row.applicant, template: 'dossier.withdrawn', params: { code: row.code, procedure: row.procedure_name } }]);
      await dossierChanged(trx, row.code);
    });
  }

  /**
   * Answers the open supplement request: the new documents join the dossier, and it goes back to the agency
   * holding it (the deadline clock resumes; the back office records the pause).
   */
  async answerSupplement(
    actor: SessionUser,
    code: string,
    answer: { note: string; files: { fieldId: string; requirementName: string; storageKey: string; fileName: string; mime: string; size: number; sha256: string; pages: number | null }[] },
  ): Promise<void> {
    const dossierId = await this.repository.transaction(async (trx) => {
      const row = await this.ownDossier(actor, code, trx);
      const open = await this.repository.openSupplement(row.id, trx);
      if (!open || row.status !== 'awaiting_supplement') throw new DomainError(SubmissionErrors.noOpenSupplement, { params: { code } });
      for (const f of answer.files) await this.repository.insertDocument(trx, row.id, { ...f, source: 'supplement' });
      await this.repository.answerSupplement(trx, open.id, answer.note.slice(0, 4000));
      // Asked for at reception (before the clock started): back to the desk queue; otherwise back to processing.
      const next: DossierStatus = row.received_at === null ? 'awaiting_reception' : 'processing';
      await this.repository.setStatus(trx, row.id, next);
      await this.repository.insertEvent(trx, {
        dossierId: row.id,
        actorUserId: actor.id,
        actorKind: 'citizen',
        action: 'supplement_answered',
        fromStatus: row.status,
        toStatus: next,
      });
      await dossierChanged(trx, row.code);
      return row.id;
    });
    // The back office resumes the deadline clock (due dates move by the paused working time). Its own transaction:
    // it needs the calendar, which cannot be read while this one holds the embedded database's only session. A
    // failure here is retried by the workflow's deadline sweep; the applicant's answer is already safe.
    try {
      await this.ports.afterSupplementAnswered?.(dossierId);
    } catch {
      // resumed later by the sweep
    }
  }
}
