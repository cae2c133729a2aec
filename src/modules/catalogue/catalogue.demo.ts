import type { Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import { CatalogueRepository } from './catalogue.repository.js';
import { demoPopularCodes, lifeEvents } from './life-events.js';

export interface DemoAgencyRef {
  id: number;
  kind: string;
  code: string;
}

/**
 * Demo data on top of the imported national catalogue: which local agencies of the demo province carry out
 * which procedures, a popularity ranking, and plain-language guides for the most common procedures.
 * Idempotent.
 */
export async function seedDemoCatalogue(
  db: Kysely<Schema>,
  agencies: DemoAgencyRef[],
  /** Department agency code → catalogue sector names it handles. */
  sectorDepartments: Record<string, string[]>,
): Promise<{ links: number; guides: number }> {
  const repository = new CatalogueRepository(db);
  const links: { procedureId: number; agencyId: number }[] = [];
  const communes = agencies.filter((a) => a.kind === 'commune_committee');
  const centre = agencies.find((a) => a.kind === 'service_centre');
  const byCode = new Map(agencies.map((a) => [a.code, a]));
  const departmentOfSector = new Map<string, DemoAgencyRef>();
  for (const [code, sectors] of Object.entries(sectorDepartments)) {
    const department = byCode.get(code);
    if (department) for (const s of sectors) departmentOfSector.set(s, department);
  }

  // Since 1 July 2025 commune-level procedures are received by every commune's People's Committee; province-level
  // ones by the provincial service centre and handled by the department of the sector (Decree 118/2025/NĐ-CP).
  for (const p of await repository.procedureIdsBy({ levels: ['commune', 'province'] })) {
    if (p.levels.includes('commune')) for (const c of communes) links.push({ procedureId: p.id, agencyId: c.id });
    if (p.levels.includes('province')) {
      if (centre) links.push({ procedureId: p.id, agencyId: centre.id });
      const department = departmentOfSector.get(p.sector);
      if (department) links.push({ procedureId: p.id, agencyId: department.id });
    }
  }
  await repository.linkAgencies(links);
  await repository.setPopularity(demoPopularCodes);

  let guides = 0;
  for (const g of demoGuides) {
    for (const locale of ['vi', 'en'] as const) {
      const text = g[locale];
      if (await repository.upsertGuide({ procedureCode: g.code, locale, summary: text.summary, body: text.body, videoUrl: null, lifeEvent: g.lifeEvent })) guides++;
    }
  }
  return { links: links.length, guides };
}

interface GuideText {
  summary: string;
  body: string;
}

// Plain-language guides written for this portal (the legal text stays on the page below them).
const demoGuides: { code: string; lifeEvent: string; vi: GuideText; en: GuideText }[] = [
  {
    code: '1.001193',
    lifeEvent: lifeEvents[0]!.key,
    vi: {
      summary: 'Đăng ký khai sinh cho con trong vòng 60 ngày kể từ ngày sinh. Không mất phí.',
      body: '1. Chuẩn bị Giấy chứng sinh do cơ sở y tế cấp (nếu bệnh viện đã gửi bản điện tử thì không cần nộp bản giấy).\n2. Khai Tờ khai đăng ký khai sinh trực tuyến; thông tin của cha, mẹ được điền sẵn từ Cơ sở dữ liệu quốc gia về dân cư.\n3. Nộp hồ sơ tại Ủy ban nhân dân cấp xã nơi cư trú của cha hoặc mẹ, hoặc nộp trực tuyến.\n4. Nhận Giấy khai sinh và trích lục ngay trong ngày làm việc hoặc theo giấy hẹn.',
    },
    en: {
      summary: 'Register your child’s birth within 60 days of the birth. It is free.',
      body: '1. Have the birth certificate issued by the hospital or clinic (if the hospital sent it electronically you do not need the paper copy).\n2. Fill in the birth registration form online; the parents’ details are prefilled from the national population database.\n3. Apply at the People’s Committee of the commune where either parent lives, or online.\n4. Receive the birth certificate and extract on the same working day or on the date given on your receipt.',
    },
  },
  {
    code: '1.000894',
    lifeEvent: lifeEvents[1]!.key,
    vi: {
      summary: 'Hai bên nam, nữ cùng đến Ủy ban nhân dân cấp xã nơi một trong hai người cư trú để đăng ký kết hôn. Không mất phí.',
      body: '1. Khai Tờ khai đăng ký kết hôn (có thể khai trực tuyến trước).\n2. Nếu một bên đăng ký thường trú ở xã khác, cần Giấy xác nhận tình trạng hôn nhân.\n3. Cả hai người có mặt khi nhận Giấy chứng nhận kết hôn và cùng ký vào sổ.',
    },
    en: {
      summary: 'Both partners register the marriage at the People’s Committee of the commune where either lives. It is free.',
      body: '1. Fill in the marriage registration form (you can do it online first).\n2. If one partner’s permanent residence is in another commune, bring a certificate of marital status.\n3. Both partners attend to receive the marriage certificate and sign the register.',
    },
  },
  {
    code: '1.004222',
    lifeEvent: lifeEvents[2]!.key,
    vi: {
      summary: 'Đăng ký thường trú khi chuyển đến chỗ ở hợp pháp mới. Nộp trực tuyến trên Cổng dịch vụ công hoặc tại Công an cấp xã.',
      body: '1. Chuẩn bị giấy tờ chứng minh chỗ ở hợp pháp, hoặc văn bản đồng ý của chủ hộ, chủ sở hữu.\n2. Khai Tờ khai thay đổi thông tin cư trú.\n3. Theo dõi kết quả trên ứng dụng VNeID hoặc bằng mã hồ sơ.',
    },
    en: {
      summary: 'Register your permanent residence when you move to a new lawful home. Apply online or at the commune police.',
      body: '1. Prepare proof of your lawful residence, or the written consent of the head of household or owner.\n2. Fill in the change-of-residence form.\n3. Follow the result in the VNeID app or with your dossier code.',
    },
  },
  {
    code: '1.001612',
    lifeEvent: lifeEvents[4]!.key,
    vi: {
      summary: 'Đăng ký thành lập hộ kinh doanh tại Ủy ban nhân dân cấp xã nơi đặt trụ sở. Có thể nộp trực tuyến.',
      body: '1. Khai Giấy đề nghị đăng ký hộ kinh doanh.\n2. Kèm biên bản họp thành viên hộ gia đình nếu các thành viên cùng đăng ký.\n3. Nộp lệ phí theo mức Hội đồng nhân dân tỉnh quy định.\n4. Nhận Giấy chứng nhận đăng ký hộ kinh doanh trong 3 ngày làm việc.',
    },
    en: {
      summary: 'Register a household business at the People’s Committee of the commune where it is based. You can apply online.',
      body: '1. Fill in the household business registration request.\n2. Attach the minutes of the household members’ meeting if several members register together.\n3. Pay the fee set by the provincial People’s Council.\n4. Receive the registration certificate within 3 working days.',
    },
  },
  {
    code: '1.013225',
    lifeEvent: lifeEvents[5]!.key,
    vi: {
      summary: 'Xin giấy phép xây dựng nhà ở riêng lẻ tại Ủy ban nhân dân cấp xã. Thời hạn giải quyết 15–20 ngày.',
      body: '1. Chuẩn bị Đơn đề nghị cấp giấy phép xây dựng (Mẫu số 1 Phụ lục II Nghị định 175/2024/NĐ-CP).\n2. Giấy tờ hợp pháp về đất đai.\n3. Hai bộ bản vẽ thiết kế: mặt bằng, mặt cắt, mặt đứng, móng.\n4. Nộp trực tuyến hoặc tại bộ phận một cửa của xã; theo dõi tiến độ bằng mã hồ sơ.',
    },
    en: {
      summary: 'Apply for a construction permit for a private house at the commune People’s Committee. It takes 15–20 days.',
      body: '1. Prepare the permit application (Form 1, Annex II, Decree 175/2024/NĐ-CP).\n2. Your land-use rights papers.\n3. Two sets of design drawings: site plan, sections, elevations, foundations.\n4. Apply online or at the commune one-stop desk; follow progress with your dossier code.',
    },
  },
  {
    code: '1.010041',
    lifeEvent: lifeEvents[2]!.key,
    vi: {
      summary: 'Xin xác nhận thông tin về cư trú để dùng cho các thủ tục khác. Có thể nộp trực tuyến và nhận kết quả điện tử.',
      body: '1. Khai Tờ khai thay đổi thông tin cư trú, ghi rõ nội dung cần xác nhận.\n2. Nộp trực tuyến hoặc tại Công an cấp xã.\n3. Nhận văn bản xác nhận trong 1 ngày làm việc (trường hợp thông tin có trong cơ sở dữ liệu).',
    },
    en: {
      summary: 'Ask for a confirmation of your residence details for use in other procedures. Apply online and receive it electronically.',
      body: '1. Fill in the residence information form, saying what needs confirming.\n2. Apply online or at the commune police.\n3. Receive the confirmation within 1 working day when the data is in the national database.',
    },
  },
];
