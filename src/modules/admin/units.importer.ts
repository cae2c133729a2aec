import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Database } from '../../platform/db/database.js';
import { DomainError } from '../../platform/errors/errors.js';
import { fold } from '../../platform/i18n/fold.js';
import { AdminErrors } from './admin.errors.js';
import { UnitsRepository, type UnitRow } from './units.repository.js';

/**
 * Loads one edition of administrative units (provinces and communes) from published files.
 *
 * Since 1 July 2025 Vietnam has two levels of local government: 34 provinces (Resolution 202/2025/QH15) and
 * 3,321 communes, wards and special zones (resolutions of the National Assembly Standing Committee, June 2025).
 * Their codes are set by Decision 19/2025/QĐ-TTg. A later reorganisation is a new edition described by a new
 * `UnitEditionSpec` and new files: no code change, and the earlier edition stays in the database.
 */
export interface UnitEditionSpec {
  /** Edition name; importing the same name again replaces that edition's units instead of adding an edition. */
  name: string;
  /** The legal documents the edition follows (shown beside the data). */
  legalBasis: string;
  /** Date the edition takes effect, YYYY-MM-DD. */
  effectiveFrom: string;
  /** Files relative to the import folder; at least `communes` or `units`. */
  files: {
    /** CSV of provinces: a code column ("Mã số") and a name column ("Tên ..."), as in Official Letter 915/CTK-CSCL. */
    provinces?: string;
    /** CSV of communes `ma_xa,ten,loai,ma_tinh,tinh`, as in Official Letter 1027/CTK-CSCL. The primary list when given. */
    communes?: string;
    /**
     * Nested JSON: provinces with `Wards`, Vietnamese and English names. With the CSVs it supplies English names
     * and, where a commune's code differs, the code of Decision 19/2025/QĐ-TTg; alone it is the whole edition.
     */
    units?: string;
  };
}

/** The edition shipped in data/administrative-units/ (see data/README.md). */
export const defaultUnitEdition: UnitEditionSpec = {
  name: '2025-07-01',
  legalBasis:
    'Resolution 202/2025/QH15 (provinces); resolutions of the National Assembly Standing Committee of June 2025 ' +
    '(communes); codes per Decision 19/2025/QĐ-TTg; lists per Official Letters 915/CTK-CSCL and 1027/CTK-CSCL',
  effectiveFrom: '2025-07-01',
  files: {
    provinces: '915_CTK-CSCL_provinces.csv',
    communes: 'communes_2025-07-01.csv',
    units: 'vn-units-2026-07-25.simplified.json',
  },
};

export interface UnitsImportProgress {
  phase: 'read' | 'write' | 'done';
  done: number;
  total: number;
}

export interface ImportUnitsOptions {
  /** Folder holding the edition's files. */
  dir: string;
  /** Defaults to `defaultUnitEdition`. */
  edition?: UnitEditionSpec;
  /**
   * `latest` (default): the edition becomes current unless the current one takes effect later, so re-running an
   * old import never demotes a newer edition. `always` forces it current; `never` only stores it.
   */
  makeCurrent?: 'latest' | 'always' | 'never';
  onProgress?: (event: UnitsImportProgress) => void;
}

/** How the primary list and the secondary JSON disagree; reported, and settled by the rules in each comment. */
export interface UnitsSourceDifferences {
  /** Same commune (province and name), different codes: the JSON code is used (Decision 19/2025/QĐ-TTg). */
  codes: { provinceCode: string; fullName: string; primaryCode: string; secondaryCode: string }[];
  /** Same code, different kind (e.g. a commune that became a ward later): the primary source wins. */
  kinds: { code: string; primaryKind: string; secondaryKind: string }[];
  /** Codes only in the primary list, loaded without English names. */
  onlyInPrimary: string[];
  /** Codes only in the JSON (units created after the primary list), not loaded into this edition. */
  onlyInSecondary: string[];
  /** Names written differently but equal once folded (tone-mark placement such as Hòa / Hoà): primary wins. */
  spellingVariants: number;
}

