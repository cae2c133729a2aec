import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { ParsedProcedure, RawProcedureRecord } from './catalogue.parser.js';

/**
 * Streams raw procedure records from the catalogue dump (gzip JSONL, one object per line),
 * so the whole file never has to sit in memory. A line that is not a procedure object stops
 * the read with its line number: a half-read catalogue must not pass for a complete one.
 */
export async function* readCatalogue(path: string): AsyncGenerator<RawProcedureRecord> {
  const input = createReadStream(path);
  const gunzip = createGunzip();
  // Errors on the file or the decompressor must reach the consumer, not crash the process.
  input.on('error', (error) => gunzip.destroy(error));
  const lines = createInterface({ input: input.pipe(gunzip), crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (cause) {
        throw new Error(`${path}:${lineNumber}: not valid JSON`, { cause });
      }
      if (!isRawRecord(value)) {
        throw new Error(`${path}:${lineNumber}: not a procedure record (needs string ma_thu_tuc and ten_thu_tuc)`);
      }
      yield value;
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

function isRawRecord(value: unknown): value is RawProcedureRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return typeof record['ma_thu_tuc'] === 'string' && typeof record['ten_thu_tuc'] === 'string';
}

export interface ParseSummary {
  procedures: number;
  /** Distinct procedure codes (the source lists a few procedures twice). */
  distinctCodes: number;
  proceduresMissingCodeNameOrSector: number;
  proceduresWithProblems: number;
  problems: number;

  channels: number;
  /** Duration cell states a value with a unit, or a number we could not read (counted against us). */
  channelsWithDurationText: number;
  channelsWithParsedDuration: number;
  /** Duration cell is a bare number with no unit in the source ("1"); left out of the target ratio. */
  channelsWithUnitlessDuration: number;
  channelsWithoutDuration: number;
  durationParsedPct: number;
  /** Same ratio with unit-less numbers counted as stated but unparsed. */
  durationParsedStrictPct: number;

  /** Fee text states a charge or says it is free (anything but "not stated"). */
  channelsWithFeeText: number;
  /** Fee parsed to amounts, or read as free. */
  channelsWithParsedFee: number;
  feeParsedPct: number;
  /** Fee text (value or note) names an amount of money. */
  channelsWithFeeAmount: number;
  channelsWithParsedFeeAmount: number;
  feeAmountParsedPct: number;
  channelsFree: number;
  channelsFeeNotStated: number;
  channelsFeeUnparsed: number;
  /** Channels where an amount was not taken literally (typed in thousands, cells run together). */
  channelsWithInferredFee: number;
  channelsWithForeignCurrencyFee: number;

  requirementsParsed: number;
  requirementsWithTemplate: number;
  requirementsCopiesOnly: number;
  proceduresWithRequirements: number;
  /** Requirements text is not empty yet no document came out of it. */
  proceduresWithoutRequirementsDespiteText: number;

  steps: number;
  proceduresWithSteps: number;
  legalBases: number;
  legalBasesWithCode: number;
  results: number;
  resultsWithCode: number;
  resultsWithCodePct: number;
}

function pct(part: number, whole: number): number {
  return whole === 0 ? 100 : Math.round((part / whole) * 10000) / 100;
}

// Same test as the parser's fee-note reader: a number with a currency word, or a grouped number per unit.
const MONEY_MENTION = /\d\s*(?:nghìn|ngàn|triệu|tỷ)?\s*(?:Việt Nam\s*)?(?:đồng|Đồng|ĐỒNG|VNĐ|vnđ|VND|vnd|USD|usd|đ(?![\p{L}])|Đ(?![\p{L}]))|\d{1,3}(?:[.,]\d{3})+\s*\/\s*\p{Ll}/u;

function isEmptyRequirementsText(text: unknown): boolean {
  if (typeof text !== 'string') return true;
  const clean = text.normalize('NFC').replace(/-/g, '').trim();
  return clean === '' || clean === 'Không có thông tin';
}

/** Accumulates parse quality over a catalogue run; the numbers behind the parser's targets. */
export class ParseReport {
  private readonly codes = new Set<string>();
  private readonly counts = {
    procedures: 0,
    missingBasics: 0,
    withProblems: 0,
    problems: 0,
    channels: 0,
    durationText: 0,
    durationParsed: 0,
    durationUnitless: 0,
    durationNone: 0,
    feeText: 0,
    feeParsed: 0,
    feeAmount: 0,
    feeAmountParsed: 0,
    feeFree: 0,
    feeNotStated: 0,
    feeUnparsed: 0,
    feeInferred: 0,
    feeForeign: 0,
    requirements: 0,
    requirementsWithTemplate: 0,
    requirementsCopiesOnly: 0,
    withRequirements: 0,
    requirementsMissing: 0,
    steps: 0,
    withSteps: 0,
    legalBases: 0,
    legalBasesWithCode: 0,
    results: 0,
    resultsWithCode: 0,
  };
  /** A few examples of each failure, so a regression shows what broke and not only how much. */
  readonly samples: { duration: string[]; fee: string[]; requirements: string[] } = { duration: [], fee: [], requirements: [] };

  add(p: ParsedProcedure): void {
    const c = this.counts;
    c.procedures++;
    this.codes.add(p.code);
    if (!p.code || !p.name || !p.sector) c.missingBasics++;
    if (p.problems.length > 0) c.withProblems++;
    c.problems += p.problems.length;

    for (const channel of p.channels) {
      c.channels++;
      // Classified from the raw duration cell, not from the parser's own status, so a cell the parser
      // misreads still counts against it.
      const durationText = channel.durationText.trim();
      if (/^\d+(?:[.,]\d+)?$/.test(durationText)) c.durationUnitless++;
      else if (/\d/.test(durationText)) {
        c.durationText++;
        if (channel.durations.length > 0) c.durationParsed++;
        else this.sample('duration', `${p.code} ${channel.channel}: "${durationText.slice(0, 80)}"`);
      } else c.durationNone++;
      const hasAmounts = channel.fees.length + channel.foreignFees.length > 0;
      // A fee cell the parser could not find at all, with text left over, counts as stated but unparsed.
      const feeMissing = channel.feeText === '' && channel.description !== '';
      if (channel.feeStatus === 'not_stated' && !feeMissing) c.feeNotStated++;
      else {
        c.feeText++;
        if (channel.feeStatus === 'free' || (channel.feeStatus === 'stated' && hasAmounts)) c.feeParsed++;
        else this.sample('fee', `${p.code} ${channel.channel}: "${channel.feeText.slice(0, 100)}"`);
      }
      if (channel.feeStatus === 'free') c.feeFree++;
      if (channel.feeStatus === 'unparsed') c.feeUnparsed++;
      if (MONEY_MENTION.test(channel.feeText)) {
        c.feeAmount++;
        if (hasAmounts) c.feeAmountParsed++;
      }
      if (channel.fees.some((f) => f.inferred) || channel.foreignFees.some((f) => f.inferred)) c.feeInferred++;
      if (channel.foreignFees.length > 0) c.feeForeign++;
    }

    c.requirements += p.requirements.length;
    for (const r of p.requirements) {
      if (r.formTemplate) c.requirementsWithTemplate++;
      if (r.originals === 0 && r.copies > 0) c.requirementsCopiesOnly++;
    }
    if (p.requirements.length > 0) c.withRequirements++;
    else if (!isEmptyRequirementsText(p.raw['thanh_phan_ho_so'])) {
      c.requirementsMissing++;
      this.sample('requirements', `${p.code}: ${p.problems.find((x) => x.startsWith('requirements')) ?? 'no rows'}`);
    }

    c.steps += p.steps.length;
    if (p.steps.length > 0) c.withSteps++;
    c.legalBases += p.legalBases.length;
    c.legalBasesWithCode += p.legalBases.filter((b) => b.code !== null).length;
    c.results += p.results.length;
    c.resultsWithCode += p.results.filter((r) => r.code !== null).length;
  }

  private sample(kind: keyof ParseReport['samples'], text: string): void {
    const list = this.samples[kind];
    if (list.length < 10) list.push(text);
  }

  summary(): ParseSummary {
    const c = this.counts;
    return {
      procedures: c.procedures,
      distinctCodes: this.codes.size,
      proceduresMissingCodeNameOrSector: c.missingBasics,
      proceduresWithProblems: c.withProblems,
      problems: c.problems,
      channels: c.channels,
      channelsWithDurationText: c.durationText,
      channelsWithParsedDuration: c.durationParsed,
      channelsWithUnitlessDuration: c.durationUnitless,
      channelsWithoutDuration: c.durationNone,
      durationParsedPct: pct(c.durationParsed, c.durationText),
      durationParsedStrictPct: pct(c.durationParsed, c.durationText + c.durationUnitless),
      channelsWithFeeText: c.feeText,
      channelsWithParsedFee: c.feeParsed,
      feeParsedPct: pct(c.feeParsed, c.feeText),
      channelsWithFeeAmount: c.feeAmount,
      channelsWithParsedFeeAmount: c.feeAmountParsed,
      feeAmountParsedPct: pct(c.feeAmountParsed, c.feeAmount),
      channelsFree: c.feeFree,
      channelsFeeNotStated: c.feeNotStated,
      channelsFeeUnparsed: c.feeUnparsed,
      channelsWithInferredFee: c.feeInferred,
      channelsWithForeignCurrencyFee: c.feeForeign,
      requirementsParsed: c.requirements,
      requirementsWithTemplate: c.requirementsWithTemplate,
      requirementsCopiesOnly: c.requirementsCopiesOnly,
      proceduresWithRequirements: c.withRequirements,
      proceduresWithoutRequirementsDespiteText: c.requirementsMissing,
      steps: c.steps,
      proceduresWithSteps: c.withSteps,
      legalBases: c.legalBases,
      legalBasesWithCode: c.legalBasesWithCode,
      results: c.results,
      resultsWithCode: c.resultsWithCode,
      resultsWithCodePct: pct(c.resultsWithCode, c.results),
    };
  }

  format(): string {
    const s = this.summary();
    const lines = [
      `Catalogue parse report: ${s.procedures} procedures (${s.distinctCodes} distinct codes), ${s.proceduresWithProblems} with notes (${s.problems} notes)`,
      `  Channels: ${s.channels}`,
      `  Durations: ${s.channelsWithParsedDuration}/${s.channelsWithDurationText} parsed where stated (${s.durationParsedPct}%); ` +
        `${s.channelsWithUnitlessDuration} bare numbers without unit in the source (${s.durationParsedStrictPct}% if counted); ${s.channelsWithoutDuration} not stated`,
      `  Fees: ${s.channelsWithParsedFee}/${s.channelsWithFeeText} parsed where stated (${s.feeParsedPct}%); ` +
        `amounts ${s.channelsWithParsedFeeAmount}/${s.channelsWithFeeAmount} (${s.feeAmountParsedPct}%); ` +
        `${s.channelsFree} free, ${s.channelsFeeNotStated} not stated, ${s.channelsFeeUnparsed} unparsed, ${s.channelsWithInferredFee} inferred, ${s.channelsWithForeignCurrencyFee} in USD`,
      `  Documents: ${s.requirementsParsed} in ${s.proceduresWithRequirements} procedures (${s.requirementsWithTemplate} with a template, ${s.requirementsCopiesOnly} copies only); ` +
        `${s.proceduresWithoutRequirementsDespiteText} procedures with text but no documents`,
      `  Steps: ${s.steps} in ${s.proceduresWithSteps} procedures; legal bases: ${s.legalBasesWithCode}/${s.legalBases} with code`,
      `  Results: ${s.resultsWithCode}/${s.results} with code (${s.resultsWithCodePct}%)`,
    ];
    if (s.proceduresMissingCodeNameOrSector > 0) lines.push(`  ${s.proceduresMissingCodeNameOrSector} procedures lack code, name or sector`);
    for (const [kind, list] of Object.entries(this.samples)) {
      if (list.length > 0) lines.push(`  Unparsed ${kind}, e.g. ${list.slice(0, 3).map((x) => (x.length > 90 ? `${x.slice(0, 89)}…` : x)).join(' | ')}`);
    }
    return lines.join('\n');
  }
}
