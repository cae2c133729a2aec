import { csrfAction } from '../../platform/http/csrf.js';
import type { ViewContext } from '../../platform/http/context.js';
import { formatDateTime } from '../../platform/views/format.js';
import { CsrfField, ErrorSummary, Page, SummaryList, Tag } from '../../platform/views/layout.js';
import type { UploadCheck, VerificationView } from './signatures.service.js';

/** The start page of verification: type the code printed under the QR code. */
export function VerifyStartPage({ ctx, error, entered }: { ctx: ViewContext; error?: string | undefined; entered?: string }) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={error ? `${t('forms.errorPrefix')} ${t('signatures.verify.startTitle')}` : t('signatures.verify.startTitle')} crumbs={[{ href: '/', label: t('nav.home') }, { label: t('signatures.verify.startTitle') }]}>
      <div class="two-thirds">
        <ErrorSummary ctx={ctx} errors={error ? [{ field: 'code', message: error }] : []} />
        <h1>{t('signatures.verify.startTitle')}</h1>
        <p>{t('signatures.verify.startIntro')}</p>
        <form method="get" action="/xac-minh-ket-qua" novalidate>
          <div class={error ? 'form-group field-error' : 'form-group'}>
            <label for="code">{t('signatures.verify.codeLabel')}</label>
            <span class="hint" id="code-hint">
              {t('signatures.verify.codeHint')}
            </span>
            {error ? (
              <span class="error-message" id="code-error">
                {error}
              </span>
            ) : null}
            <input class="input-medium" id="code" name="ma" type="text" autocomplete="off" spellcheck={false} value={entered ?? ''} aria-describedby={error ? 'code-hint code-error' : 'code-hint'} />
          </div>
          <button type="submit" class="button">
            {t('signatures.verify.submit')}
          </button>
        </form>
      </div>
    </Page>
  );
}

/** A hex hash in groups of 16, so that it wraps on narrow screens. */
function spaced(hash: string): string {
  return hash.match(/.{1,16}/g)?.join(' ') ?? hash;
}

function signerLabel(ctx: ViewContext, role: 'leader' | 'seal'): string {
  return ctx.t(`signatures.verify.role.${role}`);
}

