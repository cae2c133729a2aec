import type { Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import { definitionHash, parseDefinition } from './forms.definition.js';
import { FormsRepository } from './forms.repository.js';
import type { FormDefinition } from './forms.schema.js';
import { officialDefinitions } from './definitions/index.js';

export interface SeedFormsOutcome {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Stores the written e-forms (upsert by procedure code + version). Idempotent: running it again with the same
 * definitions changes nothing; an edited definition of the same version replaces the stored one — bump the
 * version instead once dossiers have been filled with it.
 */
export async function seedForms(db: Kysely<Schema>, definitions: readonly FormDefinition[] = officialDefinitions): Promise<SeedFormsOutcome> {
  const repository = new FormsRepository(db);
  const outcome: SeedFormsOutcome = { created: 0, updated: 0, unchanged: 0 };
  for (const candidate of definitions) {
    const definition = parseDefinition(candidate);
    const result = await repository.upsert({
      procedureCode: definition.procedureCode,
      version: definition.version,
      title: definition.title.vi,
      json: JSON.stringify(definition),
      hash: definitionHash(definition),
    });
    outcome[result]++;
  }
  return outcome;
}
