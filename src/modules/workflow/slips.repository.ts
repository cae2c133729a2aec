import type { Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { DossierStatus } from '../dossiers/index.js';

/**
 * The only place with SQL for the standard documents 02–06: it reads what one form prints about one dossier. Reads
 * other modules' tables (dossier, its events, supplement requests, apologies, agency, app_user) by name.
 */
export class SlipsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** The dossier with what every form prints (by the unique code). */
  async dossier(code: string) {
    return this.db
      .selectFrom('dossier as d')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .select([
        'd.id',
        'd.code',
        'd.status',
        'd.applicant',
        'd.applicant_user_id',
        'd.receiving_agency_id',
        'd.holder_agency_id',
        'd.submitted_at',
        'd.received_at',
        'd.due_at',
        'p.code as procedure_code',
        'p.name as procedure_name',
      ])
      .where('d.code', '=', code)
      .executeTakeFirst();
  }

  /** Whether the dossier passed through `agencyId` (an event from or to it). Served by dossier_event_dossier. */
  async wentThrough(dossierId: number, agencyId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('dossier_event')
      .select('id')
      .where('dossier_id', '=', dossierId)
      .where((eb) => eb.or([eb('from_agency_id', '=', agencyId), eb('to_agency_id', '=', agencyId)]))
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** An agency as the header prints it: its name, its governing body and the short name of its province. */
  async agency(agencyId: number): Promise<{ name: string; parentName: string | null; provinceName: string | null } | undefined> {
    const row = await this.db
      .selectFrom('agency as a')
      .leftJoin('agency as p', 'p.id', 'a.parent_id')
      .leftJoin('administrative_unit_edition as e', (j) => j.on('e.is_current', '=', true))
      .leftJoin('administrative_unit as u', (j) => j.onRef('u.edition_id', '=', 'e.id').onRef('u.code', '=', 'a.province_code'))
      .select(['a.name', 'p.name as parent_name', 'u.name as province_name'])
      .where('a.id', '=', agencyId)
      .executeTakeFirst();
    return row ? { name: row.name, parentName: row.parent_name, provinceName: row.province_name } : undefined;
  }

  /** The latest supplement request with the name of the officer who made it (form 02). */
  async latestSupplement(dossierId: number) {
    return this.db
      .selectFrom('supplement_request as s')
      .leftJoin('app_user as u', 'u.id', 's.requested_by')
      .select(['s.requested_at', 's.items', 's.note', 'u.display_name as officer_name'])
      .where('s.dossier_id', '=', dossierId)
      .orderBy('s.requested_at', 'desc')
      .orderBy('s.id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** The latest event that moved the dossier to `status`, with its actor and the agency that held it (forms 03, 05). */
  async latestTransitionTo(dossierId: number, status: DossierStatus) {
    return this.db
      .selectFrom('dossier_event as e')
      .leftJoin('app_user as u', 'u.id', 'e.actor_user_id')
      .select(['e.at', 'e.reason', 'e.from_agency_id', 'e.to_agency_id', 'u.display_name as officer_name'])
      .where('e.dossier_id', '=', dossierId)
      .where('e.to_status', '=', status)
      .orderBy('e.id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** The latest apology letter (form 04) with the name of the officer who issued it. */
  async latestApology(dossierId: number) {
    return this.db
      .selectFrom('dossier_apology as a')
      .leftJoin('app_user as u', 'u.id', 'a.issued_by')
      .select(['a.issued_at', 'a.reason', 'a.previous_due_at', 'a.new_due_at', 'u.display_name as officer_name'])
      .where('a.dossier_id', '=', dossierId)
      .orderBy('a.issued_at', 'desc')
      .orderBy('a.id', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** Every event of the dossier in order, with the names of the units and persons on both sides (form 06). */
  async handovers(dossierId: number) {
    return this.db
      .selectFrom('dossier_event as e')
      .leftJoin('app_user as actor', 'actor.id', 'e.actor_user_id')
      .leftJoin('app_user as recipient', 'recipient.id', 'e.to_user_id')
      .leftJoin('agency as fa', 'fa.id', 'e.from_agency_id')
      .leftJoin('agency as ta', 'ta.id', 'e.to_agency_id')
      .select([
        'e.at',
        'e.action',
        'e.actor_kind',
        'e.reason',
        'e.step_name',
        'e.step_due_at',
        'e.timing',
        'actor.display_name as actor_name',
        'recipient.display_name as recipient_name',
        'fa.name as from_agency',
        'ta.name as to_agency',
      ])
      .where('e.dossier_id', '=', dossierId)
      .orderBy('e.id')
      .execute();
  }

  /** What the receipt slip (form 01) prints beyond the common fields: secret, channel, delivery, documents, officer. */
  async receipt(dossierId: number) {
    const [dossier, documents, officer] = await Promise.all([
      this.db
        .selectFrom('dossier as d')
        .innerJoin('procedure_version as v', 'v.id', 'd.procedure_version_id')
        .select(['d.lookup_secret', 'd.channel', 'd.result_delivery', 'd.applicant', 'v.content'])
        .where('d.id', '=', dossierId)
        .executeTakeFirstOrThrow(),
      this.db
        .selectFrom('dossier_document')
        .select(['requirement_name', 'file_name', 'pages'])
        .where('dossier_id', '=', dossierId)
        .orderBy('id')
        .execute(),
      this.db
        .selectFrom('dossier_event as e')
        .innerJoin('app_user as u', 'u.id', 'e.actor_user_id')
        .select('u.display_name')
        .where('e.dossier_id', '=', dossierId)
        .where('e.action', '=', 'received')
        .orderBy('e.id', 'desc')
        .limit(1)
        .executeTakeFirst(),
    ]);
    return { ...dossier, documents, officerName: officer?.display_name ?? null };
  }
}
