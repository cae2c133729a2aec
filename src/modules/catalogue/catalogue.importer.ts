import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { DomainError } from '../../platform/errors/errors.js';
import { slugify } from '../../platform/i18n/fold.js';
import { CatalogueErrors } from './catalogue.errors.js';
import { parseProcedure, type ParsedProcedure } from './catalogue.parser.js';
import type { ProcedureContent } from './catalogue.presenter.js';
import { CatalogueRepository, type ProcedureUpsert } from './catalogue.repository.js';
import { ParseReport, readCatalogue } from './catalogue.source.js';
import type { Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';

export interface ImportOutcome {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  report: ParseReport;
  millis: number;
}

export interface ImportOptions {
  file: string;
  /** Called after each batch with (done, total so far) — the CLI draws a progress bar from it. */
  onProgress?: (done: number) => void;
  batchSize?: number;
}

/**
 * Loads the national catalogue: every record is parsed, and upserted by national code. A record whose text
 * is unchanged since the last import is skipped; a changed one becomes a new version (dossiers keep theirs).
 */
export async function importCatalogue(db: Kysely<Schema>, options: ImportOptions): Promise<ImportOutcome> {
  const started = Date.now();
  try {
    await access(options.file);
  } catch (cause) {
    throw new DomainError(CatalogueErrors.catalogueFileUnreadable, { params: { file: options.file }, cause });
  }
  const repository = new CatalogueRepository(db);
  const existing = await repository.existingHashes();
  const sectorRows = await repository.sectors();
  const sectors = new Map(sectorRows.map((r) => [r.name, r.id]));
  const takenSlugs = new Set(sectorRows.map((r) => r.slug));
  const report = new ParseReport();
  const outcome = { read: 0, created: 0, updated: 0, unchanged: 0 };
  const batchSize = options.batchSize ?? 250;
  let batch: { parsed: ParsedProcedure; hash: string }[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const pending = batch;
    batch = [];
    await repository.transaction(async (trx) => {
      for (const { parsed, hash } of pending) {
        let sectorId = sectors.get(parsed.sector);
        if (sectorId === undefined) {
          sectorId = await repository.insertSector(trx, parsed.sector, uniqueSlug(parsed.sector, takenSlugs));
          sectors.set(parsed.sector, sectorId);
        }
        const before = existing.get(parsed.code);
        await repository.upsertProcedure(trx, toUpsert(parsed, sectorId, hash), before?.version ?? 0);
        if (before) outcome.updated++;
        else outcome.created++;
      }
    });
    options.onProgress?.(outcome.read);
  };

  const seen = new Set<string>();
  try {
    for await (const raw of readCatalogue(options.file)) {
      outcome.read++;
      const parsed = parseProcedure(raw);
      report.add(parsed);
      // The source lists a few procedures twice; the first occurrence wins.
      if (seen.has(parsed.code)) continue;
      seen.add(parsed.code);
      const hash = createHash('sha256').update(JSON.stringify(raw)).digest('hex');
      if (existing.get(parsed.code)?.hash === hash) {
        outcome.unchanged++;
        continue;
      }
      batch.push({ parsed, hash });
      if (batch.length >= batchSize) await flush();
    }
  } catch (cause) {
    if (cause instanceof DomainError) throw cause;
    if (outcome.read === 0) throw new DomainError(CatalogueErrors.catalogueFileUnreadable, { params: { file: options.file }, cause });
    throw cause;
  }
  await flush();
  options.onProgress?.(outcome.read);
  return { ...outcome, report, millis: Date.now() - started };
}

function uniqueSlug(name: string, taken: Set<string>): string {
  const base = slugify(name) || 'linh-vuc';
  let slug = base;
  for (let i = 2; taken.has(slug); i++) slug = `${base}-${i}`;
  taken.add(slug);
  return slug;
}

/** Shortest stated duration, in working days (hours count as a fraction of an 8-hour working day). */
export function minDurationDays(parsed: ParsedProcedure): number | null {
  let best: number | null = null;
  for (const channel of parsed.channels) {
    for (const d of channel.durations) {
      const days =
        d.unit === 'working_day' || d.unit === 'day'
          ? d.value
          : d.unit === 'working_hour' || d.unit === 'hour'
            ? d.value / 8
            : d.unit === 'month'
              ? d.value * 22
              : d.value * 250;
      if (best === null || days < best) best = days;
    }
  }
  return best === null ? null : Math.round(best * 100) / 100;
}

/**
 * Decree 42/2022/NĐ-CP art. 11: a service is full ("toàn trình") when everything, result included, happens
 * without a visit. The catalogue does not say so explicitly; we mark an online service full when the text says
 * "toàn trình", partial otherwise. Agency administrators correct it per procedure.
 */
export function serviceLevelOf(parsed: ParsedProcedure): 'full' | 'partial' | null {
  if (!parsed.onlineOffered) return null;
  const online = parsed.channels.filter((c) => c.channel === 'online');
  return online.some((c) => /toàn trình/i.test(`${c.description} ${c.feeText}`)) ? 'full' : 'partial';
}

function hasFee(parsed: ParsedProcedure): boolean | null {
  if (parsed.channels.some((c) => c.fees.some((f) => f.amountVnd > 0))) return true;
  if (parsed.channels.length > 0 && parsed.channels.every((c) => c.feeStatus === 'free')) return false;
  return null;
}

function toUpsert(parsed: ParsedProcedure, sectorId: number, hash: string): ProcedureUpsert {
  const { raw, ...content } = parsed;
  return {
    code: parsed.code,
    name: parsed.name,
    sectorId,
    levels: parsed.levels,
    onlineOffered: parsed.onlineOffered,
    serviceLevel: serviceLevelOf(parsed),
    competentAgency: parsed.competentAgency,
    handlingAgency: parsed.handlingAgency,
    applicantTypes: parsed.applicantTypes,
    minDurationDays: minDurationDays(parsed),
    hasFee: hasFee(parsed),
    decisionNumber: parsed.decisionNumber,
    content: content satisfies ProcedureContent,
    raw,
    sourceHash: hash,
  };
}
