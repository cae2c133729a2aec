import type { FormDefinition, InputField } from '../forms.schema.js';
import { declaration, ethnicityOptions, NATIONALITY_VN, personNamePattern, txt } from './shared.js';

type Party = 'wife' | 'husband';

/**
 * One party's block of the declaration. Marriage age: a man from full 20 years, a woman from full 18 years
 * (Law on Marriage and Family 2014, art. 8.1.a). The party who applies is filled from the profile.
 */
function partyFields(party: Party): InputField[] {
  const female = party === 'wife';
  const when = { field: 'applicantRole', equals: party };
  return [
    {
      id: `${party}Name`,
      type: 'text',
      label: txt('Họ, chữ đệm và tên', 'Full name'),
      required: true,
      prefill: 'profile.fullName',
      prefillWhen: when,
      prefillLocked: true,
      validation: { maxLength: 100, pattern: personNamePattern },
    },
    {
      id: `${party}BirthDate`,
      type: 'date',
      label: txt('Ngày, tháng, năm sinh', 'Date of birth'),
      hint: female
        ? txt('Bên nữ phải từ đủ 18 tuổi trở lên', 'The woman must be at least 18')
        : txt('Bên nam phải từ đủ 20 tuổi trở lên', 'The man must be at least 20'),
      required: true,
      prefill: 'profile.birthDate',
      prefillWhen: when,
      prefillLocked: true,
      validation: { notInFuture: true, minAgeYears: female ? 18 : 20 },
    },
    {
      id: `${party}Ethnicity`,
      type: 'select',
      label: txt('Dân tộc', 'Ethnicity'),
      required: true,
      options: ethnicityOptions,
    },
    {
      id: `${party}Nationality`,
      type: 'text',
      label: txt('Quốc tịch', 'Nationality'),
      required: true,
      defaultValue: NATIONALITY_VN,
      width: 'medium',
      validation: { maxLength: 60 },
    },
    {
      id: `${party}PersonalId`,
      type: 'personalId',
      label: txt('Số định danh cá nhân', 'Personal identification number'),
      required: true,
      prefill: 'profile.personalId',
      prefillWhen: when,
      prefillLocked: true,
      validation: { birthDateField: `${party}BirthDate`, sex: female ? 'female' : 'male' },
    },
    {
      id: `${party}Address`,
      type: 'address',
      label: txt('Nơi cư trú', 'Place of residence'),
      required: true,
      prefill: 'profile.address',
      prefillWhen: when,
    },
    {
      id: `${party}MarriageOrdinal`,
      type: 'number',
      label: txt('Kết hôn lần thứ mấy', 'Number of this marriage'),
      errorLabel: txt('lần kết hôn', 'the number of this marriage'),
      hint: txt('Ghi 1 nếu kết hôn lần đầu', 'Enter 1 for a first marriage'),
      required: true,
      validation: { min: 1, max: 10 },
    },
  ];
}

/** 1.000894 Đăng ký kết hôn — the interactive marriage declaration (Luật Hộ tịch 2014 art. 17–18). */
export const marriageRegistration: FormDefinition = {
  procedureCode: '1.000894',
  version: 1,
  title: txt('Tờ khai đăng ký kết hôn', 'Marriage registration declaration'),
  legalBasis: txt(
    'Tờ khai đăng ký kết hôn, mẫu ban hành kèm theo Thông tư số 04/2024/TT-BTP của Bộ Tư pháp',
    'Marriage registration declaration, form annexed to Circular 04/2024/TT-BTP of the Ministry of Justice',
  ),
  applicant: {
    fullName: 'applicantName',
    personalId: 'applicantPersonalId',
    phone: 'applicantPhone',
    email: 'applicantEmail',
  },
  sections: [
    {
      id: 'applicant',
      title: txt('Người nộp hồ sơ', 'Person applying'),
      intro: txt(
        'Một trong hai bên nộp hồ sơ trực tuyến; hai bên khai chung trong một tờ khai.',
        'One of the two people applies online; both are declared in one form.',
      ),
      fields: [
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
          id: 'applicantPersonalId',
          type: 'personalId',
          label: txt('Số định danh cá nhân', 'Personal identification number'),
          required: true,
          prefill: 'profile.personalId',
          prefillLocked: true,
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
        {
          id: 'applicantRole',
          type: 'radio',
          label: txt('Bạn là bên nào?', 'Which person are you?'),
          errorLabel: txt('bạn là bên nam hay bên nữ', 'whether you are the woman or the man'),
          required: true,
          options: [
            { value: 'wife', label: txt('Bên nữ', 'The woman') },
            { value: 'husband', label: txt('Bên nam', 'The man') },
          ],
        },
        {
          id: 'presenceNote',
          type: 'paragraph',
          style: 'warning',
          text: txt(
            'Khi nhận Giấy chứng nhận kết hôn, hai bên nam, nữ phải cùng có mặt và ký vào Sổ đăng ký kết hôn.',
            'Both people must come together to receive the marriage certificate and sign the register.',
          ),
        },
      ],
    },
    {
      id: 'wife',
      title: txt('Thông tin bên nữ', "The woman's details"),
      fields: partyFields('wife'),
    },
    {
      id: 'husband',
      title: txt('Thông tin bên nam', "The man's details"),
      fields: partyFields('husband'),
    },
    {
      id: 'confirm',
      title: txt('Giấy tờ kèm theo và cam đoan', 'Documents and declaration'),
      fields: [
        {
          id: 'residenceProof',
          type: 'file',
          label: txt('Giấy tờ chứng minh thông tin về cư trú', 'Proof of residence'),
          hint: txt(
            'Chỉ cần khi cơ quan đăng ký hộ tịch không khai thác được nơi cư trú của bạn từ Cơ sở dữ liệu quốc gia về dân cư.',
            'Only needed when the office cannot read your residence from the national population database.',
          ),
          accept: ['pdf', 'jpeg', 'png'],
          maxSizeMb: 10,
          maxFiles: 2,
          vaultReusable: true,
          requirementName: 'Giấy tờ có giá trị chứng minh thông tin về cư trú',
        },
        {
          id: 'copies',
          type: 'number',
          label: txt('Số bản sao Giấy chứng nhận kết hôn đề nghị cấp', 'Number of certified copies of the marriage certificate'),
          unit: txt('bản', 'copies'),
          validation: { min: 0, max: 10 },
        },
        declaration(
          'declaration',
          'Chúng tôi cam đoan những lời khai trên đây là đúng sự thật, việc kết hôn của chúng tôi là tự nguyện, không vi phạm quy định của Luật Hôn nhân và gia đình Việt Nam. Chúng tôi chịu trách nhiệm trước pháp luật về cam đoan của mình.',
          'We declare that the above is true, that we marry of our own free will and that our marriage breaks no rule of the Law on Marriage and Family. We take legal responsibility for this declaration.',
        ),
      ],
    },
  ],
};
