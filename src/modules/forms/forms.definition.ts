import { createHash } from 'node:crypto';
import { DomainError, type FieldProblem } from '../../platform/errors/errors.js';
import { FormsErrors } from './forms.errors.js';
import { formDefinitionSchema, type FormDefinition } from './forms.schema.js';

/** Problems of a would-be definition, one line each ("sections.0.fields.2.id: …"); empty when valid. */
export function definitionProblems(json: unknown): string[] {
  const result = formDefinitionSchema.safeParse(json);
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

/** Validates a definition (seeded, stored or uploaded) and returns it typed, or throws FORM_DEFINITION_INVALID. */
export function parseDefinition(json: unknown): FormDefinition {
  const result = formDefinitionSchema.safeParse(json);
  if (result.success) return result.data;
  const code = typeof json === 'object' && json !== null && 'procedureCode' in json ? String((json as { procedureCode: unknown }).procedureCode) : '?';
  const fields: FieldProblem[] = result.error.issues.slice(0, 50).map((i) => ({
    field: i.path.join('.') || 'definition',
    messageKey: 'forms.error.definitionIssue',
    params: { message: i.message },
  }));
  throw new DomainError(FormsErrors.definitionInvalid, { params: { code }, fields });
}

/** Content hash of a definition: the same form seeded twice is stored once. */
export function definitionHash(definition: FormDefinition): string {
  return createHash('sha256').update(JSON.stringify(definition)).digest('hex');
}

/** The form version a dossier records: "3" for a stored form, "generic-5" for one built from catalogue version 5. */
export function formVersionOf(definition: FormDefinition): string {
  return definition.generic ? `generic-${definition.version}` : String(definition.version);
}
