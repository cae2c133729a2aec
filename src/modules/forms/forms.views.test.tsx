import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderToString } from 'preact-render-to-string';
import { officialDefinitions, birthRegistration, constructionPermit, householdBusiness, identityCardReplacement, residenceConfirmation } from './definitions/index.js';
import { sectionById, type FormValues } from './forms.model.js';
import { applyPrefill } from './forms.prefill.js';
import type { FormDefinition } from './forms.schema.js';
import { validateSection } from './forms.validate.js';
import { CheckYourAnswers, FormSection } from './forms.views.js';
import { lookups, motherProfile, today, viewContext } from './forms.test-support.js';

function render(definition: FormDefinition, sectionId: string, values: FormValues, options: { errors?: boolean; prefilled?: Set<string>; locale?: 'vi' | 'en' } = {}): string {
  const section = sectionById(definition, sectionId)!;
  const errors = options.errors ? validateSection(definition, sectionId, values, { today, lookups }) : [];
  return renderToString(
    <FormSection
      ctx={viewContext(options.locale)}
      definition={definition}
      section={section}
      values={values}
      errors={errors}
      prefilled={options.prefilled ?? new Set()}
      lookups={lookups}
      action="/ho-so/nhap/abc/trang"
      csrfToken="csrf-123"
      today={today}
    />,
  );
}

const all = (html: string, re: RegExp) => [...html.matchAll(re)].map((m) => m[1]!);
const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
const ids = (html: string) => new Set(all(html, /\sid="([^"]+)"/g).map(decode));

/** The opening tag of the element with this id. */
function tagWithId(html: string, id: string): string {
  const escaped = id.replace(/[[\].]/g, (c) => `\\${c}`);
  const m = new RegExp(`<(?:input|select|textarea|fieldset)\\b[^>]*\\sid="${escaped}"[^>]*>`).exec(html);
  assert.ok(m, `no input with id ${id}`);
  return m[0];
}

