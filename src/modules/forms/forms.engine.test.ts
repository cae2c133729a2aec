import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../platform/errors/errors.js';
import { translator } from '../../platform/i18n/i18n.js';
import {
  birthRegistration,
  constructionPermit,
  householdBusiness,
  identityCardReplacement,
  marriageRegistration,
  residenceConfirmation,
} from './definitions/index.js';
import { pruneHidden, visibleSections, nextSection, type FormValues } from './forms.model.js';
import { applyAction, parseAction, parseMoney, parseNumber, parseSubmission, sniffFileKind } from './forms.parse.js';
import { applyPrefill, lockedFields } from './forms.prefill.js';
import { applicantOf, problemMessage, summarise } from './forms.present.js';
import { formDefinitionSchema, type FormDefinition } from './forms.schema.js';
import { checkPersonalId, requiredUploads, validateAll, validateSection } from './forms.validate.js';
import { lookups, motherProfile, today } from './forms.test-support.js';

const opts = { today, lookups };
const fields = (problems: { field: string }[]) => problems.map((p) => p.field);
const keyOf = (problems: { field: string; messageKey: string }[], field: string) => problems.find((p) => p.field === field)?.messageKey;

/** A complete, valid birth registration by the mother (what the wizard holds just before submission). */
function completeBirth(): FormValues {
  return {
    ...applyPrefill(birthRegistration, { profile: motherProfile }, { relationship: 'mother' }).values,
    childName: 'Trần Minh Khôi',
    childSex: 'male',
    childBirthDate: '2026-11-02',
    birthPlaceKind: 'facility',
    birthFacility: 'Bệnh viện Phụ sản Hà Nội',
    birthPlace: { province: '01', commune: '00070', line: '929 đường La Thành' },
    childEthnicity: '01',
    childHometown: 'Phường Hoa Lư, tỉnh Ninh Bình',
    motherEthnicity: '01',
    fatherKnown: 'yes',
    fatherName: 'Trần Văn Hùng',
    fatherBirthDate: '1990-02-01',
    fatherEthnicity: '01',
    fatherNationality: 'Việt Nam',
    fatherPersonalId: '037090001234',
    fatherAddress: { province: '01', commune: '00004', line: 'Số 12 ngõ 34 phố Đội Cấn' },
    birthCertificate: [{ ref: 'u1', name: 'giay-chung-sinh.pdf', mimeType: 'application/pdf', size: 240_000, source: 'upload' }],
    declaration: true,
  };
}

