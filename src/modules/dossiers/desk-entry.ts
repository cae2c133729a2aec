import { randomUUID } from 'node:crypto';
import { defineError, DomainError, type FieldProblem } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import { applicantOf, type FormBundle, type FormDefinition, type FormLookups, type FormValues } from '../forms/index.js';
import type { DeskEntryRepository } from './desk-entry.repository.js';
import type { ResultDelivery } from './dossiers.tables.js';
import { SubmissionErrors } from './submission.errors.js';

/**
 * Dossiers that arrive on paper — in person at the one-stop desk or by post — entered by the desk officer into the
 * same e-form the citizen fills online (the forms module's definition, renderer and validation) with the scans of the
 * documents uploaded per required document (the same upload checks). No second form system and no retyping.
 *
 * The officer owns the draft (the applicant often has no account: `applicant_user_id` stays null and the phone's last
 * digits or the slip's secret open the public lookup); the draft remembers the channel. Submission writes the dossier
 * with that channel, awaiting reception at the officer's agency; the desk then receives it at once (workflow module).
 * Idempotent per draft like online submission: a retry answers with the same dossier.
 */
export const DeskEntryErrors = {
  notAllowed: defineError(
    'DESK_ENTRY_NOT_ALLOWED',
    'forbidden',
    'Only an officer with the one-stop desk role (`desk`) of an agency may enter walk-in or postal dossiers.',
    'workflow.counter.error.DESK_ENTRY_NOT_ALLOWED',
  ),
  procedureNotReceived: defineError(
    'DESK_ENTRY_PROCEDURE_NOT_RECEIVED',
    'not_found',
    'The officer’s agency does not receive this procedure (no procedure–agency link), or the procedure is not published.',
    'workflow.counter.error.DESK_ENTRY_PROCEDURE_NOT_RECEIVED',
  ),
};

export type PaperChannel = 'in_person' | 'post';
export const paperChannels: readonly PaperChannel[] = ['in_person', 'post'];

export interface DeskEntryPorts {
  forms: {
    bundleFor(procedureCode: string, procedureVersionId?: number): Promise<FormBundle>;
    lookupsFor(definition: FormDefinition, values: FormValues): Promise<FormLookups>;
  };
  codes: { next(trx: Parameters<Parameters<DeskEntryRepository['transaction']>[0]>[0], agencyCode: string, at: Date): Promise<string>; secret(): string };
  draftLifetimeDays: number;
  clock?: () => Date;
}

export interface DeskEntryDraft {
  id: string;
  procedure: { id: number; code: string; name: string };
  procedureVersionId: number;
  formVersion: string;
  channel: PaperChannel;
  agencyId: number;
  values: Record<string, unknown>;
  resultDelivery: ResultDelivery | null;
  lastSection: string | null;
  submittedDossierId: number | null;
  expiresAt: Date;
  updatedAt: Date;
  uploads: { id: number; fieldId: string; fileName: string; size: number; mime: string; pages: number | null }[];
}

export interface DeskEntryUpload {
  fieldId: string;
  requirementName: string;
  storageKey: string;
  fileName: string;
  mime: string;
  size: number;
  sha256: string;
  pages: number | null;
}

interface Officer {
  id: number;
  agencyId: number;
}

export class DeskEntryService {
  private readonly clock: () => Date;

  constructor(
    private readonly repository: DeskEntryRepository,
    private readonly ports: DeskEntryPorts,
  ) {
    this.clock = ports.clock ?? (() => new Date());
  }

  /** Procedures the officer's agency receives, for the picker (a code or part of the name; at most 20). */
  async procedures(actor: SessionUser, search: string): Promise<{ code: string; name: string }[]> {
    const officer = deskOfficer(actor);
    const rows = await this.repository.receivedProcedures(officer.agencyId, String(search ?? '').slice(0, 100), 20);
    return rows.map((r) => ({ code: r.code, name: r.name }));
  }

  /** The procedure if the officer's agency receives it. */
  async procedure(actor: SessionUser, code: string): Promise<{ code: string; name: string }> {
    const officer = deskOfficer(actor);
    const p = await this.repository.procedureReceivedBy(officer.agencyId, String(code).slice(0, 30));
    if (!p || p.status !== 'published' || p.current_version_id === null) throw new DomainError(DeskEntryErrors.procedureNotReceived, { params: { code: String(code).slice(0, 30) } });
    return { code: p.code, name: p.name };
  }

