import { DomainError } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import type { Locale } from '../../platform/i18n/i18n.js';
import type { ReceiptSlipData } from '../dossiers/index.js';
import { SlipErrors } from './slips.errors.js';
import type { SlipsRepository } from './slips.repository.js';
import { applicantSlipForms, slipForms, type SlipAgency, type SlipData, type SlipDossier, type SlipForm } from './slips.js';

type DossierRow = NonNullable<Awaited<ReturnType<SlipsRepository['dossier']>>>;

/**
 * Loads the data of one standard document (02–06) of one dossier, for `renderSlip`.
 *
 * Authorisation: an officer of the receiving or the holding agency, or of an agency the dossier went through (an
 * event from or to it), sees every form; the applicant with an account sees 02, 03, 04 and 05 of their own dossier
 * (06 is the agencies' internal record). Anyone else gets "not found", never "forbidden".
 */
export class SlipsService {
  constructor(private readonly repository: SlipsRepository) {}

  async slip(actor: SessionUser, code: string, form: string, locale: Locale = 'vi'): Promise<SlipData> {
    const row = await this.visible(actor, code);
    if (!isSlipForm(form) || (actor.kind === 'citizen' && !applicantSlipForms.includes(form))) throw notAvailable(code, form);
    const dossier: SlipDossier = {
      code: row.code,
      procedure: { code: row.procedure_code, name: row.procedure_name },
      applicant: { fullName: row.applicant.fullName, address: row.applicant.address, phone: row.applicant.phone },
      submittedAt: row.submitted_at,
      receivedAt: row.received_at,
      dueAt: row.due_at,
    };
    switch (form) {
      case '02': {
        const s = await this.repository.latestSupplement(row.id);
        if (!s) throw notAvailable(code, form);
        const agency = await this.agency(row.holder_agency_id);
        return { form, agency, dossier, issuedAt: s.requested_at, officer: s.officer_name, items: s.items, note: s.note || null, locale };
      }
      case '03': {
        const e = await this.repository.latestTransitionTo(row.id, 'refused');
        if (!e) throw notAvailable(code, form);
        const agency = await this.agency(e.to_agency_id ?? e.from_agency_id ?? row.receiving_agency_id);
        return { form, agency, dossier, issuedAt: e.at, officer: e.officer_name, reasons: e.reason ?? '', locale };
      }
      case '04': {
        const a = await this.repository.latestApology(row.id);
        if (!a) throw notAvailable(code, form);
        const agency = await this.agency(row.receiving_agency_id);
        return { form, agency, dossier, issuedAt: a.issued_at, officer: a.officer_name, reason: a.reason, previousDueAt: a.previous_due_at, newDueAt: a.new_due_at, locale };
      }
      case '05': {
        const e = await this.repository.latestTransitionTo(row.id, 'stopped');
        if (!e) throw notAvailable(code, form);
        const agency = await this.agency(e.from_agency_id ?? e.to_agency_id ?? row.holder_agency_id);
        return { form, agency, dossier, issuedAt: e.at, officer: e.officer_name, reason: e.reason ?? '', locale };
      }
      case '06': {
        const events = await this.repository.handovers(row.id);
        const agency = await this.agency(row.receiving_agency_id);
        return {
          form,
          agency,
          dossier,
          issuedAt: new Date(),
          officer: actor.displayName,
          locale,
          entries: events.map((e) => ({
            at: e.at,
            action: e.action,
            step: e.step_name,
            // A citizen's own act (submission, supplement) is handed over by the applicant in person.
            from: { unit: e.from_agency, person: e.actor_kind === 'citizen' ? row.applicant.fullName : e.actor_name },
            to: { unit: e.to_agency, person: e.recipient_name },
            stepDueAt: e.step_due_at,
            timing: e.timing,
            note: e.reason,
          })),
        };
      }
    }
  }

  /**
   * The receipt and appointment slip (form 01) of a dossier, for the officers who may see it (a walk-in applicant
   * without an account gets it printed at the desk). Same content as the applicant's copy: documents grouped by the
   * requirement they answer with the catalogue's counts, the duration of the dossier's own channel.
   */
  async receiptSlip(actor: SessionUser, code: string, locale: Locale = 'vi'): Promise<Omit<ReceiptSlipData, 'baseUrl'>> {
    if (actor.kind !== 'officer') throw new DomainError(SlipErrors.notAvailable, { params: { code: String(code).slice(0, 60), form: '01' } });
    const row = await this.visible(actor, code);
    const r = await this.repository.receipt(row.id);
    const content = (r.content ?? {}) as {
      requirements?: { name: string; originals: number; copies: number }[];
      channels?: { channel: string; durations: { value: number; unit: string }[] }[];
    };
    const byRequirement = new Map<string, { pages: number }>();
    for (const doc of r.documents) {
      const key = doc.requirement_name || doc.file_name;
      byRequirement.set(key, { pages: (byRequirement.get(key)?.pages ?? 0) + (doc.pages ?? 1) });
    }
    const documents = [...byRequirement.entries()].map(([name, info]) => {
      const requirement = content.requirements?.find((q) => q.name.startsWith(name) || name.startsWith(q.name));
      return { name, originals: requirement?.originals ?? 1, copies: requirement?.copies ?? 0, note: null as string | null, pages: info.pages };
    });
    const stated = content.channels?.find((c) => c.channel === r.channel)?.durations[0];
    const units = { working_day: 'working_days', working_hour: 'working_hours', day: 'days' } as const;
    const unit = stated ? units[stated.unit as keyof typeof units] : undefined;
    const agency = await this.agency(row.receiving_agency_id);
    return {
      code: row.code,
      lookupSecret: r.lookup_secret,
      agency,
      applicant: { fullName: r.applicant.fullName, address: r.applicant.address, phone: r.applicant.phone, email: r.applicant.email },
      procedure: { code: row.procedure_code, name: row.procedure_name },
      documents: documents.map(({ pages: _pages, ...d }) => d),
      channel: r.channel,
      submittedAt: row.submitted_at,
      receivedAt: row.received_at,
      statutoryDuration: stated && unit ? { amount: stated.value, unit } : null,
      dueAt: row.due_at,
      receivingOfficer: row.received_at ? r.officerName : null,
      resultDelivery: r.result_delivery,
      locale,
    };
  }

  private async visible(actor: SessionUser, code: string): Promise<DossierRow> {
    const clean = typeof code === 'string' ? code.slice(0, 60) : '';
    const row = clean ? await this.repository.dossier(clean) : undefined;
    if (row && (await this.mayRead(actor, row))) return row;
    throw new DomainError(SlipErrors.dossierNotFound, { params: { code: clean } });
  }

  private async mayRead(actor: SessionUser, row: DossierRow): Promise<boolean> {
    if (actor.kind === 'citizen') return row.applicant_user_id !== null && row.applicant_user_id === actor.id;
    if (actor.agencyId === null) return false;
    if (row.receiving_agency_id === actor.agencyId || row.holder_agency_id === actor.agencyId) return true;
    return this.repository.wentThrough(row.id, actor.agencyId);
  }

  private async agency(agencyId: number): Promise<SlipAgency> {
    const a = await this.repository.agency(agencyId);
    if (!a) throw new Error(`agency ${agencyId} is missing`);
    return { name: a.name, parentName: a.parentName, place: a.provinceName ?? a.name };
  }
}

function isSlipForm(form: string): form is SlipForm {
  return (slipForms as readonly string[]).includes(form);
}

function notAvailable(code: string, form: string): DomainError {
  return new DomainError(SlipErrors.notAvailable, { params: { code, form: String(form).slice(0, 4) } });
}
