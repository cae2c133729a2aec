import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { ProcessRole, ProcessStepKind } from './workflow.tables.js';

type Db = Kysely<Schema> | Transaction<Schema>;

/** A step as stored (share as the exact numeric text, e.g. "12.50"). */
export interface StepRecord {
  position: number;
  kind: ProcessStepKind;
  role: ProcessRole;
  agencyMode: 'receiving' | 'fixed';
  agencyId: number | null;
  sharePercent: string;
  name: string;
  nameEn: string | null;
}

export interface NewDefinition {
  procedureId: number;
  /** Null: the default scope (any receiving agency). */
  agencyId: number | null;
  version: number;
  name: string;
  legalBasis: string;
  createdBy: number | null;
}

export interface OfferedQuery {
  /** Procedures linked to this agency; null = every published procedure (system administrators). */
  agencyId: number | null;
  /** Folded search text (code or part of the name); empty for all. */
  folded: string;
  limit: number;
  offset: number;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The only place with SQL for internal process definitions ("quy trình nội bộ"). Definitions are immutable once
 * written: a change is a new version (a new row) that becomes the scope's current one. Reads other modules' tables
 * (procedure, procedure_agency, agency, app_user) by name.
 */
export class ProcessRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  transaction<T>(fn: (trx: Transaction<Schema>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  /**
   * The current definition that applies to a dossier of `procedureId` received by `agencyId`: the agency's own, else
   * the default scope's. Served by the partial unique index process_definition_current (at most two rows match).
   */
  async currentFor(procedureId: number, agencyId: number): Promise<{ id: number; agency_id: number | null } | undefined> {
    return this.db
      .selectFrom('process_definition')
      .select(['id', 'agency_id'])
      .where('procedure_id', '=', procedureId)
      .where('is_current', '=', true)
      .where((eb) => eb.or([eb('agency_id', '=', agencyId), eb('agency_id', 'is', null)]))
      .orderBy(sql`agency_id is null`)
      .limit(1)
      .executeTakeFirst();
  }

  /** The current definition of exactly one scope (agency or default), if any. */
  async currentOfScope(procedureId: number, agencyId: number | null, db: Db = this.db) {
    let query = db
      .selectFrom('process_definition')
      .select(['id', 'version'])
      .where('procedure_id', '=', procedureId)
      .where('is_current', '=', true);
    query = agencyId === null ? query.where('agency_id', 'is', null) : query.where('agency_id', '=', agencyId);
    return query.executeTakeFirst();
  }

  async definition(id: number) {
    return this.db
      .selectFrom('process_definition as d')
      .leftJoin('app_user as u', 'u.id', 'd.created_by')
      .select(['d.id', 'd.procedure_id', 'd.agency_id', 'd.version', 'd.name', 'd.legal_basis', 'd.is_current', 'd.created_at', 'u.display_name as created_by_name'])
      .where('d.id', '=', id)
      .executeTakeFirst();
  }

  async definitionByVersion(procedureId: number, agencyId: number | null, version: number) {
    let query = this.db.selectFrom('process_definition').select('id').where('procedure_id', '=', procedureId).where('version', '=', version);
    query = agencyId === null ? query.where('agency_id', 'is', null) : query.where('agency_id', '=', agencyId);
    return query.executeTakeFirst();
  }

  /** Steps of a definition in order, with the names of fixed agencies. */
  async steps(definitionId: number) {
    return this.db
      .selectFrom('process_step as s')
      .leftJoin('agency as a', 'a.id', 's.agency_id')
      .select(['s.id', 's.position', 's.kind', 's.role', 's.agency_mode', 's.agency_id', 's.share_percent', 's.name', 's.name_en', 'a.name as agency_name'])
      .where('s.definition_id', '=', definitionId)
      .orderBy('s.position')
      .execute();
  }

  /** Every version of one scope, newest first. */
  async versions(procedureId: number, agencyId: number | null) {
    let query = this.db
      .selectFrom('process_definition as d')
      .leftJoin('app_user as u', 'u.id', 'd.created_by')
      .select([
        'd.id',
        'd.version',
        'd.name',
        'd.is_current',
        'd.created_at',
        'u.display_name as created_by_name',
        (eb) => eb.selectFrom('process_step as s').select(sql<number>`count(*)`.as('n')).whereRef('s.definition_id', '=', 'd.id').as('step_count'),
      ])
      .where('d.procedure_id', '=', procedureId);
    query = agencyId === null ? query.where('d.agency_id', 'is', null) : query.where('d.agency_id', '=', agencyId);
    return query.orderBy('d.version', 'desc').limit(200).execute();
  }

  async procedureByCode(code: string) {
    return this.db
      .selectFrom('procedure as p')
      .leftJoin('procedure_version as v', 'v.id', 'p.current_version_id')
      .select(['p.id', 'p.code', 'p.name', 'v.content'])
      .where('p.code', '=', code)
      .where('p.status', '=', 'published')
      .executeTakeFirst();
  }

  async procedureById(id: number) {
    return this.db.selectFrom('procedure').select(['id', 'code', 'name']).where('id', '=', id).executeTakeFirst();
  }

  async isOffered(procedureId: number, agencyId: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('procedure_agency')
      .select('procedure_id')
      .where('procedure_id', '=', procedureId)
      .where('agency_id', '=', agencyId)
      .executeTakeFirst();
    return row !== undefined;
  }

  private offeredFilter(q: OfferedQuery) {
    let query = this.db.selectFrom('procedure as p').where('p.status', '=', 'published');
    if (q.agencyId !== null) {
      const agencyId = q.agencyId;
      query = query.where((eb) =>
        eb.exists(eb.selectFrom('procedure_agency as pa').select('pa.procedure_id').whereRef('pa.procedure_id', '=', 'p.id').where('pa.agency_id', '=', agencyId)),
      );
    }
    if (q.folded !== '') {
      const like = `%${escapeLike(q.folded)}%`;
      query = query.where((eb) => eb.or([eb('p.code', 'like', like), eb('p.name_folded', 'like', like)]));
    }
    return query;
  }

  /** Procedures an agency offers (or all), by code, with the versions of their current definitions. */
  async offered(q: OfferedQuery) {
    const agencyId = q.agencyId;
    return this.offeredFilter(q)
      .leftJoin('process_definition as dd', (join) => join.onRef('dd.procedure_id', '=', 'p.id').on('dd.agency_id', 'is', null).on('dd.is_current', '=', true))
      .$if(agencyId !== null, (qb) =>
        qb.leftJoin('process_definition as da', (join) => join.onRef('da.procedure_id', '=', 'p.id').on('da.agency_id', '=', agencyId!).on('da.is_current', '=', true)),
      )
      .select(['p.id', 'p.code', 'p.name', 'dd.version as default_version'])
      .$if(agencyId !== null, (qb) => qb.select(sql<number | null>`da.version`.as('agency_version')))
      .orderBy('p.code')
      .limit(q.limit)
      .offset(q.offset)
      .execute() as Promise<{ id: number; code: string; name: string; default_version: number | null; agency_version?: number | null }[]>;
  }

  async offeredCount(q: OfferedQuery): Promise<number> {
    const row = await this.offeredFilter(q).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async agency(id: number) {
    return this.db.selectFrom('agency').select(['id', 'code', 'name', 'active']).where('id', '=', id).executeTakeFirst();
  }

  async agenciesByIds(ids: number[], db: Db = this.db) {
    if (ids.length === 0) return [];
    return db.selectFrom('agency').select(['id', 'name', 'active']).where('id', 'in', ids).execute();
  }

  /** Active agencies an editor may choose for a step at another agency. */
  async activeAgencies() {
    return this.db.selectFrom('agency').select(['id', 'code', 'name', 'kind']).where('active', '=', true).orderBy('kind').orderBy('name').limit(1000).execute();
  }

  // ---- writing (inside the caller's transaction) ----

  /**
   * Serialises publishing for one procedure (all scopes): the next version number and the switch of the current
   * flag happen under this lock, so two editors publishing at once get versions n and n+1, never a clash.
   */
  async lockProcedure(trx: Transaction<Schema>, procedureId: number): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext('process_definition'), ${procedureId}::int4)`.execute(trx);
  }

  async nextVersion(trx: Transaction<Schema>, procedureId: number, agencyId: number | null): Promise<number> {
    let query = trx.selectFrom('process_definition').select(sql<number | null>`max(version)`.as('v')).where('procedure_id', '=', procedureId);
    query = agencyId === null ? query.where('agency_id', 'is', null) : query.where('agency_id', '=', agencyId);
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.v ?? 0) + 1;
  }

  /** Inserts a definition as the scope's current one (the previous current one is no longer current). */
  async insertCurrent(trx: Transaction<Schema>, d: NewDefinition, steps: StepRecord[]): Promise<number> {
    let clear = trx.updateTable('process_definition').set({ is_current: false }).where('procedure_id', '=', d.procedureId).where('is_current', '=', true);
    clear = d.agencyId === null ? clear.where('agency_id', 'is', null) : clear.where('agency_id', '=', d.agencyId);
    await clear.execute();
    const row = await trx
      .insertInto('process_definition')
      .values({
        procedure_id: d.procedureId,
        agency_id: d.agencyId,
        version: d.version,
        name: d.name,
        legal_basis: d.legalBasis,
        is_current: true,
        created_by: d.createdBy,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('process_step')
      .values(
        steps.map((s) => ({
          definition_id: row.id,
          position: s.position,
          kind: s.kind,
          role: s.role,
          agency_mode: s.agencyMode,
          agency_id: s.agencyMode === 'fixed' ? s.agencyId : null,
          share_percent: s.sharePercent,
          name: s.name,
          name_en: s.nameEn,
        })),
      )
      .execute();
    return row.id;
  }
}
