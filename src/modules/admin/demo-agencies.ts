import type { Database } from '../../platform/db/database.js';
import { DomainError } from '../../platform/errors/errors.js';
import { fold } from '../../platform/i18n/fold.js';
import { AdminErrors } from './admin.errors.js';
import { AgencyRepository } from './agency.repository.js';
import { AgencyService, type AgencyInput, type AgencyKind, type OfficeHours } from './agency.service.js';
import { UnitsRepository } from './units.repository.js';
import { UsersRepository } from './users.repository.js';
import { UsersService, type OfficerRole, type PasswordHashParams } from './users.service.js';

/**
 * Demo data for one province: Ninh Bình as reorganised on 1 July 2025 (old Ninh Bình, Hà Nam and Nam Định merged by
 * Resolution 202/2025/QH15; province code 37 in Official Letter 915/CTK-CSCL), with its People's Committee, the
 * provincial Public Administration Service Centre, the departments that handle most procedures, the provincial police
 * and a few real communes and wards taken from the imported administrative units.
 *
 * Identifier codes follow the layout of Decision 20/2020/QĐ-TTg in the form still printed on the national portal,
 * `V1V2V3.Z1Z2.Y1Y2.MX1X2`: H42 is Ninh Bình's level-1 code in Annex I (provinces numbered in alphabetical order:
 * Nghệ An H41, Ninh Bình H42, Quảng Ninh H49); the merged province keeps it (unverified). The level-2 and level-3
 * groups, addresses, telephone numbers and e-mail addresses are illustrative: the real ones are issued and published
 * by the Province People's Committee (as Hà Nội did in Decision 4078/QĐ-UBND of 1 August 2025) and must replace
 * these before any real use. E-mail addresses use a demo domain so that a demo never writes to a real office.
 */

export const demoProvinceCode = '37';
const level1 = 'H42';
const mailDomain = 'ninhbinh.demo.motcua.vn';

/** One agency the seed created or refreshed. `key` names its role in the demo (e.g. `dept.justice`). */
export interface DemoAgency {
  key: string;
  id: number;
  code: string;
  name: string;
  kind: AgencyKind;
  parentId: number | null;
  communeCode: string | null;
}

// State agencies work 40 hours a week, Monday to Friday (Decision 188/1999/QĐ-TTg); the province sets the exact
// times. The provincial service centre also receives dossiers on Saturday morning.
function weekdays(morningOpen: string): OfficeHours[] {
  const hours: OfficeHours[] = [];
  for (let day = 1; day <= 5; day += 1) {
    hours.push({ day, open: morningOpen, close: '11:30' }, { day, open: '13:30', close: '17:00' });
  }
  return hours;
}
const officeHours = weekdays('07:00');
const serviceCentreHours: OfficeHours[] = [...weekdays('07:30'), { day: 6, open: '07:30', close: '11:30' }];

interface ProvincialSpec {
  key: string;
  /** Level-2 group Y1Y2 under the province. */
  group: string;
  kind: AgencyKind;
  name: string;
  nameEn: string;
  shortName: string;
  address: string;
  phone: string;
  mailbox: string;
}

