import { appendAudit } from '../../platform/audit/index.js';
import type { Database } from '../../platform/db/database.js';
import { ProcessRepository } from './process.repository.js';
import { checkProcessDraft, type ProcessDraft, type StepInput } from './process.service.js';
import type { ProcessRole, ProcessStepKind } from './workflow.tables.js';

/**
 * Demo internal processes ("quy trình nội bộ") for the six procedures that have real e-forms, in the default scope
 * (every demo commune receives them). Their shape follows the sample internal process approved by Hà Nội's Public
 * Administration Service Centre (Decision 1594/QĐ-TTPVHCC of 20 November 2025): the one-stop desk receives, a
 * specialist examines and drafts, the head of the specialist office reviews, the agency's leader approves or signs,
 * and the desk returns the result; where another agency must give its opinion the dossier goes there and comes back
 * (one-stop inter-agency, "một cửa liên thông": the house construction permit consults the Department of
 * Construction, the identity card replacement the provincial police).
 *
 * These are illustrations for the demo, not the processes Ninh Bình has approved: a real installation replaces them
 * with the ones its Province People's Committee publishes (the `legal_basis` of each says so).
 */

interface DemoStep {
  kind: ProcessStepKind;
  role: ProcessRole;
  /** Key of the demo agency where the step runs (see DemoAgency.key); none: the receiving agency. */
  at?: string;
  share: number;
  name: string;
  nameEn: string;
}

interface DemoProcess {
  procedureCode: string;
  name: string;
  legalBasis: string;
  steps: DemoStep[];
}

const demoNote =
  'Nghị định số 118/2025/NĐ-CP ngày 09/6/2025 của Chính phủ về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông. ' +
  'Quy trình minh họa của bản trình diễn, dựng theo cấu trúc quy trình nội bộ tại Quyết định số 1594/QĐ-TTPVHCC ngày 20/11/2025 ' +
  'của Trung tâm Phục vụ hành chính công thành phố Hà Nội; không phải quy trình do Ủy ban nhân dân tỉnh Ninh Bình phê duyệt.';

const receive: DemoStep = {
  kind: 'receive',
  role: 'desk',
  share: 10,
  name: 'Tiếp nhận hồ sơ, kiểm tra tính đầy đủ, hợp lệ',
  nameEn: 'Receive the dossier and check it is complete',
};
const returnResult = (share: number): DemoStep => ({
  kind: 'return',
  role: 'desk',
  share,
  name: 'Trả kết quả, lưu trữ hồ sơ',
  nameEn: 'Return the result and file the dossier',
});

