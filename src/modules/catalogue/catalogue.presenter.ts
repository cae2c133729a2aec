import type { ProcedureListRow } from './catalogue.repository.js';
import type { ParsedProcedure } from './catalogue.parser.js';

/** What a list or search result shows of a procedure (no raw rows leave the module). */
export interface ProcedureSummary {
  code: string;
  name: string;
  sector: { name: string; slug: string };
  levels: string[];
  onlineOffered: boolean;
  serviceLevel: 'full' | 'partial' | null;
  minDurationDays: number | null;
  hasFee: boolean | null;
  handlingAgency: string;
}

/** Parsed legal content stored with each version: everything parsed, minus the raw record (kept apart). */
export type ProcedureContent = Omit<ParsedProcedure, 'raw'>;

export interface ProcedureDetail extends ProcedureSummary {
  competentAgency: string;
  applicantTypes: string[];
  version: { number: number; decisionNumber: string; effectiveFrom: string };
  content: ProcedureContent;
  raw: Record<string, unknown>;
  agencies: { code: string; name: string; address: string | null; kind: string }[];
  guide: { summary: string; body: string; videoUrl: string | null; imageUrls: string[] } | null;
  sourceUrl: string;
}

export function presentSummary(row: ProcedureListRow): ProcedureSummary {
  return {
    code: row.code,
    name: row.name,
    sector: { name: row.sector_name, slug: row.sector_slug },
    levels: row.levels,
    onlineOffered: row.online_offered,
    serviceLevel: row.service_level,
    minDurationDays: row.min_duration_days === null ? null : Number(row.min_duration_days),
    hasFee: row.has_fee,
    handlingAgency: row.handling_agency,
  };
}

export function isoDate(value: Date | string): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
}
