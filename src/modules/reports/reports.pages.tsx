import type { ViewContext } from '../../platform/http/context.js';
import { ErrorSummary, Page, type FieldError } from '../../platform/views/layout.js';
import { formatDateTime } from '../../platform/views/format.js';
import type { IndicatorGroup } from './indicators.js';
import type { Dashboard, DrillDown } from './reports.service.js';

const pct = (ratio: number | null) => (ratio === null ? '–' : `${(ratio * 100).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} %`);
const pts = (n: number) => n.toLocaleString('vi-VN', { maximumFractionDigits: 2 });
const ym = (month: string) => month.slice(0, 7);

/** The dashboard's query string, for links that keep the scope. */
export function scopeQuery(scope: Dashboard['scope'], extra: Record<string, string> = {}): string {
  const q = new URLSearchParams({ ...(scope.agencyId !== null ? { 'co-quan': String(scope.agencyId) } : {}), tu: ym(scope.from), den: ym(scope.to), ...extra });
  return q.toString();
}

/**
 * Horizontal bars drawn on the server (SVG, no script): each bar's length is its value over its maximum. The same
 * numbers are in the table that follows the chart; the chart is an image with a text alternative.
 */
function BarChart({ id, title, bars }: { id: string; title: string; bars: { label: string; value: number; max: number; text: string }[] }) {
  const rowHeight = 28;
  const labelWidth = 230;
  const barWidth = 360;
  const height = bars.length * rowHeight + 8;
  return (
    <svg class="chart" role="img" aria-labelledby={`${id}-title`} viewBox={`0 0 ${labelWidth + barWidth + 90} ${height}`} width="100%" preserveAspectRatio="xMinYMin meet">
      <title id={`${id}-title`}>{title}</title>
      {bars.map((b, i) => {
        const y = i * rowHeight + 4;
        const w = b.max > 0 ? Math.max(0, Math.min(1, b.value / b.max)) * barWidth : 0;
        return (
          <g key={b.label}>
            <text x={labelWidth - 8} y={y + 17} text-anchor="end" font-size="13" fill="#0b0c0c">
              {b.label}
            </text>
            <rect x={labelWidth} y={y + 4} width={barWidth} height={rowHeight - 10} fill="#f3f2f1" />
            <rect x={labelWidth} y={y + 4} width={w} height={rowHeight - 10} fill="#1d70b8" />
            <text x={labelWidth + barWidth + 8} y={y + 17} font-size="13" fill="#0b0c0c">
              {b.text}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function DashboardPage({ ctx, dashboard, errors = [] }: { ctx: ViewContext; dashboard: Dashboard; errors?: FieldError[] }) {
  const { t } = ctx;
  const { report, scope } = dashboard;
  const title = t('reports.title');
  const query = scopeQuery(scope);
  const groupLabel = (g: IndicatorGroup) => t(`reports.group.${g}`);
  return (
    <Page ctx={ctx} title={title} crumbs={[{ href: '/', label: t('nav.home') }, { label: title }]}>
      <ErrorSummary errors={errors} ctx={ctx} />
      <h1>{title}</h1>
      <p class="lead">
        {scope.agencyName ?? t('reports.allAgencies')} · {t('reports.period', { from: ym(scope.from), to: ym(scope.to) })}
      </p>
      <form method="get" action="/can-bo/chi-so" class="panel filters" novalidate>
        {dashboard.agencies.length > 1 || scope.agencyId === null ? (
          <div class="form-group">
            <label for="co-quan">{t('reports.agency')}</label>
            <select id="co-quan" name="co-quan">
              <option value="" selected={scope.agencyId === null}>
                {t('reports.allAgencies')}
              </option>
              {dashboard.agencies.map((a) => (
                <option key={a.id} value={String(a.id)} selected={a.id === scope.agencyId}>
                  {a.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div class="form-group">
          <label for="tu">{t('reports.from')}</label>
          <input type="month" id="tu" name="tu" value={ym(scope.from)} />
        </div>
        <div class="form-group">
          <label for="den">{t('reports.to')}</label>
          <input type="month" id="den" name="den" value={ym(scope.to)} />
        </div>
        <button class="button button-secondary" type="submit">
          {t('reports.apply')}
        </button>
      </form>

      <div class="panel panel-highlight">
        <p class="big-number">
          {report.outOf100 === null ? '–' : pts(report.outOf100)}
          <span class="muted"> / 100</span>
        </p>
        <p>{t('reports.totalExplained', { total: pts(report.total), maximum: pts(report.maximum) })}</p>
        <p>
          {dashboard.ratings.average === null
            ? t('reports.ratingsNone', { complaints: dashboard.ratings.complaints })
            : t('reports.ratings', { average: pts(dashboard.ratings.average), count: dashboard.ratings.count, complaints: dashboard.ratings.complaints })}
        </p>
      </div>

      <h2 id="groups">{t('reports.groupsTitle')}</h2>
      <BarChart
        id="groups-chart"
        title={t('reports.groupsChart')}
        bars={report.groups.map((g) => ({ label: groupLabel(g.group), value: g.score, max: g.points, text: `${pts(g.score)} / ${g.points}` }))}
      />
      <div class="table-wrap">
        <table>
          <caption>{t('reports.indicatorsCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('reports.indicator')}</th>
              <th scope="col">{t('reports.group')}</th>
              <th scope="col" class="numeric">{t('reports.numerator')}</th>
              <th scope="col" class="numeric">{t('reports.denominator')}</th>
              <th scope="col" class="numeric">{t('reports.ratio')}</th>
              <th scope="col" class="numeric">{t('reports.fullAt')}</th>
              <th scope="col" class="numeric">{t('reports.score')}</th>
            </tr>
          </thead>
          <tbody>
            {report.indicators.map((i) => (
              <tr key={i.id}>
                <th scope="row">
                  <a href={`/can-bo/chi-so/ho-so?${scopeQuery(scope, { 'chi-so': i.id })}`}>{t(`reports.indicator.${i.id}`)}</a>
                </th>
                <td>{groupLabel(i.group)}</td>
                <td class="numeric">{i.numerator.toLocaleString('vi-VN')}</td>
                <td class="numeric">{i.denominator.toLocaleString('vi-VN')}</td>
                <td class="numeric">{i.applicable ? pct(i.ratio) : t('reports.notApplicable')}</td>
                <td class="numeric">{pct(i.fullAt)}</td>
                <td class="numeric">
                  {pts(i.score)} / {i.points}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 id="trend">{t('reports.trendTitle')}</h2>
      {dashboard.trend.length === 0 ? (
        <p class="muted">{t('reports.noData')}</p>
      ) : (
        <>
          <BarChart
            id="trend-chart"
            title={t('reports.trendChart')}
            bars={dashboard.trend.map((m) => ({ label: ym(m.month), value: m.outOf100 ?? 0, max: 100, text: m.outOf100 === null ? '–' : pts(m.outOf100) }))}
          />
          <div class="table-wrap">
            <table>
              <caption>{t('reports.trendCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('reports.month')}</th>
                  <th scope="col" class="numeric">{t('reports.received')}</th>
                  <th scope="col" class="numeric">{t('reports.finished')}</th>
                  <th scope="col" class="numeric">{t('reports.score')}</th>
                </tr>
              </thead>
              <tbody>
                {dashboard.trend.map((m) => (
                  <tr key={m.month}>
                    <th scope="row">{ym(m.month)}</th>
                    <td class="numeric">{m.received.toLocaleString('vi-VN')}</td>
                    <td class="numeric">{m.finished.toLocaleString('vi-VN')}</td>
                    <td class="numeric">{m.outOf100 === null ? '–' : pts(m.outOf100)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}

      {dashboard.ranking.length > 0 ? (
        <>
          <h2 id="ranking">{t('reports.rankingTitle')}</h2>
          <div class="table-wrap">
            <table>
              <caption>{t('reports.rankingCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col" class="numeric">{t('reports.rank')}</th>
                  <th scope="col">{t('reports.agency')}</th>
                  <th scope="col" class="numeric">{t('reports.received')}</th>
                  <th scope="col" class="numeric">{t('reports.score')}</th>
                </tr>
              </thead>
              <tbody>
                {dashboard.ranking.map((r, i) => (
                  <tr key={r.agencyId}>
                    <td class="numeric">{i + 1}</td>
                    <th scope="row">
                      <a href={`/can-bo/chi-so?${scopeQuery({ ...scope, agencyId: r.agencyId })}`}>{r.name}</a>
                    </th>
                    <td class="numeric">{r.received.toLocaleString('vi-VN')}</td>
                    <td class="numeric">{r.outOf100 === null ? '–' : pts(r.outOf100)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}

      <h2 id="export">{t('reports.exportTitle')}</h2>
      <ul>
        <li>
          <a href={`/can-bo/chi-so.xlsx?${query}`} download>
            {t('reports.exportXlsx')}
          </a>
        </li>
        <li>
          <a href={`/can-bo/chi-so.csv?${query}`} download>
            {t('reports.exportCsv')}
          </a>
        </li>
        <li>{t('reports.printHint')}</li>
      </ul>
      <p class="muted">{t('reports.policyNote')}</p>
    </Page>
  );
}

export function DrillDownPage({ ctx, drill, scope }: { ctx: ViewContext; drill: DrillDown; scope: Dashboard['scope'] }) {
  const { t } = ctx;
  const title = t('reports.drillTitle', { indicator: t(`reports.indicator.${drill.indicator}`) });
  return (
    <Page ctx={ctx} title={title} crumbs={[{ href: '/', label: t('nav.home') }, { href: `/can-bo/chi-so?${scopeQuery(scope)}`, label: t('reports.title') }, { label: title }]}>
      <h1>{title}</h1>
      <p class="lead">{t('reports.period', { from: ym(scope.from), to: ym(scope.to) })}</p>
      {drill.rows.length === 0 ? (
        <p class="muted">{t('reports.drillNone')}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t('reports.dossier')}</th>
                <th scope="col">{t('reports.procedure')}</th>
                <th scope="col">{t('reports.channel')}</th>
                <th scope="col">{t('reports.receivedAt')}</th>
                <th scope="col">{t('reports.dueAt')}</th>
                <th scope="col">{t('reports.completedAt')}</th>
                <th scope="col">{t('reports.timing')}</th>
              </tr>
            </thead>
            <tbody>
              {drill.rows.map((r) => (
                <tr key={r.code}>
                  <th scope="row">{r.code}</th>
                  <td>
                    {r.procedureCode} — {r.procedureName}
                  </td>
                  <td>{t(`reports.channel.${r.channel}`)}</td>
                  <td>{formatDateTime(ctx, r.receivedAt)}</td>
                  <td>{formatDateTime(ctx, r.dueAt)}</td>
                  <td>{formatDateTime(ctx, r.completedAt)}</td>
                  <td>{r.timing ? t(`reports.timing.${r.timing}`) : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}

export function OpenDataPage({ ctx }: { ctx: ViewContext }) {
  const { t } = ctx;
  const title = t('reports.openData.title');
  const datasets = ['thu-tuc', 'chi-so'] as const;
  return (
    <Page ctx={ctx} title={title} crumbs={[{ href: '/', label: t('nav.home') }, { label: title }]}>
      <div class="two-thirds">
        <h1>{title}</h1>
        <p>{t('reports.openData.intro')}</p>
        {datasets.map((d) => (
          <section key={d} aria-labelledby={`ds-${d}`}>
            <h2 id={`ds-${d}`}>{t(`reports.openData.${d}.title`)}</h2>
            <p>{t(`reports.openData.${d}.description`)}</p>
            <p>
              <a href={`/du-lieu-mo/${d}.csv`}>CSV</a> · <a href={`/du-lieu-mo/${d}.json`}>JSON</a>
            </p>
            <p class="muted">{t(`reports.openData.${d}.schema`)}</p>
          </section>
        ))}
        <p class="muted">{t('reports.openData.licence')}</p>
      </div>
    </Page>
  );
}
