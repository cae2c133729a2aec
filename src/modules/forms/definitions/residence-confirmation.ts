import type { FormDefinition } from '../forms.schema.js';
import { declaration, personNamePattern, sexOptions, txt } from './shared.js';

/**
 * 1.010041 Xác nhận thông tin về cư trú — the residence information change/confirmation declaration (form CT01).
 * Online, the citizen fills this e-form instead of attaching CT01 (catalogue note); the result is form CT07.
 */
export const residenceConfirmation: FormDefinition = {
  procedureCode: '1.010041',
  version: 1,
  title: txt('Đề nghị xác nhận thông tin về cư trú', 'Request to confirm residence information'),
  legalBasis: txt(
    'Tờ khai thay đổi thông tin cư trú (Mẫu CT01 ban hành kèm theo Thông tư số 53/2025/TT-BCA của Bộ Công an)',
    'Residence information declaration (form CT01 annexed to Circular 53/2025/TT-BCA of the Ministry of Public Security)',
  ),
  applicant: {
    fullName: 'fullName',
    personalId: 'personalId',
    phone: 'phone',
    email: 'email',
    address: 'residenceAddress',
  },
  sections: [
    {
      id: 'applicant',
      title: txt('Người đề nghị', 'Your details'),
      intro: txt(
        'Thông tin lấy từ Cơ sở dữ liệu quốc gia về dân cư. Nếu có sai sót, hãy đề nghị điều chỉnh thông tin trong cơ sở dữ liệu trước.',
        'These details come from the national population database. If something is wrong, ask for it to be corrected there first.',
      ),
      fields: [
        {
          id: 'fullName',
          type: 'text',
          label: txt('Họ, chữ đệm và tên', 'Full name'),
          required: true,
          autocomplete: 'name',
          prefill: 'profile.fullName',
          prefillLocked: true,
          validation: { maxLength: 100, pattern: personNamePattern },
        },
        {
          id: 'birthDate',
          type: 'date',
          label: txt('Ngày, tháng, năm sinh', 'Date of birth'),
          required: true,
          autocomplete: 'bday',
          prefill: 'profile.birthDate',
          prefillLocked: true,
          validation: { notInFuture: true },
        },
        {
          id: 'sex',
          type: 'radio',
          label: txt('Giới tính', 'Sex'),
          required: true,
          inline: true,
          options: sexOptions,
          prefill: 'profile.sex',
          prefillLocked: true,
        },
        {
          id: 'personalId',
          type: 'personalId',
          label: txt('Số định danh cá nhân', 'Personal identification number'),
          required: true,
          prefill: 'profile.personalId',
          prefillLocked: true,
          validation: { birthDateField: 'birthDate', sexField: 'sex' },
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
      id: 'request',
      title: txt('Nội dung đề nghị xác nhận', 'What to confirm'),
      fields: [
        {
          id: 'contents',
          type: 'checkboxes',
          label: txt('Thông tin cần xác nhận', 'Information to confirm'),
          hint: txt('Chọn tất cả các mục cần xác nhận', 'Select all that apply'),
          required: true,
          options: [
            { value: 'permanent', label: txt('Nơi thường trú', 'Permanent residence') },
            { value: 'temporary', label: txt('Nơi tạm trú', 'Temporary residence') },
            { value: 'current', label: txt('Nơi ở hiện tại', 'Current place of living') },
            { value: 'history', label: txt('Quá trình cư trú', 'Residence history') },
          ],
          validation: { minSelected: 1 },
        },
        {
          id: 'historyFrom',
          type: 'date',
          label: txt('Xác nhận quá trình cư trú từ ngày', 'Confirm residence history from'),
          required: true,
          showIf: { field: 'contents', equals: 'history' },
          validation: { notInFuture: true },
        },
        {
          id: 'residenceAddress',
          type: 'address',
          label: txt('Địa chỉ nơi cư trú cần xác nhận', 'Address to confirm'),
          required: true,
          prefill: 'profile.address',
        },
        {
          id: 'purpose',
          type: 'textarea',
          label: txt('Mục đích sử dụng', 'What you need the confirmation for'),
          hint: txt(
            'Ví dụ: bổ sung hồ sơ xin việc, làm thủ tục vay vốn, nhập học cho con',
            "For example: a job application, a loan, enrolling a child at school",
          ),
          required: true,
          rows: 3,
          validation: { maxLength: 500 },
        },
        {
          id: 'householdHeadName',
          type: 'text',
          label: txt('Họ, chữ đệm và tên chủ hộ', 'Full name of the head of household'),
          hint: txt('Để trống nếu bạn là chủ hộ', 'Leave empty if you are the head of household'),
          validation: { maxLength: 100, pattern: personNamePattern },
        },
        {
          id: 'relationshipToHead',
          type: 'text',
          label: txt('Quan hệ với chủ hộ', 'Relationship to the head of household'),
          hint: txt('Ví dụ: con, vợ, cháu', 'For example: child, wife, grandchild'),
          width: 'medium',
          validation: { maxLength: 40 },
        },
        {
          id: 'resultNote',
          type: 'paragraph',
          style: 'note',
          text: txt(
            'Kết quả là văn bản Xác nhận thông tin về cư trú (mẫu CT07), gửi vào tài khoản của bạn trên Cổng dịch vụ công.',
            'The result is a residence information confirmation (form CT07), sent to your account on the public service portal.',
          ),
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
