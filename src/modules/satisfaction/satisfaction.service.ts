import type { Transaction } from 'kysely';
import { appendAudit, type AuditInput } from '../../platform/audit/index.js';
import type { Database as Schema, OfficeHours } from '../../platform/db/schema.js';
import { CommonErrors, DomainError, type FieldProblem } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import type { WorkingCalendar } from '../calendar/index.js';
import type { RatingTokens } from './rating-token.js';
import { SatisfactionErrors } from './satisfaction.errors.js';
import type { ApplicantContact, ComplaintRow, DossierRow, SatisfactionRepository } from './satisfaction.repository.js';
import type { ComplaintCategory, RatingVia } from './satisfaction.tables.js';

/**
 * The national portal's satisfaction survey, as yes/no questions beside the overall score (1 very dissatisfied … 5
 * very satisfied): the procedure was published correctly, the officers guided clearly and were courteous, the result
 * came on time, and nothing beyond the published documents and fees was asked for.
 */
export const RATING_CRITERIA = ['publicInfo', 'guidance', 'attitude', 'timeliness', 'noExtraDocuments', 'noExtraFees'] as const;
export type RatingCriterion = (typeof RATING_CRITERIA)[number];
export const COMPLAINT_CATEGORIES: readonly ComplaintCategory[] = ['attitude', 'delay', 'extra_requirements', 'result', 'procedure', 'other'];

/**
 * Ninh Bình Decision 163/2025/QĐ-CTUBND art. 19: a complaint ("phản ánh, kiến nghị") about the handling of a
 * procedure is answered within 10 working days of its receipt. Counted like a dossier's deadline (calendar module):
 * the day of receipt is not counted, a complaint filed after hours is received at the next working moment, and the
 * period ends when the agency's office closes on the 10th working day.
 */
export const COMPLAINT_ANSWER_WORKING_DAYS = 10;
/** How long the rating link in the result-returned message works (calendar days). */
export const RATING_LINK_DAYS = 90;
const MAX_COMMENT = 2_000;
const MAX_COMPLAINT = 4_000;
const MAX_ANSWER = 4_000;
const QUEUE_LIMIT = 200;
const OFFICER_ROLES = ['desk', 'leader'];

export interface SatisfactionPorts {
  /** The working calendar of an agency's office hours (calendar module). */
  calendar(officeHours: readonly OfficeHours[]): Promise<WorkingCalendar>;
  /** Writes the applicant's messages in the caller's transaction (notification outbox). */
  notify(trx: Transaction<Schema>, message: { dossierId: number; applicant: ApplicantContact; template: string; params: Record<string, string> }): Promise<void>;
  /** Formats an instant for a message (Vietnamese, Vietnam time). */
  formatMoment(at: Date): string;
  /** Keeps the indicators' monthly counts of the dossier's finishing month in step, in the caller's transaction. */
  indicators?: {
    complaintFiled(trx: Transaction<Schema>, dossierId: number): Promise<void>;
    rated(trx: Transaction<Schema>, dossierId: number, overall: number): Promise<void>;
  };
  tokens: RatingTokens;
  /** The portal's public address, for the link in the message. */
  baseUrl: string;
  clock?: () => Date;
}

/** What the applicant fills in: the survey, and (on the rating page) optionally a complaint. */
export interface RatingInput {
  overall: string;
  answers: Partial<Record<RatingCriterion, string>>;
  comment: string;
  /** "yes" to file a complaint with the rating. */
  complain?: string;
  category?: string;
  body?: string;
}

export interface ComplaintInput {
  category: string;
  body: string;
}

export interface ComplaintView {
  id: number;
  dossierCode: string;
  procedureName: string;
  category: ComplaintCategory;
  body: string;
  receivedAt: Date;
  dueAt: Date;
  status: 'open' | 'answered';
  answer: string | null;
  answeredAt: Date | null;
  answerTiming: 'on_time' | 'late' | null;
  overdue: boolean;
  rowVersion: number;
}

