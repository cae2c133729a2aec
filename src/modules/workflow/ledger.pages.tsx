import type { ViewContext } from '../../platform/http/context.js';
import { formatDateTime } from '../../platform/views/format.js';
import { ErrorSummary, Page, Tag, type FieldError } from '../../platform/views/layout.js';
import { StatusTag } from '../dossiers/index.js';
import { deskPaths } from './desk.pages.js';
import { ledgerChannels, ledgerDateFields, ledgerStatuses, ledgerTimings, type LedgerFilters, type LedgerPage } from './ledger.service.js';

/** Paths and query parameters of the ledger (Vietnamese, like the rest of the portal). */
export const ledgerPaths = { list: '/can-bo/so-theo-doi', xlsx: '/can-bo/so-theo-doi.xlsx', csv: '/can-bo/so-theo-doi.csv' };

/** Query parameter of each filter. */
export const ledgerParams = {
  dateField: 'theo',
  from: 'tu',
  to: 'den',
  statuses: 'trang-thai',
  channel: 'kenh',
  procedureCode: 'thu-tuc',
  sectorId: 'linh-vuc',
  timing: 'han',
  search: 'q',
} as const satisfies Record<keyof LedgerFilters, string>;
export const cursorParam = 'sau';

/** The filters of a request's query (strings only; the service checks the values). */
export function filtersFromQuery(query: unknown): LedgerFilters {
  const q = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const one = (name: string) => (typeof q[name] === 'string' ? (q[name] as string) : '');
  const many = (name: string) => [q[name]].flat().filter((v): v is string => typeof v === 'string');
  return {
    dateField: one(ledgerParams.dateField),
    from: one(ledgerParams.from),
    to: one(ledgerParams.to),
    statuses: many(ledgerParams.statuses),
    channel: one(ledgerParams.channel),
    procedureCode: one(ledgerParams.procedureCode),
    sectorId: one(ledgerParams.sectorId),
    timing: one(ledgerParams.timing),
    search: one(ledgerParams.search),
  };
}

