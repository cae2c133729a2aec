import type { Kysely, Transaction } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { DossierStatus } from '../dossiers/index.js';

type Db = Kysely<Schema> | Transaction<Schema>;

/** One entry of the control slip (form 06): a transition with its actor, holders before/after, step and timing. */
export interface DossierEventRecord {
  dossierId: number;
  at: Date;
  actorUserId: number | null;
  /** Default 'officer'. */
  actorKind?: 'officer' | 'system';
  action: string;
  fromStatus: DossierStatus;
  toStatus: DossierStatus;
  fromAgencyId: number;
  toAgencyId: number;
  reason: string | null;
  toUserId?: number | null;
  stepName?: string | null;
  stepDueAt?: Date | null;
  timing?: 'early' | 'on_time' | 'late' | null;
  /** Default true: public lookup shows it (without personal details). */
  visibleToPublic?: boolean;
}

/**
 * The SQL the one-stop desk and the workflow engine share: an agency's office hours, a dossier's documents and open
 * supplement request, and the writes of the control slip and of supplement requests. Both repositories extend it.
 */
export class DossierRecordsRepository {
  constructor(protected readonly db: Kysely<Schema>) {}

  transaction<T>(fn: (trx: Transaction<Schema>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  async agencyHours(agencyId: number) {
    return this.db.selectFrom('agency').select(['id', 'name', 'office_hours']).where('id', '=', agencyId).executeTakeFirst();
  }

  async documents(dossierId: number) {
    return this.db
      .selectFrom('dossier_document')
      .select(['id', 'requirement_name', 'file_name', 'mime', 'size_bytes', 'pages', 'source', 'storage_key', 'created_at'])
      .where('dossier_id', '=', dossierId)
      .orderBy('id')
      .execute();
  }

  async openSupplement(dossierId: number) {
    return this.db
      .selectFrom('supplement_request')
      .select(['id', 'requested_at', 'items', 'note'])
      .where('dossier_id', '=', dossierId)
      .where('answered_at', 'is', null)
      .orderBy('requested_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async insertSupplementRequest(trx: Db, r: { dossierId: number; requestedBy: number; requestedAt: Date; items: { name: string; reason: string }[]; note: string }) {
    const row = await trx
      .insertInto('supplement_request')
      .values({ dossier_id: r.dossierId, requested_by: r.requestedBy, requested_at: r.requestedAt, items: JSON.stringify(r.items), note: r.note })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async insertEvent(trx: Db, e: DossierEventRecord): Promise<void> {
    await trx
      .insertInto('dossier_event')
      .values({
        dossier_id: e.dossierId,
        at: e.at,
        actor_user_id: e.actorUserId,
        actor_kind: e.actorKind ?? 'officer',
        action: e.action,
        from_status: e.fromStatus,
        to_status: e.toStatus,
        from_agency_id: e.fromAgencyId,
        to_agency_id: e.toAgencyId,
        reason: e.reason,
        visible_to_public: e.visibleToPublic ?? true,
        to_user_id: e.toUserId ?? null,
        step_name: e.stepName ?? null,
        step_due_at: e.stepDueAt ?? null,
        timing: e.timing ?? null,
      })
      .execute();
  }
}
