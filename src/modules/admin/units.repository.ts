import { sql, type Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';

/** A province or commune as stored; `parent_code` is the province of a commune and null for a province. */
export interface UnitRow {
  code: string;
  level: 'province' | 'commune';
  kind: string;
  name: string;
  full_name: string;
  name_en: string | null;
  full_name_en: string | null;
  parent_code: string | null;
}

/** An edition as read back; the date is kept as the ISO string it was loaded from (no time-zone shift). */
export interface EditionRow {
  id: number;
  name: string;
  legal_basis: string;
  source: string;
  effective_from: string;
  loaded_at: Date;
  is_current: boolean;
}

export interface EditionFields {
  name: string;
  legal_basis: string;
  source: string;
  /** YYYY-MM-DD */
  effective_from: string;
}

// Any constant, distinct from the migration lock: imports of units take it so two loaders never interleave.
const UNITS_IMPORT_LOCK_KEY = 7_406_117_002;

/**
 * SQL for administrative units and their editions. Pass a transaction (a Kysely `Transaction` is a Kysely) to run
 * several calls atomically; the importer does.
 */
export class UnitsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Serialises imports until the surrounding transaction ends; editions have no unique name index to lean on. */
  async lockImports(): Promise<void> {
    await sql`select pg_advisory_xact_lock(${UNITS_IMPORT_LOCK_KEY})`.execute(this.db);
  }

  async findEditionByName(name: string): Promise<EditionRow | undefined> {
    return this.editions().where('name', '=', name).orderBy('id').executeTakeFirst();
  }

  async currentEdition(): Promise<EditionRow | undefined> {
    return this.editions().where('is_current', '=', true).executeTakeFirst();
  }

  async listEditions(): Promise<EditionRow[]> {
    return this.editions().orderBy('effective_from').orderBy('id').execute();
  }

  async insertEdition(fields: EditionFields): Promise<number> {
    const row = await this.db
      .insertInto('administrative_unit_edition')
      .values({ ...fields, is_current: false })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async updateEdition(id: number, fields: EditionFields): Promise<void> {
    await this.db
      .updateTable('administrative_unit_edition')
      .set({ ...fields, loaded_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
  }

  /**
   * Replaces every unit of an edition by `units`, inserting in chunks: one statement per chunk keeps the
   * round trips few (the embedded database has a single session) while staying far below PostgreSQL's
   * 65,535 bind-parameter limit (8 columns × chunk size).
   */
  async replaceUnits(
    editionId: number,
    units: readonly UnitRow[],
    options: { chunkSize?: number; onChunk?: (inserted: number) => void } = {},
  ): Promise<void> {
    const chunkSize = options.chunkSize ?? 1000;
    await this.db.deleteFrom('administrative_unit').where('edition_id', '=', editionId).execute();
    for (let start = 0; start < units.length; start += chunkSize) {
      const chunk = units.slice(start, start + chunkSize).map((unit) => ({ edition_id: editionId, ...unit }));
      await this.db.insertInto('administrative_unit').values(chunk).execute();
      options.onChunk?.(Math.min(start + chunkSize, units.length));
    }
  }

  /**
   * Makes one edition current. Two statements because the unique partial index
   * `administrative_unit_edition_current` allows at most one current row at every statement's end.
   */
  async makeCurrent(id: number): Promise<void> {
    await this.db
      .updateTable('administrative_unit_edition')
      .set({ is_current: false })
      .where('is_current', '=', true)
      .where('id', '<>', id)
      .execute();
    await this.db.updateTable('administrative_unit_edition').set({ is_current: true }).where('id', '=', id).execute();
  }

  async countUnits(editionId: number): Promise<{ provinces: number; communes: number }> {
    const rows = await this.db
      .selectFrom('administrative_unit')
      .select(['level', (eb) => eb.fn.countAll<number>().as('count')])
      .where('edition_id', '=', editionId)
      .groupBy('level')
      .execute();
    const count = (level: string) => Number(rows.find((r) => r.level === level)?.count ?? 0);
    return { provinces: count('province'), communes: count('commune') };
  }

  /** Provinces of the current edition (empty when none is current). */
  async listCurrentProvinces(): Promise<UnitRow[]> {
    return this.currentUnits().where('level', '=', 'province').orderBy('code').execute();
  }

  /** Communes of one province in the current edition; served by index administrative_unit_parent. */
  async listCurrentCommunes(provinceCode: string): Promise<UnitRow[]> {
    return this.currentUnits()
      .where('level', '=', 'commune')
      .where('parent_code', '=', provinceCode)
      .orderBy('full_name')
      .orderBy('code')
      .execute();
  }

  async findCurrentUnit(code: string): Promise<UnitRow | undefined> {
    return this.currentUnits().where('code', '=', code).executeTakeFirst();
  }

  async findUnit(editionId: number, code: string): Promise<UnitRow | undefined> {
    return this.units().where('edition_id', '=', editionId).where('code', '=', code).executeTakeFirst();
  }

  private editions() {
    return this.db
      .selectFrom('administrative_unit_edition')
      .select([
        'id',
        'name',
        'legal_basis',
        'source',
        sql<string>`to_char(effective_from, 'YYYY-MM-DD')`.as('effective_from'),
        'loaded_at',
        'is_current',
      ]);
  }

  private units() {
    return this.db
      .selectFrom('administrative_unit')
      .select(['code', 'level', 'kind', 'name', 'full_name', 'name_en', 'full_name_en', 'parent_code']);
  }

  private currentUnits() {
    return this.units().where('edition_id', '=', (eb) =>
      eb.selectFrom('administrative_unit_edition').select('id').where('is_current', '=', true),
    );
  }
}
