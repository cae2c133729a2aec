import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parseProcedure, type ParsedProcedure, type RawProcedureRecord } from './catalogue.parser.js';
import { ParseReport, readCatalogue } from './catalogue.source.js';

const CATALOGUE = '/work/shared/data/procedures/national-catalogue-2026-07.jsonl.gz';

function withGzipFile(lines: string[], run: (path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'catalogue-source-'));
  const path = join(dir, 'sample.jsonl.gz');
  writeFileSync(path, gzipSync(lines.join('\n')));
  return run(path).finally(() => rmSync(dir, { recursive: true, force: true }));
}

async function collect(path: string): Promise<RawProcedureRecord[]> {
  const records: RawProcedureRecord[] = [];
  for await (const record of readCatalogue(path)) records.push(record);
  return records;
}

describe('readCatalogue', () => {
  it('yields one record per line when lines are valid and skips blank lines', async () => {
    await withGzipFile(
      [
        JSON.stringify({ ma_thu_tuc: '1.000178', ten_thu_tuc: 'Giải quyết khiếu nại' }),
        '',
        JSON.stringify({ ma_thu_tuc: '1.000253', ten_thu_tuc: 'Giải quyết tố cáo', linh_vuc: 'Khiếu nại, tố cáo' }),
      ],
      async (path) => {
        const records = await collect(path);
        assert.deepEqual(
          records.map((r) => r.ma_thu_tuc),
          ['1.000178', '1.000253'],
        );
        assert.equal(records[1]?.['linh_vuc'], 'Khiếu nại, tố cáo');
      },
    );
  });

  it('fails with the line number when a line is not JSON', async () => {
    await withGzipFile([JSON.stringify({ ma_thu_tuc: '1.000178', ten_thu_tuc: 'x' }), '{not json'], async (path) => {
      await assert.rejects(collect(path), /:2: not valid JSON/);
    });
  });

  it('fails when a line is not a procedure record', async () => {
    await withGzipFile([JSON.stringify({ name: 'no code' })], async (path) => {
      await assert.rejects(collect(path), /:1: not a procedure record/);
    });
  });

  it('fails when the file does not exist', async () => {
    await assert.rejects(collect('/nonexistent/catalogue.jsonl.gz'), /ENOENT/);
  });
});

describe('ParseReport', () => {
  it('counts durations, fees and documents when procedures are added', () => {
    const report = new ParseReport();
    report.add(
      parseProcedure({
        ma_thu_tuc: '1.004359',
        ten_thu_tuc: 'Cấp giấy phép',
        linh_vuc: 'Hàng hải',
        cach_thuc_thuc_hien:
          'Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến5Miễn phí(Lệ phí cấp mới 40.000đồng/lần; lệ phí cấp lại 20.000 đồng/lần.)Trực tiếp3 Ngày làm việc50,000 Việt Nam ĐồngDịch vụ bưu chínhKhông có thông tinKhông có thông tin',
        thanh_phan_ho_so: '--Tên giấy tờMẫu đơn, tờ khaiSố lượngĐơn đề nghị1 bản chínhẢnh chụp0 bản chính,1 bản sao',
      }),
    );
    const s = report.summary();
    assert.equal(s.procedures, 1);
    assert.equal(s.channels, 3);
    assert.equal(s.channelsWithDurationText, 1);
    assert.equal(s.channelsWithParsedDuration, 1);
    assert.equal(s.channelsWithUnitlessDuration, 1);
    assert.equal(s.channelsWithFeeText, 2);
    assert.equal(s.channelsWithParsedFee, 2);
    assert.equal(s.channelsWithFeeAmount, 2);
    assert.equal(s.channelsFeeNotStated, 1);
    assert.equal(s.requirementsParsed, 2);
    assert.equal(s.requirementsCopiesOnly, 1);
    assert.match(report.format(), /Durations: 1\/1 parsed/);
  });
});