const provincialAgencies: ProvincialSpec[] = [
  {
    key: 'service-centre',
    group: '30',
    kind: 'service_centre',
    name: 'Trung tâm Phục vụ hành chính công tỉnh Ninh Bình',
    nameEn: 'Ninh Binh Provincial Public Administration Service Centre',
    shortName: 'Trung tâm PVHCC tỉnh',
    address: 'Đường Tràng An, phường Hoa Lư, tỉnh Ninh Bình',
    phone: '0229 3628 628',
    mailbox: 'ttpvhcc',
  },
  {
    key: 'dept.home-affairs',
    group: '01',
    kind: 'department',
    name: 'Sở Nội vụ tỉnh Ninh Bình',
    nameEn: 'Ninh Binh Department of Home Affairs',
    shortName: 'Sở Nội vụ',
    address: 'Đường Lê Hồng Phong, phường Hoa Lư, tỉnh Ninh Bình',
    phone: '0229 3871 101',
    mailbox: 'sonoivu',
  },
  {
    key: 'dept.justice',
    group: '02',
    kind: 'department',
    name: 'Sở Tư pháp tỉnh Ninh Bình',
    nameEn: 'Ninh Binh Department of Justice',
    shortName: 'Sở Tư pháp',
    address: 'Đường Lê Đại Hành, phường Hoa Lư, tỉnh Ninh Bình',
    phone: '0229 3871 102',
    mailbox: 'sotuphap',
  },
  {
    key: 'dept.finance',
    group: '03',
    kind: 'department',
    name: 'Sở Tài chính tỉnh Ninh Bình',
    nameEn: 'Ninh Binh Department of Finance',
    shortName: 'Sở Tài chính',
    address: 'Đường Trần Hưng Đạo, phường Hoa Lư, tỉnh Ninh Bình',
    phone: '0229 3871 103',
    mailbox: 'sotaichinh',
  },
  {
    key: 'dept.industry-trade',
    group: '04',
    kind: 'department',
    name: 'Sở Công Thương tỉnh Ninh Bình',
    nameEn: 'Ninh Binh Department of Industry and Trade',
    shortName: 'Sở Công Thương',
    address: 'Đường Hùng Vương, phường Nam Định, tỉnh Ninh Bình',
    phone: '0228 3849 104',
    mailbox: 'socongthuong',
  },
  {
    key: 'dept.agriculture-environment',
    group: '05',
    kind: 'department',
    name: 'Sở Nông nghiệp và Môi trường tỉnh Ninh Bình',
    nameEn: 'Ninh Binh Department of Agriculture and Environment',
    shortName: 'Sở Nông nghiệp và Môi trường',
    address: 'Đường Trần Hưng Đạo, phường Hoa Lư, tỉnh Ninh Bình',
    phone: '0229 3871 105',
    mailbox: 'sonnmt',
  },
  {
    key: 'dept.construction',
    group: '06',
    kind: 'department',
    name: 'Sở Xây dựng tỉnh Ninh Bình',
    nameEn: 'Ninh Binh Department of Construction',
    shortName: 'Sở Xây dựng',
    address: 'Đường Lê Hoàn, phường Phủ Lý, tỉnh Ninh Bình',
    phone: '0226 3852 106',
    mailbox: 'soxaydung',
  },
  {
    key: 'dept.science-technology',
    group: '07',
    kind: 'department',
    name: 'Sở Khoa học và Công nghệ tỉnh Ninh Bình',
    nameEn: 'Ninh Binh Department of Science and Technology',
    shortName: 'Sở Khoa học và Công nghệ',
    address: 'Đường Lê Đại Hành, phường Hoa Lư, tỉnh Ninh Bình',
    phone: '0229 3871 107',
    mailbox: 'sokhcn',
  },
  {
    key: 'dept.culture-sports-tourism',
    group: '08',
    kind: 'department',
    name: 'Sở Văn hóa, Thể thao và Du lịch tỉnh Ninh Bình',
    nameEn: 'Ninh Binh Department of Culture, Sports and Tourism',
    shortName: 'Sở Văn hóa, Thể thao và Du lịch',
    address: 'Đường Trần Hưng Đạo, phường Hoa Lư, tỉnh Ninh Bình',
    phone: '0229 3871 108',
    mailbox: 'sovhttdl',
  },
  {
    key: 'dept.education-training',
    group: '09',
    kind: 'department',
    name: 'Sở Giáo dục và Đào tạo tỉnh Ninh Bình',
    nameEn: 'Ninh Binh Department of Education and Training',
    shortName: 'Sở Giáo dục và Đào tạo',
    address: 'Đường Trường Thi, phường Nam Định, tỉnh Ninh Bình',
    phone: '0228 3849 109',
    mailbox: 'sogddt',
  },
  {
    key: 'dept.health',
    group: '10',
    kind: 'department',
    name: 'Sở Y tế tỉnh Ninh Bình',
    nameEn: 'Ninh Binh Department of Health',
    shortName: 'Sở Y tế',
    address: 'Đường Hải Thượng Lãn Ông, phường Hoa Lư, tỉnh Ninh Bình',
    phone: '0229 3871 110',
    mailbox: 'soyte',
  },
  {
    // The provincial police belong to the Ministry of Public Security, not to the People's Committee; they are listed
    // under the province because they take part in its procedure system (Ninh Bình Decision 163/2025/QĐ-CTUBND,
    // art. 2(1)(đ)) and handle residence, identity and exit-entry procedures.
    key: 'police',
    group: '20',
    kind: 'other',
    name: 'Công an tỉnh Ninh Bình',
    nameEn: 'Ninh Binh Provincial Police',
    shortName: 'Công an tỉnh',
    address: 'Đường Đinh Tiên Hoàng, phường Hoa Lư, tỉnh Ninh Bình',
    phone: '0229 3871 120',
    mailbox: 'congantinh',
  },
];