export const demoProcesses: readonly DemoProcess[] = [
  {
    procedureCode: '1.001193',
    name: 'Quy trình nội bộ đăng ký khai sinh',
    legalBasis: `Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP (sửa đổi, bổ sung bởi Nghị định số 07/2025/NĐ-CP); Nghị định số 120/2025/NĐ-CP; Thông tư số 04/2020/TT-BTP. ${demoNote}`,
    steps: [
      receive,
      { kind: 'handle', role: 'handler', share: 50, name: 'Công chức tư pháp – hộ tịch thẩm định hồ sơ, dự thảo Giấy khai sinh', nameEn: 'The civil status officer examines the dossier and drafts the birth certificate' },
      { kind: 'sign', role: 'leader', share: 30, name: 'Lãnh đạo Ủy ban nhân dân xã ký Giấy khai sinh', nameEn: 'The commune leader signs the birth certificate' },
      returnResult(10),
    ],
  },
  {
    procedureCode: '1.000894',
    name: 'Quy trình nội bộ đăng ký kết hôn',
    legalBasis: `Luật Hôn nhân và gia đình số 52/2014/QH13; Luật Hộ tịch số 60/2014/QH13; Nghị định số 123/2015/NĐ-CP (sửa đổi, bổ sung bởi Nghị định số 07/2025/NĐ-CP); Nghị định số 120/2025/NĐ-CP; Thông tư số 04/2020/TT-BTP. ${demoNote}`,
    steps: [
      receive,
      { kind: 'handle', role: 'handler', share: 50, name: 'Công chức tư pháp – hộ tịch thẩm định, xác minh điều kiện kết hôn', nameEn: 'The civil status officer examines the dossier and verifies the conditions for marriage' },
      { kind: 'sign', role: 'leader', share: 30, name: 'Lãnh đạo Ủy ban nhân dân xã ký Giấy chứng nhận kết hôn', nameEn: 'The commune leader signs the marriage certificate' },
      returnResult(10),
    ],
  },
  {
    procedureCode: '1.010041',
    name: 'Quy trình nội bộ xác nhận thông tin về cư trú',
    legalBasis: `Luật Cư trú số 68/2020/QH14; Thông tư số 55/2021/TT-BCA (sửa đổi, bổ sung bởi Thông tư số 66/2023/TT-BCA và Thông tư số 53/2025/TT-BCA). ${demoNote}`,
    steps: [
      receive,
      { kind: 'handle', role: 'handler', share: 60, name: 'Cán bộ đăng ký cư trú đối chiếu Cơ sở dữ liệu quốc gia về dân cư, dự thảo văn bản xác nhận', nameEn: 'The residence officer checks the national population database and drafts the confirmation' },
      { kind: 'approve', role: 'leader', share: 20, name: 'Lãnh đạo phê duyệt văn bản xác nhận', nameEn: 'A leader approves the confirmation' },
      returnResult(10),
    ],
  },
  {
    procedureCode: '1.001612',
    name: 'Quy trình nội bộ đăng ký thành lập hộ kinh doanh',
    legalBasis: `Luật Doanh nghiệp số 59/2020/QH14 (sửa đổi, bổ sung bởi Luật số 76/2025/QH15); Nghị định số 168/2025/NĐ-CP; Thông tư số 68/2025/TT-BTC. ${demoNote}`,
    steps: [
      receive,
      { kind: 'handle', role: 'handler', share: 50, name: 'Chuyên viên phòng Kinh tế thẩm định hồ sơ, dự thảo Giấy chứng nhận đăng ký hộ kinh doanh', nameEn: 'The economic office examines the dossier and drafts the household business certificate' },
      { kind: 'approve', role: 'leader', share: 15, name: 'Lãnh đạo phòng Kinh tế xem xét, trình ký', nameEn: 'The head of the economic office reviews and submits for signature' },
      { kind: 'sign', role: 'leader', share: 15, name: 'Lãnh đạo Ủy ban nhân dân xã ký Giấy chứng nhận', nameEn: 'The commune leader signs the certificate' },
      returnResult(10),
    ],
  },
  {
    procedureCode: '1.013225',
    name: 'Quy trình nội bộ cấp giấy phép xây dựng (liên thông Sở Xây dựng)',
    legalBasis: `Luật Xây dựng số 50/2014/QH13 (sửa đổi, bổ sung bởi Luật số 62/2020/QH14); Nghị định số 175/2024/NĐ-CP; Nghị định số 140/2025/NĐ-CP; Nghị định số 144/2025/NĐ-CP. ${demoNote}`,
    steps: [
      { ...receive, share: 5 },
      { kind: 'handle', role: 'handler', share: 35, name: 'Phòng Kinh tế, Hạ tầng và Đô thị thẩm định hồ sơ, kiểm tra thực địa', nameEn: 'The economic, infrastructure and urban office examines the dossier and inspects the site' },
      {
        kind: 'consult',
        role: 'handler',
        at: 'dept.construction',
        share: 30,
        name: 'Lấy ý kiến Sở Xây dựng về sự phù hợp với quy hoạch và thiết kế',
        nameEn: 'The Department of Construction gives its opinion on compliance with planning and design',
      },
      { kind: 'approve', role: 'leader', share: 10, name: 'Lãnh đạo phòng xem xét, trình ký', nameEn: 'The head of office reviews and submits for signature' },
      { kind: 'sign', role: 'leader', share: 15, name: 'Lãnh đạo Ủy ban nhân dân xã ký giấy phép xây dựng', nameEn: 'The commune leader signs the construction permit' },
      returnResult(5),
    ],
  },
  {
    procedureCode: '1.014064',
    name: 'Quy trình nội bộ cấp lại thẻ căn cước (liên thông Công an tỉnh)',
    legalBasis: `Luật Căn cước số 26/2023/QH15; Thông tư số 16/2024/TT-BCA; Thông tư số 17/2024/TT-BCA. ${demoNote}`,
    steps: [
      { ...receive, share: 10, name: 'Tiếp nhận hồ sơ, thu nhận thông tin và đặc điểm sinh trắc học', nameEn: 'Receive the dossier and capture the biometric data' },
      { kind: 'handle', role: 'handler', share: 20, name: 'Cán bộ kiểm tra, đối chiếu thông tin, chuyển dữ liệu đề nghị cấp thẻ', nameEn: 'An officer checks the data and forwards the card request' },
      {
        kind: 'consult',
        role: 'handler',
        at: 'police',
        share: 50,
        name: 'Công an tỉnh duyệt dữ liệu, đề nghị sản xuất thẻ căn cước',
        nameEn: 'The provincial police approve the data and request the card',
      },
      { kind: 'approve', role: 'leader', share: 10, name: 'Lãnh đạo phê duyệt, xác nhận kết quả', nameEn: 'A leader approves the result' },
      returnResult(10),
    ],
  },
];