export interface SatisfactionSummary {
  code: string;
  procedureName: string;
  agencyName: string;
  returned: boolean;
  rating: { overall: number; answers: Record<string, string>; comment: string; ratedAt: Date } | null;
  canRate: boolean;
  complaints: ComplaintView[];
  canComplain: boolean;
}

/**
 * Satisfaction ratings and complaints about dossiers. A dossier is rated once, after its result is returned: by its
 * applicant signed in, or by whoever holds the single-use link of the result-returned message (walk-in applicants
 * have no account). A complaint goes to the dossier's receiving agency, whose desk officers and leaders answer it
 * within COMPLAINT_ANSWER_WORKING_DAYS; the answer goes to the applicant through the outbox. Every change writes its audit event
 * and its messages in its own transaction.
 */
export class SatisfactionService {
  private readonly now: () => Date;

  constructor(
    private readonly repository: SatisfactionRepository,
    private readonly ports: SatisfactionPorts,
  ) {
    this.now = ports.clock ?? (() => new Date());
  }

  // ---- the applicant (signed in) ----

  async summary(actor: SessionUser, code: string): Promise<SatisfactionSummary> {
    return this.summaryOf(await this.ownDossier(actor, code));
  }

  /** The rating, and the complaint filed with it if asked, in one transaction. */
  async rate(actor: SessionUser, code: string, input: RatingInput): Promise<{ complaintDueAt: Date | null }> {
    const dossier = await this.ownDossier(actor, code);
    const clean = checkRating(input);
    const calendar = clean.complaint ? await this.ports.calendar(dossier.officeHours) : null;
    return this.repository.transaction(async (trx) => {
      const locked = (await this.repository.lockDossier(trx, dossier.id))!;
      await this.recordRating(trx, locked, clean, 'account', actor.id);
      const complaint = clean.complaint ? await this.fileComplaint(trx, locked, clean.complaint, 'account', actor.id, calendar!) : null;
      return { complaintDueAt: complaint?.dueAt ?? null };
    });
  }

  async complain(actor: SessionUser, code: string, input: ComplaintInput): Promise<{ id: number; dueAt: Date }> {
    const dossier = await this.ownDossier(actor, code);
    const clean = checkComplaint(input);
    // Loaded before the transaction: the embedded database has one connection, which the transaction holds.
    const calendar = await this.ports.calendar(dossier.officeHours);
    return this.repository.transaction(async (trx) => {
      const locked = (await this.repository.lockDossier(trx, dossier.id))!;
      return this.fileComplaint(trx, locked, clean, 'account', actor.id, calendar);
    });
  }

  // ---- the link in the result-returned message ----

  /**
   * Issues the dossier's rating link inside the return-result transaction (workflow engine) and returns its URL.
   * Only the token's hash is stored; a later call replaces an unused link.
   */
  async invite(trx: Transaction<Schema>, dossierId: number): Promise<string> {
    const { token, hash } = this.ports.tokens.issue();
    await this.repository.saveInvitation(trx, dossierId, hash, new Date(this.now().getTime() + RATING_LINK_DAYS * 86_400_000));
    return `${this.ports.baseUrl.replace(/\/$/, '')}/danh-gia/${token}`;
  }

  /** What the link's page shows; a wrong, expired or used link is SATISFACTION_LINK_INVALID. */
  async byLink(token: string): Promise<SatisfactionSummary> {
    return this.summaryOf((await this.dossierOfLink(token)).dossier);
  }