interface CommuneSpec {
  /** Commune code from Decision 19/2025/QĐ-TTg; the name comes from the imported units. */
  unitCode: string;
  /** Level-2 group Y1Y2 of the commune's People's Committee. */
  group: string;
  phone: string;
}

/** Four wards and two communes, one or more from each of the three merged provinces. */
const demoCommunes: CommuneSpec[] = [
  { unitCode: '14329', group: '51', phone: '0229 3872 151' }, // Phường Hoa Lư (provincial capital)
  { unitCode: '13669', group: '52', phone: '0228 3849 152' }, // Phường Nam Định
  { unitCode: '13285', group: '53', phone: '0226 3852 153' }, // Phường Phủ Lý
  { unitCode: '14362', group: '54', phone: '0229 3864 154' }, // Phường Tam Điệp
  { unitCode: '14464', group: '55', phone: '0229 3640 155' }, // Xã Gia Viễn
  { unitCode: '14638', group: '56', phone: '0229 3862 156' }, // Xã Kim Sơn
];

const codeOf = (group: string, sub = '00') => `000.${sub}.${group}.${level1}`;
export const demoProvinceCommitteeCode = codeOf('00');

/** Agency code of each provincial agency of the demo, by key. */
export const demoAgencyCodes: Readonly<Record<string, string>> = Object.fromEntries([
  ['province', demoProvinceCommitteeCode],
  ...provincialAgencies.map((spec) => [spec.key, codeOf(spec.group)]),
]);

const code = (key: string) => demoAgencyCodes[key]!;

/**
 * Which provincial agency handles which catalogue sector (`linh_vuc`) for province-level procedures, keyed by agency
 * code. Sector names are exactly as in the national catalogue (in NFC; match with `departmentCodeForSector`, which
 * also folds case and diacritics); the tasks follow the 2025 reorganisation of provincial
 * departments (Decree 45/2025/NĐ-CP) and the handling agencies the catalogue itself names, e.g. business registration
 * with Finance, poverty reduction with Agriculture and Environment, driving licences and criminal records with the
 * police, merits and emulation with Home Affairs. Sectors of centrally managed bodies (tax, customs, state bank,
 * social insurance, treasury, courts, judgment enforcement) are deliberately absent: no provincial department handles
 * them. Commune-level procedures go to every commune People's Committee instead (at commune level, residence and
 * identity are the commune police's, which the demo does not model as agencies).
 */
