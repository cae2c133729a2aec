import type { FastifyInstance } from 'fastify';
import { sendPage, viewContext } from '../../platform/http/context.js';
import type { CatalogueService, Level, OnlineFilter, SearchInput } from './catalogue.service.js';
import { levels, onlineFilters } from './catalogue.service.js';
import { HomePage, LifeEventPage, ProcedurePage, SearchPage, SectorsPage } from './catalogue.pages.js';
import type { AgencyService } from '../admin/index.js';
import { AgenciesPage, AgencyDetails } from './agency.pages.js';
import { procedureDetailSchema, procedureSummarySchema, searchQuerySchema, sectorSchema } from './catalogue.schemas.js';

export interface CatalogueRouteDeps {
  catalogue: CatalogueService;
  agencies: AgencyService;
  /** Requests per minute per client address on search and the API. */
  searchRateLimit: number;
}

type RawQuery = Record<string, string | undefined>;

/** Reads filters from a query string, ignoring values that are not ours (a bad link still shows results). */
export function searchInputFrom(query: RawQuery): SearchInput {
  const page = Number.parseInt(query.page ?? '1', 10);
  return {
    q: typeof query.q === 'string' ? query.q.slice(0, 500) : undefined,
    sector: query.sector && /^[a-z0-9-]{1,90}$/.test(query.sector) ? query.sector : undefined,
    level: levels.includes(query.level as Level) ? (query.level as Level) : undefined,
    online: onlineFilters.includes(query.online as OnlineFilter) ? (query.online as OnlineFilter) : undefined,
    page: Number.isFinite(page) && page > 0 && page < 10_000 ? page : 1,
  };
}

export async function catalogueRoutes(app: FastifyInstance, deps: CatalogueRouteDeps): Promise<void> {
  const { catalogue } = deps;
  const limited = { rateLimit: { max: deps.searchRateLimit, timeWindow: '1 minute' } };

  app.get('/', async (request, reply) => {
    const [popular, sectors, stats] = await Promise.all([catalogue.popular(8), catalogue.sectors(), catalogue.stats()]);
    return sendPage(reply, <HomePage ctx={viewContext(request)} model={{ popular, sectors, stats, lifeEvents: catalogue.lifeEvents() }} />);
  });

  app.get<{ Querystring: RawQuery }>('/thu-tuc', { config: limited }, async (request, reply) => {
    const input = searchInputFrom(request.query);
    const [result, sectors] = await Promise.all([catalogue.search(input), catalogue.sectors()]);
    return sendPage(reply, <SearchPage ctx={viewContext(request)} model={{ input, result, sectors, basePath: '/thu-tuc' }} />);
  });

  app.get<{ Params: { code: string } }>('/thu-tuc/:code', async (request, reply) => {
    const ctx = viewContext(request);
    const p = await catalogue.procedure(request.params.code, ctx.locale);
    return sendPage(reply, <ProcedurePage ctx={ctx} p={p} />);
  });

  app.get('/linh-vuc', async (request, reply) => {
    return sendPage(reply, <SectorsPage ctx={viewContext(request)} sectors={await catalogue.sectors()} />);
  });

  app.get<{ Params: { slug: string }; Querystring: RawQuery }>('/linh-vuc/:slug', { config: limited }, async (request, reply) => {
    const ctx = viewContext(request);
    const sector = await catalogue.sector(request.params.slug);
    const input = { ...searchInputFrom(request.query), sector: sector.slug };
    const [result, sectors] = await Promise.all([catalogue.search(input), catalogue.sectors()]);
    return sendPage(
      reply,
      <SearchPage
        ctx={ctx}
        model={{
          input: { ...input, sector: undefined },
          result,
          sectors,
          heading: sector.name,
          basePath: `/linh-vuc/${sector.slug}`,
          hideSectorFilter: true,
          crumbs: [{ href: '/', label: ctx.t('nav.home') }, { href: '/linh-vuc', label: ctx.t('nav.sectors') }, { label: sector.name }],
        }}
      />,
    );
  });

  app.get<{ Params: { slug: string } }>('/su-kien/:slug', async (request, reply) => {
    const { event, procedures } = await catalogue.lifeEvent(request.params.slug);
    return sendPage(reply, <LifeEventPage ctx={viewContext(request)} event={event} procedures={procedures} />);
  });

  app.get('/co-quan', async (request, reply) => {
    return sendPage(reply, <AgenciesPage ctx={viewContext(request)} tree={await deps.agencies.tree()} />);
  });

  app.get<{ Params: { code: string }; Querystring: RawQuery }>('/co-quan/:code', { config: limited }, async (request, reply) => {
    const ctx = viewContext(request);
    const agency = await deps.agencies.getByCode(request.params.code);
    const parent = agency.parentId === null ? null : await deps.agencies.get(agency.parentId);
    const input = { ...searchInputFrom(request.query), agencyId: agency.id };
    const [result, sectors] = await Promise.all([catalogue.search(input), catalogue.sectors()]);
    return sendPage(
      reply,
      <SearchPage
        ctx={ctx}
        model={{
          input,
          result,
          sectors,
          heading: agency.name,
          basePath: `/co-quan/${encodeURIComponent(agency.code)}`,
          intro: <AgencyDetails ctx={ctx} agency={agency} parent={parent} />,
          crumbs: [{ href: '/', label: ctx.t('nav.home') }, { href: '/co-quan', label: ctx.t('nav.agencies') }, { label: agency.name }],
        }}
      />,
    );
  });

  // ---- JSON API (documented at /api/docs) ----

  app.get<{ Querystring: RawQuery }>(
    '/api/v1/procedures',
    {
      config: limited,
      schema: {
        tags: ['catalogue'],
        summary: 'Search and filter published procedures',
        querystring: searchQuerySchema,
        response: {
          200: {
            type: 'object',
            properties: {
              query: { type: 'string' },
              total: { type: 'integer' },
              page: { type: 'integer' },
              pageSize: { type: 'integer' },
              pageCount: { type: 'integer' },
              items: { type: 'array', items: procedureSummarySchema },
            },
          },
        },
      },
    },
    async (request) => {
      const pageSize = Number.parseInt(request.query.pageSize ?? '20', 10);
      return catalogue.search({ ...searchInputFrom(request.query), pageSize: Number.isFinite(pageSize) ? pageSize : 20 });
    },
  );

  app.get<{ Params: { code: string } }>(
    '/api/v1/procedures/:code',
    {
      config: limited,
      schema: {
        tags: ['catalogue'],
        summary: 'One procedure with its parsed legal content and the raw published text',
        params: { type: 'object', properties: { code: { type: 'string', description: 'National procedure code, e.g. 1.001193' } }, required: ['code'] },
        response: { 200: procedureDetailSchema },
      },
    },
    async (request) => catalogue.procedure(request.params.code, request.locale),
  );

  app.get(
    '/api/v1/sectors',
    { schema: { tags: ['catalogue'], summary: 'Sectors with their number of published procedures', response: { 200: { type: 'array', items: sectorSchema } } } },
    async () => catalogue.sectors(),
  );
}
