import { sql, type Kysely, type Selectable } from 'kysely';
import type { AgencyKind, AgencyTable, Database as Schema, OfficeHours } from '../../platform/db/schema.js';
import { fold } from '../../platform/i18n/fold.js';

export type AgencyRow = Selectable<AgencyTable>;

/** Columns a caller sets; the id, `active` default and `created_at` come from the database. */
export interface AgencyFields {
  code: string;
  parent_id: number | null;
  kind: AgencyKind;
  name: string;
  name_en: string | null;
  short_name: string | null;
  province_code: string | null;
  commune_code: string | null;
  address: string | null;
  phone: string | null;
  email: string | null;
  office_hours: OfficeHours[];
  active: boolean;
}

const columns = [
  'id',
  'code',
  'parent_id',
  'kind',
  'name',
  'name_en',
  'short_name',
  'province_code',
  'commune_code',
  'address',
  'phone',
  'email',
  'office_hours',
  'active',
  'created_at',
] as const;

/** SQL for the agency tree. */
export class AgencyRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async findById(id: number): Promise<AgencyRow | undefined> {
    return this.db.selectFrom('agency').select(columns).where('id', '=', id).executeTakeFirst();
  }

  async findByCode(code: string): Promise<AgencyRow | undefined> {
    return this.db.selectFrom('agency').select(columns).where('code', '=', code).executeTakeFirst();
  }

  async insert(fields: AgencyFields): Promise<AgencyRow> {
    return this.db
      .insertInto('agency')
      .values({ ...fields, office_hours: JSON.stringify(fields.office_hours) })
      .returning(columns)
      .executeTakeFirstOrThrow();
  }

  async update(id: number, fields: AgencyFields): Promise<AgencyRow | undefined> {
    return this.db
      .updateTable('agency')
      .set({ ...fields, office_hours: JSON.stringify(fields.office_hours) })
      .where('id', '=', id)
      .returning(columns)
      .executeTakeFirst();
  }

  /** Direct children; served by index agency_parent. */
  async listChildren(parentId: number, includeInactive: boolean): Promise<AgencyRow[]> {
    let query = this.db.selectFrom('agency').select(columns).where('parent_id', '=', parentId);
    if (!includeInactive) query = query.where('active', '=', true);
    return query.orderBy('id').execute();
  }

  async countChildren(parentId: number): Promise<number> {
    const row = await this.db
      .selectFrom('agency')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('parent_id', '=', parentId)
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async listByKind(kind: AgencyKind, provinceCode: string | undefined, includeInactive: boolean): Promise<AgencyRow[]> {
    let query = this.db.selectFrom('agency').select(columns).where('kind', '=', kind);
    if (provinceCode !== undefined) query = query.where('province_code', '=', provinceCode);
    if (!includeInactive) query = query.where('active', '=', true);
    return query.orderBy('id').execute();
  }

  /** Every agency (the tree is small: a province has a few hundred). */
  async listAll(includeInactive: boolean): Promise<AgencyRow[]> {
    let query = this.db.selectFrom('agency').select(columns);
    if (!includeInactive) query = query.where('active', '=', true);
    return query.orderBy('id').execute();
  }

  /** The agency and all its descendants, by a recursive walk down agency_parent. */
  async listSubtree(rootId: number, includeInactive: boolean): Promise<AgencyRow[]> {
    const result = await sql<AgencyRow>`
      with recursive subtree as (
        select * from agency where id = ${rootId}
        union all
        select child.* from agency child join subtree on child.parent_id = subtree.id
        where ${includeInactive} or child.active
      )
      select ${sql.join(columns.map((c) => sql.ref(c)))} from subtree order by id`.execute(this.db);
    return result.rows;
  }

  /** Ids from the agency's parent up to its root; `union` (not `union all`) stops on a cycle. */
  async listAncestorIds(id: number): Promise<number[]> {
    const result = await sql<{ id: number }>`
      with recursive up as (
        select parent_id as id from agency where id = ${id} and parent_id is not null
        union
        select agency.parent_id from agency join up on agency.id = up.id where agency.parent_id is not null
      )
      select id from up`.execute(this.db);
    return result.rows.map((r) => Number(r.id));
  }

  /**
   * Agencies whose name, English name, short name or code contain every word of the text, ignoring case and
   * diacritics (search_fold, the same folding as the JS `fold`). A sequential scan: agencies number in the hundreds.
   */
  async search(text: string, limit: number): Promise<AgencyRow[]> {
    const words = fold(text).split(' ').filter((w) => w.length > 0);
    const haystack = sql<string>`search_fold(
      name || ' ' || coalesce(short_name, '') || ' ' || coalesce(name_en, '')
    ) || ' ' || lower(code)`;
    let query = this.db.selectFrom('agency').select(columns).where('active', '=', true);
    for (const word of words) query = query.where(haystack, 'like', `%${escapeLike(word)}%`);
    return query.orderBy('id').limit(limit).execute();
  }
}

/** LIKE treats % and _ as wildcards and backslash as the default escape character. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