export interface SeedProcessesOutcome {
  created: number;
  unchanged: number;
}

/**
 * Publishes each demo process as version 1 of its procedure's default scope, unless that scope already has a
 * definition (idempotent, and never overwrites what an administrator published since). Each publication writes a
 * `process.publish` audit event by the system. Procedures absent from the catalogue are skipped.
 * `agencies` is the result of the admin module's seedDemoAgencies (keys → ids for inter-agency steps).
 */
export async function seedDemoProcesses(database: Database, agencies: readonly { key: string; id: number }[]): Promise<SeedProcessesOutcome> {
  const repository = new ProcessRepository(database.db);
  const byKey = new Map(agencies.map((a) => [a.key, a.id]));
  const outcome: SeedProcessesOutcome = { created: 0, unchanged: 0 };
  for (const demo of demoProcesses) {
    const procedure = await repository.procedureByCode(demo.procedureCode);
    if (!procedure) continue;
    const steps: StepInput[] = demo.steps.map((s) => {
      const agencyId = s.at === undefined ? null : byKey.get(s.at);
      if (agencyId === undefined) throw new Error(`demo process ${demo.procedureCode}: no demo agency ${s.at}`);
      return { kind: s.kind, role: s.role, agency: agencyId === null ? 'receiving' : String(agencyId), share: String(s.share), name: s.name, nameEn: s.nameEn };
    });
    const draft: ProcessDraft = { name: demo.name, legalBasis: demo.legalBasis, steps };
    const named = [...new Set(steps.filter((s) => s.agency !== 'receiving').map((s) => Number(s.agency)))];
    const found = await repository.agenciesByIds(named);
    const checked = checkProcessDraft(draft, { agencies: new Map(found.map((a) => [a.id, a])), scopeAgencyId: null });
    if (!checked.clean) throw new Error(`demo process ${demo.procedureCode} breaks the rules: ${JSON.stringify(checked.problems)}`);
    const clean = checked.clean;
    const created = await repository.transaction(async (trx) => {
      await repository.lockProcedure(trx, procedure.id);
      if (await repository.currentOfScope(procedure.id, null, trx)) return false;
      const version = await repository.nextVersion(trx, procedure.id, null);
      const id = await repository.insertCurrent(trx, { procedureId: procedure.id, agencyId: null, version, name: clean.name, legalBasis: clean.legalBasis, createdBy: null }, clean.steps);
      await appendAudit(trx, {
        actorUserId: null,
        actorKind: 'system',
        action: 'process.publish',
        subjectType: 'process_definition',
        subjectId: id,
        details: { procedureCode: procedure.code, scope: 'default', version, previousVersion: null, steps: clean.steps.length, source: 'demo-seed' },
      });
      return true;
    });
    if (created) outcome.created += 1;
    else outcome.unchanged += 1;
  }
  return outcome;
}
