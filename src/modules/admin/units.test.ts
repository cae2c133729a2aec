import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { DomainError } from '../../platform/errors/errors.js';
import { AdminErrors } from './admin.errors.js';
import { createUnitsService } from './index.js';
import { buildEdition, defaultUnitEdition, importUnits, parseCsv, type UnitEditionSpec } from './units.importer.js';

const unitsDir = fileURLToPath(new URL('../../../data/administrative-units/', import.meta.url));

/** The nested JSON alone, as the next edition (it already follows Resolution 30/2026/QH16). */
const edition2026: UnitEditionSpec = {
  name: '2026-07-25',
  legalBasis: 'Resolution 30/2026/QH16',
  effectiveFrom: '2026-07-25',
  files: { units: 'vn-units-2026-07-25.simplified.json' },
};

function hasCode(code: string) {
  return (error: unknown) => error instanceof DomainError && error.code === code;
}

describe('parseCsv', () => {
  test('does split plain rows when lines end with CRLF and the file starts with a byte-order mark', () => {
    assert.deepEqual(parseCsv('\uFEFFa,b\r\n1,2\r\n'), [
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  test('does keep commas, quotes and line breaks when fields are quoted', () => {
    assert.deepEqual(parseCsv('code,name\n01,"Hà Nội, Thủ đô"\n02,"say ""hi""\nthere"\n'), [
      ['code', 'name'],
      ['01', 'Hà Nội, Thủ đô'],
      ['02', 'say "hi"\nthere'],
    ]);
  });

  test('does keep empty fields and drop blank lines when a row ends with a comma', () => {
    assert.deepEqual(parseCsv('a,,c,\n\n'), [['a', '', 'c', '']]);
  });

  test('does refuse the text when a quoted field is never closed', () => {
    assert.throws(() => parseCsv('a,"b\n'), /unterminated/);
  });
});

describe('buildEdition', () => {
  test('does take the JSON code when the two sources give one commune different codes', () => {
    const { units, differences } = buildEdition({
      provincesCsv: { file: 'p.csv', text: 'Stt,Mã số,Tên\n1,22,Quảng Ninh\n' },
      communesCsv: { file: 'c.csv', text: 'ma_xa,ten,loai,ma_tinh,tinh\n06970,Xã Ba Chẽ,Xã,22,Quảng Ninh\n' },
      unitsJson: {
        file: 'u.json',
        text: JSON.stringify([
          {
            Code: '22',
            Name: 'Quảng Ninh',
            NameEn: 'Quang Ninh',
            FullName: 'Tỉnh Quảng Ninh',
            FullNameEn: 'Quang Ninh Province',
            Wards: [{ Code: '06978', Name: 'Ba Chẽ', NameEn: 'Ba Che', FullName: 'Xã Ba Chẽ', FullNameEn: 'Ba Che Commune' }],
          },
        ]),
      },
    });
    assert.deepEqual(
      units.map((u) => [u.code, u.full_name, u.full_name_en, u.parent_code]),
      [
        ['22', 'Tỉnh Quảng Ninh', 'Quang Ninh Province', null],
        ['06978', 'Xã Ba Chẽ', 'Ba Che Commune', '22'],
      ],
    );
    assert.deepEqual(differences.codes, [
      { provinceCode: '22', fullName: 'Xã Ba Chẽ', primaryCode: '06970', secondaryCode: '06978' },
    ]);
  });

  test('does refuse the sources when a commune names a province that is not listed', () => {
    assert.throws(
      () =>
        buildEdition({
          provincesCsv: { file: 'p.csv', text: 'Stt,Mã số,Tên\n1,01,Thành phố Hà Nội\n' },
          communesCsv: { file: 'c.csv', text: 'ma_xa,ten,loai,ma_tinh,tinh\n06970,Xã Ba Chẽ,Xã,22,Quảng Ninh\n' },
        }),
      hasCode(AdminErrors.unitsSourceInvalid.code),
    );
  });
});

describe('units import and UnitsService', () => {
  let database: Database;
  before(async () => {
    database = await openTestDatabase();
  });
  after(async () => {
    await database?.close();
  });

  const editionCount = async () =>
    Number(
      (
        await database.db
          .selectFrom('administrative_unit_edition')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  test('does report that no units are loaded when nothing was imported', async () => {
    const units = createUnitsService(database);
    assert.equal(await units.currentEdition(), null);
    await assert.rejects(units.listProvinces(), hasCode(AdminErrors.unitsNotLoaded.code));
    await assert.rejects(units.getUnit('37'), hasCode(AdminErrors.unitsNotLoaded.code));
  });

  test('does load 34 provinces and 3,321 communes when importing the shipped files', async () => {
    const phases = new Set<string>();
    const started = performance.now();
    const result = await importUnits(database, { dir: unitsDir, onProgress: (event) => phases.add(event.phase) });
    const elapsed = performance.now() - started;
    console.log(`units import (${database.kind}): ${Math.round(elapsed)} ms`);

    assert.equal(result.provinces, 34);
    assert.equal(result.communes, 3321);
    assert.equal(result.created, true);
    assert.equal(result.current, true);
    assert.deepEqual([...phases], ['read', 'write', 'done']);
    // The two communes whose codes differ between Official Letter 1027/CTK-CSCL and Decision 19/2025/QĐ-TTg.
    assert.deepEqual(
      result.differences.codes.map((d) => [d.fullName, d.primaryCode, d.secondaryCode]),
      [
        ['Xã Ba Chẽ', '06970', '06978'],
        ['Xã Ia Mơ', '23737', '23938'],
      ],
    );
    assert.deepEqual(result.differences.onlyInPrimary, []);
    assert.deepEqual(result.differences.onlyInSecondary, []);
    assert.equal(result.sources.length, 3);
    assert.ok(elapsed < 3000, `import took ${Math.round(elapsed)} ms`);

    const edition = await createUnitsService(database).currentEdition();
    assert.equal(edition?.name, defaultUnitEdition.name);
    assert.equal(edition?.effectiveFrom, '2025-07-01');
    assert.match(edition?.legalBasis ?? '', /Decision 19\/2025\/QĐ-TTg/);
    assert.match(edition?.source ?? '', /communes_2025-07-01\.csv sha256:[0-9a-f]{16}/);
  });

  test('does keep one edition with the same units when the same edition is imported again', async () => {
    const before = await editionCount();
    const result = await importUnits(database, { dir: unitsDir });
    assert.equal(result.created, false);
    assert.equal(result.current, true);
    assert.equal(await editionCount(), before);
    assert.deepEqual([result.provinces, result.communes], [34, 3321]);
    const rows = await database.db
      .selectFrom('administrative_unit')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(rows.n), 34 + 3321);
  });

  test('does answer province, commune and unit queries from the current edition', async () => {
    const units = createUnitsService(database);
    const provinces = await units.listProvinces();
    assert.equal(provinces.length, 34);
    assert.deepEqual(provinces[0], {
      code: '01',
      name: 'Hà Nội',
      fullName: 'Thành phố Hà Nội',
      nameEn: 'Hanoi',
      fullNameEn: 'Hanoi City',
      kind: 'Thành phố',
      level: 'province',
      provinceCode: '01',
    });
    const ninhBinh = await units.getUnit('37');
    assert.equal(ninhBinh.fullName, 'Tỉnh Ninh Bình');
    assert.equal(ninhBinh.kind, 'Tỉnh');

    const communes = await units.listCommunes('37');
    assert.equal(communes.length, 129);
    assert.ok(communes.every((c) => c.level === 'commune' && c.provinceCode === '37'));
    const names = communes.map((c) => c.name);
    assert.deepEqual(names, [...names].sort(new Intl.Collator('vi').compare));

    assert.deepEqual(await units.getUnit('14329'), {
      code: '14329',
      name: 'Hoa Lư',
      fullName: 'Phường Hoa Lư',
      nameEn: 'Hoa Lu',
      fullNameEn: 'Hoa Lu Ward',
      kind: 'Phường',
      level: 'commune',
      provinceCode: '37',
    });
    // Decision 19/2025/QĐ-TTg's code is the one loaded.
    assert.equal((await units.getUnit('06978')).fullName, 'Xã Ba Chẽ');
    await assert.rejects(units.getUnit('06970'), hasCode(AdminErrors.unitNotFound.code));
    await assert.rejects(units.listCommunes('99'), hasCode(AdminErrors.unitNotFound.code));
    assert.equal(await units.findUnit('99999'), null);
    // Trảng Bom was still a commune on 1 July 2025; the English name follows the kind of this edition.
    const trangBom = await units.getUnit('26248');
    assert.deepEqual([trangBom.fullName, trangBom.fullNameEn], ['Xã Trảng Bom', 'Trang Bom Commune']);
  });

  test('does make a later edition current and keep the first one when a new edition is imported', async () => {
    const first = await createUnitsService(database).currentEdition();
    const result = await importUnits(database, { dir: unitsDir, edition: edition2026 });
    assert.equal(result.created, true);
    assert.equal(result.current, true);
    assert.deepEqual([result.provinces, result.communes], [34, 3321]);
    assert.equal(await editionCount(), 2);

    const units = createUnitsService(database);
    assert.equal((await units.currentEdition())?.name, '2026-07-25');
    // Resolution 30/2026/QH16 made Trảng Bom a ward.
    assert.equal((await units.getUnit('26248')).fullName, 'Phường Trảng Bom');
    // The JSON writes "xã Bắc Sơn" in lower case; the loaded name is normalised.
    assert.equal((await units.getUnit('06325')).fullName, 'Xã Bắc Sơn');

    const firstRows = await database.db
      .selectFrom('administrative_unit')
      .select(['full_name'])
      .where('edition_id', '=', first!.id)
      .where('code', '=', '26248')
      .executeTakeFirstOrThrow();
    assert.equal(firstRows.full_name, 'Xã Trảng Bom');
  });

  test('does leave the later edition current when an earlier edition is imported again', async () => {
    const result = await importUnits(database, { dir: unitsDir });
    assert.equal(result.created, false);
    assert.equal(result.current, false);
    assert.equal((await createUnitsService(database).currentEdition())?.name, '2026-07-25');

    const forced = await importUnits(database, { dir: unitsDir, makeCurrent: 'always' });
    assert.equal(forced.current, true);
    assert.equal((await createUnitsService(database).currentEdition())?.name, '2025-07-01');
    const current = await database.db
      .selectFrom('administrative_unit_edition')
      .select('name')
      .where('is_current', '=', true)
      .execute();
    assert.deepEqual(current, [{ name: '2025-07-01' }]);
  });

  test('does change nothing when a source file is malformed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'motcua-units-'));
    try {
      await writeFile(join(dir, 'p.csv'), 'Stt,Mã số,Tên\n1,01,Thành phố Hà Nội\n');
      await writeFile(join(dir, 'c.csv'), 'ma_xa,ten,loai,ma_tinh,tinh\n0007,Phường Hoàn Kiếm,Phường,01,Hà Nội\n');
      const before = await editionCount();
      await assert.rejects(
        importUnits(database, {
          dir,
          edition: { name: 'broken', legalBasis: 'test', effectiveFrom: '2030-01-01', files: { provinces: 'p.csv', communes: 'c.csv' } },
        }),
        hasCode(AdminErrors.unitsSourceInvalid.code),
      );
      await assert.rejects(
        importUnits(database, {
          dir,
          edition: { name: 'missing', legalBasis: 'test', effectiveFrom: '2030-01-01', files: { communes: 'absent.csv' } },
        }),
        hasCode(AdminErrors.unitsSourceInvalid.code),
      );
      await assert.rejects(
        importUnits(database, { dir, edition: { name: 'bad date', legalBasis: 'test', effectiveFrom: '2030-02-30', files: { communes: 'c.csv' } } }),
        hasCode(AdminErrors.unitsSourceInvalid.code),
      );
      assert.equal(await editionCount(), before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
