import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import { DomainError, defineError } from '../../platform/errors/errors.js';
import { lookupSecretMatches, parseDossierCode, type DossierStatus } from '../dossiers/index.js';

export const LookupErrors = {
  // One error for "no such code" and "wrong second factor": a lookup must not tell which codes exist.
  notFound: defineError('LOOKUP_NOT_FOUND', 'not_found', 'No dossier matches this code and check value (last 4 digits of the phone or the slip secret).'),
  badCode: defineError('LOOKUP_CODE_INVALID', 'invalid', 'A dossier code looks like H42.01.05-261123-0001.'),
};

/** What anyone holding the code and the second factor may see: no names, numbers or addresses. */
export interface PublicDossierView {
  code: string;
  procedure: { code: string; name: string };
  status: DossierStatus;
  channel: string;
  receivingAgency: string;
  holderAgency: string;
  submittedAt: Date;
  receivedAt: Date | null;
  dueAt: Date | null;
  completedAt: Date | null;
  history: { at: Date; action: string; toStatus: DossierStatus | null; toAgency: string | null }[];
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Public lookup by dossier code plus a second factor (RULES.md: codes are guessable, so the lookup also asks for
 * the last four digits of the applicant's phone or the secret printed on the slip / carried by its QR code).
 */
export class LookupService {
  constructor(private readonly db: Kysely<Schema>) {}

  normaliseCode(input: string): string {
    const code = input.trim().toUpperCase().replace(/\s+/g, '');
    if (parseDossierCode(code) === null) throw new DomainError(LookupErrors.badCode);
    return code;
  }

  async find(codeInput: string, check: string): Promise<PublicDossierView> {
    const code = this.normaliseCode(codeInput);
    const value = check.trim();
    const row = await this.db
      .selectFrom('dossier as d')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .innerJoin('agency as ra', 'ra.id', 'd.receiving_agency_id')
      .innerJoin('agency as ha', 'ha.id', 'd.holder_agency_id')
      .select([
        'd.id',
        'd.code',
        'd.lookup_secret',
        'd.phone_last4',
        'd.status',
        'd.channel',
        'd.submitted_at',
        'd.received_at',
        'd.due_at',
        'd.completed_at',
        'p.code as procedure_code',
        'p.name as procedure_name',
        'ra.name as receiving_agency',
        'ha.name as holder_agency',
      ])
      .where('d.code', '=', code)
      .executeTakeFirst();
    const matches =
      row !== undefined &&
      value.length >= 4 &&
      (lookupSecretMatches(row.lookup_secret, value) || (row.phone_last4 !== null && sameText(value, row.phone_last4)));
    if (!row || !matches) throw new DomainError(LookupErrors.notFound);
    const events = await this.db
      .selectFrom('dossier_event as e')
      .leftJoin('agency as ta', 'ta.id', 'e.to_agency_id')
      .select(['e.at', 'e.action', 'e.to_status', 'ta.name as to_agency'])
      .where('e.dossier_id', '=', row.id)
      .where('e.visible_to_public', '=', true)
      .orderBy('e.id')
      .execute();
    return {
      code: row.code,
      procedure: { code: row.procedure_code, name: row.procedure_name },
      status: row.status,
      channel: row.channel,
      receivingAgency: row.receiving_agency,
      holderAgency: row.holder_agency,
      submittedAt: row.submitted_at,
      receivedAt: row.received_at,
      dueAt: row.due_at,
      completedAt: row.completed_at,
      history: events.map((e) => ({ at: e.at, action: e.action, toStatus: e.to_status, toAgency: e.to_agency })),
    };
  }
}
