import type { FormDefinition } from '../forms.schema.js';
import { declaration, ethnicityOptions, NATIONALITY_VN, personNamePattern, sexOptions, txt } from './shared.js';

/**
 * 1.001612 Đăng ký thành lập hộ kinh doanh — application for household business registration (Decree
 * 168/2025/NĐ-CP; form of Circular 68/2025/TT-BTC). The owner is the applicant; when the members of a household
 * found the business together, each member is listed and their authorisation of the owner is attached.
 */
export const householdBusiness: FormDefinition = {
  procedureCode: '1.001612',
  version: 1,
  title: txt('Giấy đề nghị đăng ký hộ kinh doanh', 'Application to register a household business'),
  legalBasis: txt(
    'Giấy đề nghị đăng ký hộ kinh doanh, mẫu ban hành kèm theo Thông tư số 68/2025/TT-BTC của Bộ Tài chính',
    'Application for household business registration, form annexed to Circular 68/2025/TT-BTC of the Ministry of Finance',
  ),
  applicant: {
    fullName: 'ownerName',
    personalId: 'ownerPersonalId',
    phone: 'ownerPhone',
    email: 'ownerEmail',
    address: 'ownerAddress',
  },
  sections: [
    {
      id: 'owner',
      title: txt('Chủ hộ kinh doanh', 'Owner of the household business'),
      fields: [
        {
          id: 'ownerName',
          type: 'text',
          label: txt('Họ, chữ đệm và tên', 'Full name'),
          required: true,
          autocomplete: 'name',
          prefill: 'profile.fullName',
          prefillLocked: true,
          validation: { maxLength: 100, pattern: personNamePattern },
        },
        {
          id: 'ownerBirthDate',
          type: 'date',
          label: txt('Ngày, tháng, năm sinh', 'Date of birth'),
          hint: txt('Chủ hộ kinh doanh phải từ đủ 18 tuổi', 'The owner must be at least 18'),
          required: true,
          prefill: 'profile.birthDate',
          prefillLocked: true,
          validation: { notInFuture: true, minAgeYears: 18 },
        },
        {
          id: 'ownerSex',
          type: 'radio',
          label: txt('Giới tính', 'Sex'),
          required: true,
          inline: true,
          options: sexOptions,
          prefill: 'profile.sex',
          prefillLocked: true,
        },
        {
          id: 'ownerEthnicity',
          type: 'select',
          label: txt('Dân tộc', 'Ethnicity'),
          required: true,
          options: ethnicityOptions,
        },
        {
          id: 'ownerNationality',
          type: 'text',
          label: txt('Quốc tịch', 'Nationality'),
          required: true,
          defaultValue: NATIONALITY_VN,
          width: 'medium',
          validation: { maxLength: 60 },
        },
        {
          id: 'ownerPersonalId',
          type: 'personalId',
          label: txt('Số định danh cá nhân', 'Personal identification number'),
          required: true,
          prefill: 'profile.personalId',
          prefillLocked: true,
          validation: { birthDateField: 'ownerBirthDate', sexField: 'ownerSex' },
        },
        {
          id: 'ownerAddress',
          type: 'address',
          label: txt('Địa chỉ liên lạc', 'Contact address'),
          required: true,
          prefill: 'profile.address',
        },
        {
          id: 'ownerPhone',
          type: 'phone',
          label: txt('Số điện thoại', 'Phone number'),
          required: true,
          prefill: 'profile.phone',
        },
        {
          id: 'ownerEmail',
          type: 'email',
          label: txt('Thư điện tử', 'Email address'),
          prefill: 'profile.email',
        },
        {
          id: 'foundedBy',
          type: 'radio',
          label: txt('Ai thành lập hộ kinh doanh?', 'Who is setting up the business?'),
          errorLabel: txt('ai thành lập hộ kinh doanh', 'who is setting up the business'),
          required: true,
          options: [
            { value: 'individual', label: txt('Cá nhân tôi', 'Just me') },
            {
              value: 'household',
              label: txt('Các thành viên hộ gia đình', 'Members of my household'),
              hint: txt(
                'Các thành viên ủy quyền cho bạn làm chủ hộ kinh doanh; bạn sẽ khai từng thành viên và tải lên văn bản ủy quyền.',
                'The members authorise you as owner; you will list each member and upload their authorisation.',
              ),
            },
          ],
        },
      ],
    },
    {
      id: 'business',
      title: txt('Thông tin hộ kinh doanh', 'About the business'),
      fields: [
        {
          id: 'businessName',
          type: 'text',
          label: txt('Tên hộ kinh doanh', 'Business name'),
          hint: txt(
            'Gồm cụm từ «Hộ kinh doanh» và tên riêng, ví dụ: Hộ kinh doanh Bánh mì Cô Ba. Tên không được trùng với hộ kinh doanh khác trong cùng xã, phường.',
            'The words «Hộ kinh doanh» followed by the business’s own name, e.g. Hộ kinh doanh Bánh mì Cô Ba. It must differ from other household businesses in the same commune.',
          ),
          required: true,
          validation: {
            maxLength: 120,
            pattern: { regex: '[Hh][ộỘ] [Kk]inh [Dd]oanh [\\p{L}\\p{N}][\\p{L}\\p{M}\\p{N} &.,\'-]*', messageKey: 'forms.validation.pattern.householdBusinessName' },
          },
        },
        {
          id: 'businessAddress',
          type: 'address',
          label: txt('Địa chỉ trụ sở hộ kinh doanh', 'Business address'),
          required: true,
        },
        {
          id: 'businessPhone',
          type: 'phone',
          label: txt('Số điện thoại của hộ kinh doanh', 'Business phone number'),
        },
        {
          id: 'sectors',
          type: 'group',
          label: txt('Ngành, nghề kinh doanh', 'Lines of business'),
          hint: txt(
            'Ghi tên ngành và, nếu biết, mã ngành cấp 4 theo Hệ thống ngành kinh tế Việt Nam.',
            'Give each line of business and, if you know it, its 4-digit code in the Vietnam Standard Industrial Classification.',
          ),
          itemLabel: txt('Ngành, nghề {n}', 'Line of business {n}'),
          minItems: 1,
          maxItems: 20,
          fields: [
            {
              id: 'sectorName',
              type: 'text',
              label: txt('Tên ngành, nghề', 'Line of business'),
              required: true,
              validation: { maxLength: 200 },
            },
            {
              id: 'sectorCode',
              type: 'text',
              label: txt('Mã ngành cấp 4', '4-digit code'),
              width: 'short',
              validation: { pattern: { regex: '\\d{4}', messageKey: 'forms.validation.pattern.sectorCode' } },
            },
          ],
        },
        {
          id: 'capital',
          type: 'money',
          label: txt('Vốn kinh doanh', 'Business capital'),
          hint: txt('Tổng số vốn, bằng đồng Việt Nam, ví dụ 50.000.000', 'Total capital in Vietnamese đồng, e.g. 50.000.000'),
          required: true,
          validation: { min: 1 },
        },
        {
          id: 'employees',
          type: 'number',
          label: txt('Tổng số lao động (dự kiến)', 'Number of workers (expected)'),
          unit: txt('người', 'people'),
          required: true,
          validation: { min: 0, max: 10000 },
        },
      ],
    },
    {
      id: 'members',
      title: txt('Thành viên hộ gia đình tham gia thành lập', 'Household members setting up the business'),
      showIf: { field: 'foundedBy', equals: 'household' },
      intro: txt('Khai các thành viên khác ngoài chủ hộ kinh doanh.', 'List the members other than the owner.'),
      fields: [
        {
          id: 'members',
          type: 'group',
          label: txt('Thành viên', 'Members'),
          itemLabel: txt('Thành viên {n}', 'Member {n}'),
          minItems: 1,
          maxItems: 20,
          fields: [
            {
              id: 'memberName',
              type: 'text',
              label: txt('Họ, chữ đệm và tên', 'Full name'),
              required: true,
              validation: { maxLength: 100, pattern: personNamePattern },
            },
            {
              id: 'memberBirthDate',
              type: 'date',
              label: txt('Ngày, tháng, năm sinh', 'Date of birth'),
              required: true,
              validation: { notInFuture: true },
            },
            {
              id: 'memberSex',
              type: 'radio',
              label: txt('Giới tính', 'Sex'),
              required: true,
              inline: true,
              options: sexOptions,
            },
            {
              id: 'memberPersonalId',
              type: 'personalId',
              label: txt('Số định danh cá nhân', 'Personal identification number'),
              required: true,
              validation: { birthDateField: 'memberBirthDate', sexField: 'memberSex' },
            },
            {
              id: 'memberAddress',
              type: 'address',
              label: txt('Nơi cư trú', 'Place of residence'),
              required: true,
            },
          ],
        },
      ],
    },
    {
      id: 'documents',
      title: txt('Giấy tờ kèm theo và cam kết', 'Documents and declaration'),
      fields: [
        {
          id: 'membersAuthorisation',
          type: 'file',
          label: txt('Văn bản ủy quyền của các thành viên hộ gia đình', 'Authorisation from the household members'),
          hint: txt(
            'Văn bản các thành viên ủy quyền cho một thành viên làm chủ hộ kinh doanh, đã được công chứng hoặc chứng thực.',
            'The notarised or certified letter by which the members make one of them the owner.',
          ),
          required: true,
          showIf: { field: 'foundedBy', equals: 'household' },
          accept: ['pdf', 'jpeg', 'png'],
          maxSizeMb: 10,
          maxFiles: 3,
          vaultReusable: true,
          requirementName: 'Bản sao văn bản ủy quyền của thành viên hộ gia đình',
        },
        declaration(
          'declaration',
          'Tôi cam kết: bản thân không thuộc trường hợp bị cấm thành lập hộ kinh doanh; trụ sở hộ kinh doanh thuộc quyền sở hữu hoặc quyền sử dụng hợp pháp của tôi; và chịu trách nhiệm trước pháp luật về tính hợp pháp, chính xác, trung thực của nội dung đăng ký.',
          'I confirm that I am not barred from setting up a household business, that I own or may lawfully use the business premises, and that I am legally responsible for the lawfulness, accuracy and truth of this registration.',
        ),
      ],
    },
  ],
};
