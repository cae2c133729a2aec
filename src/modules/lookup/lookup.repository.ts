import { sql, type Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { DossierStatus } from '../dossiers/index.js';

/** A dossier as the public lookup reads it: the public projection plus the two second factors it is checked against. */
export interface LookupRow {
  code: string;
  lookup_secret: string;
  phone_last4: string | null;
  status: DossierStatus;
  channel: string;
  submitted_at: Date;
  received_at: Date | null;
  due_at: Date | null;
  completed_at: Date | null;
  procedure_code: string;
  procedure_name: string;
  receiving_agency: string;
  holder_agency: string;
  /** Public history events, oldest first; `at` as an ISO string (JSON). */
  history: { at: string; action: string; to_status: DossierStatus | null; to_agency: string | null }[];
}

/** The only SQL of the lookup module: one query by the unique dossier code, public history included. */
export class LookupRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async byCode(code: string): Promise<LookupRow | undefined> {
    return this.db
      .selectFrom('dossier as d')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .innerJoin('agency as ra', 'ra.id', 'd.receiving_agency_id')
      .innerJoin('agency as ha', 'ha.id', 'd.holder_agency_id')
      .select([
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
        // Public events only (an officer's internal notes never leave the back office).
        sql<LookupRow['history']>`coalesce((
          select json_agg(json_build_object('at', e.at, 'action', e.action, 'to_status', e.to_status, 'to_agency', ta.name) order by e.id)
          from dossier_event e left join agency ta on ta.id = e.to_agency_id
          where e.dossier_id = d.id and e.visible_to_public), '[]'::json)`.as('history'),
      ])
      .where('d.code', '=', code)
      .executeTakeFirst();
  }
}
