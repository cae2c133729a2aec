import { sql, type Kysely, type RawBuilder } from 'kysely';
import { prepared } from '../../platform/db/prepared.js';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { CatalogueRequirement, GenericProcedure } from './forms.generic.js';

export interface StoredDefinition {
  procedureCode: string;
  version: number;
  title: string;
  /** Parsed JSON, not yet validated. */
  definition: unknown;
  updatedAt: Date;
  /** Which stored content this is (`latestFormStamp`): changes with every new version and every edit. */
  stamp: string;
}

/** The stamp of a `form_definition` row in SQL: its version and `updated_at` to the microsecond. */
function stampOf(alias: string): RawBuilder<string> {
  return sql<string>`${sql.ref(`${alias}.version`)}::text || ':' || (extract(epoch from ${sql.ref(`${alias}.updated_at`)}) * 1000000)::bigint::text`;
}

/**
 * SQL for the stamp of a procedure's latest stored form (null when it has none), for another module's query to
 * carry: `FormsService.bundleFor` given it answers from its cache without reading the definition again.
 * `procedureCode` is the SQL of the procedure's code in that query (e.g. `sql.ref('p.code')`).
 */
export function latestFormStamp(procedureCode: RawBuilder<unknown>): RawBuilder<string | null> {
  return sql<string | null>`(select ${stampOf('fs')} from form_definition fs where fs.procedure_code = ${procedureCode} order by fs.version desc limit 1)`;
}

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

/** The forms module's SQL. */
export class FormsRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** The highest version of a procedure's form (served by the unique (procedure_code, version) index). */
  async latest(procedureCode: string): Promise<StoredDefinition | undefined> {
    const row = await this.db
      .selectFrom('form_definition')
      .select(['procedure_code', 'version', 'title', 'definition', 'updated_at', stampOf('form_definition').as('stamp')])
      .where('procedure_code', '=', procedureCode)
      .orderBy('version', 'desc')
      .limit(1)
      .modifyEnd(prepared)
      .executeTakeFirst();
    return row && present(row);
  }

  async byVersion(procedureCode: string, version: number): Promise<StoredDefinition | undefined> {
    const row = await this.db
      .selectFrom('form_definition')
      .select(['procedure_code', 'version', 'title', 'definition', 'updated_at', stampOf('form_definition').as('stamp')])
      .where('procedure_code', '=', procedureCode)
      .where('version', '=', version)
      .executeTakeFirst();
    return row && present(row);
  }

  /** Every stored form, newest version per procedure first (admin lists; small table). */
  async list(): Promise<{ procedureCode: string; version: number; title: string; updatedAt: Date }[]> {
    const rows = await this.db
      .selectFrom('form_definition')
      .select(['procedure_code', 'version', 'title', 'updated_at'])
      .orderBy('procedure_code')
      .orderBy('version', 'desc')
      .execute();
    return rows.map((r) => ({ procedureCode: r.procedure_code, version: r.version, title: r.title, updatedAt: r.updated_at }));
  }

  /**
   * Stores a definition under (procedure code, version): a new row, a changed content replacing the old, or
   * nothing when the content hash is the same. A concurrent first insert loses quietly to the other one.
   */
  async upsert(row: { procedureCode: string; version: number; title: string; json: string; hash: string }): Promise<UpsertOutcome> {
    const existing = await this.db
      .selectFrom('form_definition')
      .select(['id', 'source_hash'])
      .where('procedure_code', '=', row.procedureCode)
      .where('version', '=', row.version)
      .executeTakeFirst();
    if (!existing) {
      const inserted = await this.db
        .insertInto('form_definition')
        .values({ procedure_code: row.procedureCode, version: row.version, title: row.title, definition: row.json, source_hash: row.hash })
        .onConflict((oc) => oc.columns(['procedure_code', 'version']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted ? 'created' : 'unchanged';
    }
    if (existing.source_hash === row.hash) return 'unchanged';
    await this.db
      .updateTable('form_definition')
      .set({ title: row.title, definition: row.json, source_hash: row.hash, updated_at: new Date() })
      .where('id', '=', existing.id)
      .execute();
    return 'updated';
  }

  /**
   * The catalogue content a generic form is built from: the given procedure version, or the current one.
   * A read-only view of the catalogue's tables, kept to this one query until the catalogue's index offers it.
   */
  async procedureContent(procedureCode: string, procedureVersionId?: number): Promise<(GenericProcedure & { onlineOffered: boolean }) | undefined> {
    let query = this.db
      .selectFrom('procedure as p')
      .innerJoin('procedure_version as v', 'v.procedure_id', 'p.id')
      .select(['p.code', 'p.name', 'p.online_offered', 'v.version', 'v.decision_number', 'v.content'])
      .where('p.code', '=', procedureCode);
    query = procedureVersionId === undefined ? query.whereRef('v.id', '=', 'p.current_version_id') : query.where('v.id', '=', procedureVersionId);
    const row = await query.executeTakeFirst();
    if (!row) return undefined;
    const content = (row.content ?? {}) as { requirements?: CatalogueRequirement[] };
    return {
      code: row.code,
      name: row.name,
      version: row.version,
      onlineOffered: row.online_offered,
      content: { requirements: Array.isArray(content.requirements) ? content.requirements : [], decisionNumber: row.decision_number },
    };
  }
}

function present(row: { procedure_code: string; version: number; title: string; definition: unknown; updated_at: Date; stamp: string }): StoredDefinition {
  // Both drivers return jsonb parsed; a string (a driver configured otherwise) is parsed here.
  const definition = typeof row.definition === 'string' ? (JSON.parse(row.definition) as unknown) : row.definition;
  return { procedureCode: row.procedure_code, version: row.version, title: row.title, definition, updatedAt: row.updated_at, stamp: row.stamp };
}
