import { CommonErrors, DomainError, type FieldProblem } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import { isLocalDate, vietnamInstant } from '../calendar/index.js';
import type { DossierChannel, DossierStatus } from '../dossiers/index.js';
import { LedgerErrors } from './ledger.errors.js';
import type { LedgerDateField, LedgerQuery, LedgerRepository, LedgerTiming } from './ledger.repository.js';

export const ledgerStatuses: readonly DossierStatus[] = [
  'awaiting_reception',
  'received',
  'refused',
  'processing',
  'awaiting_supplement',
  'awaiting_payment',
  'withdrawn',
  'stopped',
  'result_ready',
  'result_returned',
];
export const ledgerChannels: readonly DossierChannel[] = ['online', 'in_person', 'post'];
export const ledgerTimings: readonly LedgerTiming[] = ['early', 'on_time', 'late'];
export const ledgerDateFields: readonly LedgerDateField[] = ['submitted', 'received', 'due', 'completed'];

/** The filters as typed in the ledger's form (strings; empty = no filter). Checked here, not trusted. */
export interface LedgerFilters {
  dateField?: string;
  /** Vietnam days `YYYY-MM-DD`, both included. */
  from?: string;
  to?: string;
  statuses?: string[];
  channel?: string;
  procedureCode?: string;
  sectorId?: string;
  timing?: string;
  search?: string;
}

export interface LedgerRow {
  id: number;
  code: string;
  applicant: { fullName: string; address: string | null; phone: string | null };
  procedure: { code: string; name: string };
  status: DossierStatus;
  channel: DossierChannel;
  submittedAt: Date;
  receivedAt: Date | null;
  dueAt: Date | null;
  /** The agency holding the dossier when it is not the receiving one (inter-agency transfer). */
  transferredTo: string | null;
  /** When the dossier finished (result, refusal, withdrawal or stop). */
  completedAt: Date | null;
  /** When the result was handed to the applicant, and how. */
  returnedAt: Date | null;
  resultDelivery: string;
  timing: LedgerTiming | null;
}

export interface LedgerPage {
  agencyName: string;
  rows: LedgerRow[];
  /** Rows matching the filters, counted up to `countCap` (more shows as "more than"). */
  count: number;
  countCap: number;
  /** Cursor of the next page, null on the last. */
  next: string | null;
  /** Echo of the checked filters, for the form and the export links. */
  filters: Required<LedgerFilters>;
  sectors: { id: number; name: string }[];
}

const PAGE_SIZE = 50;
const COUNT_CAP = 10_000;
const EXPORT_BATCH = 1_000;

/**
 * The tracking ledger ("sổ theo dõi hồ sơ", form 07): the dossiers an agency received, filtered and paginated by
 * keyset (newest first: stays as fast on page 10,000 as on page 1), and streamed in batches for the Excel and CSV
 * exports. Any officer of the agency may read it; the agency comes from the signed-in officer, never from the query.
 */
export class LedgerService {
  private readonly clock: () => Date;

  constructor(
    private readonly repository: LedgerRepository,
    options: { clock?: () => Date } = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
  }

  async page(actor: SessionUser, filters: LedgerFilters, cursor: string | null = null): Promise<LedgerPage> {
    const agencyId = officerAgency(actor);
    const { query, echo } = this.query(agencyId, filters);
    query.after = decodeCursor(cursor);
    query.limit = PAGE_SIZE + 1;
    const [rows, count, agencyName, sectors] = await Promise.all([
      this.repository.rows(query),
      this.repository.count({ ...query, after: null }, COUNT_CAP),
      this.repository.agencyName(agencyId),
      this.repository.sectors(agencyId),
    ]);
    const more = rows.length > PAGE_SIZE;
    const shown = rows.slice(0, PAGE_SIZE).map(present);
    const last = shown[shown.length - 1];
    return {
      agencyName,
      rows: shown,
      count,
      countCap: COUNT_CAP,
      next: more && last ? encodeCursor(last.submittedAt, last.id) : null,
      filters: echo,
      sectors,
    };
  }

  /** Every matching row, newest first, in batches (for the streaming exports); checks the officer first. */
  async *exportRows(actor: SessionUser, filters: LedgerFilters): AsyncGenerator<LedgerRow[]> {
    const agencyId = officerAgency(actor);
    const { query } = this.query(agencyId, filters);
    query.limit = EXPORT_BATCH;
    for (;;) {
      const batch = (await this.repository.rows(query)).map(present);
      if (batch.length > 0) yield batch;
      if (batch.length < EXPORT_BATCH) return;
      const last = batch[batch.length - 1]!;
      query.after = { submittedAt: last.submittedAt, id: last.id };
    }
  }

