import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { CommonErrors, DomainError } from '../../platform/errors/errors.js';
import { AdminErrors } from './admin.errors.js';
import { normaliseOfficeHours, parseAgencyCode, type AgencyInput, type AgencyService } from './agency.service.js';
import {
  demoAgencyCodes,
  demoPassword,
  departmentCodeForSector,
  sectorDepartments,
  seedDemoAgencies,
  seedDemoUsers,
} from './demo-agencies.js';
import { createAgencyService, createUsersService, importUnits } from './index.js';
import { checkPassword, hashPassword, type PasswordHashParams, type UsersService } from './users.service.js';

const unitsDir = fileURLToPath(new URL('../../../data/administrative-units/', import.meta.url));
const catalogueFile = fileURLToPath(new URL('../../../data/procedures/national-catalogue-2026-07.jsonl.gz', import.meta.url));

// Tests hash with a cheap scrypt cost; one test checks the production default separately.
const fastHash: PasswordHashParams = { N: 2 ** 10, r: 8, p: 1 };

function hasCode(code: string) {
  return (error: unknown) => error instanceof DomainError && error.code === code;
}

const weekdayHours = [1, 2, 3, 4, 5].flatMap((day) => [
  { day, open: '07:30', close: '11:30' },
  { day, open: '13:30', close: '17:00' },
]);

describe('parseAgencyCode', () => {
  test('does accept the legacy form when the level-1 group is last', () => {
    assert.deepEqual(parseAgencyCode('000.00.00.H42'), { form: 'legacy', level1: 'H42', groups: ['000', '00', '00', 'H42'] });
  });

  test('does accept the Decision 20/2020 form when the level-1 group is first', () => {
    assert.deepEqual(parseAgencyCode('H42.01.05'), { form: 'decision20', level1: 'H42', groups: ['H42', '01', '05'] });
    assert.equal('error' in parseAgencyCode('G22'), false);
  });

  test('does reject the code when it breaks a rule of Decision 20/2020 art. 4', () => {
    for (const code of [
      '',
      'h42.01', // lower case
      'H42..01', // empty group
      'H42.01.', // trailing dot
      'Z42.01', // M is A–Y
      'H4.01', // two digits after M
      '42.01.H', // no level-1 group
      '00.00.00.H42', // legacy groups have 3, 2, 2 characters
      'H42-01', // only dots separate groups
      `H42.${'1'.repeat(32)}`, // 36 characters
    ]) {
      assert.ok('error' in parseAgencyCode(code), `${code} should be invalid`);
    }
    assert.equal('error' in parseAgencyCode(`H42.${'1'.repeat(31)}`), false, '35 characters are allowed');
  });
});

describe('normaliseOfficeHours', () => {
  test('does sort intervals by day and time when they are valid', () => {
    assert.deepEqual(
      normaliseOfficeHours([
        { day: 2, open: '13:30', close: '17:00' },
        { day: 1, open: '07:30', close: '11:30' },
        { day: 2, open: '07:30', close: '11:30' },
      ]),
      [
        { day: 1, open: '07:30', close: '11:30' },
        { day: 2, open: '07:30', close: '11:30' },
        { day: 2, open: '13:30', close: '17:00' },
      ],
    );
  });

  test('does reject the hours when a day, a time or an interval is wrong', () => {
    for (const hours of [
      [{ day: 0, open: '07:30', close: '11:30' }],
      [{ day: 8, open: '07:30', close: '11:30' }],
      [{ day: 1.5, open: '07:30', close: '11:30' }],
      [{ day: 1, open: '7:30', close: '11:30' }],
      [{ day: 1, open: '07:30', close: '24:00' }],
      [{ day: 1, open: '11:30', close: '07:30' }],
      [{ day: 1, open: '07:30', close: '07:30' }],
      [
        { day: 1, open: '07:30', close: '12:00' },
        { day: 1, open: '11:30', close: '17:00' },
      ],
      'Mon-Fri',
    ]) {
      assert.throws(() => normaliseOfficeHours(hours), hasCode(AdminErrors.agencyOfficeHoursInvalid.code), JSON.stringify(hours));
    }
  });
});