describe('FormSection', () => {
  test('does tie every label, description and error link to an element of the page, on every page of every form', () => {
    for (const definition of officialDefinitions) {
      const { values, prefilled } = applyPrefill(definition, { profile: motherProfile });
      for (const section of definition.sections) {
        // Empty answers on this page: required fields fail, so every kind of error is rendered.
        const blank: FormValues = { ...values };
        for (const f of section.fields) if (!prefilled.has(f.id)) delete blank[f.id];
        const html = render(definition, section.id, blank, { errors: true, prefilled });
        const known = ids(html);
        const where = `${definition.procedureCode}/${section.id}`;
        for (const target of all(html, /<label for="([^"]+)"/g)) assert.ok(known.has(decode(target)), `${where}: label for ${target}`);
        for (const list of all(html, /aria-describedby="([^"]+)"/g)) {
          for (const target of list.split(' ')) assert.ok(known.has(decode(target)), `${where}: described by ${target}`);
        }
        const links = all(html, /<a href="#([^"]+)"/g);
        for (const target of links) assert.ok(known.has(decode(target)), `${where}: error summary link #${target}`);
        assert.equal(new Set(all(html, /\sid="([^"]+)"/g)).size, all(html, /\sid="([^"]+)"/g).length, `${where}: ids are unique`);
      }
    }
  });

  test('does link the error summary to the inputs the errors belong to', () => {
    const values: FormValues = { childName: 'Khôi', childBirthDate: '2027-01-01', birthPlace: { province: '37', commune: '', line: '' } };
    const html = render(birthRegistration, 'child', values, { errors: true });
    assert.match(html, /<a href="#childBirthDate">Ngày, tháng, năm sinh không được sau ngày hôm nay<\/a>/);
    assert.match(html, /<a href="#birthPlace.commune">Chọn xã, phường, đặc khu của địa chỉ nơi sinh<\/a>/);
    assert.match(html, /<a href="#childSex">Chọn giới tính<\/a>/);
    assert.match(tagWithId(html, 'childBirthDate'), /aria-describedby="childBirthDate-error"/);
    assert.match(html, /<div class="form-group field-error"><label for="childBirthDate">/);
  });

  test('does keep what the applicant typed, even when it is not valid', () => {
    const values: FormValues = { landArea: '85,5 mét', floors: 3, buildingGrade: 'IV', designedBy: 'professional', designerName: 'Công ty TNHH Kiến trúc "Xanh" & <Cộng sự' };
    const html = render(constructionPermit, 'building', values, { errors: true });
    assert.match(tagWithId(html, 'floors'), /value="3"/);
    assert.match(html, /<option value="IV" selected>Cấp IV<\/option>/);
    assert.match(tagWithId(html, 'designedBy-2'), /checked/);
    assert.match(tagWithId(html, 'designerName'), /value="Công ty TNHH Kiến trúc &quot;Xanh&quot; &amp; &lt;Cộng sự"/);
    const site = render(constructionPermit, 'site', values, { errors: true });
    assert.match(tagWithId(site, 'landArea'), /value="85,5 mét"/);
    assert.match(site, /Diện tích thửa đất phải là một số/);
    const request = render(residenceConfirmation, 'request', { purpose: 'Bổ sung hồ sơ xin việc\ntại Công ty <ABC>' });
    assert.match(request, /<textarea id="purpose" name="purpose" aria-describedby="purpose-hint" rows="3">Bổ sung hồ sơ xin việc\ntại Công ty &lt;ABC><\/textarea>/);
    const business = render(householdBusiness, 'business', { capital: 150_000_000 });
    assert.match(tagWithId(business, 'capital'), /value="150.000.000"/);
  });

  test('does make locked prefilled inputs read-only and say where the value came from', () => {
    const { values, prefilled } = applyPrefill(birthRegistration, { profile: motherProfile });
    const html = render(birthRegistration, 'applicant', values, { prefilled });
    const name = tagWithId(html, 'applicantName');
    assert.match(name, /\sreadonly[\s/>]/);
    assert.match(name, /value="Nguyễn Thị Lan"/);
    assert.match(name, /aria-describedby="applicantName-prefill"/);
    assert.match(html, /id="applicantName-prefill">Điền sẵn từ tài khoản định danh điện tử của bạn\. Thông tin lấy từ Cơ sở dữ liệu quốc gia về dân cư nên không sửa được ở đây\./);
    // Prefilled but correctable: a note, no lock.
    assert.doesNotMatch(tagWithId(html, 'applicantPhone'), /readonly/);
    assert.match(html, /id="applicantPhone-prefill">Điền sẵn từ tài khoản định danh điện tử của bạn\.<\/span>/);
  });

  test('does post a locked choice through a hidden input, as the disabled control sends nothing', () => {
    const { values, prefilled } = applyPrefill(identityCardReplacement, { profile: motherProfile }, { applyingFor: 'self' });
    const html = render(identityCardReplacement, 'holder', values, { prefilled });
    assert.match(tagWithId(html, 'holderSex-2'), /checked disabled/);
    assert.match(html, /<input type="hidden" name="holderSex" value="female"\/>/);
  });

  test('does list the communes of the chosen province, with a button that shows them without JavaScript', () => {
    const none = render(birthRegistration, 'child', {});
    assert.match(none, /<button type="submit" class="button button-secondary address-refresh" name="_action" value="refresh">Chọn tỉnh<\/button>/);
    assert.match(none, /id="birthPlace.commune-hint">Chọn tỉnh, thành phố rồi bấm «Chọn tỉnh»/);
    const chosen = render(birthRegistration, 'child', { birthPlace: { province: '37', commune: '14329', line: '' } });
    assert.match(chosen, /<option value="37" selected>Tỉnh Ninh Bình<\/option>/);
    assert.match(chosen, /<option value="14329" selected>Phường Hoa Lư<\/option>/);
    assert.doesNotMatch(chosen, /Phường Ba Đình/, 'communes of another province are not offered');
  });

  test('does render repeatable items with their own ids, and add and remove buttons', () => {
    const values: FormValues = { foundedBy: 'household', members: [{ memberName: 'Lê Văn Tâm' }, { memberName: 'Lê Thị Hoa' }] };
    const html = render(householdBusiness, 'members', values);
    assert.match(html, /<input type="hidden" name="members.count" value="2"\/>/);
    assert.match(tagWithId(html, 'members[1].memberName'), /name="members\[1\].memberName"/);
    assert.match(tagWithId(html, 'members[1].memberName'), /value="Lê Thị Hoa"/);
    assert.match(html, /<legend>Thành viên 2<\/legend>/);
    assert.match(html, /name="_action" value="remove:members:1">Xoá<span class="visually-hidden"> Thành viên 2<\/span>/);
    assert.match(html, /name="_action" value="add:members">Thêm thành viên<\/button>/);
    assert.match(tagWithId(html, 'members[0].memberAddress.province'), /name="members\[0\].memberAddress.province"/);
    // At the minimum (1 item) there is nothing to remove.
    const one = render(householdBusiness, 'members', { members: [] });
    assert.match(one, /value="1"/);
    assert.doesNotMatch(one, /value="remove:members/);
  });

  test('does post pages with uploads as multipart, listing files already uploaded', () => {
    const values: FormValues = {
      drawings: [{ ref: 'up-12', name: 'mat-bang-tang-1.pdf', mimeType: 'application/pdf', size: 2_400_000, source: 'upload' }],
      landCertificate: [{ ref: 'vault-7', name: 'GCN.pdf', mimeType: 'application/pdf', size: 300_000, source: 'vault' }],
    };
    const html = render(constructionPermit, 'documents', values, { prefilled: new Set(['landCertificate']) });
    assert.match(html, /<form method="post" action="\/ho-so\/nhap\/abc\/trang" enctype="multipart\/form-data" novalidate>/);
    assert.match(html, /mat-bang-tang-1.pdf \(2,3 MB\)/);
    assert.match(html, /GCN.pdf \(293 KB\) – từ kho dữ liệu của bạn/);
    assert.match(html, /value="removeFile:drawings:up-12">Xoá<span class="visually-hidden"> mat-bang-tang-1.pdf<\/span>/);
    assert.match(tagWithId(html, 'drawings'), /type="file"/);
    assert.match(tagWithId(html, 'drawings'), /accept="\.pdf,application\/pdf,\.jpg,\.jpeg,image\/jpeg,\.png,image\/png"/);
    assert.match(tagWithId(html, 'drawings'), /multiple/);
    assert.match(html, /id="landCertificate-prefill">Điền sẵn từ kho dữ liệu điện tử của bạn\./);
    assert.doesNotMatch(render(constructionPermit, 'site', {}), /multipart/);
  });

  test('does reveal a follow-up question inside its option, and show an upload only when an earlier answer needs it', () => {
    const html = render(birthRegistration, 'applicant', { relationship: 'relative' });
    assert.match(html, /<label for="relationship-4">Người thân thích khác<\/label>.*?<div class="conditional"><div class="form-group"><label for="relationshipDetail">/s);
    assert.doesNotMatch(render(birthRegistration, 'documents', { relationship: 'mother' }), /id="authorisation"/);
    assert.match(render(birthRegistration, 'documents', { relationship: 'authorised' }), /id="authorisation"/);
  });

  test('does show a question that depends on a list answer on the same page, saying when it applies', () => {
    const building = constructionPermit.sections.find((s) => s.id === 'building')!;
    const definition: FormDefinition = {
      ...constructionPermit,
      sections: constructionPermit.sections.map((s) =>
        s === building
          ? {
              ...s,
              fields: [
                ...s.fields.slice(0, 1),
                { id: 'fireApproval', type: 'text', label: { vi: 'Số văn bản thẩm duyệt phòng cháy', en: 'Fire safety approval number' }, showIf: { field: 'buildingGrade', equals: 'III' } },
                ...s.fields.slice(1),
              ],
            }
          : s,
      ),
    };
    const html = render(definition, 'building', { buildingGrade: 'IV' });
    assert.match(html, /<div class="conditional"><div class="form-group"><label for="fireApproval">/);
    assert.match(html, /id="fireApproval-hint">Chỉ trả lời nếu bạn chọn «Cấp III» ở câu «Cấp công trình»\.<\/span>/);
    assert.match(tagWithId(html, 'fireApproval'), /aria-describedby="fireApproval-hint"/);
  });

  test('does make Continue the first submit button, so Enter in a text box continues', () => {
    const html = render(householdBusiness, 'business', {});
    const first = /<button type="submit"[^>]*>/.exec(html)![0];
    assert.match(first, /value="continue"/);
    assert.match(html, /<input type="hidden" name="_csrf" value="csrf-123"\/>/);
  });

  test('does show the step, the legal basis and English labels in English', () => {
    const html = render(birthRegistration, 'mother', { fatherKnown: 'no' }, { locale: 'en' });
    assert.match(html, /Birth registration declaration – Step 3 of 4/);
    assert.match(html, /<label for="motherName">Mother&#39;s full name<\/label>|<label for="motherName">Mother's full name<\/label>/);
    assert.match(html, /Based on: Birth registration declaration, form annexed to Circular 04\/2024\/TT-BTP/);
    assert.match(html, /<span class="muted"> \(optional\)<\/span>/);
  });
});

describe('CheckYourAnswers', () => {
  test('does list answers by page with a Change link to each input', () => {
    const values: FormValues = {
      ...applyPrefill(birthRegistration, { profile: motherProfile }, { relationship: 'mother' }).values,
      childName: 'Trần Minh Khôi',
      childSex: 'male',
      fatherKnown: 'no',
    };
    const html = renderToString(
      <CheckYourAnswers
        ctx={viewContext()}
        definition={birthRegistration}
        values={values}
        lookups={lookups}
        changeHref={(section, field) => `/ho-so/nhap/abc/${section}#${field}`}
      />,
    );
    assert.match(html, /<h2 id="cya-child">Thông tin của trẻ<\/h2>/);
    assert.doesNotMatch(html, /cya-father/, 'a hidden page is not summarised');
    assert.match(html, /<dt>Họ, chữ đệm và tên của trẻ<\/dt><dd class="pre-text">Trần Minh Khôi<\/dd>/);
    assert.match(html, /<a href="\/ho-so\/nhap\/abc\/child#childName">Thay đổi<span class="visually-hidden"> họ, chữ đệm và tên của trẻ<\/span><\/a>/);
    assert.match(html, /<a href="\/ho-so\/nhap\/abc\/applicant#applicantAddress.province">/);
    assert.match(html, /Số 12 ngõ 34 phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội/);
  });
});
