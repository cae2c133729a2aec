import type { ColumnType, Generated } from 'kysely';

/** Row types of the forms module's tables; platform/db/schema.ts composes every module's tables into one Database. */

export interface FormDefinitionTable {
  id: Generated<number>;
  /** National procedure code, e.g. 1.001193 (no foreign key: a form may be seeded before the catalogue). */
  procedure_code: string;
  version: number;
  /** Vietnamese title, for lists without parsing the definition. */
  title: string;
  /** The definition as JSON (see forms.schema.ts); written as a JSON string, read back parsed. */
  definition: ColumnType<unknown, string, string>;
  /** sha256 of the definition JSON: seeding the same content again changes nothing. */
  source_hash: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface FormsTables {
  form_definition: FormDefinitionTable;
}
