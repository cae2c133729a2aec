import ExcelJS from 'exceljs';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { requireUser } from '../../platform/http/auth.js';
import { sendPage, viewContext } from '../../platform/http/context.js';
import type { Database as Schema } from '../../platform/db/schema.js';
import { DashboardPage, DrillDownPage, OpenDataPage } from './reports.pages.js';
import type { DashboardInput, ReportsService } from './reports.service.js';

export interface ReportsRouteDeps {
  reports: ReportsService;
  /** Open data reads the catalogue and the aggregates directly (public, no personal data). */
  db: Kysely<Schema>;
  openDataRateLimit: number;
}

type Query = { 'co-quan'?: string; tu?: string; den?: string; 'chi-so'?: string };

function inputOf(query: Query): DashboardInput {
  const agency = query['co-quan'] ? Number.parseInt(query['co-quan'], 10) : null;
  return {
    agencyId: Number.isInteger(agency) ? agency : null,
    ...(query.tu ? { from: query.tu } : {}),
    ...(query.den ? { to: query.den } : {}),
  };
}

/** A CSV field: quoted when it holds a separator, a quote or a line break; formulas neutralised for spreadsheets. */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text)) text = `'${text}`;
  return /[",\n\r;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csv = (rows: unknown[][]) => `\uFEFF${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;

/**
 * Leaders' dashboard of the Decision 766 indicators (`/can-bo/chi-so`), the dossiers behind a number, exports, and the
 * public open data (`/du-lieu-mo`): the catalogue and monthly aggregates per agency, without personal data.
 */
export async function reportsRoutes(app: FastifyInstance, { reports, db, openDataRateLimit }: ReportsRouteDeps): Promise<void> {
  app.get<{ Querystring: Query }>('/can-bo/chi-so', async (request, reply) => {
    const user = requireUser(request, 'officer');
    const dashboard = await reports.dashboard(user, inputOf(request.query));
    return sendPage(reply, <DashboardPage ctx={viewContext(request)} dashboard={dashboard} />);
  });

  app.get<{ Querystring: Query }>('/can-bo/chi-so/ho-so', async (request, reply) => {
    const user = requireUser(request, 'officer');
    const input = inputOf(request.query);
    const [dashboard, drill] = await Promise.all([reports.dashboard(user, input), reports.drillDown(user, request.query['chi-so'] ?? '', input)]);
    return sendPage(reply, <DrillDownPage ctx={viewContext(request)} drill={drill} scope={dashboard.scope} />);
  });

  async function exportRows(request: FastifyRequest<{ Querystring: Query }>) {
    const user = requireUser(request, 'officer');
    const dashboard = await reports.dashboard(user, inputOf(request.query));
    const t = viewContext(request).t;
    const header = [t('reports.indicator'), t('reports.group'), t('reports.numerator'), t('reports.denominator'), t('reports.ratio'), t('reports.fullAt'), t('reports.score'), t('reports.points')];
    const rows = dashboard.report.indicators.map((i) => [t(`reports.indicator.${i.id}`), t(`reports.group.${i.group}`), i.numerator, i.denominator, i.ratio, i.fullAt, i.score, i.points]);
    rows.push([t('reports.total'), '', '', '', '', '', dashboard.report.total, dashboard.report.maximum]);
    const stamp = `${dashboard.scope.from.slice(0, 7)}_${dashboard.scope.to.slice(0, 7)}`;
    return { dashboard, header, rows, stamp };
  }

  app.get<{ Querystring: Query }>('/can-bo/chi-so.csv', async (request, reply) => {
    const { header, rows, stamp } = await exportRows(request);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="chi-so-766-${stamp}.csv"`)
      .send(csv([header, ...rows]));
  });

  app.get<{ Querystring: Query }>('/can-bo/chi-so.xlsx', async (request, reply) => {
    const { dashboard, header, rows, stamp } = await exportRows(request);
    const t = viewContext(request).t;
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet(t('reports.sheetIndicators'));
    sheet.addRow([`${t('reports.title')} — ${dashboard.scope.agencyName ?? t('reports.allAgencies')}`]);
    sheet.addRow([t('reports.period', { from: dashboard.scope.from.slice(0, 7), to: dashboard.scope.to.slice(0, 7) })]);
    sheet.addRow(header).font = { bold: true };
    for (const row of rows) sheet.addRow(row);
    sheet.getColumn(1).width = 60;
    const trend = workbook.addWorksheet(t('reports.sheetTrend'));
    trend.addRow([t('reports.month'), t('reports.received'), t('reports.finished'), t('reports.score')]).font = { bold: true };
    for (const m of dashboard.trend) trend.addRow([m.month.slice(0, 7), m.received, m.finished, m.outOf100]);
    if (dashboard.ranking.length) {
      const ranking = workbook.addWorksheet(t('reports.sheetRanking'));
      ranking.addRow([t('reports.rank'), t('reports.agency'), t('reports.received'), t('reports.score')]).font = { bold: true };
      dashboard.ranking.forEach((r, i) => ranking.addRow([i + 1, r.name, r.received, r.outOf100]));
    }
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    return reply
      .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .header('content-disposition', `attachment; filename="chi-so-766-${stamp}.xlsx"`)
      .send(bytes);
  });

  // ---- Open data (public; documented schema; stable URLs) ----
  const limited = { rateLimit: { max: openDataRateLimit, timeWindow: '1 minute' } };

  app.get('/du-lieu-mo', async (request, reply) => sendPage(reply, <OpenDataPage ctx={viewContext(request)} />));

  async function procedures() {
    return db
      .selectFrom('procedure as p')
      .innerJoin('sector as s', 's.id', 'p.sector_id')
      .select(['p.code', 'p.name', 's.name as sector', 'p.levels', 'p.online_offered', 'p.service_level', 'p.has_fee', 'p.min_duration_days', 'p.competent_agency', 'p.updated_at'])
      .where('p.status', '=', 'published')
      .orderBy('p.code')
      .execute();
  }

  app.get('/du-lieu-mo/thu-tuc.json', { config: limited }, async (_request, reply) => {
    const rows = await procedures();
    return reply.header('cache-control', 'public, max-age=3600').send({
      dataset: 'thu-tuc',
      fields: ['code', 'name', 'sector', 'levels', 'onlineOffered', 'serviceLevel', 'hasFee', 'minDurationDays', 'competentAgency', 'updatedAt'],
      rows: rows.map((r) => ({
        code: r.code, name: r.name, sector: r.sector, levels: r.levels, onlineOffered: r.online_offered, serviceLevel: r.service_level,
        hasFee: r.has_fee, minDurationDays: r.min_duration_days === null ? null : Number(r.min_duration_days), competentAgency: r.competent_agency, updatedAt: r.updated_at,
      })),
    });
  });

  app.get('/du-lieu-mo/thu-tuc.csv', { config: limited }, async (_request, reply) => {
    const rows = await procedures();
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(csv([['code', 'name', 'sector', 'levels', 'online_offered', 'service_level', 'has_fee', 'min_duration_days', 'competent_agency'], ...rows.map((r) => [r.code, r.name, r.sector, r.levels.join('|'), r.online_offered, r.service_level, r.has_fee, r.min_duration_days, r.competent_agency])]));
  });

  async function aggregates() {
    return db
      .selectFrom('indicator_month as m')
      .innerJoin('agency as a', 'a.id', 'm.agency_id')
      .select(['m.month', 'a.code as agency_code', 'a.name as agency_name'])
      .select((eb) => [
        eb.fn.sum<number>('m.received').as('received'),
        eb.fn.sum<number>('m.received_online').as('received_online'),
        eb.fn.sum<number>('m.received_in_person').as('received_in_person'),
        eb.fn.sum<number>('m.received_by_post').as('received_by_post'),
        eb.fn.sum<number>('m.finished').as('finished'),
        eb.fn.sum<number>('m.finished_early').as('finished_early'),
        eb.fn.sum<number>('m.finished_on_time').as('finished_on_time'),
        eb.fn.sum<number>('m.finished_late').as('finished_late'),
        eb.fn.sum<number>('m.finished_electronic_result').as('finished_electronic_result'),
        eb.fn.sum<number>('m.complaints').as('complaints'),
        eb.fn.sum<number>('m.rated').as('rated'),
        eb.fn.sum<number>('m.rating_sum').as('rating_sum'),
      ])
      .groupBy(['m.month', 'a.code', 'a.name'])
      .orderBy('m.month')
      .orderBy('a.code')
      .execute();
  }
  const aggregateFields = ['month', 'agency_code', 'agency_name', 'received', 'received_online', 'received_in_person', 'received_by_post', 'finished', 'finished_early', 'finished_on_time', 'finished_late', 'finished_electronic_result', 'complaints', 'rated', 'rating_sum'] as const;
  const monthText = (m: Date | string) => (typeof m === 'string' ? m.slice(0, 7) : new Date(m.getTime() + 7 * 3600_000).toISOString().slice(0, 7));

  app.get('/du-lieu-mo/chi-so.json', { config: limited }, async (_request, reply) => {
    const rows = await aggregates();
    return reply.header('cache-control', 'public, max-age=600').send({
      dataset: 'chi-so',
      fields: aggregateFields,
      rows: rows.map((r) => Object.fromEntries(aggregateFields.map((f) => [f, f === 'month' ? monthText(r.month) : f.startsWith('agency') ? r[f] : Number(r[f])]))),
    });
  });

  app.get('/du-lieu-mo/chi-so.csv', { config: limited }, async (_request, reply) =>
    reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('cache-control', 'public, max-age=600')
      .send(csv([[...aggregateFields], ...(await aggregates()).map((r) => aggregateFields.map((f) => (f === 'month' ? monthText(r.month) : f.startsWith('agency') ? r[f] : Number(r[f]))))])),
  );
}

