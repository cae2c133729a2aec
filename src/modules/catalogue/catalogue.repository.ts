import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';

export interface ProcedureListRow {
  id: number;
  code: string;
  name: string;
  sector_name: string;
  sector_slug: string;
  levels: string[];
  online_offered: boolean;
  service_level: 'full' | 'partial' | null;
  min_duration_days: string | null;
  has_fee: boolean | null;
  handling_agency: string;
}

export interface SearchFilters {
  /** Folded (lower-case, no diacritics) query; empty lists everything. */
  folded: string;
  /** The query as typed, trimmed: matched exactly against national codes. */
  exact: string;
  sectorSlug?: string | undefined;
  level?: string | undefined;
  agencyId?: number | undefined;
  online?: 'any' | 'full' | 'partial' | undefined;
  limit: number;
  offset: number;
}

export interface ProcedureUpsert {
  code: string;
  name: string;
  sectorId: number;
  levels: string[];
  onlineOffered: boolean;
  serviceLevel: 'full' | 'partial' | null;
  competentAgency: string;
  handlingAgency: string;
  applicantTypes: string[];
  minDurationDays: number | null;
  hasFee: boolean | null;
  decisionNumber: string;
  content: unknown;
  raw: unknown;
  sourceHash: string;
}

const listColumns = [
  'p.id',
  'p.code',
  'p.name',
  's.name as sector_name',
  's.slug as sector_slug',
  'p.levels',
  'p.online_offered',
  'p.service_level',
  'p.min_duration_days',
  'p.has_fee',
  'p.handling_agency',
] as const;