export const sectorDepartments: Readonly<Record<string, string[]>> = deepFreeze({
  [code('dept.justice')]: [
    'Hộ tịch',
    'Chứng thực',
    'Nuôi con nuôi',
    'Quốc tịch',
    'Luật sư',
    'Công chứng',
    'Thừa phát lại',
    'Giám định tư pháp',
    'Trợ giúp pháp lý',
    'Tư vấn pháp luật',
    'Đấu giá tài sản',
    'Trọng tài thương mại',
    'Hòa giải thương mại',
    'Hòa giải ở cơ sở',
    'Quản tài viên',
    'Bồi thường nhà nước',
  ],
  [code('dept.finance')]: [
    'Thành lập và hoạt động của doanh nghiệp',
    'Thành lập và hoạt động doanh nghiệp xã hội',
    'Thành lập và hoạt động của tổ hợp tác, hợp tác xã, liên hiệp hợp tác xã',
    'Thành lập và sắp xếp lại doanh nghiệp do Nhà nước nắm giữ 100 phần trăm vốn điều lệ',
    'Đầu tư tại Việt nam',
    'Đầu tư theo phương thức đối tác công tư',
    'Đấu thầu',
    'Đấu thầu lựa chọn nhà đầu tư',
    'Hỗ trợ doanh nghiệp nhỏ và vừa',
    'Hỗ trợ doanh nghiệp',
    'Hỗ trợ đầu tư',
    'Tài chính doanh nghiệp',
    'Quản lý công sản',
    'Quản lý giá',
  ],
  [code('dept.construction')]: [
    'Hoạt động xây dựng',
    'Quản lý chất lượng công trình xây dựng',
    'Nhà ở và công sở',
    'Kinh doanh bất động sản',
    'Quy hoạch đô thị và nông thôn',
    'Kiến trúc',
    'Hạ tầng kỹ thuật',
    'Phát triển đô thị',
    'Vật liệu xây dựng',
    'Đường bộ',
    'Hàng hải và đường thủy nội địa',
    'Đăng kiểm',
    'Giao thông vận tải',
  ],
  [code('dept.agriculture-environment')]: [
    'Đất đai',
    'Tài chính đất đai',
    'Đăng ký biện pháp bảo đảm',
    'Đo đạc, bản đồ và thông tin địa lý',
    'Địa chất và khoáng sản',
    'Tài nguyên nước',
    'Môi trường',
    'Biến đổi khí hậu',
    'Biển và hải đảo',
    'Khí tượng, thủy văn',
    'Bảo tồn thiên nhiên và Đa dạng sinh học',
    'Nông nghiệp',
    'Trồng trọt',
    'Trồng trọt và Bảo vệ thực vật',
    'Chăn nuôi',
    'Thú y',
    'Thủy sản',
    'Lâm nghiệp',
    'Kiểm lâm',
    'Thủy lợi',
    'Quản lý Đê điều và Phòng, chống thiên tai',
    'Quản lý chất lượng nông lâm sản và thủy sản',
    'Kinh tế hợp tác và Phát triển nông thôn',
    'Đầu tư vào nông nghiệp, nông thôn',
    'Giảm nghèo',
  ],
  [code('dept.home-affairs')]: ['Người có công', 'Thi đua – Khen thưởng', 'Thi đua khen thưởng'],
  [code('dept.science-technology')]: ['Khoa học và Công nghệ', 'Khoa học công nghệ', 'Quản lý chất lượng sản phẩm, hàng hoá'],
  // The July 2026 catalogue extract has no procedures of the following sectors yet; the names are those of the
  // national portal, so that a fuller catalogue links without a code change.
  [code('dept.industry-trade')]: ['Lưu thông hàng hóa trong nước', 'Điện', 'Hóa chất', 'Kinh doanh khí', 'Xúc tiến thương mại'],
  [code('dept.culture-sports-tourism')]: ['Văn hóa', 'Du lịch', 'Thể dục thể thao', 'Gia đình', 'Di sản văn hóa'],
  [code('dept.education-training')]: [
    'Giáo dục và Đào tạo thuộc hệ thống giáo dục quốc dân',
    'Giáo dục nghề nghiệp',
    'Hệ thống văn bằng, chứng chỉ',
  ],
  [code('dept.health')]: ['Khám bệnh, chữa bệnh', 'Dược phẩm', 'Y tế dự phòng', 'Bảo trợ xã hội', 'Trẻ em'],
  [code('police')]: [
    'Cấp, quản lý căn cước',
    'Đăng ký, quản lý cư trú',
    'Định danh và xác thực điện tử',
    'Quản lý xuất nhập cảnh',
    'Đăng ký, quản lý con dấu',
    'Quản lý vũ khí, vật liệu nổ, công cụ hỗ trợ và pháo',
    'Quản lý ngành nghề đầu tư, kinh doanh có điều kiện về an ninh, trật tự',
    'Phòng cháy, chữa cháy',
    'Đăng ký, quản lý phương tiện giao thông cơ giới, xe máy chuyên dùng',
    'Sát hạch, cấp giấy phép lái xe',
    'Bảo đảm trật tự, an toàn giao thông đường bộ',
    'Kiểm tra kiến thức pháp luật về trật tự, an toàn giao thông đường bộ',
    'Lý lịch tư pháp',
    // Spelled "nghiên" in the catalogue; kept as published so the names match.
    'Tổ chức cai nghiên ma túy và quản lý sau cai nghiện',
    'Bảo vệ dữ liệu cá nhân',
    'Đảm bảo an toàn thông tin, an ninh mạng',
  ],
});

/** The mapping is shared configuration: frozen so that no caller can change it for everyone else. */
function deepFreeze(mapping: Record<string, string[]>): Readonly<Record<string, string[]>> {
  for (const sectors of Object.values(mapping)) Object.freeze(sectors);
  return Object.freeze(mapping);
}

const departmentBySector = new Map<string, string>(
  Object.entries(sectorDepartments).flatMap(([agencyCode, sectors]) => sectors.map((s) => [fold(s), agencyCode] as const)),
);