  /** Starts a desk draft of a procedure for a paper dossier that came by `channel`; the result is delivered at the desk or by post. */
  async start(actor: SessionUser, procedureCode: string, channel: PaperChannel): Promise<DeskEntryDraft> {
    const officer = deskOfficer(actor);
    if (!paperChannels.includes(channel)) throw new DomainError(SubmissionErrors.formIncomplete, { fields: [{ field: 'channel', messageKey: 'workflow.counter.field.channel.required' }] });
    const p = await this.repository.procedureReceivedBy(officer.agencyId, String(procedureCode).slice(0, 30));
    if (!p || p.status !== 'published' || p.current_version_id === null) throw new DomainError(DeskEntryErrors.procedureNotReceived, { params: { code: String(procedureCode).slice(0, 30) } });
    const bundle = await this.ports.forms.bundleFor(p.code, p.current_version_id);
    const id = randomUUID();
    await this.repository.insertDraft({
      id,
      officerId: officer.id,
      agencyId: officer.agencyId,
      procedureId: p.id,
      procedureVersionId: p.current_version_id,
      formVersion: bundle.version,
      channel,
      resultDelivery: channel === 'post' ? 'post' : 'at_desk',
      expiresAt: this.expiry(this.clock()),
    });
    return this.draft(actor, id);
  }

  /** A desk draft of the officer (never a citizen's draft, never another officer's). */
  async draft(actor: SessionUser, draftId: string): Promise<DeskEntryDraft> {
    const officer = deskOfficer(actor);
    const row = /^[0-9a-f-]{36}$/.test(String(draftId)) ? await this.repository.draft(draftId) : undefined;
    if (!row || row.owner_user_id !== officer.id || row.agency_id !== officer.agencyId) throw new DomainError(SubmissionErrors.draftNotFound);
    const uploads = await this.repository.uploads(row.id);
    return {
      id: row.id,
      procedure: { id: row.procedure_id, code: row.procedure_code, name: row.procedure_name },
      procedureVersionId: row.procedure_version_id,
      formVersion: row.form_version,
      channel: row.channel,
      agencyId: row.agency_id,
      values: row.values,
      resultDelivery: row.result_delivery,
      lastSection: row.last_section,
      submittedDossierId: row.submitted_dossier_id,
      expiresAt: row.expires_at,
      updatedAt: row.updated_at,
      uploads: uploads.map((u) => ({ id: u.id, fieldId: u.field_id, fileName: u.file_name, size: u.size_bytes, mime: u.mime, pages: u.pages })),
    };
  }

  async bundle(draft: DeskEntryDraft): Promise<FormBundle> {
    return this.ports.forms.bundleFor(draft.procedure.code, draft.procedureVersionId);
  }

  async saveAnswers(actor: SessionUser, draftId: string, values: Record<string, unknown>, section: string): Promise<void> {
    const draft = await this.writable(actor, draftId);
    await this.repository.updateDraft(draft.id, { values: { ...draft.values, ...values }, lastSection: section, expiresAt: this.expiry(this.clock()) });
  }

  async chooseDelivery(actor: SessionUser, draftId: string, delivery: ResultDelivery): Promise<void> {
    const draft = await this.writable(actor, draftId);
    await this.repository.updateDraft(draft.id, { resultDelivery: delivery });
  }

  async addUpload(actor: SessionUser, draftId: string, upload: DeskEntryUpload): Promise<number> {
    const draft = await this.writable(actor, draftId);
    const id = await this.repository.insertUpload({ draftId: draft.id, ...upload });
    await this.repository.updateDraft(draft.id, {});
    return id;
  }

  async removeUpload(actor: SessionUser, draftId: string, uploadId: number): Promise<void> {
    const draft = await this.writable(actor, draftId);
    if (!(await this.repository.deleteUpload(draft.id, uploadId))) throw new DomainError(SubmissionErrors.uploadNotFound);
    await this.repository.updateDraft(draft.id, {});
  }

