import type { CheckboxField, Condition, FieldOption, LocalText } from '../forms.schema.js';

/** Building blocks the official forms share. */

export function txt(vi: string, en: string): LocalText {
  return { vi, en };
}

export const sexOptions: FieldOption[] = [
  { value: 'male', label: txt('Nam', 'Male') },
  { value: 'female', label: txt('Nữ', 'Female') },
];

export const yesNoOptions: FieldOption[] = [
  { value: 'yes', label: txt('Có', 'Yes') },
  { value: 'no', label: txt('Không', 'No') },
];

/**
 * The 54 ethnic groups of Viet Nam in the order and numbering of the official list (Decision 121-TCTK/PPCĐ,
 * 1979, used by the population registry), plus "foreign origin" for people of another ethnicity.
 */
const ETHNIC_GROUPS = [
  'Kinh', 'Tày', 'Thái', 'Hoa', 'Khơ-me', 'Mường', 'Nùng', 'HMông', 'Dao', 'Gia-rai',
  'Ngái', 'Ê-đê', 'Ba-na', 'Xơ-đăng', 'Sán Chay', 'Cơ-ho', 'Chăm', 'Sán Dìu', 'Hrê', 'Mnông',
  'Ra-glai', 'Xtiêng', 'Bru-Vân Kiều', 'Thổ', 'Giáy', 'Cơ-tu', 'Giẻ-Triêng', 'Mạ', 'Khơ-mú', 'Co',
  'Tà-ôi', 'Chơ-ro', 'Kháng', 'Xinh-mun', 'Hà Nhì', 'Chu-ru', 'Lào', 'La Chí', 'La Ha', 'Phù Lá',
  'La Hủ', 'Lự', 'Lô Lô', 'Chứt', 'Mảng', 'Pà Thẻn', 'Cơ Lao', 'Cống', 'Bố Y', 'Si La',
  'Pu Péo', 'Brâu', 'Ơ Đu', 'Rơ-măm',
];

export const ethnicityOptions: FieldOption[] = [
  ...ETHNIC_GROUPS.map((name, i) => ({ value: String(i + 1).padStart(2, '0'), label: txt(name, name) })),
  { value: '55', label: txt('Người nước ngoài', 'Foreign origin') },
];

/** The signed declaration that ends most official forms; the applicant must tick it. */
export function declaration(id: string, vi: string, en: string, showIf?: Condition): CheckboxField {
  return { id, type: 'checkbox', required: true, label: txt(vi, en), ...(showIf ? { showIf } : {}) };
}

export const personNamePattern = {
  // Letters of any script with their marks, spaces, apostrophes and hyphens (names of ethnic minorities use them).
  regex: "[\\p{L}][\\p{L}\\p{M} '-]*",
  messageKey: 'forms.validation.pattern.personName',
};

export const NATIONALITY_VN = 'Việt Nam';