describe('parseSubmission', () => {
  test('does turn a posted page into typed, tidied values', () => {
    const values = parseSubmission(birthRegistration, 'child', {
      childName: '  Trần   Minh Khôi ',
      childSex: 'male',
      childBirthDate: '2/11/2026',
      birthPlaceKind: 'facility',
      birthFacility: 'Bệnh viện Phụ sản Hà Nội',
      'birthPlace.province': '01',
      'birthPlace.commune': '00070',
      'birthPlace.line': ' 929   đường La Thành ',
      childEthnicity: '01',
      childNationality: 'Việt Nam',
      childHometown: 'Ninh Bình',
      _csrf: 'token',
      _action: 'continue',
    });
    assert.equal(values.childName, 'Trần Minh Khôi');
    assert.equal(values.childBirthDate, '2026-11-02');
    assert.deepEqual(values.birthPlace, { province: '01', commune: '00070', line: '929 đường La Thành' });
    assert.equal('namingNote' in values, false, 'paragraphs hold no value');
    assert.equal('_csrf' in values, false);
  });

  test('does read amounts in đồng and decimals the way they are written in Viet Nam', () => {
    assert.equal(parseMoney('50.000.000'), 50_000_000);
    assert.equal(parseMoney('1,500,000 đồng'), 1_500_000);
    assert.equal(parseMoney('2 000 000đ'), 2_000_000);
    assert.equal(parseMoney('50,5 triệu'), '50,5 triệu', 'kept as typed for the error message');
    assert.equal(parseNumber('85,5', false), 85.5);
    assert.equal(parseNumber('1.250,75', false), 1250.75);
    assert.equal(parseNumber('1.200', true), 1200);
    assert.equal(parseNumber('3 tầng', true), '3 tầng');
  });

  test('does make ticked boxes true or a list, and unticked ones false or empty', () => {
    const request = parseSubmission(residenceConfirmation, 'request', { contents: ['permanent', 'history', 'history'], declaration: 'yes' });
    assert.deepEqual(request.contents, ['permanent', 'history']);
    assert.equal(request.declaration, true);
    const empty = parseSubmission(residenceConfirmation, 'request', {});
    assert.deepEqual(empty.contents, []);
    assert.equal(empty.declaration, false);
  });

  test('does read repeatable items by index, and no more than the group allows', () => {
    const body: Record<string, unknown> = { 'members.count': '2' };
    body['members[0].memberName'] = 'Lê Văn Tâm';
    body['members[0].memberSex'] = 'male';
    body['members[1].memberName'] = 'Lê Thị Hoa';
    body['members[1].memberAddress.province'] = '37';
    const values = parseSubmission(householdBusiness, 'members', body);
    const items = values.members as Record<string, unknown>[];
    assert.equal(items.length, 2);
    assert.equal(items[0]!.memberName, 'Lê Văn Tâm');
    assert.deepEqual(items[1]!.memberAddress, { province: '37', commune: '', line: '' });
    const flood = parseSubmission(householdBusiness, 'members', { 'members[500].memberName': 'x' });
    assert.equal((flood.members as unknown[]).length, 20, 'maxItems of the group');
  });

  test('does keep earlier uploads, add new ones, and ignore an empty file part', () => {
    const current: FormValues = { drawings: [{ ref: 'd1', name: 'mat-bang.pdf', mimeType: 'application/pdf', size: 1000, source: 'upload' }] };
    const values = parseSubmission(
      constructionPermit,
      'documents',
      {
        drawings: [
          { ref: 'd2', name: 'mat-dung.pdf', mimeType: 'application/pdf', size: 2000 },
          { ref: 'd3', name: '', mimeType: 'application/octet-stream', size: 0 },
        ],
        landCertificate: { ref: 'l1', name: 'so-do.jpg', mimeType: 'image/jpeg', size: 3000 },
      },
      current,
    );
    assert.deepEqual((values.drawings as { ref: string }[]).map((f) => f.ref), ['d1', 'd2']);
    assert.deepEqual((values.landCertificate as { ref: string }[]).map((f) => f.ref), ['l1']);
  });

  test('does refuse a page the form does not have', () => {
    assert.throws(() => parseSubmission(birthRegistration, 'payment', {}), (e: unknown) => e instanceof DomainError && e.code === 'FORM_SECTION_NOT_FOUND');
  });

  test('does recognise the buttons that change the page, and Continue otherwise', () => {
    assert.deepEqual(parseAction({ _action: 'refresh' }), { kind: 'refresh' });
    assert.deepEqual(parseAction({ _action: 'add:members' }), { kind: 'add', group: 'members' });
    assert.deepEqual(parseAction({ _action: 'remove:members:1' }), { kind: 'remove', group: 'members', index: 1 });
    assert.deepEqual(parseAction({ _action: 'removeFile:drawings:d1' }), { kind: 'removeFile', field: 'drawings', ref: 'd1' });
    assert.deepEqual(parseAction({ _action: 'remove:members:<script>' }), { kind: 'continue' });
    assert.deepEqual(parseAction({}), { kind: 'continue' });
  });

  test('does add and remove items within the limits of the group', () => {
    let values: FormValues = { members: [{ memberName: 'A' }] };
    values = applyAction(householdBusiness, values, { kind: 'add', group: 'members' });
    assert.equal((values.members as unknown[]).length, 2);
    values = applyAction(householdBusiness, values, { kind: 'remove', group: 'members', index: 0 });
    assert.deepEqual(values.members, [{}]);
    values = applyAction(householdBusiness, values, { kind: 'remove', group: 'members', index: 0 });
    assert.deepEqual(values.members, [{}], 'minItems 1 keeps the last item');
    const files: FormValues = { drawings: [{ ref: 'd1', name: 'a.pdf', mimeType: 'application/pdf', size: 1, source: 'upload' }] };
    assert.deepEqual(applyAction(constructionPermit, files, { kind: 'removeFile', field: 'drawings', ref: 'd1' }).drawings, []);
  });

  test('does tell PDF, JPEG and PNG apart by their first bytes', () => {
    assert.equal(sniffFileKind(new TextEncoder().encode('%PDF-1.7\n')), 'pdf');
    assert.equal(sniffFileKind(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])), 'jpeg');
    assert.equal(sniffFileKind(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'png');
    assert.equal(sniffFileKind(new TextEncoder().encode('MZ\x90\x00')), null);
  });
});

