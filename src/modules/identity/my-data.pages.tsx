import type { Crumb } from '../../platform/views/layout.js';
import { ErrorSummary, Page } from '../../platform/views/layout.js';
import { formatDateTime } from '../../platform/views/format.js';
import { Banner, CheckboxField, errorOf, pageTitle, PostForm, type FormState, type IdentityViewContext } from './identity.components.js';
import type { AccessLogEntry } from './my-data.service.js';

function crumbs(ctx: IdentityViewContext, last: string): Crumb[] {
  return [{ href: '/', label: ctx.t('nav.home') }, { href: '/tai-khoan', label: ctx.t('identity.profile.title') }, { label: last }];
}

/** "My data" (Decree 13/2023): who accessed my dossiers, a copy of my data, erasure. */
export function MyDataPage({ ctx, accessLog, form }: { ctx: IdentityViewContext; accessLog: AccessLogEntry[]; form: FormState }) {
  const { t } = ctx;
  const title = t('identity.myData.title');
  return (
    <Page ctx={ctx} title={pageTitle(ctx, title, form.errors)} crumbs={crumbs(ctx, title)}>
      <div class="two-thirds">
        <ErrorSummary errors={form.errors} ctx={ctx} />
        <h1>{title}</h1>
        <p>{t('identity.myData.intro')}</p>

        <h2 id="access-log">{t('identity.myData.accessTitle')}</h2>
        <p>{t('identity.myData.accessIntro')}</p>
      </div>
      {accessLog.length === 0 ? (
        <p class="muted">{t('identity.myData.accessNone')}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{t('identity.myData.accessTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('identity.myData.when')}</th>
                <th scope="col">{t('identity.myData.dossier')}</th>
                <th scope="col">{t('identity.myData.what')}</th>
                <th scope="col">{t('identity.myData.who')}</th>
                <th scope="col">{t('identity.myData.agency')}</th>
              </tr>
            </thead>
            <tbody>
              {accessLog.map((e, i) => (
                <tr key={i}>
                  <td>{formatDateTime(ctx, e.at)}</td>
                  <td>
                    <a href={`/ho-so/${encodeURIComponent(e.dossierCode)}`}>{e.dossierCode}</a>
                  </td>
                  <td>{e.action === 'dossier.read' ? t('identity.myData.actionRead') : t('identity.myData.actionOther', { action: e.action })}</td>
                  <td>{e.officerName || '–'}</td>
                  <td>{e.agencyName ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <div class="two-thirds">
        <h2 id="download">{t('identity.myData.downloadTitle')}</h2>
        <p>{t('identity.myData.downloadIntro')}</p>
        <p>
          <a class="button button-secondary" href="/tai-khoan/du-lieu-ca-nhan/tai-ve" download>
            {t('identity.myData.download')}
          </a>
        </p>

        <h2 id="erase">{t('identity.myData.eraseTitle')}</h2>
        <p>{t('identity.myData.eraseIntro')}</p>
        <ul>
          <li>{t('identity.myData.eraseWhat')}</li>
          <li>{t('identity.myData.eraseKept')}</li>
        </ul>
        <PostForm ctx={ctx} action="/tai-khoan/du-lieu-ca-nhan/xoa">
          <CheckboxField ctx={ctx} id="confirm" label={t('identity.myData.eraseConfirm')} checked={form.values.confirm === 'yes'} error={errorOf(form.errors, 'confirm')} />
          <button class="button button-warning" type="submit">
            {t('identity.myData.erase')}
          </button>
        </PostForm>
      </div>
    </Page>
  );
}

export function ErasedPage({ ctx }: { ctx: IdentityViewContext }) {
  const { t } = ctx;
  const title = t('identity.myData.erasedTitle');
  return (
    <Page ctx={ctx} title={title} crumbs={[{ href: '/', label: t('nav.home') }, { label: title }]}>
      <div class="two-thirds">
        <Banner>
          <h1>{title}</h1>
          <p>{t('identity.myData.erasedText')}</p>
        </Banner>
      </div>
    </Page>
  );
}
