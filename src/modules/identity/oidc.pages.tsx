import { ErrorSummary, Page, SummaryList } from '../../platform/views/layout.js';
import { CheckboxField, PostForm, errorOf, pageTitle, type FormState, type IdentityViewContext } from './identity.components.js';
import type { VerifiedClaims } from './identity-provider.js';
import { ConsentNotice } from './identity.pages.js';

function formatBirthDate(value: string | null): string {
  if (!value) return '–';
  const [y, m, d] = value.split('-');
  return `${d}/${m}/${y}`;
}

/**
 * First sign-in with VNeID of a person who has no account linked: create one (after the personal-data notice and
 * consent), or — if they already have an account — sign in to it with the password and link VNeID from there.
 * Nothing is merged automatically.
 */
export function ProviderNewAccountPage({ ctx, claims, form }: { ctx: IdentityViewContext; claims: VerifiedClaims; form: FormState }) {
  const { t } = ctx;
  const title = t('identity.vneid.newAccount.title');
  return (
    <Page ctx={ctx} title={pageTitle(ctx, title, form.errors)}>
      <div class="two-thirds">
        <ErrorSummary errors={form.errors} ctx={ctx} />
        <h1>{title}</h1>
        <p>{t('identity.vneid.newAccount.intro')}</p>
        <SummaryList
          rows={[
            { key: t('identity.profile.fullName'), value: claims.fullName },
            { key: t('identity.profile.personalId'), value: claims.personalId },
            { key: t('identity.profile.birthDate'), value: formatBirthDate(claims.birthDate) },
          ]}
        />
        <h2>{t('identity.vneid.newAccount.haveAccount')}</h2>
        <p>{t('identity.vneid.newAccount.haveAccountText')}</p>
        <p>
          <a href="/dang-nhap?next=%2Ftai-khoan">{t('identity.vneid.newAccount.signInToLink')}</a>
        </p>
        <h2>{t('identity.vneid.newAccount.create')}</h2>
        <ConsentNotice ctx={ctx} />
        <PostForm ctx={ctx} action="/dang-nhap/vneid/tao-tai-khoan">
          <CheckboxField ctx={ctx} id="consent" label={t('identity.register.consent')} checked={false} error={errorOf(form.errors, 'consent')} />
          <button class="button" type="submit">
            {t('identity.vneid.newAccount.submit')}
          </button>
        </PostForm>
      </div>
    </Page>
  );
}

/**
 * After signing out of the portal: on to the provider to end its session too. The browser follows at once
 * (refresh) and the link works by hand, with or without JavaScript.
 */
export function ProviderLogoutPage({ ctx, href }: { ctx: IdentityViewContext; href: string }) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={t('identity.vneid.logout.title')}>
      <div class="two-thirds">
        <meta http-equiv="refresh" content={`0;url=${href}`} />
        <h1>{t('identity.vneid.logout.title')}</h1>
        <p>{t('identity.vneid.logout.text')}</p>
        <p>
          <a class="button" href={href} role="button" id="provider-logout">
            {t('identity.vneid.logout.continue')}
          </a>
        </p>
        <p>
          <a href="/dang-nhap?da-dang-xuat=1">{t('identity.vneid.logout.skip')}</a>
        </p>
      </div>
    </Page>
  );
}