describe('personal identification numbers', () => {
  test('does accept a number that agrees with the birth date and sex given', () => {
    assert.equal(checkPersonalId('001192012345', { birthDate: '1992-05-14', sex: 'female' }), null);
    assert.equal(checkPersonalId('037303000123', { birthDate: '2003-01-30', sex: 'female' }), null);
  });

  test('does name what is wrong with a bad number', () => {
    assert.equal(checkPersonalId('00119201234'), 'forms.validation.personalIdFormat');
    assert.equal(checkPersonalId('0011920I2345'), 'forms.validation.personalIdFormat');
    assert.equal(checkPersonalId('000192012345'), 'forms.validation.personalIdProvince');
    assert.equal(checkPersonalId('001195012345', { birthDate: '1992-05-14' }), 'forms.validation.personalIdBirthYear');
    assert.equal(checkPersonalId('001092012345', { birthDate: '1992-05-14', sex: 'female' }), 'forms.validation.personalIdSex');
    // Born in 2003, but the century digit 1 says the 1900s.
    assert.equal(checkPersonalId('037103000123', { birthDate: '2003-01-30' }), 'forms.validation.personalIdBirthYear');
  });
});

describe('validation', () => {
  test('does pass a complete birth registration and keep only what is shown', () => {
    const values = { ...completeBirth(), relationshipDetail: 'left over from an earlier answer' };
    const { errors, values: kept } = validateAll(birthRegistration, values, opts);
    assert.deepEqual(errors, []);
    assert.equal('relationshipDetail' in kept, false, 'hidden answers are not kept');
    assert.equal(kept.childName, 'Trần Minh Khôi');
  });

  test('does report a bad personal id of the father against his birth date', () => {
    const values = { ...completeBirth(), fatherPersonalId: '037095001234' };
    const errors = validateSection(birthRegistration, 'father', values, opts);
    assert.deepEqual(errors, [{ field: 'fatherPersonalId', messageKey: 'forms.validation.personalIdBirthYear' }]);
    const female = validateSection(birthRegistration, 'father', { ...values, fatherPersonalId: '037190001234' }, opts);
    assert.equal(keyOf(female, 'fatherPersonalId'), 'forms.validation.personalIdSex');
  });

  test('does require a field inside a conditional that is shown, and not when it is hidden', () => {
    const relative = { ...completeBirth(), relationship: 'relative', relationshipDetail: '' };
    assert.deepEqual(validateSection(birthRegistration, 'applicant', relative, opts), [{ field: 'relationshipDetail', messageKey: 'forms.validation.required' }]);
    const mother = { ...completeBirth(), relationship: 'mother', relationshipDetail: '' };
    assert.deepEqual(validateSection(birthRegistration, 'applicant', mother, opts), []);
  });

  test('does ignore a hidden page and a hidden upload, and prune their values', () => {
    const values = { ...completeBirth(), fatherKnown: 'no', fatherName: '', fatherPersonalId: 'garbage' };
    assert.deepEqual(validateSection(birthRegistration, 'father', values, opts), [], 'the father page is hidden');
    const { errors, values: kept } = validateAll(birthRegistration, values, opts);
    assert.deepEqual(errors, []);
    assert.equal('fatherPersonalId' in kept, false);
    assert.deepEqual(
      visibleSections(birthRegistration, values).map((s) => s.id),
      ['applicant', 'child', 'mother', 'documents'],
    );
    assert.equal(nextSection(birthRegistration, values, 'mother')?.id, 'documents');
    // The letter of authority is required only for an authorised person.
    assert.deepEqual(requiredUploads(birthRegistration, values).map((u) => u.fieldId), ['birthCertificate']);
    const authorised = { ...values, relationship: 'authorised' };
    assert.deepEqual(requiredUploads(birthRegistration, authorised).map((u) => u.fieldId), ['birthCertificate', 'authorisation']);
    assert.deepEqual(fields(validateSection(birthRegistration, 'documents', authorised, opts)), ['authorisation']);
  });

  test('does refuse a birth date in the future and an unknown ethnicity', () => {
    const values = { ...completeBirth(), childBirthDate: '2026-12-01', childEthnicity: '99' };
    const errors = validateSection(birthRegistration, 'child', values, opts);
    assert.equal(keyOf(errors, 'childBirthDate'), 'forms.validation.dateInFuture');
    assert.equal(keyOf(errors, 'childEthnicity'), 'forms.validation.optionUnknown');
  });

  test('does check the address parts and that the commune is in the province', () => {
    const values = { ...completeBirth(), birthPlace: { province: '01', commune: '14329', line: '' } };
    assert.deepEqual(validateSection(birthRegistration, 'child', values, opts), [{ field: 'birthPlace.commune', messageKey: 'forms.validation.addressCommuneMismatch' }]);
    const empty = { ...completeBirth(), applicantAddress: { province: '', commune: '', line: '' } };
    assert.deepEqual(fields(validateSection(birthRegistration, 'applicant', empty, opts)), ['applicantAddress.province']);
    const noLine = { ...completeBirth(), applicantAddress: { province: '01', commune: '00004', line: ' ' } };
    assert.deepEqual(fields(validateSection(birthRegistration, 'applicant', noLine, opts)), ['applicantAddress.line']);
  });

  test('does apply the legal marriage age to each party', () => {
    const values: FormValues = {
      wifeName: 'Phạm Thu Hà',
      wifeBirthDate: '2008-12-01',
      wifeEthnicity: '01',
      wifeNationality: 'Việt Nam',
      wifePersonalId: '037308000111',
      wifeAddress: { province: '37', commune: '14329', line: 'Thôn Đông' },
      wifeMarriageOrdinal: 1,
    };
    // 17 years old on 23/11/2026: under the age of 18.
    assert.deepEqual(validateSection(marriageRegistration, 'wife', values, opts), [{ field: 'wifeBirthDate', messageKey: 'forms.validation.tooYoung', params: { years: 18 } }]);
    assert.deepEqual(validateSection(marriageRegistration, 'wife', { ...values, wifeBirthDate: '2008-11-23' }, opts), [], '18 on the day itself');
  });

  test('does check each item of a repeatable group, with ids of the item inputs', () => {
    const values: FormValues = {
      foundedBy: 'household',
      members: [
        { memberName: 'Lê Văn Tâm', memberBirthDate: '1988-03-09', memberSex: 'male', memberPersonalId: '037088004321', memberAddress: { province: '37', commune: '14329', line: 'Xóm 3' } },
        { memberName: '', memberBirthDate: '1990-07-20', memberSex: 'female', memberPersonalId: '037090004322', memberAddress: { province: '37', commune: '14329', line: 'Xóm 3' } },
      ],
    };
    const errors = validateSection(householdBusiness, 'members', values, opts);
    assert.deepEqual(errors, [
      { field: 'members[1].memberName', messageKey: 'forms.validation.required' },
      { field: 'members[1].memberPersonalId', messageKey: 'forms.validation.personalIdSex' },
    ]);
    assert.equal(
      problemMessage(householdBusiness, errors[0]!, translator('vi'), 'vi'),
      'Nhập họ, chữ đệm và tên (Thành viên 2)',
    );
    assert.deepEqual(validateSection(householdBusiness, 'members', { ...values, members: [] }, opts), [
      { field: 'members', messageKey: 'forms.validation.tooFewItems', params: { min: 1 } },
    ]);
    assert.deepEqual(validateSection(householdBusiness, 'members', { foundedBy: 'individual', members: [] }, opts), [], 'the page is hidden for a sole owner');
  });

  test('does check money, whole numbers and the business name pattern', () => {
    const values: FormValues = {
      businessName: 'Bánh mì Cô Ba',
      businessAddress: { province: '37', commune: '14329', line: '25 Trần Hưng Đạo' },
      sectors: [{ sectorName: 'Bán lẻ bánh mì', sectorCode: '561' }],
      capital: '50,5 triệu',
      employees: 2.5,
    };
    const errors = validateSection(householdBusiness, 'business', values, opts);
    assert.deepEqual(
      errors.map((e) => [e.field, e.messageKey]),
      [
        ['businessName', 'forms.validation.pattern.householdBusinessName'],
        ['sectors[0].sectorCode', 'forms.validation.pattern.sectorCode'],
        ['capital', 'forms.validation.moneyFormat'],
        ['employees', 'forms.validation.notWholeNumber'],
      ],
    );
    const fixed = { ...values, businessName: 'Hộ kinh doanh Bánh mì Cô Ba', sectors: [{ sectorName: 'Bán lẻ bánh mì', sectorCode: '5610' }], capital: 50_000_000, employees: 2 };
    assert.deepEqual(validateSection(householdBusiness, 'business', fixed, opts), []);
  });

  test('does require the revealed date when residence history is ticked', () => {
    const base: FormValues = { contents: ['permanent'], residenceAddress: { province: '01', commune: '00004', line: 'Số 1' }, purpose: 'Xin việc', declaration: true };
    assert.deepEqual(validateSection(residenceConfirmation, 'request', base, opts), []);
    assert.deepEqual(fields(validateSection(residenceConfirmation, 'request', { ...base, contents: ['permanent', 'history'] }, opts)), ['historyFrom']);
    assert.deepEqual(validateSection(residenceConfirmation, 'request', { ...base, contents: [], declaration: false }, opts), [
      { field: 'contents', messageKey: 'forms.validation.requiredChoice' },
      { field: 'declaration', messageKey: 'forms.validation.requiredTick' },
    ]);
  });

  test('does check uploads for type, size and count', () => {
    const values: FormValues = {
      landCertificate: [{ ref: 'x', name: 'so-do.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', size: 12_000_000, source: 'upload' }],
      drawings: [],
      declaration: true,
    };
    const errors = validateSection(constructionPermit, 'documents', values, opts);
    assert.deepEqual(
      errors.map((e) => [e.field, e.messageKey]),
      [
        ['landCertificate', 'forms.validation.fileType'],
        ['landCertificate', 'forms.validation.fileTooLarge'],
        ['drawings', 'forms.validation.requiredFile'],
      ],
    );
    assert.deepEqual(validateAll(constructionPermit, values, { ...opts, skipFiles: true }).errors.filter((e) => e.field === 'drawings'), []);
  });

  test('does fill {label} into messages in both languages', () => {
    const problem = { field: 'applicantPhone', messageKey: 'forms.validation.phoneFormat' };
    assert.equal(problemMessage(birthRegistration, problem, translator('vi'), 'vi'), 'Số điện thoại phải là số điện thoại Việt Nam, ví dụ 0912 345 678');
    assert.equal(problemMessage(birthRegistration, problem, translator('en'), 'en'), 'Phone number must be a Vietnamese phone number, like 0912 345 678');
    const address = { field: 'applicantAddress.commune', messageKey: 'forms.validation.addressCommune' };
    assert.equal(problemMessage(birthRegistration, address, translator('vi'), 'vi'), 'Chọn xã, phường, đặc khu của nơi cư trú');
  });
});