/** The query string of the filters (empty ones left out), for the next page and the export links. */
export function filtersQuery(f: Required<LedgerFilters>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(ledgerParams) as (keyof LedgerFilters)[]) {
    const value = f[key];
    if (Array.isArray(value)) value.forEach((v) => params.append(ledgerParams[key], v));
    else if (value && !(key === 'dateField' && value === 'submitted')) params.set(ledgerParams[key], value);
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function Select({ ctx, id, name, value, options, label }: { ctx: ViewContext; id: string; name: string; value: string; options: { value: string; label: string }[]; label: string }) {
  return (
    <div class="form-group">
      <label for={id}>{label}</label>
      <select id={id} name={name}>
        <option value="">{ctx.t('workflow.ledger.any')}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function LedgerPageView({ ctx, page, errors = [], entered }: { ctx: ViewContext; page: LedgerPage | null; errors?: FieldError[]; entered: Required<LedgerFilters> }) {
  const { t } = ctx;
  const f = page?.filters ?? entered;
  const errorOf = (field: string) => errors.find((e) => e.field === field);
  const title = errors.length > 0 ? `${t('workflow.errorPrefix')} ${t('workflow.ledger.title')}` : t('workflow.ledger.title');
  const dateInput = (field: 'from' | 'to') => (
    <div class={`form-group${errorOf(field) ? ' field-error' : ''}`}>
      <label for={field}>{t(`workflow.ledger.filter.${field}`)}</label>
      <span class="hint" id={`${field}-hint`}>
        {t('workflow.ledger.filter.dateHint')}
      </span>
      {errorOf(field) ? (
        <span class="error-message" id={`${field}-error`}>
          {errorOf(field)!.message}
        </span>
      ) : null}
      <input type="date" id={field} name={ledgerParams[field]} value={f[field]} aria-describedby={`${field}-hint${errorOf(field) ? ` ${field}-error` : ''}`} />
    </div>
  );
  return (
    <Page ctx={ctx} title={title} crumbs={[{ href: deskPaths.queue, label: t('workflow.queue.title') }, { label: t('workflow.ledger.title') }]} mainClass="wide">
      <ErrorSummary ctx={ctx} errors={errors} />
      {page ? <span class="muted">{page.agencyName}</span> : null}
      <h1>{t('workflow.ledger.title')}</h1>
      <p class="lead">{t('workflow.ledger.lead')}</p>
      <form method="get" action={ledgerPaths.list} class="filters-form">
        <fieldset class="filters">
          <legend>{t('workflow.ledger.filter.legend')}</legend>
          <div class="form-group">
            <label for="q">{t('workflow.ledger.filter.search')}</label>
            <span class="hint" id="q-hint">
              {t('workflow.ledger.filter.searchHint')}
            </span>
            <input type="search" id="q" name={ledgerParams.search} value={f.search} maxLength={100} aria-describedby="q-hint" />
          </div>
          <Select
            ctx={ctx}
            id="theo"
            name={ledgerParams.dateField}
            label={t('workflow.ledger.filter.dateField')}
            value={f.dateField}
            options={ledgerDateFields.map((d) => ({ value: d, label: t(`workflow.ledger.dateField.${d}`) }))}
          />
          {dateInput('from')}
          {dateInput('to')}
          <div class="form-group">
            <fieldset>
              <legend>{t('workflow.ledger.filter.status')}</legend>
              <div class="choices choices-inline">
                {ledgerStatuses.map((s) => (
                  <div class="choice" key={s}>
                    <input type="checkbox" id={`status-${s}`} name={ledgerParams.statuses} value={s} checked={f.statuses.includes(s)} />
                    <label for={`status-${s}`}>{t(`dossiers.status.${s}`)}</label>
                  </div>
                ))}
              </div>
            </fieldset>
          </div>
          <Select ctx={ctx} id="kenh" name={ledgerParams.channel} label={t('workflow.ledger.filter.channel')} value={f.channel} options={ledgerChannels.map((c) => ({ value: c, label: t(`workflow.channel.${c}`) }))} />
          <Select ctx={ctx} id="han" name={ledgerParams.timing} label={t('workflow.ledger.filter.timing')} value={f.timing} options={ledgerTimings.map((c) => ({ value: c, label: t(`workflow.ledger.timing.${c}`) }))} />
          <Select
            ctx={ctx}
            id="sectorId"
            name={ledgerParams.sectorId}
            label={t('workflow.ledger.filter.sector')}
            value={f.sectorId}
            options={(page?.sectors ?? []).map((s) => ({ value: String(s.id), label: s.name }))}
          />
          <div class="form-group">
            <label for="thu-tuc">{t('workflow.ledger.filter.procedure')}</label>
            <span class="hint" id="thu-tuc-hint">
              {t('workflow.ledger.filter.procedureHint')}
            </span>
            <input type="text" id="thu-tuc" name={ledgerParams.procedureCode} value={f.procedureCode} maxLength={30} aria-describedby="thu-tuc-hint" spellcheck={false} />
          </div>
          <button type="submit" class="button">
            {t('workflow.ledger.filter.submit')}
          </button>{' '}
          <a href={ledgerPaths.list}>{t('workflow.ledger.filter.clear')}</a>
        </fieldset>
      </form>
      {page ? (
        <>
          <p role="status">{page.count > page.countCap ? t('workflow.ledger.countMore', { n: page.countCap }) : t('workflow.ledger.count', { n: page.count })}</p>
          <p class="actions">
            <a href={`${ledgerPaths.xlsx}${filtersQuery(page.filters)}`} download>
              {t('workflow.ledger.export.xlsx')}
            </a>{' '}
            <a href={`${ledgerPaths.csv}${filtersQuery(page.filters)}`} download>
              {t('workflow.ledger.export.csv')}
            </a>
          </p>
          {page.rows.length === 0 ? (
            <p>{t('workflow.ledger.empty')}</p>
          ) : (
            <div class="table-wrap">
              <table>
                <caption>{t('workflow.ledger.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('workflow.ledger.col.code')}</th>
                    <th scope="col">{t('workflow.ledger.col.applicant')}</th>
                    <th scope="col">{t('workflow.ledger.col.procedure')}</th>
                    <th scope="col">{t('workflow.ledger.col.channel')}</th>
                    <th scope="col">{t('workflow.ledger.col.receivedAt')}</th>
                    <th scope="col">{t('workflow.ledger.col.dueAt')}</th>
                    <th scope="col">{t('workflow.ledger.col.transferredTo')}</th>
                    <th scope="col">{t('workflow.ledger.col.resultAt')}</th>
                    <th scope="col">{t('workflow.ledger.col.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {page.rows.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <a href={deskPaths.dossier(r.code)}>{r.code}</a>
                      </td>
                      <td>
                        {r.applicant.fullName}
                        {r.applicant.address ? <span class="meta"> – {r.applicant.address}</span> : null}
                      </td>
                      <td>{r.procedure.name}</td>
                      <td>{t(`workflow.channel.${r.channel}`)}</td>
                      <td>{formatDateTime(ctx, r.receivedAt)}</td>
                      <td>{formatDateTime(ctx, r.dueAt)}</td>
                      <td>{r.transferredTo ?? '–'}</td>
                      <td>{formatDateTime(ctx, r.completedAt)}</td>
                      <td>
                        <StatusTag ctx={ctx} status={r.status} />
                        {r.timing ? (
                          <>
                            {' '}
                            <Tag tone={r.timing === 'late' ? 'orange' : 'green'}>{t(`workflow.ledger.timing.${r.timing}`)}</Tag>
                          </>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <nav class="pagination" aria-label={t('pagination.label')}>
            <ul>
              {ctx.url.includes(`${cursorParam}=`) ? (
                <li>
                  <a href={`${ledgerPaths.list}${filtersQuery(page.filters)}`}>{t('workflow.ledger.firstPage')}</a>
                </li>
              ) : null}
              {page.next ? (
                <li>
                  <a href={`${ledgerPaths.list}${filtersQuery(page.filters, { [cursorParam]: page.next })}`} rel="next">
                    {t('pagination.next')}
                  </a>
                </li>
              ) : null}
            </ul>
          </nav>
        </>
      ) : null}
    </Page>
  );
}