describe('agencies, demo seed and users', () => {
  let database: Database;
  let agencies: AgencyService;
  let users: UsersService;

  before(async () => {
    database = await openTestDatabase();
    await importUnits(database, { dir: unitsDir });
    agencies = createAgencyService(database);
    users = createUsersService(database, { hashParams: fastHash });
  });
  after(async () => {
    await database?.close();
  });

  const province = (over: Partial<AgencyInput> = {}): AgencyInput => ({
    code: '000.00.00.H56',
    kind: 'province_committee',
    name: 'Ủy ban nhân dân tỉnh Khánh Hòa',
    nameEn: "Khanh Hoa Provincial People's Committee",
    provinceCode: '56',
    address: 'Số 1 Trần Phú, phường Nha Trang, tỉnh Khánh Hòa',
    phone: '0258 3822 661',
    email: 'ubnd@khanhhoa.example.vn',
    officeHours: weekdayHours,
    ...over,
  });

  describe('AgencyService', () => {
    test('does store and return an agency when it is created', async () => {
      const created = await agencies.create(province());
      assert.equal(created.code, '000.00.00.H56');
      assert.equal(created.kind, 'province_committee');
      assert.equal(created.parentId, null);
      assert.equal(created.active, true);
      assert.deepEqual(created.officeHours, weekdayHours);
      assert.deepEqual(await agencies.get(created.id), created);
      assert.deepEqual(await agencies.getByCode('000.00.00.H56'), created);
    });

    test('does fill the province when a commune committee names only its commune', async () => {
      const parent = await agencies.getByCode('000.00.00.H56');
      const commune = await agencies.create({
        code: '000.00.51.H56',
        parentId: parent.id,
        kind: 'commune_committee',
        name: 'Ủy ban nhân dân phường Nha Trang',
        communeCode: '22366',
      });
      assert.equal(commune.provinceCode, '56');
      assert.equal(commune.communeCode, '22366');
    });

    test('does refuse the agency when its code is not a Decision 20/2020 identifier', async () => {
      await assert.rejects(agencies.create(province({ code: 'ubnd-khanh-hoa' })), hasCode(AdminErrors.agencyCodeInvalid.code));
      await assert.rejects(agencies.create(province({ code: `H56.${'0'.repeat(40)}` })), hasCode(AdminErrors.agencyCodeInvalid.code));
    });

    test('does refuse the agency when its code is already taken', async () => {
      await assert.rejects(agencies.create(province({ name: 'Duplicate' })), hasCode(AdminErrors.agencyCodeTaken.code));
      const other = await agencies.create(province({ code: 'H56.99', name: 'Tạm', kind: 'other', provinceCode: null }));
      await assert.rejects(agencies.update(other.id, { code: '000.00.00.H56' }), hasCode(AdminErrors.agencyCodeTaken.code));
    });

    test('does refuse the agency when a field, the office hours or a unit code is invalid', async () => {
      await assert.rejects(agencies.create(province({ code: 'H56.01', name: '  ' })), hasCode(CommonErrors.validation.code));
      await assert.rejects(agencies.create(province({ code: 'H56.01', email: 'not-an-email' })), hasCode(CommonErrors.validation.code));
      await assert.rejects(
        agencies.create(province({ code: 'H56.01', officeHours: [{ day: 9, open: '07:30', close: '11:30' }] })),
        hasCode(AdminErrors.agencyOfficeHoursInvalid.code),
      );
      await assert.rejects(agencies.create(province({ code: 'H56.01', provinceCode: '99' })), hasCode(AdminErrors.agencyUnitInvalid.code));
      // 14329 is a ward of Ninh Bình (37), not of Khánh Hòa (56).
      await assert.rejects(
        agencies.create(province({ code: 'H56.01', kind: 'other', communeCode: '14329' })),
        hasCode(AdminErrors.agencyUnitInvalid.code),
      );
      await assert.rejects(
        agencies.create(province({ code: 'H56.01', provinceCode: null })),
        hasCode(AdminErrors.agencyUnitInvalid.code),
      );
    });

    test('does refuse the parent when the kinds do not fit or the tree would become circular', async () => {
      const root = await agencies.getByCode('000.00.00.H56');
      await assert.rejects(
        agencies.create({ code: 'H56.02', kind: 'department', name: 'Sở không cha' }),
        hasCode(AdminErrors.agencyParentInvalid.code),
      );
      await assert.rejects(
        agencies.create({ code: 'H56.02', kind: 'department', name: 'Sở', parentId: 999_999 }),
        hasCode(AdminErrors.agencyParentInvalid.code),
      );
      const department = await agencies.create({ code: 'H56.02', kind: 'department', name: 'Sở Tư pháp', parentId: root.id });
      await assert.rejects(
        agencies.create({ code: 'H56.02.01', kind: 'department', name: 'Phòng', parentId: department.id }),
        hasCode(AdminErrors.agencyParentInvalid.code),
      );
      const unit = await agencies.create({ code: 'H56.02.01', kind: 'other', name: 'Phòng Hộ tịch', parentId: department.id });
      const subUnit = await agencies.create({ code: 'H56.02.01.01', kind: 'other', name: 'Tổ một cửa', parentId: unit.id });
      await assert.rejects(agencies.update(unit.id, { parentId: subUnit.id }), hasCode(AdminErrors.agencyParentInvalid.code));
      await assert.rejects(agencies.update(unit.id, { parentId: unit.id }), hasCode(AdminErrors.agencyParentInvalid.code));
      // A province committee with children cannot turn into a ministry: its commune committee would not fit.
      await assert.rejects(agencies.update(root.id, { kind: 'ministry' }), hasCode(AdminErrors.agencyParentInvalid.code));
    });

    test('does change only the given fields when an agency is updated', async () => {
      const department = await agencies.getByCode('H56.02');
      const updated = await agencies.update(department.id, {
        name: 'Sở Tư pháp tỉnh Khánh Hòa',
        phone: '0258 3822 000',
        officeHours: [{ day: 6, open: '07:30', close: '11:30' }],
      });
      assert.equal(updated.name, 'Sở Tư pháp tỉnh Khánh Hòa');
      assert.equal(updated.phone, '0258 3822 000');
      assert.equal(updated.code, 'H56.02');
      assert.equal(updated.parentId, department.parentId);
      assert.deepEqual(updated.officeHours, [{ day: 6, open: '07:30', close: '11:30' }]);
      const cleared = await agencies.update(department.id, { phone: null });
      assert.equal(cleared.phone, null);
      await assert.rejects(agencies.update(999_999, { name: 'x' }), hasCode(AdminErrors.agencyNotFound.code));
      await assert.rejects(agencies.get(999_999), hasCode(AdminErrors.agencyNotFound.code));
      await assert.rejects(agencies.getByCode('H99'), hasCode(AdminErrors.agencyNotFound.code));
    });

    test('does list children and build the tree when agencies are nested', async () => {
      const root = await agencies.getByCode('000.00.00.H56');
      const children = await agencies.children(root.id);
      // Display order: departments before commune committees.
      assert.deepEqual(
        children.map((c) => c.code),
        ['H56.02', '000.00.51.H56'],
      );
      const [tree] = await agencies.tree(root.id);
      assert.equal(tree?.code, '000.00.00.H56');
      assert.deepEqual(
        tree?.children.map((c) => [c.code, c.children.map((g) => g.code)]),
        [
          ['H56.02', ['H56.02.01']],
          ['000.00.51.H56', []],
        ],
      );
      assert.equal(tree?.children[0]?.children[0]?.children[0]?.code, 'H56.02.01.01');

      const forest = await agencies.tree();
      assert.ok(forest.every((node) => node.parentId === null));
      assert.ok(forest.some((node) => node.code === 'H56.99'));
    });

    test('does hide an inactive agency and its subtree unless asked to include it', async () => {
      const unit = await agencies.getByCode('H56.02.01');
      await agencies.update(unit.id, { active: false });
      const department = await agencies.getByCode('H56.02');
      assert.deepEqual((await agencies.children(department.id)).map((c) => c.code), []);
      assert.deepEqual(
        (await agencies.children(department.id, { includeInactive: true })).map((c) => c.code),
        ['H56.02.01'],
      );
      const [tree] = await agencies.tree(department.id);
      assert.deepEqual(tree?.children, []);
      const all = await agencies.tree();
      const codes = JSON.stringify(all);
      assert.ok(!codes.includes('H56.02.01.01'), 'the active child of an inactive agency stays hidden');
      await agencies.update(unit.id, { active: true });
    });

    test('does find agencies by kind and by text without diacritics', async () => {
      const committees = await agencies.listByKind('commune_committee', { provinceCode: '56' });
      assert.deepEqual(committees.map((a) => a.code), ['000.00.51.H56']);
      const found = await agencies.search('so tu phap khanh hoa');
      assert.deepEqual(found.map((a) => a.code), ['H56.02']);
      assert.deepEqual((await agencies.search('PHƯỜNG NHA TRANG')).map((a) => a.code), ['000.00.51.H56']);
      assert.deepEqual((await agencies.search('h56.02.01.')).map((a) => a.code), ['H56.02.01.01']);
      assert.deepEqual(await agencies.search('100%_'), []);
      assert.deepEqual(await agencies.search('   '), []);
    });
  });

  describe('demo seed', () => {
    test('does create the same agencies with the same ids when it runs twice', async () => {
      const first = await seedDemoAgencies(database);
      const countAfterFirst = await agencyCount(database);
      const second = await seedDemoAgencies(database);
      assert.deepEqual(second, first);
      assert.equal(await agencyCount(database), countAfterFirst);

      const byKey = new Map(first.map((a) => [a.key, a]));
      assert.equal(byKey.get('province')?.code, '000.00.00.H42');
      assert.equal(byKey.get('province')?.name, 'Ủy ban nhân dân tỉnh Ninh Bình');
      assert.equal(byKey.get('service-centre')?.kind, 'service_centre');
      const departments = first.filter((a) => a.kind === 'department').map((a) => a.name);
      for (const name of [
        'Sở Tư pháp',
        'Sở Xây dựng',
        'Sở Tài chính',
        'Sở Nông nghiệp và Môi trường',
        'Sở Y tế',
        'Sở Giáo dục và Đào tạo',
        'Sở Nội vụ',
        'Sở Công Thương',
        'Sở Khoa học và Công nghệ',
        'Sở Văn hóa, Thể thao và Du lịch',
      ]) {
        assert.ok(departments.includes(`${name} tỉnh Ninh Bình`), name);
      }
      assert.equal(byKey.get('police')?.name, 'Công an tỉnh Ninh Bình');

      const communes = first.filter((a) => a.kind === 'commune_committee');
      assert.ok(communes.length >= 4 && communes.length <= 6);
      assert.equal(byKey.get('commune.14329')?.name, 'Ủy ban nhân dân phường Hoa Lư');
      for (const commune of communes) {
        const centre = byKey.get(`${commune.key}.centre`);
        assert.equal(centre?.parentId, commune.id);
        assert.equal(centre?.kind, 'service_centre');
      }
      for (const agency of first) assert.ok(!('error' in parseAgencyCode(agency.code)), agency.code);

      const centre = await agencies.get(byKey.get('service-centre')!.id);
      assert.ok(centre.officeHours.some((h) => h.day === 6), 'the service centre opens on Saturday morning');
      const justice = await agencies.get(byKey.get('dept.justice')!.id);
      assert.ok(justice.officeHours.every((h) => h.day <= 5));
      const [tree] = await agencies.tree(byKey.get('province')!.id);
      assert.equal(tree?.children.length, first.filter((a) => a.parentId === byKey.get('province')!.id).length);
    });

    test('does map each sector to one seeded department when linking the catalogue', async () => {
      const seeded = new Set((await seedDemoAgencies(database)).map((a) => a.code));
      const seen = new Set<string>();
      for (const [code, sectors] of Object.entries(sectorDepartments)) {
        assert.ok(seeded.has(code), `${code} is a demo agency`);
        for (const sector of sectors) {
          assert.ok(!seen.has(sector), `${sector} is mapped once`);
          seen.add(sector);
        }
      }
      assert.equal(departmentCodeForSector('Hộ tịch'), demoAgencyCodes['dept.justice']);
      assert.equal(departmentCodeForSector('ho tich'), demoAgencyCodes['dept.justice']);
      assert.equal(departmentCodeForSector('Đất đai'), demoAgencyCodes['dept.agriculture-environment']);
      assert.equal(departmentCodeForSector('Hoạt động xây dựng'), demoAgencyCodes['dept.construction']);
      assert.equal(departmentCodeForSector('Thành lập và hoạt động của doanh nghiệp'), demoAgencyCodes['dept.finance']);
      assert.equal(departmentCodeForSector('Quản lý xuất nhập cảnh'), demoAgencyCodes.police);
      assert.equal(departmentCodeForSector('Thuế'), undefined, 'tax offices are central, not provincial departments');

      // The names must be the catalogue's own: the main province-level sectors all occur in it. (One catalogue
      // name, "Cấp, quản lý căn cước", is published in decomposed Unicode; the mapping holds the NFC form.)
      const catalogueSectors = new Set(
        gunzipSync(readFileSync(catalogueFile))
          .toString('utf8')
          .split('\n')
          .filter((line) => line.trim())
          .map((line) => (JSON.parse(line) as { linh_vuc: string }).linh_vuc.normalize('NFC')),
      );
      assert.equal(departmentCodeForSector('Cấp, quản lý căn cước'.normalize('NFD')), demoAgencyCodes.police);
      for (const sector of ['Hộ tịch', 'Chứng thực', 'Đất đai', 'Hoạt động xây dựng', 'Cấp, quản lý căn cước', 'Giảm nghèo']) {
        assert.ok(catalogueSectors.has(sector), sector);
      }
      const inCatalogue = [...seen].filter((s) => catalogueSectors.has(s)).length;
      assert.ok(inCatalogue >= 80, `${inCatalogue} mapped sectors occur in the catalogue`);
    });
  });

  describe('UsersService', () => {
    test('does create a citizen and verify the right password but not a wrong one', async () => {
      const user = await users.create({
        kind: 'citizen',
        username: '  Lan.Nguyen@Example.vn ',
        displayName: 'Nguyễn Thị Lan',
        password: 'mật khẩu dài',
      });
      assert.equal(user.username, 'lan.nguyen@example.vn');
      assert.deepEqual(user.roles, []);
      assert.equal(user.agencyId, null);
      assert.equal((await users.verifyPassword('LAN.NGUYEN@example.vn', 'mật khẩu dài'))?.id, user.id);
      // The same password typed in decomposed Unicode (another input method) still matches.
      assert.equal((await users.verifyPassword('lan.nguyen@example.vn', 'mật khẩu dài'.normalize('NFD')))?.id, user.id);
      assert.equal(await users.verifyPassword('lan.nguyen@example.vn', 'mat khau dai'), null);
      assert.equal(await users.verifyPassword('nobody@example.vn', 'mật khẩu dài'), null);

      const stored = await database.db.selectFrom('app_user').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
      assert.match(stored.password_hash, /^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      assert.ok(!stored.password_hash.includes('mật khẩu'));
    });

    test('does refuse the username when it is already taken in any case', async () => {
      await assert.rejects(
        users.create({ kind: 'citizen', username: 'LAN.NGUYEN@EXAMPLE.VN', displayName: 'Lan', password: 'another-password' }),
        hasCode(AdminErrors.userUsernameTaken.code),
      );
    });

    test('does enforce roles and agencies when an officer is created', async () => {
      const agency = await agencies.getByCode('000.00.00.H56');
      const officer = await users.create({
        kind: 'officer',
        username: 'kh.desk',
        displayName: 'Cán bộ một cửa',
        password: 'officer-password',
        agencyId: agency.id,
        roles: ['desk', 'handler', 'desk'],
      });
      assert.deepEqual(officer.roles, ['desk', 'handler']);
      assert.equal(officer.agencyId, agency.id);

      const admin = await users.create({ kind: 'officer', username: 'root-admin', displayName: 'Admin', password: 'admin-password', roles: ['system_admin'] });
      assert.equal(admin.agencyId, null);

      const base = { kind: 'officer' as const, displayName: 'X', password: 'long-enough' };
      await assert.rejects(users.create({ ...base, username: 'no.agency', roles: ['handler'] }), hasCode(AdminErrors.userAgencyRequired.code));
      await assert.rejects(users.create({ ...base, username: 'no.roles', agencyId: agency.id }), hasCode(AdminErrors.userRoleInvalid.code));
      await assert.rejects(
        users.create({ ...base, username: 'bad.role', agencyId: agency.id, roles: ['mayor'] }),
        hasCode(AdminErrors.userRoleInvalid.code),
      );
      await assert.rejects(
        users.create({ ...base, username: 'ghost.agency', agencyId: 999_999, roles: ['desk'] }),
        hasCode(AdminErrors.agencyNotFound.code),
      );
      await assert.rejects(
        users.create({ kind: 'citizen', username: 'citizen.role', displayName: 'C', password: 'long-enough', roles: ['desk'] }),
        hasCode(AdminErrors.userRoleInvalid.code),
      );
      await assert.rejects(
        users.create({ kind: 'citizen', username: 'citizen.agency', displayName: 'C', password: 'long-enough', agencyId: agency.id }),
        hasCode(AdminErrors.userAgencyRequired.code),
      );
      await assert.rejects(users.create({ ...base, username: 'x', roles: ['system_admin'] }), hasCode(AdminErrors.userUsernameInvalid.code));
      await assert.rejects(users.create({ ...base, username: 'short.pw', password: 'short', roles: ['system_admin'] }), hasCode(AdminErrors.userPasswordWeak.code));
      await assert.rejects(users.get(999_999), hasCode(AdminErrors.userNotFound.code));
      assert.equal((await users.getByUsername('KH.DESK')).id, officer.id);
    });

    test('does verify a hash made with the default cost and reject a tampered or foreign hash', async () => {
      const hash = await hashPassword(demoPassword);
      assert.match(hash, /^scrypt\$32768\$8\$3\$/);
      assert.equal(await checkPassword(demoPassword, hash), true);
      assert.equal(await checkPassword('Demo@2025', hash), false);
      const parts = hash.split('$');
      parts[5] = Buffer.alloc(32, 1).toString('base64');
      assert.equal(await checkPassword(demoPassword, parts.join('$')), false);
      assert.equal(await checkPassword(demoPassword, '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA'), false);
      assert.equal(await checkPassword(demoPassword, 'scrypt$3$8$1$AAAA$AAAA'), false);
    });

    test('does create the demo accounts once and sign them in when seeded twice', async () => {
      const demoAgencies = await seedDemoAgencies(database);
      const first = await seedDemoUsers(database, demoAgencies, { hashParams: fastHash });
      const userCount = async () =>
        Number((await database.db.selectFrom('app_user').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const countAfterFirst = await userCount();
      const second = await seedDemoUsers(database, demoAgencies, { hashParams: fastHash });
      assert.deepEqual(second, first);
      assert.equal(await userCount(), countAfterFirst);

      assert.equal(first.length, 19);
      assert.deepEqual(first[0], { username: 'citizen@demo.motcua.vn', password: 'Demo@2026', role: 'citizen', agencyName: null });
      assert.deepEqual(
        first.filter((a) => a.agencyName === 'Trung tâm Phục vụ hành chính công tỉnh Ninh Bình').map((a) => a.role),
        ['desk', 'handler', 'leader'],
      );
      assert.deepEqual(first.filter((a) => a.agencyName === 'Sở Tư pháp tỉnh Ninh Bình').map((a) => a.role), ['desk', 'handler', 'leader']);
      assert.deepEqual(first.filter((a) => a.agencyName?.startsWith('Ủy ban nhân dân phường')).map((a) => a.role), ['desk', 'handler', 'leader', 'agency_admin']);
      assert.deepEqual(first.filter((a) => a.agencyName === 'Sở Xây dựng tỉnh Ninh Bình').map((a) => a.role), ['desk', 'handler', 'leader', 'agency_admin']);
      assert.deepEqual(first.filter((a) => a.agencyName === 'Công an tỉnh Ninh Bình').map((a) => a.role), ['desk', 'handler', 'leader']);
      assert.ok(first.some((a) => a.role === 'system_admin' && a.agencyName === null));

      for (const account of first) {
        const user = await users.verifyPassword(account.username, account.password);
        assert.ok(user, account.username);
        assert.deepEqual(user.roles, account.role === 'citizen' ? [] : [account.role]);
      }
    });
  });
});

async function agencyCount(database: Database): Promise<number> {
  const row = await database.db.selectFrom('agency').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