describe('prefill', () => {
  test('does fill the applicant from the profile and lock registry data', () => {
    const { values, prefilled } = applyPrefill(birthRegistration, { profile: motherProfile });
    assert.equal(values.applicantName, 'Nguyễn Thị Lan');
    assert.equal(values.applicantPersonalId, '001192012345');
    assert.deepEqual(values.applicantAddress, { province: '01', commune: '00004', line: 'Số 12 ngõ 34 phố Đội Cấn' });
    assert.equal(values.childNationality, 'Việt Nam', 'default value');
    assert.equal(values.motherName, undefined, 'not the mother yet: no relationship chosen');
    assert.ok(prefilled.has('applicantEmail'));
    assert.deepEqual([...lockedFields(birthRegistration, prefilled)].sort(), ['applicantBirthDate', 'applicantName', 'applicantPersonalId']);
  });

  test("does fill the mother's details when the applicant is the mother", () => {
    const { values, prefilled } = applyPrefill(birthRegistration, { profile: motherProfile }, { relationship: 'mother' });
    assert.equal(values.motherName, 'Nguyễn Thị Lan');
    assert.equal(values.motherBirthDate, '1992-05-14');
    assert.ok(prefilled.has('motherPersonalId'));
    assert.equal(values.fatherName, undefined);
  });

  test('does not overwrite what the applicant entered or cleared, but does restore locked data', () => {
    const entered: FormValues = { applicantPhone: '0987 654 321', applicantEmail: '', applicantName: 'Tên Khác', childNationality: 'Lào' };
    const { values, prefilled } = applyPrefill(birthRegistration, { profile: motherProfile }, entered);
    assert.equal(values.applicantPhone, '0987 654 321');
    assert.equal(prefilled.has('applicantPhone'), false, 'an edited value is no longer "filled in from the profile"');
    assert.equal(values.applicantEmail, '', 'cleared on purpose');
    assert.equal(values.applicantName, 'Nguyễn Thị Lan', 'registry data cannot be changed by posting another value');
    assert.equal(values.childNationality, 'Lào');
  });

  test('does keep a field marked as prefilled while it still holds the prefilled value', () => {
    const first = applyPrefill(birthRegistration, { profile: motherProfile });
    const again = applyPrefill(birthRegistration, { profile: motherProfile }, first.values);
    assert.deepEqual(again.values, first.values);
    assert.deepEqual([...again.prefilled].sort(), [...first.prefilled].sort());
  });

  test('does take documents from the vault and answers from a previous dossier', () => {
    const vaulted = applyPrefill(constructionPermit, {
      profile: motherProfile,
      vault: { landUseRightsCertificate: { ref: 'vault-77', name: 'GCN-QSDD.pdf', mimeType: 'application/pdf', size: 800_000, source: 'upload' } },
    });
    assert.deepEqual(vaulted.values.landCertificate, [{ ref: 'vault-77', name: 'GCN-QSDD.pdf', mimeType: 'application/pdf', size: 800_000, source: 'vault' }]);
    assert.ok(vaulted.prefilled.has('landCertificate'));

    const withPrevious = formDefinitionSchema.parse({
      ...householdBusiness,
      sections: householdBusiness.sections.map((s) =>
        s.id === 'business' ? { ...s, fields: s.fields.map((f) => (f.id === 'sectors' ? { ...f, prefill: 'previous.sectors' } : f)) } : s,
      ),
    }) as FormDefinition;
    const previous = { sectors: [{ sectorName: 'Bán lẻ bánh mì', sectorCode: '5610' }] };
    assert.deepEqual(applyPrefill(withPrevious, { previous }).values.sectors, previous.sectors);
  });

  test('does fill the card holder only when the card is the applicant’s own', () => {
    const own = applyPrefill(identityCardReplacement, { profile: motherProfile }, { applyingFor: 'self' });
    assert.equal(own.values.holderSex, 'female');
    const child = applyPrefill(identityCardReplacement, { profile: motherProfile }, { applyingFor: 'child' });
    assert.equal(child.values.holderName, undefined);
  });
});

