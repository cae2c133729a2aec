import { DomainError } from '../../platform/errors/errors.js';
import { fold } from '../../platform/i18n/fold.js';
import { CatalogueErrors } from './catalogue.errors.js';
import { isoDate, presentSummary, type ProcedureContent, type ProcedureDetail, type ProcedureSummary } from './catalogue.presenter.js';
import type { CatalogueRepository } from './catalogue.repository.js';
import { lifeEvents, type LifeEvent } from './life-events.js';
import { buildTsQuery, queryTokens, Vocabulary } from './search-query.js';

export const levels = ['ministry', 'province', 'commune', 'other'] as const;
export type Level = (typeof levels)[number];
export const onlineFilters = ['any', 'full', 'partial'] as const;
export type OnlineFilter = (typeof onlineFilters)[number];

export interface SearchInput {
  q?: string | undefined;
  sector?: string | undefined;
  level?: Level | undefined;
  agencyId?: number | undefined;
  online?: OnlineFilter | undefined;
  page?: number | undefined;
  pageSize?: number | undefined;
}

export interface SearchResult {
  query: string;
  total: number;
  page: number;
  pageSize: number;
  pageCount: number;
  items: ProcedureSummary[];
}

export interface SectorView {
  name: string;
  slug: string;
  count: number;
}

export const MAX_QUERY_LENGTH = 200;

/** The public catalogue: search, browse and read procedures. Read-only; the importer writes. */
export class CatalogueService {
  private vocabularyCache: { words: Promise<Vocabulary>; loadedAt: number } | null = null;
  private sectorsCache: { sectors: Promise<SectorView[]>; loadedAt: number } | null = null;

  constructor(
    private readonly repository: CatalogueRepository,
    /** How long the typo-correction vocabulary is kept before it is read again (a re-import may add words). */
    private readonly vocabularyTtlMs = 5 * 60_000,
  ) {}

  private vocabulary(): Promise<Vocabulary> {
    const now = Date.now();
    if (!this.vocabularyCache || now - this.vocabularyCache.loadedAt > this.vocabularyTtlMs) {
      const words = this.repository.vocabulary().then((w) => new Vocabulary(w));
      // A failed load must not stick: the next search tries again.
      words.catch(() => (this.vocabularyCache = null));
      this.vocabularyCache = { words, loadedAt: now };
    }
    return this.vocabularyCache.words;
  }

  async search(input: SearchInput): Promise<SearchResult> {
    const query = (input.q ?? '').normalize('NFC').trim();
    if (query.length > MAX_QUERY_LENGTH) throw new DomainError(CatalogueErrors.searchQueryTooLong, { params: { max: MAX_QUERY_LENGTH } });
    const pageSize = Math.min(Math.max(input.pageSize ?? 20, 1), 100);
    const page = Math.max(input.page ?? 1, 1);
    const { total, rows } = await this.repository.search({
      tsQuery: buildTsQuery(queryTokens(query), await this.vocabulary()),
      folded: fold(query),
      exact: query,
      sectorSlug: input.sector,
      level: input.level,
      agencyId: input.agencyId,
      online: input.online,
      limit: pageSize,
      offset: (page - 1) * pageSize,
    });
    return { query, total, page, pageSize, pageCount: Math.max(1, Math.ceil(total / pageSize)), items: rows.map(presentSummary) };
  }

  async procedure(code: string, locale: 'vi' | 'en'): Promise<ProcedureDetail> {
    const row = await this.repository.findByCode(code);
    if (!row || row.status !== 'published') throw new DomainError(CatalogueErrors.procedureNotFound, { params: { code } });
    const [agencies, guide] = await Promise.all([
      this.repository.agenciesOf(row.id),
      this.repository.findGuide(row.id, locale).then((g) => g ?? (locale === 'en' ? this.repository.findGuide(row.id, 'vi') : undefined)),
    ]);
    const content = row.content as ProcedureContent;
    const raw = row.raw as Record<string, unknown>;
    return {
      ...presentSummary(row),
      competentAgency: row.competent_agency,
      applicantTypes: row.applicant_types,
      version: { number: row.version, decisionNumber: row.decision_number, effectiveFrom: isoDate(row.effective_from) },
      content,
      raw,
      agencies: agencies.map((a) => ({ code: a.code, name: a.name, address: a.address, kind: a.kind })),
      guide: guide ? { summary: guide.summary, body: guide.body, videoUrl: guide.video_url, imageUrls: guide.image_urls } : null,
      sourceUrl: typeof raw.detail_url === 'string' ? raw.detail_url : '',
    };
  }

  /** Sectors with counts change only on import: every search page shows them, so they are kept for a minute. */
  async sectors(): Promise<SectorView[]> {
    const now = Date.now();
    if (!this.sectorsCache || now - this.sectorsCache.loadedAt > 60_000) {
      const sectors = this.repository
        .sectors()
        .then((rows) => rows.filter((r) => Number(r.count) > 0).map((r) => ({ name: r.name, slug: r.slug, count: Number(r.count) })));
      sectors.catch(() => (this.sectorsCache = null));
      this.sectorsCache = { sectors, loadedAt: now };
    }
    return this.sectorsCache.sectors;
  }

  async sector(slug: string): Promise<{ name: string; slug: string }> {
    const row = await this.repository.sectorBySlug(slug);
    if (!row) throw new DomainError(CatalogueErrors.sectorNotFound, { params: { slug } });
    return { name: row.name, slug: row.slug };
  }

  async popular(limit = 8): Promise<ProcedureSummary[]> {
    return (await this.repository.popular(limit)).map(presentSummary);
  }

  lifeEvents(): readonly LifeEvent[] {
    return lifeEvents;
  }

  async lifeEvent(slug: string): Promise<{ event: LifeEvent; procedures: ProcedureSummary[] }> {
    const event = lifeEvents.find((e) => e.slug === slug);
    if (!event) throw new DomainError(CatalogueErrors.lifeEventNotFound, { params: { slug } });
    const rows = await this.repository.byCodes(event.codes);
    const order = new Map(event.codes.map((c, i) => [c, i]));
    rows.sort((a, b) => (order.get(a.code) ?? 0) - (order.get(b.code) ?? 0));
    return { event, procedures: rows.map(presentSummary) };
  }

  async stats(): Promise<{ procedures: number; online: number; fullOnline: number }> {
    const c = await this.repository.counts();
    return { procedures: Number(c.procedures), online: Number(c.online), fullOnline: Number(c.full_online) };
  }
}
