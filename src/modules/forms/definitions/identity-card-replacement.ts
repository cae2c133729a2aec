import type { FormDefinition } from '../forms.schema.js';
import { declaration, personNamePattern, sexOptions, txt } from './shared.js';

const forSelf = { field: 'applyingFor', equals: 'self' };

/**
 * 1.014064 Cấp lại thẻ căn cước — request form DC02 (Circular 17/2024/TT-BCA). Replacement is for a lost card or
 * for a person who regained Vietnamese nationality (Law on Identification 2023, art. 24.2); a damaged card is an
 * exchange, another procedure. A parent or guardian applies for a child under 14.
 */
export const identityCardReplacement: FormDefinition = {
  procedureCode: '1.014064',
  version: 1,
  title: txt('Phiếu đề nghị cấp lại thẻ căn cước', 'Request to replace an identity card'),
  legalBasis: txt(
    'Phiếu đề nghị giải quyết thủ tục về căn cước (Mẫu DC02 ban hành kèm theo Thông tư số 17/2024/TT-BCA của Bộ Công an)',
    'Identity procedure request (form DC02 annexed to Circular 17/2024/TT-BCA of the Ministry of Public Security)',
  ),
  applicant: {
    fullName: 'applicantName',
    personalId: 'applicantPersonalId',
    phone: 'phone',
    email: 'email',
    address: 'address',
  },
  sections: [
    {
      id: 'applicant',
      title: txt('Người làm thủ tục', 'Who is applying'),
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
          id: 'applyingFor',
          type: 'radio',
          label: txt('Bạn đề nghị cấp lại thẻ cho ai?', 'Whose card is it?'),
          errorLabel: txt('người được cấp lại thẻ', 'whose card it is'),
          required: true,
          options: [
            { value: 'self', label: txt('Cho tôi', 'Mine') },
            {
              value: 'child',
              label: txt('Cho người dưới 14 tuổi mà tôi là người đại diện hợp pháp', 'A child under 14 I am the legal representative of'),
            },
          ],
        },
        {
          id: 'phone',
          type: 'phone',
          label: txt('Số điện thoại', 'Phone number'),
          required: true,
          prefill: 'profile.phone',
        },
        {
          id: 'email',
          type: 'email',
          label: txt('Thư điện tử', 'Email address'),
          prefill: 'profile.email',
        },
      ],
    },
    {
      id: 'holder',
      title: txt('Người được cấp lại thẻ', 'The card holder'),
      fields: [
        {
          id: 'holderName',
          type: 'text',
          label: txt('Họ, chữ đệm và tên', 'Full name'),
          required: true,
          prefill: 'profile.fullName',
          prefillWhen: forSelf,
          prefillLocked: true,
          validation: { maxLength: 100, pattern: personNamePattern },
        },
        {
          id: 'otherName',
          type: 'text',
          label: txt('Tên gọi khác', 'Other name'),
          hint: txt('Nếu có', 'If any'),
          validation: { maxLength: 100, pattern: personNamePattern },
        },
        {
          id: 'holderBirthDate',
          type: 'date',
          label: txt('Ngày, tháng, năm sinh', 'Date of birth'),
          required: true,
          prefill: 'profile.birthDate',
          prefillWhen: forSelf,
          prefillLocked: true,
          validation: { notInFuture: true },
        },
        {
          id: 'holderSex',
          type: 'radio',
          label: txt('Giới tính', 'Sex'),
          required: true,
          inline: true,
          options: sexOptions,
          prefill: 'profile.sex',
          prefillWhen: forSelf,
          prefillLocked: true,
        },
        {
          id: 'holderPersonalId',
          type: 'personalId',
          label: txt('Số định danh cá nhân', 'Personal identification number'),
          hint: txt('Số in trên thẻ bị mất', 'The number on the lost card'),
          required: true,
          prefill: 'profile.personalId',
          prefillWhen: forSelf,
          prefillLocked: true,
          validation: { birthDateField: 'holderBirthDate', sexField: 'holderSex' },
        },
        {
          id: 'address',
          type: 'address',
          label: txt('Nơi cư trú', 'Place of residence'),
          required: true,
          prefill: 'profile.address',
          prefillWhen: forSelf,
        },
      ],
    },
    {
      id: 'request',
      title: txt('Nội dung đề nghị', 'Your request'),
      fields: [
        {
          id: 'reason',
          type: 'radio',
          label: txt('Lý do cấp lại', 'Reason'),
          required: true,
          options: [
            { value: 'lost', label: txt('Thẻ căn cước bị mất', 'The card was lost') },
            { value: 'nationality', label: txt('Được trở lại quốc tịch Việt Nam', 'Vietnamese nationality was restored') },
          ],
        },
        {
          id: 'lostDate',
          type: 'date',
          label: txt('Ngày phát hiện mất thẻ', 'Date you noticed the loss'),
          required: true,
          showIf: { field: 'reason', equals: 'lost' },
          validation: { notInFuture: true },
        },
        {
          id: 'lostCircumstances',
          type: 'textarea',
          label: txt('Hoàn cảnh mất thẻ', 'How the card was lost'),
          showIf: { field: 'reason', equals: 'lost' },
          rows: 3,
          validation: { maxLength: 500 },
        },
        {
          id: 'delivery',
          type: 'radio',
          label: txt('Bạn muốn nhận thẻ ở đâu?', 'Where do you want to receive the card?'),
          errorLabel: txt('nơi nhận thẻ', 'where to receive the card'),
          required: true,
          options: [
            { value: 'office', label: txt('Tại cơ quan Công an nơi làm thủ tục', 'At the police office handling the request') },
            { value: 'post', label: txt('Chuyển phát đến địa chỉ của tôi', 'By post to my address') },
          ],
        },
        {
          id: 'deliveryAddress',
          type: 'address',
          label: txt('Địa chỉ nhận thẻ', 'Delivery address'),
          required: true,
          showIf: { field: 'delivery', equals: 'post' },
        },
        {
          id: 'biometricsNote',
          type: 'paragraph',
          style: 'note',
          text: txt(
            'Cơ quan Công an dùng ảnh khuôn mặt và vân tay đã có trong Cơ sở dữ liệu căn cước. Nếu cần thu nhận lại, bạn sẽ được hẹn đến làm thủ tục.',
            'The police use the face image and fingerprints already in the identity database. If they must be taken again, you will be given an appointment.',
          ),
        },
      ],
    },
    {
      id: 'documents',
      title: txt('Giấy tờ kèm theo và cam đoan', 'Documents and declaration'),
      fields: [
        {
          id: 'guardianProof',
          type: 'file',
          label: txt('Giấy tờ chứng minh bạn là người đại diện hợp pháp', 'Proof that you are the legal representative'),
          hint: txt('Ví dụ: giấy khai sinh của trẻ, quyết định công nhận giám hộ', "For example: the child's birth certificate, a guardianship decision"),
          required: true,
          showIf: { field: 'applyingFor', equals: 'child' },
          accept: ['pdf', 'jpeg', 'png'],
          maxSizeMb: 10,
          maxFiles: 2,
          vaultReusable: true,
          requirementName: 'Giấy tờ, tài liệu có giá trị pháp lý chứng minh là người đại diện hợp pháp của người dưới 14 tuổi',
        },
        declaration(
          'declaration',
          'Tôi cam đoan những thông tin kê khai trên là đúng sự thật và chịu trách nhiệm trước pháp luật về nội dung đã kê khai.',
          'I declare that the above is true and take legal responsibility for it.',
        ),
      ],
    },
  ],
};
