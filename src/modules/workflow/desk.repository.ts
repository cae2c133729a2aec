import { sql, type Transaction } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { DossierStatus } from '../dossiers/index.js';
import { DossierRecordsRepository, type DossierEventRecord } from './dossier-records.repository.js';

export interface QueueQuery {
  agencyId: number;
  /** Part of the dossier code or of the applicant's name (case-insensitive); empty for all. */
  search: string;
  limit: number;
  offset: number;
}

export interface Transition {
  dossierId: number;
  expectedRowVersion: number;
  fromStatus: DossierStatus;
  toStatus: DossierStatus;
  holderAgencyId?: number;
  receivedAt?: Date;
  dueAt?: Date | null;
  completedAt?: Date;
}

/** A control-slip entry of the desk's three reception decisions. */
export type DeskEvent = DossierEventRecord & { actorUserId: number; action: 'received' | 'supplement_requested' | 'refused' };

/** The only place with SQL for the one-stop desk. Reads other modules' tables (dossier, procedure, agency) by name. */
export class DeskRepository extends DossierRecordsRepository {

  private queueFilter(q: QueueQuery) {
    // Served by index dossier_queue (receiving_agency_id, status, submitted_at): an online dossier awaiting reception
    // is always held by the agency it was submitted to.
    let query = this.db
      .selectFrom('dossier as d')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .where('d.receiving_agency_id', '=', q.agencyId)
      .where('d.status', '=', 'awaiting_reception')
      .where('d.channel', '=', 'online');
    const search = q.search.trim();
    if (search !== '') {
      const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) => eb.or([eb('d.code', 'ilike', pattern), eb(sql<string>`d.applicant->>'fullName'`, 'ilike', pattern)]));
    }
    return query;
  }

  /** Online dossiers awaiting reception at an agency, oldest first. */
  async queue(q: QueueQuery) {
    return this.queueFilter(q)
      .select([
        'd.id',
        'd.code',
        'd.channel',
        'd.submitted_at',
        'd.row_version',
        sql<string>`d.applicant->>'fullName'`.as('applicant_name'),
        'p.code as procedure_code',
        'p.name as procedure_name',
      ])
      .orderBy('d.submitted_at')
      .orderBy('d.id')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
  }

  async queueCount(q: QueueQuery): Promise<number> {
    const row = await this.queueFilter(q).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** A dossier with the names the desk shows. */
  async dossierByCode(code: string) {
    return this.db
      .selectFrom('dossier as d')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .innerJoin('agency as ra', 'ra.id', 'd.receiving_agency_id')
      .innerJoin('agency as ha', 'ha.id', 'd.holder_agency_id')
      .select([
        'd.id',
        'd.code',
        'd.status',
        'd.channel',
        'd.applicant',
        'd.values',
        'd.procedure_version_id',
        'd.procedure_id',
        'd.receiving_agency_id',
        'd.holder_agency_id',
        'd.result_delivery',
        'd.submitted_at',
        'd.received_at',
        'd.due_at',
        'd.completed_at',
        'd.row_version',
        'p.code as procedure_code',
        'p.name as procedure_name',
        'ra.name as receiving_agency_name',
        'ha.name as holder_agency_name',
      ])
      .where('d.code', '=', code)
      .executeTakeFirst();
  }

  /**
   * The dossier row locked for the rest of the transaction. Only the dossier row: joining procedure or agency here
   * would lock their rows too and make every desk of the agency wait for one another.
   */
  async lockDossier(trx: Transaction<Schema>, code: string) {
    return trx
      .selectFrom('dossier')
      .select(['id', 'code', 'status', 'channel', 'applicant', 'receiving_agency_id', 'holder_agency_id', 'row_version'])
      .where('code', '=', code)
      .forUpdate()
      .executeTakeFirst();
  }

  async versionContent(versionId: number): Promise<unknown> {
    const row = await this.db.selectFrom('procedure_version').select('content').where('id', '=', versionId).executeTakeFirst();
    return row?.content ?? null;
  }


  /** The dossier's history (the control slip), oldest first, with the names of actors and agencies. */
  async events(dossierId: number) {
    return this.db
      .selectFrom('dossier_event as e')
      .leftJoin('app_user as u', 'u.id', 'e.actor_user_id')
      .leftJoin('agency as fa', 'fa.id', 'e.from_agency_id')
      .leftJoin('agency as ta', 'ta.id', 'e.to_agency_id')
      .select([
        'e.id',
        'e.at',
        'e.action',
        'e.actor_kind',
        'e.from_status',
        'e.to_status',
        'e.reason',
        'u.display_name as actor_name',
        'fa.name as from_agency',
        'ta.name as to_agency',
      ])
      .where('e.dossier_id', '=', dossierId)
      .orderBy('e.id')
      .execute();
  }


  /**
   * Moves the dossier to its new status if nobody changed it since `expectedRowVersion` (optimistic concurrency; the
   * caller also holds the row lock). Returns the new row version, or null when the row moved on.
   */
  async applyTransition(trx: Transaction<Schema>, t: Transition): Promise<number | null> {
    const row = await trx
      .updateTable('dossier')
      .set({
        status: t.toStatus,
        row_version: sql`row_version + 1`,
        updated_at: sql`now()`,
        ...(t.holderAgencyId !== undefined ? { holder_agency_id: t.holderAgencyId } : {}),
        ...(t.receivedAt !== undefined ? { received_at: t.receivedAt } : {}),
        ...(t.dueAt !== undefined ? { due_at: t.dueAt } : {}),
        ...(t.completedAt !== undefined ? { completed_at: t.completedAt } : {}),
      })
      .where('id', '=', t.dossierId)
      .where('row_version', '=', t.expectedRowVersion)
      .where('status', '=', t.fromStatus)
      .returning('row_version')
      .executeTakeFirst();
    return row ? row.row_version : null;
  }


}