  /** The rating (and complaint, if asked) by the link; the link is used up in the same transaction. */
  async rateByLink(token: string, input: RatingInput): Promise<{ code: string; complaintDueAt: Date | null }> {
    const { hash, dossier } = await this.dossierOfLink(token);
    const clean = checkRating(input);
    const calendar = clean.complaint ? await this.ports.calendar(dossier.officeHours) : null;
    return this.repository.transaction(async (trx) => {
      const locked = (await this.repository.lockDossier(trx, dossier.id))!;
      if (!(await this.repository.useInvitation(trx, hash, this.now()))) throw new DomainError(SatisfactionErrors.linkInvalid);
      await this.recordRating(trx, locked, clean, 'link', null);
      const complaint = clean.complaint ? await this.fileComplaint(trx, locked, clean.complaint, 'link', null, calendar!) : null;
      return { code: locked.code, complaintDueAt: complaint?.dueAt ?? null };
    });
  }

  // ---- the agency ----

  /** The agency's open complaints, most urgent first, and the latest answered. */
  async queue(actor: SessionUser): Promise<{ open: ComplaintView[]; answered: ComplaintView[] }> {
    const agencyId = officerAgency(actor);
    const [open, answered] = await Promise.all([this.repository.openQueue(agencyId, QUEUE_LIMIT), this.repository.recentlyAnswered(agencyId, 50)]);
    const now = this.now();
    return { open: open.map((c) => view(c, now)), answered: answered.map((c) => view(c, now)) };
  }

  /** One complaint of the officer's agency (another agency's is "not found"). */
  async complaintFor(actor: SessionUser, id: number): Promise<ComplaintView> {
    return view(await this.agencyComplaint(officerAgency(actor), id), this.now());
  }

  /** Answers a complaint (once): recorded on time or late against its due moment, sent to the applicant. */
  async answer(actor: SessionUser, id: number, rowVersion: number, answer: string): Promise<{ timing: 'on_time' | 'late' }> {
    const agencyId = officerAgency(actor);
    const current = await this.agencyComplaint(agencyId, id);
    if (current.status !== 'open') throw new DomainError(SatisfactionErrors.complaintAnswered);
    const text = typeof answer === 'string' ? answer.trim() : '';
    if (text === '') throw invalid([{ field: 'answer', messageKey: 'satisfaction.field.answer.required' }]);
    if (text.length > MAX_ANSWER) throw invalid([{ field: 'answer', messageKey: 'satisfaction.field.answer.tooLong', params: { max: MAX_ANSWER } }]);
    return this.repository.transaction(async (trx) => {
      const dossier = (await this.repository.lockDossier(trx, current.dossierId))!;
      const at = this.now();
      const timing = at.getTime() <= current.dueAt.getTime() ? 'on_time' : 'late';
      if (!(await this.repository.answerComplaint(trx, { id, rowVersion, answer: text, userId: actor.id, at, timing }))) throw new DomainError(SatisfactionErrors.complaintAnswered);
      await appendAudit(trx, {
        actorUserId: actor.id,
        actorKind: 'officer',
        action: 'complaint.answer',
        subjectType: 'dossier',
        subjectId: dossier.id,
        agencyId,
        at,
        details: { complaintId: id, timing, dueAt: current.dueAt.toISOString() },
      });
      await this.ports.notify(trx, {
        dossierId: dossier.id,
        applicant: dossier.applicant,
        template: 'satisfaction.message.complaintAnswered',
        params: { code: dossier.code, agency: dossier.agencyName, answer: text },
      });
      return { timing };
    });
  }

  // ---- inside ----

  private async ownDossier(actor: SessionUser, code: string): Promise<DossierRow> {
    const dossier = actor.kind === 'citizen' && typeof code === 'string' && code.length <= 60 ? await this.repository.dossierByCode(code) : undefined;
    if (!dossier || dossier.applicantUserId !== actor.id) throw new DomainError(SatisfactionErrors.dossierNotFound, { params: { code: String(code).slice(0, 60) } });
    return dossier;
  }

  private async agencyComplaint(agencyId: number, id: number): Promise<ComplaintRow> {
    const row = Number.isSafeInteger(id) ? await this.repository.complaint(id) : undefined;
    if (!row || row.agencyId !== agencyId) throw new DomainError(SatisfactionErrors.complaintNotFound);
    return row;
  }

