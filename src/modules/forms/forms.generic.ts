import type { FileField, FormDefinition, InputField, Paragraph } from './forms.schema.js';
import { declaration, personNamePattern, txt } from './definitions/shared.js';

/**
 * A form for any procedure offered online that has no written e-form: the applicant (filled from the profile),
 * an optional free-text request, and one upload per document the catalogue lists, with the counts the catalogue
 * states ("1 bản chính, 1 bản sao") in its hint. Rows of the list that are notes rather than documents (no count)
 * are shown as a note.
 */

/** A required document as the catalogue parser gives it (structurally the catalogue's ParsedRequirement). */
export interface CatalogueRequirement {
  name: string;
  formTemplate: string | null;
  originals: number;
  copies: number;
  group: string | null;
}

export interface GenericProcedure {
  code: string;
  name: string;
  /** Version of the procedure's catalogue content the form is built from. */
  version?: number;
  content: { requirements: CatalogueRequirement[]; decisionNumber?: string };
}

const MAX_LABEL = 140;
// Rows that only apply in some cases, or are shown at the desk, are not required uploads.
const CONDITIONAL = /^(?:\(?[ivx]+\)\s*)?(?:trường hợp|đối với|nếu|khi|riêng|ngoài ra)/iu;
const CONDITIONAL_ANYWHERE = /trong trường hợp|\(nếu\s/iu;
const MANDATORY_GROUP = /^giấy tờ phải nộp/iu;
// The paper declaration's electronic counterpart is this form itself, not an upload.
const ANSWERED_BY_THIS_FORM = /điện tử tương tác|biểu mẫu điện tử/iu;

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The first sentence of a requirement, short enough for a label (the whole text goes in the hint). */
export function requirementLabel(name: string): { label: string; truncated: boolean } {
  const text = collapse(name).replace(/^[.;:\s-]+/u, '');
  const sentence = /^(.{12,}?)(?:[;:]|\.(?=\s|$))/u.exec(text);
  let label = sentence ? sentence[1]!.trim() : text;
  if (label.length > MAX_LABEL) {
    const cut = label.slice(0, MAX_LABEL);
    label = `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 40)).trim()}…`;
  }
  return { label, truncated: label !== text.replace(/[.;]\s*$/u, '') };
}

function countText(r: CatalogueRequirement): { vi: string; en: string } {
  const vi: string[] = [];
  const en: string[] = [];
  if (r.originals > 0) {
    vi.push(`${r.originals} bản chính`);
    en.push(`${r.originals} original${r.originals > 1 ? 's' : ''}`);
  }
  if (r.copies > 0) {
    vi.push(`${r.copies} bản sao`);
    en.push(`${r.copies} ${r.copies > 1 ? 'copies' : 'copy'}`);
  }
  return { vi: `Số lượng: ${vi.join(', ')}.`, en: `Count: ${en.join(', ')}.` };
}

export function isRequiredUpload(r: CatalogueRequirement): boolean {
  const name = collapse(r.name);
  if (CONDITIONAL.test(name) || CONDITIONAL_ANYWHERE.test(name)) return false;
  return r.group === null || MANDATORY_GROUP.test(collapse(r.group));
}

/** Builds the generic e-form of a procedure from its catalogue content. */
export function genericDefinition(procedure: GenericProcedure): FormDefinition {
  const documents: FileField[] = [];
  const notes: string[] = [];
  const seen = new Set<string>();
  for (const requirement of procedure.content.requirements) {
    const name = collapse(requirement.name);
    if (!name) continue;
    if (requirement.originals + requirement.copies === 0) {
      notes.push(name);
      continue;
    }
    if (ANSWERED_BY_THIS_FORM.test(name)) continue;
    // The same document is often listed once per case (1.1, 1.2 …): one upload is enough.
    const key = name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    const { label, truncated } = requirementLabel(name);
    const counts = countText(requirement);
    const hintVi = [truncated ? name : '', requirement.group ? `Áp dụng: ${collapse(requirement.group)}.` : '', counts.vi, requirement.formTemplate ? `Mẫu: ${requirement.formTemplate}.` : '']
      .filter(Boolean)
      .join(' ');
    const hintEn = [truncated ? name : '', requirement.group ? `Applies to: ${collapse(requirement.group)}.` : '', counts.en, requirement.formTemplate ? `Template: ${requirement.formTemplate}.` : '']
      .filter(Boolean)
      .join(' ');
    documents.push({
      id: `document${documents.length + 1}`,
      type: 'file',
      label: txt(label, label),
      hint: txt(hintVi, hintEn),
      required: isRequiredUpload(requirement),
      accept: ['pdf', 'jpeg', 'png'],
      maxSizeMb: 10,
      maxFiles: Math.min(Math.max(requirement.originals + requirement.copies, 1) * 2, 10),
      vaultReusable: true,
      requirementName: name,
    });
  }

  const applicantFields: InputField[] = [
    {
      id: 'applicantName',
      type: 'text',
      label: txt('Họ, chữ đệm và tên', 'Full name'),
      required: true,
      autocomplete: 'name',
      prefill: 'profile.fullName',
      prefillLocked: true,
      validation: { maxLength: 100, pattern: personNamePattern },
    },
    {
      id: 'applicantBirthDate',
      type: 'date',
      label: txt('Ngày, tháng, năm sinh', 'Date of birth'),
      required: true,
      autocomplete: 'bday',
      prefill: 'profile.birthDate',
      prefillLocked: true,
      validation: { notInFuture: true },
    },
    {
      id: 'applicantPersonalId',
      type: 'personalId',
      label: txt('Số định danh cá nhân', 'Personal identification number'),
      required: true,
      prefill: 'profile.personalId',
      prefillLocked: true,
      validation: { birthDateField: 'applicantBirthDate' },
    },
    {
      id: 'applicantAddress',
      type: 'address',
      label: txt('Nơi cư trú', 'Place of residence'),
      required: true,
      prefill: 'profile.address',
    },
    {
      id: 'applicantPhone',
      type: 'phone',
      label: txt('Số điện thoại', 'Phone number'),
      required: true,
      prefill: 'profile.phone',
    },
    {
      id: 'applicantEmail',
      type: 'email',
      label: txt('Thư điện tử', 'Email address'),
      prefill: 'profile.email',
    },
  ];

  const noteParagraphs: Paragraph[] =
    notes.length > 0
      ? [
          {
            id: 'catalogueNotes',
            type: 'paragraph',
            style: 'note',
            text: txt(`Lưu ý:\n${notes.map((n) => `• ${n}`).join('\n')}`, `Notes (in Vietnamese, as published):\n${notes.map((n) => `• ${n}`).join('\n')}`),
          },
        ]
      : [];

  const decision = procedure.content.decisionNumber?.trim();
  return {
    procedureCode: procedure.code,
    version: Math.max(1, procedure.version ?? 1),
    generic: true,
    title: txt(procedure.name, procedure.name),
    legalBasis: decision
      ? txt(
          `Biểu mẫu điện tử chung, dựng từ thành phần hồ sơ công bố tại Quyết định số ${decision}`,
          `Generic e-form built from the documents listed by Decision ${decision}`,
        )
      : txt('Biểu mẫu điện tử chung, dựng từ thành phần hồ sơ trong danh mục thủ tục hành chính', 'Generic e-form built from the documents listed in the procedure catalogue'),
    applicant: {
      fullName: 'applicantName',
      personalId: 'applicantPersonalId',
      phone: 'applicantPhone',
      email: 'applicantEmail',
      address: 'applicantAddress',
    },
    sections: [
      {
        id: 'applicant',
        title: txt('Người đề nghị', 'Your details'),
        intro: txt(
          'Thông tin của bạn được lấy từ tài khoản định danh điện tử.',
          'Your details come from your electronic identity account.',
        ),
        fields: applicantFields,
      },
      {
        id: 'request',
        title: txt('Nội dung đề nghị', 'Your request'),
        fields: [
          {
            id: 'requestDetails',
            type: 'textarea',
            label: txt('Nội dung đề nghị', 'What you are asking for'),
            hint: txt('Nêu ngắn gọn yêu cầu của bạn và thông tin cơ quan cần biết', 'Briefly say what you ask for and anything the office should know'),
            rows: 5,
            validation: { maxLength: 2000 },
          },
        ],
      },
      {
        id: 'documents',
        title: txt('Thành phần hồ sơ', 'Documents'),
        intro: txt(
          'Tải lên bản chụp hoặc bản quét rõ nét, đủ trang của từng giấy tờ. Giấy tờ đã có trong kho dữ liệu của bạn có thể dùng lại.',
          'Upload a clear photo or scan of every page of each document. Documents already in your vault can be reused.',
        ),
        fields: [
          ...noteParagraphs,
          ...documents,
          declaration(
            'declaration',
            'Tôi xin cam đoan những thông tin khai trên và các giấy tờ kèm theo là đúng sự thật, và chịu trách nhiệm trước pháp luật về nội dung đã khai.',
            'I declare that the information above and the attached documents are true, and take legal responsibility for them.',
          ),
        ],
      },
    ],
  };
}
