import { ErrorSummary, Page, SummaryList, type Crumb } from '../../platform/views/layout.js';
import { formatDateTime } from '../../platform/views/format.js';
import { Banner, PostForm, TextField, errorOf, pageTitle, type FormState, type IdentityViewContext } from './identity.components.js';
import type { SecurityKeyView } from './security-key.service.js';

/**
 * Pages of officers' security keys (WebAuthn). The ceremonies need JavaScript (navigator.credentials), so the parts
 * that start one are `hidden` in the HTML and shown by `/assets/security-keys.js` only in a browser that supports
 * WebAuthn; every other browser sees a sentence saying so and keeps using the authenticator code.
 */

export const securityKeysPath = '/tai-khoan/khoa-bao-mat';
export const securityKeySignInPath = '/dang-nhap/khoa-bao-mat';
const script = '/assets/security-keys.js';

function crumbs(ctx: IdentityViewContext, last?: string): Crumb[] {
  const list: Crumb[] = [{ href: '/', label: ctx.t('nav.home') }, { href: '/tai-khoan', label: ctx.t('identity.profile.title') }];
  if (last) list.push({ href: securityKeysPath, label: ctx.t('identity.securityKeys.title') }, { label: last });
  else list.push({ label: ctx.t('identity.securityKeys.title') });
  return list;
}

/** The error shown by the script when the browser's ceremony fails (cancelled, timed out, no key). */
function CeremonyError({ ctx, id }: { ctx: IdentityViewContext; id: string }) {
  return (
    <p class="error-message" id={id} role="alert" hidden data-webauthn-error>
      <span class="visually-hidden">{ctx.t('identity.form.errorPrefix')}</span> {ctx.t('identity.securityKeys.ceremonyFailed')}
    </p>
  );
}