  /** Everything still missing before the dossier can be entered (empty when it can). */
  async problems(actor: SessionUser, draftId: string): Promise<FieldProblem[]> {
    const draft = await this.draft(actor, draftId);
    return this.problemsOf(draft, await this.bundle(draft));
  }

  private problemsOf(draft: DeskEntryDraft, bundle: FormBundle): FieldProblem[] {
    const problems = [...bundle.validateAll(draft.values)];
    for (const required of bundle.requiredUploads(draft.values)) {
      if (!draft.uploads.some((u) => u.fieldId === required.fieldId)) {
        problems.push({ field: required.fieldId, messageKey: 'dossiers.upload.required', params: { name: required.requirementName } });
      }
    }
    if (draft.resultDelivery === null) problems.push({ field: 'resultDelivery', messageKey: 'dossiers.reception.deliveryRequired' });
    return problems;
  }

  /**
   * Writes the dossier (awaiting reception, with the draft's channel, at the officer's agency) and returns its code.
   * Idempotent: a draft already submitted answers with its dossier (`created: false`).
   */
  async submit(actor: SessionUser, draftId: string): Promise<{ code: string; created: boolean }> {
    const officer = deskOfficer(actor);
    const now = this.clock();
    // Reads first: on the embedded database the transaction holds the only session.
    const draft = await this.draft(actor, draftId);
    if (draft.submittedDossierId !== null) return { code: await this.repository.dossierCode(draft.submittedDossierId), created: false };
    if (draft.expiresAt <= now) throw new DomainError(SubmissionErrors.draftExpired);
    const bundle = await this.bundle(draft);
    const problems = this.problemsOf(draft, bundle);
    if (problems.length > 0) throw new DomainError(SubmissionErrors.formIncomplete, { fields: problems });
    const agency = await this.repository.agency(officer.agencyId);
    if (!agency) throw new DomainError(DeskEntryErrors.notAllowed);
    const values = draft.values as FormValues;
    const applicant = applicantOf(bundle.definition, values, await this.ports.forms.lookupsFor(bundle.definition, values));
    const phoneDigits = (applicant.phone ?? '').replace(/\D/g, '');

    return this.repository.transaction(async (trx) => {
      const locked = await this.repository.draft(draft.id, trx, true);
      if (!locked || locked.owner_user_id !== officer.id) throw new DomainError(SubmissionErrors.draftNotFound);
      if (locked.submitted_dossier_id !== null) return { code: await this.repository.dossierCode(locked.submitted_dossier_id, trx), created: false };
      const dossierId = await this.repository.insertDossier(trx, {
        draftId: draft.id,
        lookupSecret: this.ports.codes.secret(),
        procedureId: draft.procedure.id,
        procedureVersionId: draft.procedureVersionId,
        formVersion: draft.formVersion,
        applicant,
        agencyId: agency.id,
        channel: draft.channel,
        values: locked.values,
        resultDelivery: locked.result_delivery ?? draft.resultDelivery!,
        phoneLast4: phoneDigits.length >= 4 ? phoneDigits.slice(-4) : null,
        officerId: officer.id,
        at: now,
      });
      // The number last: the per-agency-per-day counter row stays locked for the fewest statements.
      const code = await this.ports.codes.next(trx, agency.code, now);
      await this.repository.setCode(trx, dossierId, code);
      return { code, created: true };
    });
  }

  private async writable(actor: SessionUser, draftId: string): Promise<DeskEntryDraft> {
    const draft = await this.draft(actor, draftId);
    if (draft.submittedDossierId !== null) throw new DomainError(SubmissionErrors.draftNotFound);
    if (draft.expiresAt <= this.clock()) throw new DomainError(SubmissionErrors.draftExpired);
    return draft;
  }

  private expiry(now: Date): Date {
    return new Date(now.getTime() + this.ports.draftLifetimeDays * 86_400_000);
  }
}

function deskOfficer(actor: SessionUser): Officer {
  if (actor.kind !== 'officer' || actor.agencyId === null || !actor.roles.includes('desk')) throw new DomainError(DeskEntryErrors.notAllowed);
  return { id: actor.id, agencyId: actor.agencyId };
}