  async agencyName(actor: SessionUser): Promise<string> {
    return this.repository.agencyName(officerAgency(actor));
  }

  /** Checks the filters; a bad value is a field problem the form shows next to the field. */
  private query(agencyId: number, f: LedgerFilters): { query: LedgerQuery; echo: Required<LedgerFilters> } {
    const problems: FieldProblem[] = [];
    const text = (v: unknown, max: number) => (typeof v === 'string' ? v.trim().slice(0, max) : '');
    const dateField = (ledgerDateFields as readonly string[]).includes(text(f.dateField, 20)) ? (text(f.dateField, 20) as LedgerDateField) : 'submitted';
    const day = (field: 'from' | 'to'): string => {
      const value = text(f[field], 10);
      if (value !== '' && !isLocalDate(value)) problems.push({ field, messageKey: 'workflow.ledger.field.date.invalid' });
      return value;
    };
    const from = day('from');
    const to = day('to');
    if (from && to && isLocalDate(from) && isLocalDate(to) && from > to) problems.push({ field: 'to', messageKey: 'workflow.ledger.field.to.beforeFrom' });
    const statuses = (Array.isArray(f.statuses) ? f.statuses : []).filter((s): s is DossierStatus => (ledgerStatuses as readonly string[]).includes(s));
    const channel = (ledgerChannels as readonly string[]).includes(text(f.channel, 20)) ? (text(f.channel, 20) as DossierChannel) : null;
    const timing = (ledgerTimings as readonly string[]).includes(text(f.timing, 20)) ? (text(f.timing, 20) as LedgerTiming) : null;
    const procedureCode = text(f.procedureCode, 30);
    const sector = text(f.sectorId, 12);
    if (sector !== '' && !/^\d+$/.test(sector)) problems.push({ field: 'sectorId', messageKey: 'workflow.ledger.field.sector.invalid' });
    const search = text(f.search, 100);
    if (problems.length > 0) throw new DomainError(CommonErrors.validation, { fields: problems });
    // A day filter covers the whole Vietnam day: from 00:00 of `from` to 00:00 of the day after `to`.
    const until = to ? new Date(vietnamInstant(to).getTime() + 86_400_000) : null;
    return {
      query: {
        agencyId,
        dateField,
        from: from ? vietnamInstant(from) : null,
        until,
        statuses,
        channel,
        procedureCode: procedureCode || null,
        sectorId: sector ? Number(sector) : null,
        timing,
        search,
        after: null,
        limit: PAGE_SIZE,
        now: this.clock(),
      },
      echo: { dateField, from, to, statuses, channel: channel ?? '', procedureCode, sectorId: sector, timing: timing ?? '', search },
    };
  }
}

function officerAgency(actor: SessionUser): number {
  if (actor.kind !== 'officer' || actor.agencyId === null) throw new DomainError(LedgerErrors.officerRequired);
  return actor.agencyId;
}

type Row = Awaited<ReturnType<LedgerRepository['rows']>>[number];

function present(r: Row): LedgerRow {
  return {
    id: Number(r.id),
    code: r.code,
    applicant: { fullName: r.applicant.fullName, address: r.applicant.address, phone: r.applicant.phone },
    procedure: { code: r.procedure_code, name: r.procedure_name },
    status: r.status,
    channel: r.channel,
    submittedAt: r.submitted_at,
    receivedAt: r.received_at,
    dueAt: r.due_at,
    transferredTo: r.transferred_to,
    completedAt: r.completed_at,
    returnedAt: r.returned_at ? new Date(r.returned_at) : null,
    resultDelivery: r.result_delivery,
    timing: r.timing,
  };
}

/** The keyset cursor: the last row's submission instant and id, base64url so it travels in a link. */
export function encodeCursor(submittedAt: Date, id: number): string {
  return Buffer.from(`${submittedAt.toISOString()}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string | null | undefined): { submittedAt: Date; id: number } | null {
  if (!cursor || cursor.length > 80) return null;
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const submittedAt = new Date(at ?? '');
  const n = Number(id);
  return Number.isNaN(submittedAt.getTime()) || !Number.isSafeInteger(n) ? null : { submittedAt, id: n };
}
