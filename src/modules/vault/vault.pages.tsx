import type { ViewContext } from '../../platform/http/context.js';
import { formatDateTime } from '../../platform/views/format.js';
import { CsrfField, ErrorSummary, Page, Tag } from '../../platform/views/layout.js';
import type { VaultDocumentView } from './vault.service.js';

function size(ctx: ViewContext, bytes: number): string {
  return bytes >= 1_048_576 ? ctx.t('vault.sizeMb', { size: Math.round((bytes / 1_048_576) * 10) / 10 }) : ctx.t('vault.sizeKb', { size: Math.max(1, Math.round(bytes / 1024)) });
}

/** "My vault": the citizen's issued results and verified documents. */
export function VaultPage({ ctx, documents }: { ctx: ViewContext; documents: VaultDocumentView[] }) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={t('vault.title')} crumbs={[{ href: '/', label: t('nav.home') }, { label: t('vault.title') }]}>
      <h1>{t('vault.title')}</h1>
      <p class="two-thirds">{t('vault.intro')}</p>
      {documents.length === 0 ? (
        <p>{t('vault.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{t('vault.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('vault.col.document')}</th>
                <th scope="col">{t('vault.col.status')}</th>
                <th scope="col">{t('vault.col.date')}</th>
                <th scope="col">{t('vault.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {documents.map((d) => (
                <tr key={d.id}>
                  <td>
                    {d.title}
                    <span class="hint">
                      {d.fileName} ({size(ctx, d.size)}){d.dossierCode ? ` – ${t('vault.fromDossier', { code: d.dossierCode })}` : ''}
                    </span>
                  </td>
                  <td>
                    <Tag tone={d.status === 'issued' ? 'green' : 'blue'}>{t(`vault.status.${d.status}`)}</Tag>
                  </td>
                  <td>{formatDateTime(ctx, d.createdAt)}</td>
                  <td>
                    <a href={`/kho-du-lieu/${d.id}/tai-xuong`}>
                      {t('vault.download')}
                      <span class="visually-hidden"> {d.title}</span>
                    </a>
                    {d.verificationCode ? (
                      <>
                        {' · '}
                        <a href={`/xac-minh/${d.verificationCode}`}>
                          {t('vault.verify')}
                          <span class="visually-hidden"> {d.title}</span>
                        </a>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}

/** "Choose from my vault" for one file field of a draft. */
export function ChooseFromVaultPage({
  ctx,
  draftId,
  fieldId,
  fieldLabel,
  procedureName,
  backHref,
  documents,
  error,
}: {
  ctx: ViewContext;
  draftId: string;
  fieldId: string;
  fieldLabel: string;
  procedureName: string;
  backHref: string;
  documents: VaultDocumentView[];
  error?: string | undefined;
}) {
  const { t } = ctx;
  const title = t('vault.choose.title', { document: fieldLabel });
  return (
    <Page ctx={ctx} title={error ? `${t('forms.errorPrefix')} ${title}` : title} crumbs={[{ href: '/ho-so', label: t('dossiers.mine.title') }, { href: backHref, label: procedureName }, { label: t('vault.title') }]}>
      <div class="two-thirds">
        <ErrorSummary ctx={ctx} errors={error ? [{ field: documents[0] ? `doc-${documents[0].id}` : 'none', message: error }] : []} />
        <span class="form-caption">{procedureName}</span>
        {documents.length === 0 ? (
          <>
            <h1>{title}</h1>
            <p>{t('vault.choose.none')}</p>
          </>
        ) : (
          <form method="post" action={`/ho-so-nhap/${draftId}/kho-du-lieu/${encodeURIComponent(fieldId)}`}>
            <CsrfField ctx={ctx} />
            <div class={error ? 'form-group field-error' : 'form-group'}>
              <fieldset aria-describedby={error ? 'doc-error' : undefined}>
                <legend class="legend-heading">
                  <h1>{title}</h1>
                </legend>
                {error ? (
                  <span class="error-message" id="doc-error">
                    {error}
                  </span>
                ) : null}
                <div class="choices">
                  {documents.map((d) => (
                    <div class="choice" key={d.id}>
                      <input type="radio" id={`doc-${d.id}`} name="documentId" value={String(d.id)} />
                      <label for={`doc-${d.id}`}>{d.title}</label>
                      <span class="hint">
                        {d.fileName} ({size(ctx, d.size)}) – {t(`vault.status.${d.status}`)}, {formatDateTime(ctx, d.createdAt)}
                      </span>
                    </div>
                  ))}
                </div>
              </fieldset>
            </div>
            <button type="submit" class="button">
              {t('vault.choose.submit')}
            </button>
          </form>
        )}
        <p>
          <a href={backHref}>{t('vault.choose.back')}</a>
        </p>
      </div>
    </Page>
  );
}