describe('summaries', () => {
  test('does list shown answers with display values and the page to change them', () => {
    const rows = summarise(birthRegistration, completeBirth(), 'vi', lookups);
    const row = (label: string, section?: string) => rows.find((r) => r.label === label && (!section || r.sectionId === section));
    assert.equal(row('Họ, chữ đệm và tên của trẻ')?.value, 'Trần Minh Khôi');
    assert.equal(row('Ngày, tháng, năm sinh', 'child')?.value, '02/11/2026');
    assert.equal(row('Dân tộc', 'child')?.value, 'Kinh');
    assert.equal(row('Địa chỉ nơi sinh')?.value, '929 đường La Thành, Phường Hoàn Kiếm, Thành phố Hà Nội');
    assert.equal(row('Địa chỉ nơi sinh')?.fieldId, 'birthPlace.province');
    assert.equal(row('Giấy chứng sinh')?.value, 'giay-chung-sinh.pdf');
    assert.equal(row('Số bản sao Giấy khai sinh đề nghị cấp')?.value, 'Không khai');
    assert.equal(rows.some((r) => r.fieldId === 'relationshipDetail' || r.fieldId === 'authorisation'), false, 'hidden fields are not listed');
    const en = summarise(birthRegistration, completeBirth(), 'en', lookups);
    assert.equal(en.find((r) => r.fieldId === 'childSex')?.value, 'Male');
    assert.equal(en.find((r) => r.fieldId === 'declaration')?.value, 'Yes');
  });

  test('does give one row per item of a repeatable group, and money in đồng', () => {
    const values: FormValues = {
      foundedBy: 'household',
      capital: 150_000_000,
      members: [{ memberName: 'Lê Văn Tâm', memberBirthDate: '1988-03-09', memberSex: 'male', memberPersonalId: '037088004321', memberAddress: { province: '37', commune: '14329', line: 'Xóm 3' } }],
    };
    const rows = summarise(householdBusiness, values, 'vi', lookups);
    assert.equal(rows.find((r) => r.fieldId === 'capital')?.value, '150.000.000 đồng');
    const member = rows.find((r) => r.label === 'Thành viên 1');
    assert.equal(member?.fieldId, 'members[0].memberName');
    assert.match(member!.value, /^Họ, chữ đệm và tên: Lê Văn Tâm\nNgày, tháng, năm sinh: 09\/03\/1988\n/);
    assert.match(member!.value, /Nơi cư trú: Xóm 3, Phường Hoa Lư, Tỉnh Ninh Bình$/);
  });

  test('does read the applicant snapshot from the fields the definition names', () => {
    assert.deepEqual(applicantOf(birthRegistration, completeBirth(), lookups), {
      fullName: 'Nguyễn Thị Lan',
      personalId: '001192012345',
      phone: '0912345678',
      email: 'lan.nguyen@example.vn',
      address: 'Số 12 ngõ 34 phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội',
    });
  });

  test('does drop answers of sections hidden by a changed mind', () => {
    const values: FormValues = { foundedBy: 'individual', members: [{ memberName: 'Lê Văn Tâm' }], businessName: 'Hộ kinh doanh An' };
    assert.deepEqual(pruneHidden(householdBusiness, values), { foundedBy: 'individual', businessName: 'Hộ kinh doanh An' });
  });
});
