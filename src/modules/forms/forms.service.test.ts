import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { DomainError } from '../../platform/errors/errors.js';
import { createUnitsService, importUnits } from '../admin/index.js';
import { importCatalogue } from '../catalogue/index.js';
import { birthRegistration, officialDefinitions } from './definitions/index.js';
import { createFormsService, latestFormStamp, seedForms, FormsService } from './index.js';
import { FormsRepository } from './forms.repository.js';
import type { FormDefinition } from './forms.schema.js';
import { catalogueRecords, motherProfile } from './forms.test-support.js';

let database: Database;
let forms: FormsService;
let folder: string;

before(async () => {
  database = await openTestDatabase();
  // A small catalogue: birth registration (has a written form) and permanent residence registration (has none).
  folder = mkdtempSync(join(tmpdir(), 'motcua-forms-'));
  const records = await catalogueRecords(['1.001193', '1.004222']);
  const file = join(folder, 'catalogue.jsonl.gz');
  writeFileSync(file, gzipSync([...records.values()].map((r) => JSON.stringify(r)).join('\n')));
  await importCatalogue(database.db, { file });
  await importUnits(database, { dir: 'data/administrative-units' });
  forms = createFormsService(database, { profiles: { get: async (id) => (id === 7 ? motherProfile : null) } });
});