  /** The link's dossier and the token's hash (what the link is used up by). */
  private async dossierOfLink(token: string): Promise<{ hash: string; dossier: DossierRow }> {
    const hash = typeof token === 'string' ? this.ports.tokens.verify(token) : null;
    const invitation = hash ? await this.repository.invitation(hash) : null;
    if (!hash || !invitation || invitation.usedAt !== null || invitation.expiresAt.getTime() <= this.now().getTime()) throw new DomainError(SatisfactionErrors.linkInvalid);
    const dossier = await this.repository.dossierById(invitation.dossierId);
    if (!dossier) throw new DomainError(SatisfactionErrors.linkInvalid);
    return { hash, dossier };
  }

  private async summaryOf(dossier: DossierRow): Promise<SatisfactionSummary> {
    const [rating, complaints] = await Promise.all([this.repository.rating(dossier.id), this.repository.complaintsOf(dossier.id)]);
    const now = this.now();
    return {
      code: dossier.code,
      procedureName: dossier.procedureName,
      agencyName: dossier.agencyName,
      returned: dossier.status === 'result_returned',
      rating: rating ? { overall: rating.overall, answers: rating.answers, comment: rating.comment, ratedAt: rating.ratedAt } : null,
      canRate: dossier.status === 'result_returned' && !rating,
      complaints: complaints.map((c) => view(c, now)),
      canComplain: !complaints.some((c) => c.status === 'open'),
    };
  }

  private async recordRating(trx: Transaction<Schema>, dossier: DossierRow, rating: CleanRating, via: RatingVia, userId: number | null): Promise<void> {
    if (dossier.status !== 'result_returned') throw new DomainError(SatisfactionErrors.notReturned, { params: { code: dossier.code } });
    const at = this.now();
    const inserted = await this.repository.insertRating(trx, { dossierId: dossier.id, agencyId: dossier.agencyId, overall: rating.overall, answers: rating.answers, comment: rating.comment, via, userId, at });
    if (!inserted) throw new DomainError(SatisfactionErrors.alreadyRated, { params: { code: dossier.code } });
    await applicantAudit(trx, dossier, userId, 'satisfaction.rate', at, { overall: rating.overall, via });
    await this.ports.indicators?.rated(trx, dossier.id, rating.overall);
  }

  private async fileComplaint(
    trx: Transaction<Schema>,
    dossier: DossierRow,
    complaint: CleanComplaint,
    via: RatingVia,
    userId: number | null,
    calendar: WorkingCalendar,
  ): Promise<{ id: number; dueAt: Date }> {
    const earlier = await this.repository.complaintsOf(dossier.id, trx);
    if (earlier.some((c) => c.status === 'open')) throw new DomainError(SatisfactionErrors.complaintNotAllowed, { params: { code: dossier.code } });
    const receivedAt = this.now();
    const dueAt = calendar.addWorkingDays(receivedAt, COMPLAINT_ANSWER_WORKING_DAYS);
    const id = await this.repository.insertComplaint(trx, { dossierId: dossier.id, agencyId: dossier.agencyId, category: complaint.category, body: complaint.body, via, userId, receivedAt, dueAt });
    await applicantAudit(trx, dossier, userId, 'complaint.file', receivedAt, { complaintId: id, category: complaint.category, via, dueAt: dueAt.toISOString() });
    await this.ports.notify(trx, {
      dossierId: dossier.id,
      applicant: dossier.applicant,
      template: 'satisfaction.message.complaintReceived',
      params: { code: dossier.code, agency: dossier.agencyName, dueAt: this.ports.formatMoment(dueAt) },
    });
    // The dossier's first complaint makes it count in the month it finished (if it has).
    if (earlier.length === 0) await this.ports.indicators?.complaintFiled(trx, dossier.id);
    return { id, dueAt };
  }
}

interface CleanComplaint {
  category: ComplaintCategory;
  body: string;
}

interface CleanRating {
  overall: number;
  answers: Record<RatingCriterion, 'yes' | 'no'>;
  comment: string;
  complaint: CleanComplaint | null;
}

