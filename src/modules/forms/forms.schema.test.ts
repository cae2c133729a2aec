import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { catalogue } from '../../platform/i18n/i18n.js';
import { parseProcedure, type ParsedProcedure } from '../catalogue/catalogue.parser.js';
import { officialDefinitions } from './definitions/index.js';
import { definitionProblems, parseDefinition } from './forms.definition.js';
import { DomainError } from '../../platform/errors/errors.js';
import type { FormDefinition } from './forms.schema.js';
import { catalogueRecords } from './forms.test-support.js';
import { validationMessageKeys } from './forms.validate.js';

function clone(definition: FormDefinition): FormDefinition {
  return structuredClone(definition) as FormDefinition;
}

const birth = officialDefinitions.find((d) => d.procedureCode === '1.001193')!;

describe('the six written forms', () => {
  test('does cover the six procedures of the brief, once each', () => {
    assert.deepEqual(officialDefinitions.map((d) => d.procedureCode).sort(), ['1.000894', '1.001193', '1.001612', '1.010041', '1.013225', '1.014064']);
  });

  for (const definition of officialDefinitions) {
    test(`does pass the schema when validating ${definition.procedureCode} (${definition.title.vi})`, () => {
      assert.deepEqual(definitionProblems(definition), []);
      // JSON round trip: the stored form is the same form.
      assert.deepEqual(parseDefinition(JSON.parse(JSON.stringify(definition))), definition);
    });
  }

  test('does use only message keys that exist in both catalogues', () => {
    const keys = new Set<string>(validationMessageKeys);
    for (const definition of officialDefinitions) {
      JSON.stringify(definition, (k, v: unknown) => {
        if (k === 'messageKey' && typeof v === 'string') keys.add(v);
        return v;
      });
    }
    for (const locale of ['vi', 'en'] as const) {
      const missing = [...keys].filter((k) => !(k in catalogue(locale)));
      assert.deepEqual(missing, [], `${locale} lacks ${missing.join(', ')}`);
    }
  });

  test('does give every label, hint and option both a Vietnamese and an English text', () => {
    for (const definition of officialDefinitions) {
      JSON.stringify(definition, (_k, v: unknown) => {
        if (v && typeof v === 'object' && 'vi' in v) {
          const text = v as { vi: string; en: string };
          assert.ok(text.vi.trim() && text.en.trim(), `${definition.procedureCode}: ${JSON.stringify(v)}`);
        }
        return v;
      });
    }
  });
});

describe('file fields against the published catalogue', () => {
  let parsed: Map<string, ParsedProcedure>;
  before(async () => {
    const records = await catalogueRecords(officialDefinitions.map((d) => d.procedureCode));
    parsed = new Map([...records].map(([code, raw]) => [code, parseProcedure(raw)]));
  });

  test('does link each upload to a required document the catalogue lists for that procedure', () => {
    for (const definition of officialDefinitions) {
      const procedure = parsed.get(definition.procedureCode);
      assert.ok(procedure, `${definition.procedureCode} is in the shipped catalogue`);
      for (const section of definition.sections) {
        for (const field of section.fields) {
          if (field.type !== 'file') continue;
          const match = procedure.requirements.some((r) => r.name.replace(/^[.\s]+/, '').startsWith(field.requirementName));
          assert.ok(match, `${definition.procedureCode} ${field.id}: "${field.requirementName}" is not a catalogue requirement`);
        }
      }
    }
  });

  test('does offer each of the six procedures online in the catalogue', () => {
    for (const definition of officialDefinitions) assert.equal(parsed.get(definition.procedureCode)?.onlineOffered, true, definition.procedureCode);
  });
});

describe('definitions the schema refuses', () => {
  test('does refuse a condition on a field that does not exist', () => {
    const d = clone(birth);
    d.sections[0]!.fields[7] = { ...(d.sections[0]!.fields[7] as object), showIf: { field: 'relation', equals: 'relative' } } as never;
    assert.match(definitionProblems(d).join('\n'), /unknown field relation/);
  });

  test('does refuse a condition comparing a choice with a value it does not offer', () => {
    const d = clone(birth);
    d.sections[0]!.fields[7] = { ...(d.sections[0]!.fields[7] as object), showIf: { field: 'relationship', equals: 'uncle' } } as never;
    assert.match(definitionProblems(d).join('\n'), /not one of its options/);
  });

  test('does refuse the same field id twice', () => {
    const d = clone(birth);
    d.sections[1]!.fields.push({ id: 'applicantName', type: 'text', label: { vi: 'Tên', en: 'Name' } });
    assert.match(definitionProblems(d).join('\n'), /applicantName is used twice/);
  });

  test('does refuse a lock without a prefill source, a broken pattern and a vault source on a text field', () => {
    const d = clone(birth);
    d.sections[1]!.fields.push(
      { id: 'x1', type: 'text', label: { vi: 'X', en: 'X' }, prefillLocked: true },
      { id: 'x2', type: 'text', label: { vi: 'X', en: 'X' }, validation: { pattern: { regex: '([a-z', messageKey: 'forms.validation.pattern.digits' } } },
      { id: 'x3', type: 'text', label: { vi: 'X', en: 'X' }, prefill: 'vault.idCard' },
    );
    const problems = definitionProblems(d).join('\n');
    assert.match(problems, /prefillLocked needs a prefill source/);
    assert.match(problems, /not a valid regular expression/);
    assert.match(problems, /vault sources fill file fields/);
  });

  test('does refuse ids that are not camelCase and unknown prefill paths', () => {
    const d = clone(birth);
    d.sections[1]!.fields.push({ id: 'child[0]', type: 'text', label: { vi: 'X', en: 'X' } } as never);
    d.sections[1]!.fields.push({ id: 'ok', type: 'text', label: { vi: 'X', en: 'X' }, prefill: 'profile.password' } as never);
    const problems = definitionProblems(d).join('\n');
    assert.match(problems, /camelCase/);
    assert.match(problems, /unknown prefill source/);
  });

  test('does refuse conditions that go round in a circle', () => {
    const d = clone(birth);
    const applicant = d.sections[0]!.fields;
    const relationship = applicant.find((f) => f.id === 'relationship')!;
    Object.assign(relationship, { showIf: { field: 'relationshipDetail', isTrue: true } });
    assert.match(definitionProblems(d).join('\n'), /cycle: .*relationship → relationshipDetail|cycle: .*relationshipDetail → relationship/);
  });

  test('does throw FORM_DEFINITION_INVALID with one field problem per issue', () => {
    const d = clone(birth);
    (d as { version: number }).version = 0;
    assert.throws(
      () => parseDefinition(d),
      (e: unknown) => e instanceof DomainError && e.code === 'FORM_DEFINITION_INVALID' && (e.details.fields?.length ?? 0) >= 1 && e.details.params?.code === '1.001193',
    );
  });
});