/** The only place with catalogue SQL. */
export class CatalogueRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /**
   * Ranked search in two passes. First, full text: every word of the query (typos corrected against the
   * vocabulary) must appear in the name; served by procedure_search_vector (GIN), a few milliseconds over the
   * whole catalogue. Only when that finds nothing, trigram word similarity over the names (procedure_name_trgm),
   * which tolerates anything but costs a scan. Ranking: exact national code, exact name, name prefix, the words
   * as one phrase, then full-text cover density; popularity breaks ties.
   */
  async search(f: SearchFilters & { tsQuery: string | null }): Promise<{ total: number; rows: ProcedureListRow[] }> {
    const words = f.folded.split(/\s+/).filter((w) => w.length > 0);
    if (words.length === 0) return this.runSearch(f, null);
    const fullText = await this.runSearch(f, 'fulltext');
    if (fullText.total > 0 || f.tsQuery === null) return fullText;
    return this.runSearch(f, 'trigram');
  }

  private async runSearch(f: SearchFilters & { tsQuery: string | null }, mode: 'fulltext' | 'trigram' | null): Promise<{ total: number; rows: ProcedureListRow[] }> {
    let q = this.db
      .selectFrom('procedure as p')
      .innerJoin('sector as s', 's.id', 'p.sector_id')
      .select(listColumns)
      .select(sql<number>`count(*) over ()`.as('total'))
      .where('p.status', '=', 'published');
    if (f.sectorSlug) q = q.where('s.slug', '=', f.sectorSlug);
    if (f.level) q = q.where(sql<boolean>`${f.level} = any (p.levels)`);
    if (f.online === 'any') q = q.where('p.online_offered', '=', true);
    else if (f.online) q = q.where('p.service_level', '=', f.online);
    if (f.agencyId !== undefined) {
      const agencyId = f.agencyId;
      q = q.where(({ exists, selectFrom }) =>
        exists(selectFrom('procedure_agency as pa').select('pa.procedure_id').whereRef('pa.procedure_id', '=', 'p.id').where('pa.agency_id', '=', agencyId)),
      );
    }
    if (mode !== null) {
      const like = `%${escapeLike(f.folded)}%`;
      const tsq = sql`to_tsquery('simple', ${f.tsQuery ?? ''})`;
      q =
        mode === 'fulltext'
          ? q.where(sql<boolean>`(p.code = ${f.exact} or (${f.tsQuery !== null} and p.search_vector @@ ${tsq}))`)
          : q.where(sql<boolean>`${f.folded} <% p.name_folded`);
      q = q.orderBy(
        sql`(case when p.code = ${f.exact} then 100 else 0 end)
          + (case when p.name_folded = ${f.folded} or p.name_folded = ${`thu tuc ${f.folded}`} then 50 else 0 end)
          + (case when p.name_folded like ${`${escapeLike(f.folded)}%`} or p.name_folded like ${`thu tuc ${escapeLike(f.folded)}%`} then 20 else 0 end)
          + (case when p.name_folded like ${like} then 10 else 0 end)
          + ${mode === 'fulltext' ? sql`10 * ts_rank_cd(p.search_vector, ${tsq}, 1)` : sql`5 * word_similarity(${f.folded}, p.name_folded)`}
          - length(p.name) / 400.0`,
        'desc',
      );
    }
    const rows = await q.orderBy('p.popularity', 'desc').orderBy('p.name').limit(f.limit).offset(f.offset).execute();
    const total = rows[0]?.total ?? (f.offset > 0 ? (await this.runSearch({ ...f, offset: 0, limit: 1 }, mode)).total : 0);
    return { total: Number(total), rows };
  }

  /** Every word of every procedure name (search_tokens folding), for typo correction. */
  async vocabulary(): Promise<string[]> {
    const rows = await sql<{ word: string }>`select distinct t.lexeme as word from procedure p, unnest(p.search_vector) as t`.execute(this.db);
    return rows.rows.map((r) => r.word);
  }

  async findByCode(code: string) {
    return this.db
      .selectFrom('procedure as p')
      .innerJoin('sector as s', 's.id', 'p.sector_id')
      .innerJoin('procedure_version as v', 'v.id', 'p.current_version_id')
      .select([...listColumns, 'p.status', 'p.competent_agency', 'p.applicant_types', 'p.updated_at'])
      .select(['v.id as version_id', 'v.version', 'v.decision_number', 'v.effective_from', 'v.content', 'v.raw'])
      .where('p.code', '=', code)
      .executeTakeFirst();
  }

  async findGuide(procedureId: number, locale: 'vi' | 'en') {
    return this.db.selectFrom('procedure_guide').selectAll().where('procedure_id', '=', procedureId).where('locale', '=', locale).executeTakeFirst();
  }

  async agenciesOf(procedureId: number) {
    return this.db
      .selectFrom('procedure_agency as pa')
      .innerJoin('agency as a', 'a.id', 'pa.agency_id')
      .select(['a.id', 'a.code', 'a.name', 'a.address', 'a.kind'])
      .where('pa.procedure_id', '=', procedureId)
      .orderBy('a.kind')
      .orderBy('a.name')
      .execute();
  }

  /** Sectors with their count of published procedures, for browse pages. */
  async sectors() {
    return this.db
      .selectFrom('sector as s')
      .leftJoin('procedure as p', (j) => j.onRef('p.sector_id', '=', 's.id').on('p.status', '=', 'published'))
      .select(['s.id', 's.name', 's.slug', sql<number>`count(p.id)`.as('count')])
      .groupBy(['s.id', 's.name', 's.slug'])
      .orderBy('s.name')
      .execute();
  }

  async sectorBySlug(slug: string) {
    return this.db.selectFrom('sector').select(['id', 'name', 'slug']).where('slug', '=', slug).executeTakeFirst();
  }

  async popular(limit: number): Promise<ProcedureListRow[]> {
    return this.db
      .selectFrom('procedure as p')
      .innerJoin('sector as s', 's.id', 'p.sector_id')
      .select(listColumns)
      .where('p.status', '=', 'published')
      .where('p.popularity', '>', 0)
      .orderBy('p.popularity', 'desc')
      .orderBy('p.name')
      .limit(limit)
      .execute();
  }

  async byCodes(codes: string[]): Promise<ProcedureListRow[]> {
    if (codes.length === 0) return [];
    return this.db
      .selectFrom('procedure as p')
      .innerJoin('sector as s', 's.id', 'p.sector_id')
      .select(listColumns)
      .where('p.status', '=', 'published')
      .where('p.code', 'in', codes)
      .execute();
  }

  async counts() {
    return this.db
      .selectFrom('procedure')
      .select([
        sql<number>`count(*)`.as('procedures'),
        sql<number>`count(*) filter (where online_offered)`.as('online'),
        sql<number>`count(*) filter (where service_level = 'full')`.as('full_online'),
      ])
      .where('status', '=', 'published')
      .executeTakeFirstOrThrow();
  }

  // ---- import ----

  async existingHashes(): Promise<Map<string, { id: number; hash: string; version: number }>> {
    const rows = await this.db
      .selectFrom('procedure as p')
      .innerJoin('procedure_version as v', 'v.id', 'p.current_version_id')
      .select(['p.code', 'p.id', 'v.source_hash', 'v.version'])
      .execute();
    return new Map(rows.map((r) => [r.code, { id: r.id, hash: r.source_hash, version: r.version }]));
  }

  async insertSector(trx: Transaction<Schema>, name: string, slug: string): Promise<number> {
    const row = await trx
      .insertInto('sector')
      .values({ name, slug })
      .onConflict((oc) => oc.column('name').doUpdateSet({ name }))
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Inserts or updates the procedure row and adds a new version that becomes current. */
  async upsertProcedure(trx: Transaction<Schema>, p: ProcedureUpsert, previousVersion: number): Promise<number> {
    const values = {
      code: p.code,
      name: p.name,
      sector_id: p.sectorId,
      levels: p.levels,
      online_offered: p.onlineOffered,
      service_level: p.serviceLevel,
      competent_agency: p.competentAgency,
      handling_agency: p.handlingAgency,
      applicant_types: p.applicantTypes,
      min_duration_days: p.minDurationDays,
      has_fee: p.hasFee,
    };
    const { id } = await trx
      .insertInto('procedure')
      .values(values)
      .onConflict((oc) => oc.column('code').doUpdateSet({ ...values, updated_at: sql`now()` }))
      .returning('id')
      .executeTakeFirstOrThrow();
    const version = await trx
      .insertInto('procedure_version')
      .values({
        procedure_id: id,
        version: previousVersion + 1,
        decision_number: p.decisionNumber,
        content: JSON.stringify(p.content),
        raw: JSON.stringify(p.raw),
        source_hash: p.sourceHash,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx.updateTable('procedure').set({ current_version_id: version.id }).where('id', '=', id).execute();
    return id;
  }

  async transaction<T>(fn: (trx: Transaction<Schema>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }

  /** Links procedures to the local agencies that carry them out (idempotent). */
  async linkAgencies(links: { procedureId: number; agencyId: number }[]): Promise<void> {
    for (let i = 0; i < links.length; i += 1000) {
      const chunk = links.slice(i, i + 1000).map((l) => ({ procedure_id: l.procedureId, agency_id: l.agencyId }));
      await this.db.insertInto('procedure_agency').values(chunk).onConflict((oc) => oc.doNothing()).execute();
    }
  }

  async procedureIdsBy(filter: { levels?: string[]; sectorNames?: string[] }): Promise<{ id: number; levels: string[]; sector: string }[]> {
    let q = this.db.selectFrom('procedure as p').innerJoin('sector as s', 's.id', 'p.sector_id').select(['p.id', 'p.levels', 's.name as sector']);
    if (filter.sectorNames) q = q.where('s.name', 'in', filter.sectorNames.length ? filter.sectorNames : ['']);
    if (filter.levels) q = q.where(sql<boolean>`p.levels && ${sql.val(filter.levels)}::text[]`);
    return q.execute();
  }

  async setPopularity(codes: string[]): Promise<void> {
    // Demo ranking until dossiers exist: earlier in the list is more popular.
    for (const [i, code] of codes.entries()) {
      await this.db.updateTable('procedure').set({ popularity: codes.length - i }).where('code', '=', code).execute();
    }
  }

  async upsertGuide(g: { procedureCode: string; locale: 'vi' | 'en'; summary: string; body: string; videoUrl: string | null; lifeEvent: string | null }) {
    const p = await this.db.selectFrom('procedure').select('id').where('code', '=', g.procedureCode).executeTakeFirst();
    if (!p) return false;
    const values = { summary: g.summary, body: g.body, video_url: g.videoUrl, life_event: g.lifeEvent, image_urls: [] as string[] };
    await this.db
      .insertInto('procedure_guide')
      .values({ procedure_id: p.id, locale: g.locale, ...values })
      .onConflict((oc) => oc.columns(['procedure_id', 'locale']).doUpdateSet(values))
      .execute();
    return true;
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