/** The demo agency code handling a province-level procedure of this sector, if a provincial department does. */
export function departmentCodeForSector(sector: string): string | undefined {
  return departmentBySector.get(fold(sector));
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * Creates or refreshes the demo agencies of Ninh Bình (idempotent: agencies are matched by code and updated to the
 * values above, so a second run changes nothing). Needs the administrative units imported first.
 */
export async function seedDemoAgencies(database: Database): Promise<DemoAgency[]> {
  return database.db.transaction().execute(async (trx) => {
    const units = new UnitsRepository(trx);
    const service = new AgencyService(new AgencyRepository(trx), units);
    const province = await units.findCurrentUnit(demoProvinceCode);
    if (!province) {
      if (!(await units.currentEdition())) throw new DomainError(AdminErrors.unitsNotLoaded);
      throw new DomainError(AdminErrors.unitNotFound, { params: { code: demoProvinceCode } });
    }
    const seeded: DemoAgency[] = [];
    const upsert = async (key: string, input: AgencyInput) => {
      const existing = await service.getByCode(input.code).catch((error: unknown) => {
        if (error instanceof DomainError && error.code === AdminErrors.agencyNotFound.code) return undefined;
        throw error;
      });
      const view = existing ? await service.update(existing.id, { ...input, active: true }) : await service.create(input);
      seeded.push({
        key,
        id: view.id,
        code: view.code,
        name: view.name,
        kind: view.kind,
        parentId: view.parentId,
        communeCode: view.communeCode,
      });
      return view;
    };

    const committee = await upsert('province', {
      code: demoProvinceCommitteeCode,
      kind: 'province_committee',
      name: `Ủy ban nhân dân ${province.kind.toLocaleLowerCase('vi')} ${province.name}`,
      nameEn: `${province.name_en ?? 'Ninh Binh'} Provincial People's Committee`,
      shortName: 'UBND tỉnh Ninh Bình',
      provinceCode: demoProvinceCode,
      address: 'Đường Lê Hồng Phong, phường Hoa Lư, tỉnh Ninh Bình',
      phone: '0229 3871 100',
      email: `ubnd@${mailDomain}`,
      officeHours,
    });

    for (const spec of provincialAgencies) {
      await upsert(spec.key, {
        code: codeOf(spec.group),
        parentId: committee.id,
        kind: spec.kind,
        name: spec.name,
        nameEn: spec.nameEn,
        shortName: spec.shortName,
        provinceCode: demoProvinceCode,
        address: spec.address,
        phone: spec.phone,
        email: `${spec.mailbox}@${mailDomain}`,
        officeHours: spec.kind === 'service_centre' ? serviceCentreHours : officeHours,
      });
    }

    for (const spec of demoCommunes) {
      const unit = await units.findCurrentUnit(spec.unitCode);
      if (!unit || unit.level !== 'commune' || unit.parent_code !== demoProvinceCode) {
        throw new DomainError(AdminErrors.unitNotFound, { params: { code: spec.unitCode } });
      }
      // "Phường Hoa Lư" → "phường Hoa Lư" inside a longer name, as Vietnamese official names write it.
      const unitName = `${unit.kind.toLocaleLowerCase('vi')} ${unit.name}`;
      const unitNameEn = unit.full_name_en ?? `${unit.name_en ?? unit.name}`;
      const slug = fold(unit.name).replace(/[^a-z0-9]+/g, '');
      const communeCommittee = await upsert(`commune.${unit.code}`, {
        code: codeOf(spec.group),
        parentId: committee.id,
        kind: 'commune_committee',
        name: `Ủy ban nhân dân ${unitName}`,
        nameEn: `${unitNameEn} People's Committee`,
        shortName: `UBND ${unitName}`,
        communeCode: unit.code,
        address: `Trụ sở Ủy ban nhân dân ${unitName}, tỉnh Ninh Bình`,
        phone: spec.phone,
        email: `ubnd.${slug}@${mailDomain}`,
        officeHours,
      });
      // Every commune has its own public-administration service centre (Decree 118/2025/NĐ-CP art. 7(3)).
      await upsert(`commune.${unit.code}.centre`, {
        code: codeOf(spec.group, '01'),
        parentId: communeCommittee.id,
        kind: 'service_centre',
        name: `Trung tâm Phục vụ hành chính công ${unitName}`,
        nameEn: `${unitNameEn} Public Administration Service Centre`,
        shortName: `Trung tâm PVHCC ${unitName}`,
        communeCode: unit.code,
        address: `Trụ sở Ủy ban nhân dân ${unitName}, tỉnh Ninh Bình`,
        phone: spec.phone,
        email: `ttpvhcc.${slug}@${mailDomain}`,
        officeHours,
      });
    }
    return seeded;
  });
}

// ---------------------------------------------------------------------------------------------------------------

/** A demo account and its password, for the caller to print. Demo only: never seed these on a real installation. */
export interface DemoAccount {
  username: string;
  password: string;
  role: 'citizen' | OfficerRole;
  agencyName: string | null;
}

/** The one password of every demo account; documented in the demo's start-up output, so never secret. */
export const demoPassword = 'Demo@2026';

interface DemoUserSpec {
  username: string;
  displayName: string;
  role: 'citizen' | OfficerRole;
  /** Key of the demo agency (see DemoAgency.key); none for the citizen and the system administrator. */
  agencyKey?: string;
}

function officerTrio(prefix: string, agencyKey: string, names: [string, string, string]): DemoUserSpec[] {
  return [
    { username: `${prefix}.desk`, displayName: names[0], role: 'desk', agencyKey },
    { username: `${prefix}.handler`, displayName: names[1], role: 'handler', agencyKey },
    { username: `${prefix}.leader`, displayName: names[2], role: 'leader', agencyKey },
  ];
}

/**
 * Creates the demo accounts (idempotent: an existing username is left as it is): one citizen, a desk officer, a
 * handler and a leader at the provincial service centre, at the Department of Justice, at the first demo commune, at
 * the Department of Construction and at the provincial police, agency administrators of the first commune and of the
 * Department of Construction, and a system administrator. `agencies` is the result of seedDemoAgencies.
 */
export async function seedDemoUsers(
  database: Database,
  agencies: readonly DemoAgency[],
  options: { hashParams?: PasswordHashParams } = {},
): Promise<DemoAccount[]> {
  const commune = agencies.find((a) => a.kind === 'commune_committee');
  // "Ủy ban nhân dân phường Hoa Lư" → "hoalu"
  const communePrefix = commune
    ? fold(commune.name.replace(/^.*?(phường|xã|đặc khu)\s+/i, '')).replace(/[^a-z0-9]+/g, '')
    : 'commune';
  const specs: DemoUserSpec[] = [
    { username: 'citizen@demo.motcua.vn', displayName: 'Nguyễn Thị Lan', role: 'citizen' },
    ...officerTrio('centre', 'service-centre', ['Trần Văn Bình', 'Lê Thị Hoa', 'Phạm Quốc Hùng']),
    ...officerTrio('justice', 'dept.justice', ['Đỗ Thị Mai', 'Vũ Văn Nam', 'Hoàng Minh Tuấn']),
    ...(commune
      ? officerTrio(communePrefix, commune.key, ['Đinh Thị Thu', 'Bùi Văn Long', 'Ngô Thị Hằng'])
      : []),
    // The demo communes receive the procedures whose internal processes are seeded (workflow module): the first
    // commune's agency administrator edits them for that commune. The inter-agency ("liên thông") steps of those
    // processes run at the Department of Construction and the provincial police, so both have officers too.
    ...(commune ? [{ username: `${communePrefix}.admin`, displayName: 'Lương Văn Khánh', role: 'agency_admin' as const, agencyKey: commune.key }] : []),
    ...officerTrio('construction', 'dept.construction', ['Mai Thị Yến', 'Tạ Quang Vinh', 'Châu Văn Đức']),
    { username: 'construction.admin', displayName: 'Kiều Thị Ngọc', role: 'agency_admin', agencyKey: 'dept.construction' },
    ...officerTrio('police', 'police', ['Lò Văn Sơn', 'Hà Thị Thanh', 'Quách Minh Khôi']),
    { username: 'admin', displayName: 'Quản trị hệ thống', role: 'system_admin' },
  ];

  const service = new UsersService(new UsersRepository(database.db), new AgencyRepository(database.db), options);
  const credentials: DemoAccount[] = [];
  for (const spec of specs) {
    const agency = spec.agencyKey === undefined ? undefined : agencies.find((a) => a.key === spec.agencyKey);
    if (spec.agencyKey !== undefined && !agency) {
      throw new DomainError(AdminErrors.agencyNotFound, { params: { key: spec.agencyKey } });
    }
    if (!(await service.findByUsername(spec.username))) {
      await service.create({
        kind: spec.role === 'citizen' ? 'citizen' : 'officer',
        username: spec.username,
        displayName: spec.displayName,
        password: demoPassword,
        agencyId: agency?.id ?? null,
        roles: spec.role === 'citizen' ? [] : [spec.role],
      });
    }
    credentials.push({ username: spec.username, password: demoPassword, role: spec.role, agencyName: agency?.name ?? null });
  }
  return credentials;
}
