import type { SessionUser } from '../../platform/http/auth.js';
import type { DeskEntryService } from '../dossiers/index.js';
import type { DeskService } from './desk.service.js';

export interface CounterOutcome {
  code: string;
  receivedAt: Date | null;
  dueAt: Date | null;
}

/**
 * Walk-in and postal dossiers at the one-stop desk ("quầy"): the desk officer enters the paper dossier into the
 * applicant's e-form (dossiers module, desk entry) and the desk receives it at once — the same reception as an
 * online dossier (due date from the calendar, the control-slip event, the applicant's message), so every channel is
 * handled in one place. Both services check the officer's desk role and agency themselves.
 */
export class CounterService {
  constructor(
    private readonly entry: DeskEntryService,
    private readonly desk: DeskService,
  ) {}

  /**
   * Writes the dossier of the desk draft and receives it. Safe to retry: a draft already entered answers with its
   * dossier, and a dossier already received is not received twice (it keeps its reception time and due date).
   */
  async enter(actor: SessionUser, draftId: string): Promise<CounterOutcome> {
    const { code } = await this.entry.submit(actor, draftId);
    const dossier = await this.desk.dossier(actor, code);
    if (!dossier.allowed.includes('receive')) return { code, receivedAt: dossier.receivedAt, dueAt: dossier.dueAt };
    const received = await this.desk.receive(actor, code, dossier.rowVersion);
    return { code, receivedAt: received.receivedAt, dueAt: received.dueAt };
  }
}