function invalid(fields: FieldProblem[]): DomainError {
  return new DomainError(CommonErrors.validation, { fields });
}

/** The audit event of the applicant's own change: signed in (citizen) or by the rating link (anonymous). */
function applicantAudit(trx: Transaction<Schema>, dossier: DossierRow, userId: number | null, action: string, at: Date, details: AuditInput['details']): Promise<void> {
  return appendAudit(trx, { actorUserId: userId, actorKind: userId === null ? 'anonymous' : 'citizen', action, subjectType: 'dossier', subjectId: dossier.id, agencyId: dossier.agencyId, at, details });
}

function officerAgency(actor: SessionUser): number {
  if (actor.kind !== 'officer' || actor.agencyId === null || !actor.roles.some((r) => OFFICER_ROLES.includes(r))) throw new DomainError(SatisfactionErrors.officerRequired);
  return actor.agencyId;
}

function complaintProblems(input: { category?: string; body?: string }): { problems: FieldProblem[]; clean: CleanComplaint | null } {
  const problems: FieldProblem[] = [];
  const category = COMPLAINT_CATEGORIES.find((c) => c === input.category);
  if (!category) problems.push({ field: 'category', messageKey: 'satisfaction.field.category.required' });
  const body = typeof input.body === 'string' ? input.body.trim() : '';
  if (body === '') problems.push({ field: 'body', messageKey: 'satisfaction.field.body.required' });
  else if (body.length > MAX_COMPLAINT) problems.push({ field: 'body', messageKey: 'satisfaction.field.body.tooLong', params: { max: MAX_COMPLAINT } });
  return { problems, clean: category && problems.length === 0 ? { category, body } : null };
}

function checkComplaint(input: ComplaintInput): CleanComplaint {
  const { problems, clean } = complaintProblems(input);
  if (!clean) throw invalid(problems);
  return clean;
}

/** Every problem at once (one error summary), in the order of the page. */
function checkRating(input: RatingInput): CleanRating {
  const problems: FieldProblem[] = [];
  const overall = Number(input.overall);
  if (!(typeof input.overall === 'string' && /^[1-5]$/.test(input.overall))) problems.push({ field: 'overall', messageKey: 'satisfaction.field.overall.required' });
  const answers = {} as Record<RatingCriterion, 'yes' | 'no'>;
  for (const criterion of RATING_CRITERIA) {
    const value = input.answers?.[criterion];
    if (value === 'yes' || value === 'no') answers[criterion] = value;
    else problems.push({ field: criterion, messageKey: `satisfaction.field.${criterion}.required` });
  }
  const comment = typeof input.comment === 'string' ? input.comment.trim() : '';
  if (comment.length > MAX_COMMENT) problems.push({ field: 'comment', messageKey: 'satisfaction.field.comment.tooLong', params: { max: MAX_COMMENT } });
  let complaint: CleanComplaint | null = null;
  if (input.complain === 'yes') {
    const checked = complaintProblems({ category: input.category ?? '', body: input.body ?? '' });
    problems.push(...checked.problems);
    complaint = checked.clean;
  } else if (input.complain !== undefined && input.complain !== 'no') {
    problems.push({ field: 'complain', messageKey: 'satisfaction.field.complain.required' });
  }
  if (problems.length > 0) throw invalid(problems);
  return { overall, answers, comment, complaint };
}

function view(c: ComplaintRow, now: Date): ComplaintView {
  return {
    id: c.id,
    dossierCode: c.dossierCode,
    procedureName: c.procedureName,
    category: c.category,
    body: c.body,
    receivedAt: c.receivedAt,
    dueAt: c.dueAt,
    status: c.status,
    answer: c.answer,
    answeredAt: c.answeredAt,
    answerTiming: c.answerTiming,
    overdue: c.status === 'open' && now.getTime() > c.dueAt.getTime(),
    rowVersion: c.rowVersion,
  };
}