describe('full national catalogue', { skip: existsSync(CATALOGUE) ? false : `${CATALOGUE} is not present` }, () => {
  it('parses every record and meets the duration and fee targets', async () => {
    const raws: RawProcedureRecord[] = [];
    for await (const raw of readCatalogue(CATALOGUE)) raws.push(raw);
    assert.equal(raws.length, 2642);

    // CPU time rather than wall time: the test machine is shared, and waiting for a core is not parsing.
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    const parsed: ParsedProcedure[] = raws.map(parseProcedure);
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMillis = (cpu.user + cpu.system) / 1000;
    const wallMillis = performance.now() - wallBefore;

    const report = new ParseReport();
    for (const p of parsed) report.add(p);
    const s = report.summary();
    console.log(report.format());
    console.log(`  Parse time: ${Math.round(cpuMillis)} ms CPU, ${Math.round(wallMillis)} ms wall for ${parsed.length} records`);

    const lacking = parsed.filter((p) => !p.code || !p.name || !p.sector).map((p) => p.raw.ma_thu_tuc);
    assert.deepEqual(lacking, [], 'every record yields code, name and sector');
    assert.ok(s.durationParsedPct >= 95, `durations parsed where stated: ${s.durationParsedPct}%`);
    assert.ok(s.feeParsedPct >= 95, `fees parsed where stated: ${s.feeParsedPct}%`);
    assert.ok(s.feeAmountParsedPct >= 95, `fees parsed where an amount is stated: ${s.feeAmountParsedPct}%`);
    assert.ok(s.resultsWithCodePct >= 95, `results with code: ${s.resultsWithCodePct}%`);
    // Document lists: the rows must rebuild the source table, and every count must be read from its own cell.
    assert.deepEqual(requirementMismatches(parsed), [], 'document rows rebuild their source text');
    assert.ok(s.proceduresWithoutRequirementsDespiteText <= 30, `${s.proceduresWithoutRequirementsDespiteText} procedures lost their documents`);
    assert.ok(cpuMillis < 2000, `parsing took ${cpuMillis} ms of CPU`);
  });
});

const letters = (text: string) => text.normalize('NFC').replace(/[^\p{L}\p{N}]/gu, '');

/**
 * Codes of procedures whose document rows do not add up to the source table. Group headings, names,
 * templates and counts, in order, must give back the source text (headers and punctuation aside), so
 * no row was dropped, invented or cut in the wrong place; and each row's numbers must be the ones
 * written in its count cell.
 */
function requirementMismatches(parsed: ParsedProcedure[]): string[] {
  const bad: string[] = [];
  for (const p of parsed) {
    const source = typeof p.raw['thanh_phan_ho_so'] === 'string' ? p.raw['thanh_phan_ho_so'] : '';
    if (!source.normalize('NFC').includes('Tên giấy tờMẫu đơn, tờ khaiSố lượng')) continue;
    if (p.problems.some((x) => x.startsWith('requirements'))) continue; // text left over is reported there
    const expected = letters(source.normalize('NFC').replaceAll('Tên giấy tờMẫu đơn, tờ khaiSố lượng', ''));
    // Walk the source: each row may be preceded by its group heading (a heading can repeat between groups).
    let at = 0;
    for (const r of p.requirements) {
      const heading = letters(r.group ?? '');
      const row = letters(r.name + r.formTemplates.join('') + r.countText);
      // A name may start with the words of its own heading, so the row is tried before the heading.
      if (!expected.startsWith(row, at) && heading && expected.startsWith(heading + row, at)) at += heading.length;
      if (!expected.startsWith(row, at)) {
        bad.push(`${p.code} row "${r.name.slice(0, 40)}" does not match the source`);
        break;
      }
      at += row.length;
      const count = /^(\d) bản chính(?:, ?(\d) bản sao)?$/u.exec(r.countText);
      if (!count || Number(count[1]) !== r.originals || Number(count[2] ?? 0) !== r.copies) bad.push(`${p.code} count "${r.countText}"`);
    }
    if (at !== expected.length && !bad.some((b) => b.startsWith(p.code))) bad.push(`${p.code} text after the last row`);
  }
  return bad;
}