/** The public verification page of one result: issuer, signers, times and hash; a form to check a file. */
export function VerifyPage({ ctx, view, check, error }: { ctx: ViewContext; view: VerificationView; check?: UploadCheck | undefined; error?: string | undefined }) {
  const { t } = ctx;
  const title = t('signatures.verify.title');
  return (
    <Page ctx={ctx} title={error ? `${t('forms.errorPrefix')} ${title}` : title} crumbs={[{ href: '/', label: t('nav.home') }, { href: '/xac-minh-ket-qua', label: t('signatures.verify.startTitle') }, { label: view.groupedCode }]}>
      <div class="two-thirds">
        <ErrorSummary ctx={ctx} errors={error ? [{ field: 'file', message: error }] : []} />
        {check ? <CheckOutcome ctx={ctx} check={check} /> : null}
        <h1>{title}</h1>
        <p>
          <Tag tone="green">{t(`signatures.verify.recorded.${view.origin}`)}</Tag>
        </p>
        <SummaryList
          rows={[
            { key: t('signatures.verify.document'), value: view.title },
            { key: t('signatures.verify.procedure'), value: view.procedureName },
            { key: t('signatures.verify.issuer'), value: view.issuer.name },
            { key: t('signatures.verify.issuedAt'), value: formatDateTime(ctx, view.issuedAt) },
            { key: t('signatures.verify.code'), value: view.groupedCode },
            { key: t('signatures.verify.sha256'), value: <code>{spaced(view.sha256)}</code> },
          ]}
        />
        {view.signers.length > 0 ? (
          <>
            <h2>{t('signatures.verify.signersHeading')}</h2>
            <table class="table">
              <caption class="visually-hidden">{t('signatures.verify.signersHeading')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('signatures.verify.col.role')}</th>
                  <th scope="col">{t('signatures.verify.col.name')}</th>
                  <th scope="col">{t('signatures.verify.col.time')}</th>
                </tr>
              </thead>
              <tbody>
                {view.signers.map((s) => (
                  <tr key={s.certificateSerial}>
                    <td>{signerLabel(ctx, s.role)}</td>
                    <td>
                      {s.name}
                      {s.organization && s.organization !== s.name ? <span class="hint">{s.organization}</span> : null}
                      <span class="hint">{t('signatures.verify.serial', { serial: s.certificateSerial })}</span>
                    </td>
                    <td>{formatDateTime(ctx, new Date(s.signedAt))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : (
          <p>{t('signatures.verify.scanNote')}</p>
        )}
        <h2>{t('signatures.verify.checkHeading')}</h2>
        <p>{t('signatures.verify.checkIntro')}</p>
        <form method="post" enctype="multipart/form-data" action={csrfAction(`/xac-minh/${view.verificationCode}`, ctx.csrfToken)}>
          <CsrfField ctx={ctx} />
          <div class={error ? 'form-group field-error' : 'form-group'}>
            <label for="file">{t('signatures.verify.fileLabel')}</label>
            {error ? (
              <span class="error-message" id="file-error">
                {error}
              </span>
            ) : null}
            <input type="file" id="file" name="file" accept=".pdf,application/pdf,.jpg,.jpeg,.png" aria-describedby={error ? 'file-error' : undefined} />
          </div>
          <button type="submit" class="button button-secondary">
            {t('signatures.verify.checkSubmit')}
          </button>
        </form>
      </div>
    </Page>
  );
}

function CheckOutcome({ ctx, check }: { ctx: ViewContext; check: UploadCheck }) {
  const { t } = ctx;
  return (
    <div class={check.genuine ? 'panel panel-highlight' : 'error-summary'} role={check.genuine ? 'status' : 'alert'} aria-labelledby="check-title">
      <h2 id="check-title">{check.genuine ? t('signatures.verify.genuine') : t('signatures.verify.notGenuine')}</h2>
      <p>
        {t('signatures.verify.uploadedHash')} <code>{spaced(check.sha256)}</code>
      </p>
      {check.signatures.length > 0 ? (
        <ul>
          {check.signatures.map((s) => (
            <li key={s.index}>
              {t('signatures.verify.signatureLine', { n: s.index, name: s.signerName ?? '?' })}{' '}
              <strong>{s.valid ? t('signatures.verify.signatureValid') : t('signatures.verify.signatureInvalid')}</strong>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** Desk page: digitise the paper result of an older dossier (scan + details). */
export function DigitizePage({
  ctx,
  errors,
  entered,
  done,
}: {
  ctx: ViewContext;
  errors: { field: string; message: string }[];
  entered: Record<string, string>;
  done?: { dossierCode: string; verificationCode: string } | undefined;
}) {
  const { t } = ctx;
  const err = (f: string) => errors.find((e) => e.field === f);
  const field = (id: string, type: 'text' | 'date' = 'text', width = 'input-medium') => (
    <div class={err(id) ? 'form-group field-error' : 'form-group'}>
      <label for={id}>{t(`signatures.digitize.field.${id}`)}</label>
      {err(id) ? (
        <span class="error-message" id={`${id}-error`}>
          {err(id)!.message}
        </span>
      ) : null}
      {type === 'date' ? (
        <input class={width} id={id} name={id} type="date" value={entered[id] ?? ''} aria-describedby={err(id) ? `${id}-error` : undefined} />
      ) : (
        <input class={width} id={id} name={id} type="text" value={entered[id] ?? ''} aria-describedby={err(id) ? `${id}-error` : undefined} />
      )}
    </div>
  );
  const title = t('signatures.digitize.title');
  return (
    <Page ctx={ctx} title={errors.length > 0 ? `${t('forms.errorPrefix')} ${title}` : title} crumbs={[{ href: '/can-bo/tiep-nhan', label: t('signatures.digitize.desk') }, { label: title }]}>
      <div class="two-thirds">
        <ErrorSummary ctx={ctx} errors={errors} />
        {done ? (
          <div class="panel panel-highlight" role="status" aria-labelledby="done-title">
            <h2 id="done-title">{t('signatures.digitize.done', { code: done.dossierCode })}</h2>
            <p>
              <a href={`/xac-minh/${done.verificationCode}`}>{t('signatures.digitize.doneLink')}</a>
            </p>
          </div>
        ) : null}
        <h1>{title}</h1>
        <p>{t('signatures.digitize.intro')}</p>
        <form method="post" enctype="multipart/form-data" action={csrfAction('/can-bo/so-hoa', ctx.csrfToken)} novalidate>
          <CsrfField ctx={ctx} />
          {field('dossierCode', 'text', '')}
          {field('title', 'text', '')}
          {field('documentNumber')}
          {field('signedOn', 'date')}
          {field('signerName', 'text', '')}
          {field('note', 'text', '')}
          <div class={err('file') ? 'form-group field-error' : 'form-group'}>
            <label for="file">{t('signatures.digitize.file')}</label>
            <span class="hint" id="file-hint">
              {t('signatures.digitize.fileHint')}
            </span>
            {err('file') ? (
              <span class="error-message" id="file-error">
                {err('file')!.message}
              </span>
            ) : null}
            <input type="file" id="file" name="file" accept=".pdf,application/pdf,.jpg,.jpeg,image/jpeg,.png,image/png" aria-describedby={err('file') ? 'file-hint file-error' : 'file-hint'} />
          </div>
          <button type="submit" class="button">
            {t('signatures.digitize.submit')}
          </button>
        </form>
      </div>
    </Page>
  );
}
