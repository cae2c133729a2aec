import type { ViewContext } from '../../platform/http/context.js';
import { formatDateTime } from '../../platform/views/format.js';
import { CsrfField, ErrorSummary, Page, SummaryList, type FieldError } from '../../platform/views/layout.js';
import type { PublicDossierView } from './lookup.service.js';

function when(ctx: ViewContext, value: Date | null): string {
  return formatDateTime(ctx, value, ctx.t('lookup.notYet'));
}

export function LookupFormPage({ ctx, code, errors }: { ctx: ViewContext; code: string; errors: FieldError[] }) {
  const { t } = ctx;
  const errorOf = (field: string) => errors.find((e) => e.field === field)?.message;
  return (
    <Page
      ctx={ctx}
      title={errors.length > 0 ? t('lookup.titleWithErrors', { title: t('lookup.title') }) : t('lookup.title')}
      crumbs={[{ href: '/', label: t('nav.home') }, { label: t('nav.lookup') }]}
    >
      <div class="two-thirds">
        <ErrorSummary ctx={ctx} errors={errors} />
        <h1>{t('lookup.title')}</h1>
        <p class="lead">{t('lookup.lead')}</p>
        <form method="post" action="/tra-cuu" novalidate>
          <CsrfField ctx={ctx} />
          <div class={`form-group${errorOf('code') ? ' field-error' : ''}`}>
            <label for="code">{t('lookup.code')}</label>
            <span class="hint" id="code-hint">
              {t('lookup.codeHint')}
            </span>
            {errorOf('code') ? (
              <span class="error-message" id="code-error">
                {errorOf('code')}
              </span>
            ) : null}
            <input
              type="text"
              id="code"
              name="code"
              value={code}
              autoComplete="off"
              spellcheck={false}
              aria-describedby={errorOf('code') ? 'code-hint code-error' : 'code-hint'}
            />
          </div>
          <div class={`form-group${errorOf('check') ? ' field-error' : ''}`}>
            <label for="check">{t('lookup.check')}</label>
            <span class="hint" id="check-hint">
              {t('lookup.checkHint')}
            </span>
            {errorOf('check') ? (
              <span class="error-message" id="check-error">
                {errorOf('check')}
              </span>
            ) : null}
            <input
              type="text"
              id="check"
              name="check"
              value=""
              autoComplete="off"
              inputMode="text"
              maxLength={12}
              aria-describedby={errorOf('check') ? 'check-hint check-error' : 'check-hint'}
            />
          </div>
          <button type="submit" class="button">
            {t('lookup.submit')}
          </button>
        </form>
      </div>
    </Page>
  );
}

export function LookupResultPage({ ctx, view }: { ctx: ViewContext; view: PublicDossierView }) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={t('lookup.resultTitle', { code: view.code })} crumbs={[{ href: '/', label: t('nav.home') }, { href: '/tra-cuu', label: t('nav.lookup') }, { label: view.code }]}>
      <span class="muted">{t('lookup.codeLabel')}</span>
      <h1>{view.code}</h1>
      <div class="panel panel-highlight">
        <p class="lead">
          <strong>{t(`dossiers.status.${view.status}`)}</strong>
        </p>
        <p>{t(`dossiers.statusHelp.${view.status}`)}</p>
      </div>
      <SummaryList
        rows={[
          { key: t('lookup.procedure'), value: <a href={`/thu-tuc/${view.procedure.code}`}>{view.procedure.name}</a> },
          { key: t('lookup.receivingAgency'), value: view.receivingAgency },
          { key: t('lookup.holderAgency'), value: view.holderAgency },
          { key: t('lookup.submittedAt'), value: when(ctx, view.submittedAt) },
          { key: t('lookup.receivedAt'), value: when(ctx, view.receivedAt) },
          { key: t('lookup.dueAt'), value: view.dueAt ? when(ctx, view.dueAt) : t('lookup.dueAwaiting') },
          ...(view.completedAt ? [{ key: t('lookup.completedAt'), value: when(ctx, view.completedAt) }] : []),
        ]}
      />
      <h2>{t('lookup.history')}</h2>
      <table>
        <caption class="visually-hidden">{t('lookup.history')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('lookup.when')}</th>
            <th scope="col">{t('lookup.what')}</th>
            <th scope="col">{t('lookup.where')}</th>
          </tr>
        </thead>
        <tbody>
          {view.history.map((h, i) => (
            <tr key={i}>
              <td>{when(ctx, h.at)}</td>
              <td>{t(`dossiers.action.${h.action}`)}</td>
              <td>{h.toAgency ?? '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <a href="/tra-cuu">{t('lookup.another')}</a>
      </p>
    </Page>
  );
}