/** "My security keys": the list with last use, removal links, and the form that adds one. */
export function SecurityKeysPage({
  ctx,
  keys,
  form,
  options,
  notice,
}: {
  ctx: IdentityViewContext;
  keys: SecurityKeyView[];
  form: FormState;
  /** Registration options for the script (JSON); null when keys cannot be used on this portal's address. */
  options: string | null;
  notice: 'added' | 'removed' | null;
}) {
  const { t } = ctx;
  const title = t('identity.securityKeys.title');
  const nameError = errorOf(form.errors, 'name');
  const keyError = errorOf(form.errors, 'add-key');
  return (
    <Page ctx={ctx} title={pageTitle(ctx, title, form.errors)} crumbs={crumbs(ctx)}>
      <div class="two-thirds">
        <ErrorSummary errors={form.errors} ctx={ctx} />
        {notice ? (
          <Banner>
            <p>{t(`identity.securityKeys.notice.${notice}`)}</p>
          </Banner>
        ) : null}
        <h1>{title}</h1>
        <p>{t('identity.securityKeys.intro')}</p>
        <p>{t('identity.securityKeys.totpStays')}</p>
        {keys.length === 0 ? (
          <p>{t('identity.securityKeys.none')}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">{title}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('identity.securityKeys.name')}</th>
                  <th scope="col">{t('identity.securityKeys.added')}</th>
                  <th scope="col">{t('identity.securityKeys.lastUsed')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t('identity.sessions.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id} class="security-key-row">
                    <td>{k.name}</td>
                    <td>{formatDateTime(ctx, k.createdAt)}</td>
                    <td>{k.lastUsedAt ? formatDateTime(ctx, k.lastUsedAt) : t('identity.securityKeys.neverUsed')}</td>
                    <td>
                      <a href={`${securityKeysPath}/${k.id}/xoa`}>
                        {t('identity.securityKeys.remove')}
                        <span class="visually-hidden"> {k.name}</span>
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <h2>{t('identity.securityKeys.addTitle')}</h2>
        {options === null ? (
          <p>{t('identity.securityKeys.unavailableHere')}</p>
        ) : (
          <>
            <p data-webauthn-unsupported>{t('identity.securityKeys.unsupported')}</p>
            <div hidden data-webauthn-section>
              <PostForm ctx={ctx} action={securityKeysPath}>
                <div data-webauthn="create" data-webauthn-options={options}>
                  <TextField ctx={ctx} id="name" label={t('identity.securityKeys.name')} hint={t('identity.securityKeys.nameHint')} value={form.values.name ?? ''} error={nameError} maxLength={60} />
                  <input type="hidden" name="response" value="" />
                  <div class={`form-group${keyError ? ' field-error' : ''}`}>
                    {keyError ? (
                      <p class="error-message" id="add-key-error">
                        <span class="visually-hidden">{t('identity.form.errorPrefix')}</span> {keyError}
                      </p>
                    ) : null}
                    <CeremonyError ctx={ctx} id="add-key-ceremony-error" />
                    <button class="button" type="submit" id="add-key">
                      {t('identity.securityKeys.add')}
                    </button>
                  </div>
                </div>
              </PostForm>
            </div>
            <script src={script} defer />
          </>
        )}
        <p>
          <a href="/tai-khoan">{t('identity.sessions.back')}</a>
        </p>
      </div>
    </Page>
  );
}

/** Confirmation of a key's removal, with a fresh code from the authenticator app (or a recovery code). */
export function RemoveSecurityKeyPage({ ctx, keyView, form }: { ctx: IdentityViewContext; keyView: SecurityKeyView; form: FormState }) {
  const { t } = ctx;
  const title = t('identity.securityKeys.removeTitle', { name: keyView.name });
  return (
    <Page ctx={ctx} title={pageTitle(ctx, title, form.errors)} crumbs={crumbs(ctx, t('identity.securityKeys.remove'))}>
      <div class="two-thirds">
        <ErrorSummary errors={form.errors} ctx={ctx} />
        <h1>{title}</h1>
        <SummaryList
          rows={[
            { key: t('identity.securityKeys.added'), value: formatDateTime(ctx, keyView.createdAt) },
            { key: t('identity.securityKeys.lastUsed'), value: keyView.lastUsedAt ? formatDateTime(ctx, keyView.lastUsedAt) : t('identity.securityKeys.neverUsed') },
          ]}
        />
        <p>{t('identity.securityKeys.removeIntro')}</p>
        <PostForm ctx={ctx} action={`${securityKeysPath}/${keyView.id}/xoa`}>
          <TextField
            ctx={ctx}
            id="code"
            label={t('identity.totp.code')}
            hint={t('identity.totp.codeHint')}
            value=""
            error={errorOf(form.errors, 'code')}
            autoComplete="one-time-code"
            spellcheck={false}
            maxLength={20}
            width="w-10"
          />
          <button class="button button-warning" type="submit">
            {t('identity.securityKeys.removeConfirm')}
          </button>
        </PostForm>
        <p>
          <a href={securityKeysPath}>{t('identity.securityKeys.cancel')}</a>
        </p>
      </div>
    </Page>
  );
}

/**
 * On the second sign-in step: "use your security key", for an officer with keys, in a browser with WebAuthn.
 * `options` are the request options (JSON) whose challenge the server keeps for this sign-in.
 */
export function SecurityKeySignIn({ ctx, options, next, error }: { ctx: IdentityViewContext; options: string; next: string | undefined; error: string | undefined }) {
  const { t } = ctx;
  return (
    <>
      <div hidden data-webauthn-section>
        <h2>{t('identity.securityKeys.signInTitle')}</h2>
        <p>{t('identity.securityKeys.signInIntro')}</p>
        <PostForm ctx={ctx} action={securityKeySignInPath} next={next}>
          <div data-webauthn="get" data-webauthn-options={options} class={`form-group${error ? ' field-error' : ''}`}>
            <input type="hidden" name="response" value="" />
            {error ? (
              <p class="error-message" id="security-key-error">
                <span class="visually-hidden">{t('identity.form.errorPrefix')}</span> {error}
              </p>
            ) : null}
            <CeremonyError ctx={ctx} id="security-key-ceremony-error" />
            <button class="button" type="submit" id="security-key">
              {t('identity.securityKeys.signIn')}
            </button>
          </div>
        </PostForm>
        <h2>{t('identity.securityKeys.orCode')}</h2>
      </div>
      <script src={script} defer />
    </>
  );
}