after(async () => {
  await database.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('seedForms', () => {
  test('does store the six forms once, and change nothing when run again', async () => {
    assert.deepEqual(await seedForms(database.db), { created: 6, updated: 0, unchanged: 0 });
    assert.deepEqual(await seedForms(database.db), { created: 0, updated: 0, unchanged: 6 });
    const rows = await database.db.selectFrom('form_definition').select(['procedure_code', 'version']).orderBy('procedure_code').execute();
    assert.deepEqual(
      rows.map((r) => `${r.procedure_code}@${r.version}`),
      ['1.000894@1', '1.001193@1', '1.001612@1', '1.010041@1', '1.013225@1', '1.014064@1'],
    );
  });

  test('does replace a changed definition of the same version, and add a new version beside it', async () => {
    const edited: FormDefinition = { ...birthRegistration, title: { vi: 'Tờ khai đăng ký khai sinh (sửa)', en: 'Birth registration (edited)' } };
    assert.deepEqual(await seedForms(database.db, [edited]), { created: 0, updated: 1, unchanged: 0 });
    assert.equal((await forms.storedDefinition('1.001193', 1)).title.vi, 'Tờ khai đăng ký khai sinh (sửa)');
    assert.deepEqual(await seedForms(database.db, [{ ...birthRegistration, version: 2 }]), { created: 1, updated: 0, unchanged: 0 });
    assert.equal((await forms.definitionFor('1.001193')).version, 2, 'the latest version wins');
    // Back to the shipped state for the other tests.
    await database.db.deleteFrom('form_definition').where('procedure_code', '=', '1.001193').where('version', '=', 2).execute();
    assert.deepEqual(await seedForms(database.db), { created: 0, updated: 1, unchanged: 5 });
  });

  test('does refuse an invalid definition before storing anything of it', async () => {
    const broken = { ...birthRegistration, procedureCode: '1.999999', sections: [] } as FormDefinition;
    await assert.rejects(seedForms(database.db, [broken]), (e: unknown) => e instanceof DomainError && e.code === 'FORM_DEFINITION_INVALID');
    assert.equal(await database.db.selectFrom('form_definition').select('id').where('procedure_code', '=', '1.999999').executeTakeFirst(), undefined);
  });
});

describe('FormsService', () => {
  test('does return the stored form, exactly as written, when there is one', async () => {
    await seedForms(database.db);
    assert.deepEqual(await forms.definitionFor('1.001193'), birthRegistration);
    for (const definition of officialDefinitions) assert.deepEqual(await forms.storedDefinition(definition.procedureCode, 1), definition);
  });

  test('does build a generic form from the catalogue version asked for when no form is stored', async () => {
    const version = await database.db
      .selectFrom('procedure as p')
      .innerJoin('procedure_version as v', 'v.procedure_id', 'p.id')
      .select(['v.id', 'p.name'])
      .where('p.code', '=', '1.004222')
      .executeTakeFirstOrThrow();
    const definition = await forms.definitionFor('1.004222', version.id);
    assert.equal(definition.generic, true);
    assert.equal(definition.title.vi, version.name);
    assert.ok(definition.sections.find((s) => s.id === 'documents')!.fields.some((f) => f.type === 'file'));
    assert.deepEqual(await forms.definitionFor('1.004222'), definition, 'the current version when none is given');
  });

  test('does answer from its cache with no read when given the stamp another query carried, and read again when the form changes', async () => {
    await seedForms(database.db);
    const repository = new FormsRepository(database.db);
    let reads = 0;
    const latest = repository.latest.bind(repository);
    repository.latest = (code) => (reads++, latest(code));
    const service = new FormsService(repository, repository, createUnitsService(database));
    const stampNow = async (code: string) => (await sql<{ stamp: string | null }>`select ${latestFormStamp(sql`${code}`)} as stamp`.execute(database.db)).rows[0]!.stamp;

    const stamp = await stampNow('1.001193');
    assert.match(stamp ?? '', /^1:\d+$/);
    assert.deepEqual(await service.bundleFor('1.001193', undefined, stamp).then((b) => b.version), '1');
    assert.equal(reads, 1, 'the first time, the definition is read');
    await service.definitionFor('1.001193', undefined, stamp);
    await service.definitionFor('1.001193', undefined, stamp);
    assert.equal(reads, 1, 'then it comes from the cache');

    // An administrator edits the form: the stamp changes and the new content is read.
    const edited: FormDefinition = { ...birthRegistration, title: { vi: 'Tờ khai (sửa)', en: 'Form (edited)' } };
    await seedForms(database.db, [edited]);
    const newStamp = await stampNow('1.001193');
    assert.notEqual(newStamp, stamp);
    assert.equal((await service.definitionFor('1.001193', undefined, newStamp)).title.vi, 'Tờ khai (sửa)');
    assert.equal(reads, 2);
    await seedForms(database.db);

    // No stored form (null): the generic one, with no read of stored forms.
    assert.equal(await stampNow('1.004222'), null);
    assert.equal((await service.definitionFor('1.004222', undefined, null)).generic, true);
    assert.equal(reads, 2);
  });

  test('does say FORM_PROCEDURE_UNKNOWN for a code neither stored nor in the catalogue', async () => {
    await assert.rejects(forms.definitionFor('9.999999'), (e: unknown) => e instanceof DomainError && e.code === 'FORM_PROCEDURE_UNKNOWN');
    await assert.rejects(forms.storedDefinition('1.001193', 9), (e: unknown) => e instanceof DomainError && e.code === 'FORM_PROCEDURE_UNKNOWN');
  });

  test('does load provinces and the communes of the provinces chosen in the answers', async () => {
    const lookups = await forms.lookupsFor(birthRegistration, {
      birthPlace: { province: '37', commune: '', line: '' },
      applicantAddress: { province: '99', commune: '', line: '' },
    });
    assert.equal(lookups.provinces.length, 34);
    assert.deepEqual(Object.keys(lookups.communes), ['37']);
    assert.ok(lookups.communes['37']!.some((c) => c.name === 'Phường Hoa Lư'));
  });

  test('does give dossier submission a bundle: prefilled values, checks without files, uploads, applicant', async () => {
    const bundle = await forms.bundleFor('1.001193');
    assert.equal(bundle.version, '1');
    const values = await bundle.initialValues(7);
    assert.equal(values.applicantName, 'Nguyễn Thị Lan');
    assert.equal(values.childNationality, 'Việt Nam');
    const problems = bundle.validateAll(values);
    assert.ok(problems.some((p) => p.field === 'childName'));
    assert.equal(problems.some((p) => p.field === 'birthCertificate'), false, 'uploads are checked apart');
    assert.deepEqual(bundle.requiredUploads({ ...values, relationship: 'authorised' }), [
      { fieldId: 'birthCertificate', requirementName: 'Giấy chứng sinh' },
      { fieldId: 'authorisation', requirementName: 'Văn bản ủy quyền' },
    ]);
    assert.deepEqual(await bundle.applicant(values, 7), {
      fullName: 'Nguyễn Thị Lan',
      personalId: '001192012345',
      phone: '0912345678',
      email: 'lan.nguyen@example.vn',
      address: 'Số 12 ngõ 34 phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội',
    });
    assert.equal((await forms.bundleFor('1.004222')).version, 'generic-1');
  });
});
