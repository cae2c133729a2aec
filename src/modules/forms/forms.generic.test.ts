import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { before, describe, test } from 'node:test';
import { parseProcedure, type ParsedProcedure } from '../catalogue/catalogue.parser.js';
import { definitionProblems } from './forms.definition.js';
import { genericDefinition, isRequiredUpload, requirementLabel } from './forms.generic.js';
import type { FormValues } from './forms.model.js';
import { applyPrefill } from './forms.prefill.js';
import type { FileField, FormDefinition } from './forms.schema.js';
import { requiredUploads, validateAll } from './forms.validate.js';
import { catalogueFile, catalogueRecords, lookups, motherProfile, today } from './forms.test-support.js';

function files(definition: FormDefinition): FileField[] {
  return definition.sections.flatMap((s) => s.fields).filter((f): f is FileField => f.type === 'file');
}

describe('generic forms from real catalogue records', () => {
  let parsed: Map<string, ParsedProcedure>;
  before(async () => {
    // Birth registration (notes and cases), construction permit (the same documents listed per case),
    // household business (copies only) and identity card (an e-form note).
    const records = await catalogueRecords(['1.001193', '1.013225', '1.001612', '1.014064']);
    parsed = new Map([...records].map(([code, raw]) => [code, parseProcedure(raw)]));
  });

  test('does build a valid form with one upload per counted document of birth registration', () => {
    const procedure = parsed.get('1.001193')!;
    const definition = genericDefinition({ ...procedure, version: 1, content: procedure });
    assert.deepEqual(definitionProblems(definition), []);
    assert.equal(definition.generic, true);
    assert.equal(definition.procedureCode, '1.001193');
    const uploads = files(definition);
    const certificate = uploads.find((f) => f.requirementName.startsWith('Giấy chứng sinh'));
    assert.ok(certificate, 'the birth certificate is an upload');
    assert.equal(certificate.required, true);
    assert.equal(certificate.label.vi, 'Giấy chứng sinh');
    assert.match(certificate.hint!.vi, /Số lượng: 1 bản chính\./);
    assert.match(certificate.hint!.vi, /Áp dụng: Giấy tờ phải nộp\./);
    const abandoned = uploads.find((f) => f.requirementName.startsWith('Trường hợp trẻ em bị bỏ rơi'));
    assert.equal(abandoned?.required, false, 'a case-only document is optional');
    assert.equal(uploads.find((f) => f.requirementName.startsWith('Văn bản ủy quyền'))?.required, false, '"trong trường hợp ủy quyền"');
    assert.equal(uploads.some((f) => /điện tử tương tác/.test(f.requirementName)), false, 'the e-form itself is not an upload');
    // Every upload names a document of the catalogue exactly.
    for (const f of uploads) assert.ok(procedure.requirements.some((r) => r.name.replace(/\s+/g, ' ').trim() === f.requirementName), f.requirementName);
    const notes = definition.sections.flatMap((s) => s.fields).find((f) => f.id === 'catalogueNotes');
    assert.ok(notes && notes.type === 'paragraph' && notes.text.vi.includes('• Người tiếp nhận có trách nhiệm tiếp nhận đúng, đủ hồ sơ'));
  });

  test('does list a document once even when the catalogue repeats it for each case', () => {
    const procedure = parsed.get('1.013225')!;
    const definition = genericDefinition({ ...procedure, content: procedure });
    assert.deepEqual(definitionProblems(definition), []);
    const names = files(definition).map((f) => f.requirementName);
    assert.equal(new Set(names).size, names.length);
    const counted = new Set(procedure.requirements.filter((r) => r.originals + r.copies > 0).map((r) => r.name.replace(/\s+/g, ' ').trim()));
    assert.equal(names.length, counted.size);
    const certificate = files(definition).find((f) => f.requirementName.startsWith('Giấy chứng nhận quyền sử dụng đất được cấp'));
    assert.match(certificate!.hint!.vi, /Số lượng: 1 bản chính, 1 bản sao\./);
    assert.match(certificate!.hint!.en, /Count: 1 original, 1 copy\./);
    assert.equal(certificate!.required, false, 'documents of one case among several are not all required');
  });

  test('does prefill the applicant and accept a complete answer', () => {
    const procedure = parsed.get('1.014064')!;
    const definition = genericDefinition({ ...procedure, content: procedure });
    const { values } = applyPrefill(definition, { profile: motherProfile });
    assert.equal(values.applicantName, 'Nguyễn Thị Lan');
    const required = requiredUploads(definition, values).map((u) => u.requirementName);
    assert.ok(required.some((n) => n.startsWith('Phiếu đề nghị giải quyết thủ tục về căn cước')), required.join(' | '));
    const complete: FormValues = { ...values, declaration: true };
    for (const field of files(definition)) {
      if (field.required) complete[field.id] = [{ ref: `u-${field.id}`, name: 'scan.pdf', mimeType: 'application/pdf', size: 50_000, source: 'upload' }];
    }
    assert.deepEqual(validateAll(definition, complete, { today, lookups }).errors, []);
  });

  test('does shorten a long requirement into a label and keep the whole text in the hint', () => {
    const long = requirementLabel(
      'Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất được cấp theo quy định của pháp luật về đất đai qua các thời kỳ. Trường hợp Giấy chứng nhận quyền sử dụng đất đã có trong Cơ sở dữ liệu quốc gia về đất đai thì không phải nộp.',
    );
    assert.equal(long.label, 'Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất được cấp theo quy định của pháp luật về đất đai qua các thời kỳ');
    assert.equal(long.truncated, true);
    assert.deepEqual(requirementLabel('Giấy đề nghị đăng ký hộ kinh doanh;'), { label: 'Giấy đề nghị đăng ký hộ kinh doanh', truncated: false });
    assert.equal(isRequiredUpload({ name: 'Giấy đề nghị đăng ký hộ kinh doanh;', formTemplate: null, originals: 1, copies: 0, group: null }), true);
    assert.equal(isRequiredUpload({ name: 'Bản vẽ (nếu có)', formTemplate: null, originals: 1, copies: 0, group: null }), false);
  });
});

describe('generic forms for the whole catalogue', () => {
  test('does build a schema-valid form for every procedure offered online', async () => {
    const lines = createInterface({ input: createReadStream(catalogueFile).pipe(createGunzip()), crlfDelay: Infinity });
    let built = 0;
    const failures: string[] = [];
    for await (const line of lines) {
      if (!line.trim()) continue;
      const procedure = parseProcedure(JSON.parse(line) as { ma_thu_tuc: string; ten_thu_tuc: string });
      if (!procedure.onlineOffered || !/^\d\.\d{6}$/.test(procedure.code)) continue;
      const problems = definitionProblems(genericDefinition({ ...procedure, content: procedure }));
      if (problems.length > 0) failures.push(`${procedure.code}: ${problems.slice(0, 2).join('; ')}`);
      built++;
    }
    assert.ok(built > 1000, `built ${built}`);
    assert.deepEqual(failures.slice(0, 10), []);
  });
});