export interface UnitsImportResult {
  editionId: number;
  edition: string;
  /** False when an edition of that name existed and was replaced. */
  created: boolean;
  /** Whether this edition is the current one after the import. */
  current: boolean;
  provinces: number;
  communes: number;
  differences: UnitsSourceDifferences;
  sources: string[];
  durationMs: number;
}

export async function importUnits(database: Database, options: ImportUnitsOptions): Promise<UnitsImportResult> {
  const started = performance.now();
  const spec = options.edition ?? defaultUnitEdition;
  validateSpec(spec);
  const progress = options.onProgress ?? (() => undefined);

  const fileNames = [spec.files.provinces, spec.files.communes, spec.files.units].filter(
    (f): f is string => f !== undefined,
  );
  progress({ phase: 'read', done: 0, total: fileNames.length });
  const texts = new Map<string, string>();
  const sources: string[] = [];
  for (const [index, file] of fileNames.entries()) {
    const text = await readSource(join(options.dir, file));
    texts.set(file, text);
    sources.push(`${basename(file)} sha256:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`);
    progress({ phase: 'read', done: index + 1, total: fileNames.length });
  }
  const read = (file: string | undefined) => (file === undefined ? undefined : texts.get(file));

  const { units, differences } = buildEdition({
    provincesCsv: spec.files.provinces ? { file: spec.files.provinces, text: read(spec.files.provinces)! } : undefined,
    communesCsv: spec.files.communes ? { file: spec.files.communes, text: read(spec.files.communes)! } : undefined,
    unitsJson: spec.files.units ? { file: spec.files.units, text: read(spec.files.units)! } : undefined,
  });

  const policy = options.makeCurrent ?? 'latest';
  const written = await database.db.transaction().execute(async (trx) => {
    const repository = new UnitsRepository(trx);
    await repository.lockImports();
    const fields = {
      name: spec.name,
      legal_basis: spec.legalBasis,
      source: sources.join('; '),
      effective_from: spec.effectiveFrom,
    };
    const existing = await repository.findEditionByName(spec.name);
    let editionId: number;
    if (existing) {
      editionId = existing.id;
      await repository.updateEdition(editionId, fields);
    } else {
      editionId = await repository.insertEdition(fields);
    }
    progress({ phase: 'write', done: 0, total: units.length });
    await repository.replaceUnits(editionId, units, {
      onChunk: (done) => progress({ phase: 'write', done, total: units.length }),
    });
    const current = await repository.currentEdition();
    const becomesCurrent =
      policy === 'always' ||
      (policy === 'latest' && (!current || current.id === editionId || current.effective_from <= spec.effectiveFrom));
    if (becomesCurrent) await repository.makeCurrent(editionId);
    const counts = await repository.countUnits(editionId);
    return { editionId, created: !existing, current: becomesCurrent || current?.id === editionId, counts };
  });
  progress({ phase: 'done', done: units.length, total: units.length });

  return {
    editionId: written.editionId,
    edition: spec.name,
    created: written.created,
    current: written.current,
    provinces: written.counts.provinces,
    communes: written.counts.communes,
    differences,
    sources,
    durationMs: Math.round(performance.now() - started),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing and merging (pure; exported for tests)

interface SourceText {
  file: string;
  text: string;
}

const provinceKinds = ['Thành phố', 'Tỉnh'] as const;
const communeKinds = ['Phường', 'Xã', 'Đặc khu'] as const;

/** English words for kinds, used when the JSON's own English full name belongs to another kind. */
const englishKinds: Record<string, string> = {
  'Thành phố': 'City',
  Tỉnh: 'Province',
  Phường: 'Ward',
  Xã: 'Commune',
  'Đặc khu': 'Special administrative region',
};

/**
 * RFC 4180 CSV: comma separated, fields optionally in double quotes (a quoted field may hold commas, line breaks
 * and doubled quotes), CRLF or LF line ends, an optional UTF-8 byte-order mark. The shipped files happen to contain
 * no quotes, but a re-exported spreadsheet easily does.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
      i += 1;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
    } else {
      field += ch;
    }
    i += 1;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  // Blank lines (often a trailing one) carry no record.
  return rows.filter((r) => !(r.length === 1 && r[0]!.trim() === ''));
}

function invalid(file: string, reason: string, line?: number): DomainError {
  return new DomainError(AdminErrors.unitsSourceInvalid, {
    params: { file: basename(file), reason, ...(line === undefined ? {} : { line }) },
  });
}

async function readSource(path: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).normalize('NFC');
  } catch (error) {
    throw new DomainError(AdminErrors.unitsSourceInvalid, {
      params: { file: basename(path), reason: 'cannot be read' },
      cause: error,
    });
  }
}

function validateSpec(spec: UnitEditionSpec): void {
  const problems: string[] = [];
  if (!spec.name.trim()) problems.push('edition name is empty');
  if (!spec.legalBasis.trim()) problems.push('legal basis is empty');
  if (!isIsoDate(spec.effectiveFrom)) problems.push('effective date is not YYYY-MM-DD');
  if (!spec.files.communes && !spec.files.units) problems.push('needs a communes CSV or a units JSON file');
  if (problems.length > 0) throw invalid(spec.name || 'edition', problems.join('; '));
}

function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** Splits "Thành phố Hà Nội" into kind and short name; the kind match ignores case ("xã Bắc Sơn" occurs). */
function splitKind(fullName: string, kinds: readonly string[]): { kind: string; name: string } | undefined {
  const lower = fullName.toLocaleLowerCase('vi');
  for (const kind of kinds) {
    const prefix = `${kind.toLocaleLowerCase('vi')} `;
    if (lower.startsWith(prefix)) return { kind, name: fullName.slice(prefix.length).trim() };
  }
  return undefined;
}

function column(header: string[], file: string, accept: (folded: string) => boolean, label: string): number {
  const index = header.findIndex((h) => accept(fold(h)));
  if (index < 0) throw invalid(file, `no ${label} column`, 1);
  return index;
}

function readProvincesCsv(source: SourceText): UnitRow[] {
  const rows = parseCsvOrFail(source);
  const header = rows[0] ?? [];
  const codeAt = column(header, source.file, (h) => h === 'ma so' || h === 'ma' || h === 'ma_tinh' || h === 'code', 'code');
  const nameAt = column(header, source.file, (h) => h.startsWith('ten') || h === 'name', 'name');
  return rows.slice(1).map((cells, index) => {
    const line = index + 2;
    const code = (cells[codeAt] ?? '').trim();
    const text = (cells[nameAt] ?? '').trim();
    if (!/^\d{2}$/.test(code)) throw invalid(source.file, `province code "${code}" is not two digits`, line);
    if (!text) throw invalid(source.file, 'province name is empty', line);
    // The letter writes "Thành phố Hà Nội" for a city and the bare name for a province.
    const split = splitKind(text, provinceKinds) ?? { kind: 'Tỉnh', name: text };
    return province(code, split.kind, split.name);
  });
}

function readCommunesCsv(source: SourceText): UnitRow[] {
  const rows = parseCsvOrFail(source);
  const header = (rows[0] ?? []).map((h) => h.trim());
  const at = (name: string) => {
    const index = header.indexOf(name);
    if (index < 0) throw invalid(source.file, `no ${name} column`, 1);
    return index;
  };
  const [codeAt, nameAt, kindAt, provinceAt] = [at('ma_xa'), at('ten'), at('loai'), at('ma_tinh')];
  return rows.slice(1).map((cells, index) => {
    const line = index + 2;
    const code = (cells[codeAt] ?? '').trim();
    const fullName = (cells[nameAt] ?? '').trim();
    const kind = communeKinds.find((k) => k === (cells[kindAt] ?? '').trim());
    const provinceCode = (cells[provinceAt] ?? '').trim();
    if (!/^\d{5}$/.test(code)) throw invalid(source.file, `commune code "${code}" is not five digits`, line);
    if (!kind) throw invalid(source.file, `unknown kind "${cells[kindAt] ?? ''}"`, line);
    if (!/^\d{2}$/.test(provinceCode)) throw invalid(source.file, `province code "${provinceCode}" is not two digits`, line);
    const split = splitKind(fullName, [kind]);
    return commune(code, kind, split?.name ?? fullName, provinceCode);
  });
}

interface JsonUnit {
  Code?: unknown;
  Name?: unknown;
  NameEn?: unknown;
  FullName?: unknown;
  FullNameEn?: unknown;
  Wards?: unknown;
}

interface JsonEntry {
  row: UnitRow;
  /** The JSON's own English full name, valid for the JSON's kind. */
  fullNameEn: string | null;
}

function readUnitsJson(source: SourceText): { provinces: JsonEntry[]; communes: JsonEntry[] } {
  let data: unknown;
  try {
    data = JSON.parse(source.text);
  } catch {
    throw invalid(source.file, 'is not valid JSON');
  }
  if (!Array.isArray(data)) throw invalid(source.file, 'is not an array of provinces');
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  const provinces: JsonEntry[] = [];
  const communes: JsonEntry[] = [];
  for (const item of data as JsonUnit[]) {
    const code = text(item.Code);
    const split = splitKind(text(item.FullName), provinceKinds);
    if (!/^\d{2}$/.test(code) || !split) throw invalid(source.file, `province "${code}" lacks a code or kind`);
    const row = province(code, split.kind, text(item.Name) || split.name, text(item.NameEn) || null);
    provinces.push({ row, fullNameEn: text(item.FullNameEn) || null });
    if (!Array.isArray(item.Wards)) throw invalid(source.file, `province ${code} has no Wards`);
    for (const ward of item.Wards as JsonUnit[]) {
      const wardCode = text(ward.Code);
      const wardSplit = splitKind(text(ward.FullName), communeKinds);
      if (!/^\d{5}$/.test(wardCode) || !wardSplit) throw invalid(source.file, `commune "${wardCode}" lacks a code or kind`);
      const wardRow = commune(wardCode, wardSplit.kind, text(ward.Name) || wardSplit.name, code, text(ward.NameEn) || null);
      communes.push({ row: wardRow, fullNameEn: text(ward.FullNameEn) || null });
    }
  }
  return { provinces, communes };
}

function province(code: string, kind: string, name: string, nameEn: string | null = null): UnitRow {
  return {
    code,
    level: 'province',
    kind,
    name,
    full_name: `${kind} ${name}`,
    name_en: nameEn,
    full_name_en: null,
    parent_code: null,
  };
}

function commune(code: string, kind: string, name: string, provinceCode: string, nameEn: string | null = null): UnitRow {
  return {
    code,
    level: 'commune',
    kind,
    name,
    full_name: `${kind} ${name}`,
    name_en: nameEn,
    full_name_en: null,
    parent_code: provinceCode,
  };
}

function parseCsvOrFail(source: SourceText): string[][] {
  try {
    const rows = parseCsv(source.text);
    if (rows.length < 2) throw invalid(source.file, 'has no data rows');
    return rows;
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw invalid(source.file, (error as Error).message);
  }
}

/** English names: the JSON's own when it agrees on the kind, otherwise composed for the primary kind. */
function withEnglish(row: UnitRow, entry: JsonEntry | undefined): UnitRow {
  const nameEn = entry?.row.name_en ?? row.name_en;
  if (!nameEn) return row;
  const sameKind = entry !== undefined && entry.row.kind === row.kind;
  const fullNameEn = sameKind && entry.fullNameEn ? entry.fullNameEn : `${nameEn} ${englishKinds[row.kind] ?? ''}`.trim();
  return { ...row, name_en: nameEn, full_name_en: fullNameEn };
}

/** Merges the sources into one list of units and the report of their differences (pure, for tests). */
export function buildEdition(sources: {
  provincesCsv?: SourceText | undefined;
  communesCsv?: SourceText | undefined;
  unitsJson?: SourceText | undefined;
}): { units: UnitRow[]; differences: UnitsSourceDifferences } {
  const json = sources.unitsJson ? readUnitsJson(sources.unitsJson) : undefined;
  const differences: UnitsSourceDifferences = {
    codes: [],
    kinds: [],
    onlyInPrimary: [],
    onlyInSecondary: [],
    spellingVariants: 0,
  };

  let provinces: UnitRow[];
  if (sources.provincesCsv) provinces = readProvincesCsv(sources.provincesCsv);
  else if (json) provinces = json.provinces.map((p) => p.row);
  else throw invalid(sources.communesCsv?.file ?? 'edition', 'needs a provinces CSV or a units JSON file');

  let communes: UnitRow[];
  if (sources.communesCsv) {
    communes = readCommunesCsv(sources.communesCsv);
  } else {
    communes = json!.communes.map((c) => c.row);
  }

  if (json) {
    const jsonProvinces = new Map(json.provinces.map((p) => [p.row.code, p]));
    const jsonCommunes = new Map(json.communes.map((c) => [c.row.code, c]));
    const compare = (row: UnitRow, entry: JsonEntry) => {
      if (entry.row.kind !== row.kind) {
        differences.kinds.push({ code: row.code, primaryKind: row.kind, secondaryKind: entry.row.kind });
      } else if (entry.row.name !== row.name && fold(entry.row.name) === fold(row.name)) {
        differences.spellingVariants += 1;
      }
    };
    provinces = provinces.map((row) => {
      const entry = jsonProvinces.get(row.code);
      if (entry) compare(row, entry);
      else differences.onlyInPrimary.push(row.code);
      return withEnglish(row, entry);
    });

    if (sources.communesCsv) {
      const primaryCodes = new Set(communes.map((c) => c.code));
      // JSON communes the CSV lacks, by province and folded name: candidates for a corrected code.
      const unmatched = new Map<string, JsonEntry>();
      for (const entry of json.communes) {
        if (!primaryCodes.has(entry.row.code)) unmatched.set(`${entry.row.parent_code}|${fold(entry.row.name)}`, entry);
      }
      communes = communes.map((row) => {
        let entry = jsonCommunes.get(row.code);
        if (!entry) {
          const key = `${row.parent_code}|${fold(row.name)}`;
          entry = unmatched.get(key);
          if (entry) {
            unmatched.delete(key);
            // Decision 19/2025/QĐ-TTg is authoritative for codes; the JSON follows it.
            differences.codes.push({
              provinceCode: row.parent_code ?? '',
              fullName: row.full_name,
              primaryCode: row.code,
              secondaryCode: entry.row.code,
            });
            row = { ...row, code: entry.row.code };
          } else {
            differences.onlyInPrimary.push(row.code);
          }
        }
        if (entry) compare(row, entry);
        return withEnglish(row, entry);
      });
      differences.onlyInSecondary.push(...[...unmatched.values()].map((e) => e.row.code).sort());
    } else {
      communes = communes.map((row) => withEnglish(row, jsonCommunes.get(row.code)));
      const provinceCodes = new Set(provinces.map((p) => p.code));
      for (const entry of json.provinces) {
        if (!provinceCodes.has(entry.row.code)) differences.onlyInSecondary.push(entry.row.code);
      }
    }
  }

  checkConsistency(provinces, communes, sources.communesCsv?.file ?? sources.unitsJson?.file ?? 'edition');
  return { units: [...provinces, ...communes], differences };
}

function checkConsistency(provinces: UnitRow[], communes: UnitRow[], file: string): void {
  if (provinces.length === 0 || communes.length === 0) throw invalid(file, 'has no provinces or no communes');
  const seen = new Set<string>();
  for (const unit of [...provinces, ...communes]) {
    if (seen.has(unit.code)) throw invalid(file, `code ${unit.code} occurs twice`);
    seen.add(unit.code);
  }
  const provinceCodes = new Set(provinces.map((p) => p.code));
  for (const unit of communes) {
    if (!provinceCodes.has(unit.parent_code ?? '')) {
      throw invalid(file, `commune ${unit.code} names unknown province ${unit.parent_code ?? ''}`);
    }
  }
}
