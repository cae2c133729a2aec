import type { ComponentChildren } from 'preact';
import { CsrfField } from '../../platform/http/csrf.js';
import { ErrorSummary, Page, SummaryList, type Crumb } from '../../platform/views/layout.js';
import { consentNoticeVersion } from './accounts.service.js';
import {
  Banner,
  CheckboxField,
  DateField,
  PostForm,
  RadioGroup,
  SelectField,
  TextField,
  errorOf,
  pageTitle,
  type FormState,
  type IdentityViewContext,
} from './identity.components.js';
import type { OrganisationView, UnitOption } from './profile.service.js';

function v(form: FormState, name: string): string {
  return form.values[name] ?? '';
}

function AccountPage({
  ctx,
  title,
  form,
  crumbs,
  children,
}: {
  ctx: IdentityViewContext;
  title: string;
  form: FormState;
  crumbs?: Crumb[];
  children: ComponentChildren;
}) {
  return (
    <Page ctx={ctx} title={pageTitle(ctx, title, form.errors)} crumbs={crumbs}>
      <div class="two-thirds">
        <ErrorSummary errors={form.errors} ctx={ctx} />
        {children}
      </div>
    </Page>
  );
}

function withNext(path: string, next: string | undefined): string {
  return next && next !== '/' ? `${path}?next=${encodeURIComponent(next)}` : path;
}

// ---------------------------------------------------------------------------------------------------------------
// Sign in

export type LoginNotice = 'verified' | 'passwordChanged' | 'signedOut' | 'providerFailed' | null;

/** The 6-digit one-time code field of the verification and password-reset pages. */
function OneTimeCodeField({ ctx, form }: { ctx: IdentityViewContext; form: FormState }) {
  return (
    <TextField
      ctx={ctx}
      id="code"
      label={ctx.t('identity.verify.code')}
      hint={ctx.t('identity.verify.codeHint')}
      value={v(form, 'code')}
      error={errorOf(form.errors, 'code')}
      autoComplete="one-time-code"
      inputMode="numeric"
      maxLength={6}
      width="w-10"
    />
  );
}

export function LoginPage({
  ctx,
  form,
  next,
  notice,
  providerHref,
}: {
  ctx: IdentityViewContext;
  form: FormState;
  next: string | undefined;
  notice: LoginNotice;
  /** Link that starts sign-in with the national identity; absent when no provider is configured. */
  providerHref: string | null;
}) {
  const { t } = ctx;
  return (
    <AccountPage ctx={ctx} title={t('identity.login.title')} form={form}>
      {notice ? (
        <Banner>
          <p>{t(`identity.login.notice.${notice}`)}</p>
        </Banner>
      ) : null}
      <h1>{t('identity.login.title')}</h1>
      {providerHref ? (
        <>
          <p>
            <a class="button button-secondary" href={providerHref} role="button">
              {t('identity.login.vneid')}
            </a>
          </p>
          <p class="muted">{t('identity.login.vneidHint')}</p>
          <h2>{t('identity.login.withPassword')}</h2>
        </>
      ) : null}
      <PostForm ctx={ctx} action="/dang-nhap" next={next}>
        <TextField
          ctx={ctx}
          id="account"
          label={t('identity.login.account')}
          hint={t('identity.login.accountHint')}
          value={v(form, 'account')}
          error={errorOf(form.errors, 'account')}
          autoComplete="username"
          spellcheck={false}
          maxLength={254}
        />
        <TextField
          ctx={ctx}
          id="password"
          type="password"
          label={t('identity.login.password')}
          error={errorOf(form.errors, 'password')}
          autoComplete="current-password"
        />
        <button class="button" type="submit">
          {t('identity.login.submit')}
        </button>
      </PostForm>
      <p>
        <a href="/quen-mat-khau">{t('identity.login.forgot')}</a>
      </p>
      <h2>{t('identity.login.noAccount')}</h2>
      <p>
        <a href={withNext('/dang-ky', next)}>{t('identity.login.register')}</a>
      </p>
    </AccountPage>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Registration

/** The personal-data notice (Decree 13/2023/NĐ-CP art. 13: purpose, data, who processes, rights, consequences). */
export function ConsentNotice({ ctx }: { ctx: IdentityViewContext }) {
  const { t } = ctx;
  const sections = ['purpose', 'data', 'processor', 'sharing', 'retention', 'rights', 'withdrawal'] as const;
  return (
    <section class="panel" aria-labelledby="consent-notice-title">
      <h2 id="consent-notice-title">{t('identity.consent.title')}</h2>
      {sections.map((s) => (
        <p key={s}>
          <strong>{t(`identity.consent.${s}.heading`)}</strong> {t(`identity.consent.${s}.text`)}
        </p>
      ))}
      <p class="muted">{t('identity.consent.version', { version: consentNoticeVersion })}</p>
    </section>
  );
}

export function RegisterPage({ ctx, form, next }: { ctx: IdentityViewContext; form: FormState; next: string | undefined }) {
  const { t } = ctx;
  return (
    <AccountPage ctx={ctx} title={t('identity.register.title')} form={form}>
      <h1>{t('identity.register.title')}</h1>
      <p class="lead">{t('identity.register.lead')}</p>
      <PostForm ctx={ctx} action="/dang-ky" next={next}>
        <TextField
          ctx={ctx}
          id="contact"
          label={t('identity.register.contact')}
          hint={t('identity.register.contactHint')}
          value={v(form, 'contact')}
          error={errorOf(form.errors, 'contact')}
          autoComplete="username"
          spellcheck={false}
          maxLength={254}
        />
        <TextField
          ctx={ctx}
          id="fullName"
          label={t('identity.register.fullName')}
          hint={t('identity.register.fullNameHint')}
          value={v(form, 'fullName')}
          error={errorOf(form.errors, 'fullName')}
          autoComplete="name"
          spellcheck={false}
          maxLength={200}
        />
        <TextField
          ctx={ctx}
          id="password"
          type="password"
          label={t('identity.register.password')}
          hint={t('identity.register.passwordHint')}
          error={errorOf(form.errors, 'password')}
          autoComplete="new-password"
        />
        <ConsentNotice ctx={ctx} />
        <CheckboxField
          ctx={ctx}
          id="consent"
          label={t('identity.register.consent')}
          checked={v(form, 'consent') === 'yes'}
          error={errorOf(form.errors, 'consent')}
        />
        <button class="button" type="submit">
          {t('identity.register.submit')}
        </button>
      </PostForm>
      <p>
        {t('identity.register.haveAccount')} <a href={withNext('/dang-nhap', next)}>{t('identity.register.signIn')}</a>
      </p>
    </AccountPage>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Verification of the phone or e-mail

export function VerifyPage({
  ctx,
  form,
  next,
  resent,
}: {
  ctx: IdentityViewContext;
  form: FormState;
  next: string | undefined;
  resent: boolean;
}) {
  const { t } = ctx;
  const account = v(form, 'account');
  return (
    <AccountPage ctx={ctx} title={t('identity.verify.title')} form={form}>
      {resent ? (
        <Banner>
          <p>{t('identity.verify.resent')}</p>
        </Banner>
      ) : null}
      <h1>{t('identity.verify.title')}</h1>
      <p>{account ? t('identity.verify.sentTo', { contact: account }) : t('identity.verify.sentGeneric')}</p>
      <p>{t('identity.verify.alreadyRegistered')}</p>
      <PostForm ctx={ctx} action="/xac-thuc" next={next}>
        <TextField
          ctx={ctx}
          id="account"
          label={t('identity.verify.account')}
          value={account}
          error={errorOf(form.errors, 'account')}
          autoComplete="username"
          spellcheck={false}
          maxLength={254}
        />
        <OneTimeCodeField ctx={ctx} form={form} />
        <button class="button" type="submit">
          {t('identity.verify.submit')}
        </button>
      </PostForm>
      <h2>{t('identity.verify.noCode')}</h2>
      <p>{t('identity.verify.noCodeHelp')}</p>
      <form method="post" action="/xac-thuc/gui-lai" novalidate>
        <CsrfField ctx={ctx} />
        <input type="hidden" name="account" value={account} />
        {next && next !== '/' ? <input type="hidden" name="next" value={next} /> : null}
        <button class="button button-secondary" type="submit">
          {t('identity.verify.resend')}
        </button>
      </form>
    </AccountPage>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Password recovery

export function RecoveryRequestPage({ ctx, form }: { ctx: IdentityViewContext; form: FormState }) {
  const { t } = ctx;
  return (
    <AccountPage ctx={ctx} title={t('identity.recovery.title')} form={form}>
      <h1>{t('identity.recovery.title')}</h1>
      <p>{t('identity.recovery.lead')}</p>
      <PostForm ctx={ctx} action="/quen-mat-khau">
        <TextField
          ctx={ctx}
          id="account"
          label={t('identity.recovery.account')}
          hint={t('identity.recovery.accountHint')}
          value={v(form, 'account')}
          error={errorOf(form.errors, 'account')}
          autoComplete="username"
          spellcheck={false}
          maxLength={254}
        />
        <button class="button" type="submit">
          {t('identity.recovery.submit')}
        </button>
      </PostForm>
      <p class="muted">{t('identity.recovery.officers')}</p>
    </AccountPage>
  );
}

export function RecoveryResetPage({ ctx, form }: { ctx: IdentityViewContext; form: FormState }) {
  const { t } = ctx;
  const account = v(form, 'account');
  return (
    <AccountPage ctx={ctx} title={t('identity.reset.title')} form={form}>
      <h1>{t('identity.reset.title')}</h1>
      <p>{account ? t('identity.reset.sentTo', { contact: account }) : t('identity.verify.sentGeneric')}</p>
      <PostForm ctx={ctx} action="/quen-mat-khau/dat-lai">
        <TextField
          ctx={ctx}
          id="account"
          label={t('identity.recovery.account')}
          value={account}
          error={errorOf(form.errors, 'account')}
          autoComplete="username"
          spellcheck={false}
          maxLength={254}
        />
        <OneTimeCodeField ctx={ctx} form={form} />
        <TextField
          ctx={ctx}
          id="password"
          type="password"
          label={t('identity.reset.password')}
          hint={t('identity.register.passwordHint')}
          error={errorOf(form.errors, 'password')}
          autoComplete="new-password"
        />
        <button class="button" type="submit">
          {t('identity.reset.submit')}
        </button>
      </PostForm>
      <p>
        <a href="/quen-mat-khau">{t('identity.reset.again')}</a>
      </p>
    </AccountPage>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Profile

function accountCrumbs(ctx: IdentityViewContext, current?: string): Crumb[] {
  const { t } = ctx;
  return current
    ? [{ href: '/', label: t('nav.home') }, { href: '/tai-khoan', label: t('identity.profile.title') }, { label: current }]
    : [{ href: '/', label: t('nav.home') }, { label: t('identity.profile.title') }];
}

function SignOutForm({ ctx }: { ctx: IdentityViewContext }) {
  return (
    <form method="post" action="/dang-xuat" class="actions">
      <CsrfField ctx={ctx} />
      <button class="button button-secondary" type="submit">
        {ctx.t('identity.logout.submit')}
      </button>
    </form>
  );
}

export type ProfileNotice = 'saved' | 'communesUpdated' | 'linked' | 'created' | 'linkFailed' | null;

export function ProfilePage({
  ctx,
  form,
  provinces,
  communes,
  organisations,
  notice,
  verified = null,
  linkHref = null,
}: {
  ctx: IdentityViewContext;
  form: FormState;
  provinces: UnitOption[];
  communes: UnitOption[];
  organisations: OrganisationView[];
  notice: ProfileNotice;
  /** Set when the national identity vouched for the person's facts: they are shown locked. */
  verified?: { at: Date } | null;
  /** Starts linking VNeID to this account; null when linked already or no provider is configured. */
  linkHref?: string | null;
}) {
  const { t } = ctx;
  const province = v(form, 'provinceCode');
  const sexValue = v(form, 'sex');
  const birth = [v(form, 'birthDay'), v(form, 'birthMonth'), v(form, 'birthYear')].filter(Boolean).join('/');
  return (
    <AccountPage ctx={ctx} title={t('identity.profile.title')} form={form} crumbs={accountCrumbs(ctx)}>
      {notice ? (
        <Banner>
          <p>{t(`identity.profile.notice.${notice}`)}</p>
        </Banner>
      ) : null}
      <h1>{t('identity.profile.title')}</h1>
      <p class="lead">{t('identity.profile.lead')}</p>
      {linkHref ? (
        <div class="panel">
          <p>{t('identity.vneid.link.text')}</p>
          <p>
            <a class="button button-secondary" href={linkHref} role="button">
              {t('identity.vneid.link.button')}
            </a>
          </p>
        </div>
      ) : null}
      <PostForm ctx={ctx} action="/tai-khoan">
        <h2>{t('identity.profile.section.person')}</h2>
        {verified ? (
          <div id="verified-identity">
            <p>
              <strong class="tag tag-green">{t('identity.vneid.verified.tag')}</strong> {t('identity.vneid.verified.note')}
            </p>
            <SummaryList
              rows={[
                { key: t('identity.profile.fullName'), value: v(form, 'fullName') },
                { key: t('identity.profile.personalId'), value: v(form, 'personalId') },
                { key: t('identity.profile.birthDate'), value: birth || '–' },
                { key: t('identity.profile.sex'), value: sexValue ? t(`identity.sex.${sexValue}`) : '–' },
              ]}
            />
          </div>
        ) : null}
        {verified ? null : (
          <>
        <TextField
          ctx={ctx}
          id="fullName"
          label={t('identity.profile.fullName')}
          value={v(form, 'fullName')}
          error={errorOf(form.errors, 'fullName')}
          autoComplete="name"
          spellcheck={false}
          maxLength={200}
        />
        <TextField
          ctx={ctx}
          id="personalId"
          label={t('identity.profile.personalId')}
          hint={t('identity.profile.personalIdHint')}
          value={v(form, 'personalId')}
          error={errorOf(form.errors, 'personalId')}
          inputMode="numeric"
          spellcheck={false}
          maxLength={15}
          width="w-20"
        />
        <DateField
          ctx={ctx}
          idPrefix="birth"
          legend={t('identity.profile.birthDate')}
          hint={t('identity.profile.birthDateHint')}
          values={{ day: v(form, 'birthDay'), month: v(form, 'birthMonth'), year: v(form, 'birthYear') }}
          error={errorOf(form.errors, 'birthDay')}
          autoCompletePrefix="bday"
        />
        <RadioGroup
          ctx={ctx}
          id="sex"
          legend={t('identity.profile.sex')}
          choices={[
            { value: 'male', label: t('identity.sex.male') },
            { value: 'female', label: t('identity.sex.female') },
          ]}
          value={v(form, 'sex')}
          error={errorOf(form.errors, 'sex')}
        />
          </>
        )}

        <h2>{t('identity.profile.section.address')}</h2>
        <SelectField
          ctx={ctx}
          id="provinceCode"
          label={t('identity.profile.province')}
          hint={t('identity.profile.provinceHint')}
          choices={provinces.map((p) => ({ value: p.code, label: p.name }))}
          value={province}
          error={errorOf(form.errors, 'provinceCode')}
          emptyLabel={t('identity.profile.chooseProvince')}
          after={
            <button class="button button-secondary" type="submit" name="action" value="province" formAction="/tai-khoan#communeCode">
              {t('identity.profile.applyProvince')}
            </button>
          }
        />
        <SelectField
          ctx={ctx}
          id="communeCode"
          label={t('identity.profile.commune')}
          hint={province ? t('identity.profile.communeHint') : t('identity.profile.communeHintNoProvince')}
          choices={communes.map((c) => ({ value: c.code, label: c.name }))}
          value={v(form, 'communeCode')}
          error={errorOf(form.errors, 'communeCode')}
          emptyLabel={province ? t('identity.profile.chooseCommune') : t('identity.profile.chooseProvinceFirst')}
        />
        <TextField
          ctx={ctx}
          id="addressLine"
          label={t('identity.profile.addressLine')}
          hint={t('identity.profile.addressLineHint')}
          value={v(form, 'addressLine')}
          error={errorOf(form.errors, 'addressLine')}
          autoComplete="street-address"
          maxLength={300}
        />

        <h2>{t('identity.profile.section.contact')}</h2>
        <TextField
          ctx={ctx}
          id="phone"
          type="tel"
          label={t('identity.profile.phone')}
          hint={t('identity.profile.phoneHint')}
          value={v(form, 'phone')}
          error={errorOf(form.errors, 'phone')}
          autoComplete="tel"
          maxLength={20}
          width="w-20"
        />
        <TextField
          ctx={ctx}
          id="email"
          type="email"
          label={t('identity.profile.email')}
          value={v(form, 'email')}
          error={errorOf(form.errors, 'email')}
          autoComplete="email"
          spellcheck={false}
          maxLength={254}
        />
        <button class="button" type="submit" name="action" value="save">
          {t('identity.profile.save')}
        </button>
      </PostForm>

      <h2>{t('identity.organisations.title')}</h2>
      {organisations.length === 0 ? (
        <p>{t('identity.organisations.none')}</p>
      ) : (
        <ul class="plain-list">
          {organisations.map((o) => (
            <li key={o.id}>
              {o.name} <span class="muted">({t('identity.organisations.taxCodeShort', { taxCode: o.taxCode })})</span>
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href="/tai-khoan/to-chuc">{t('identity.organisations.manage')}</a>
      </p>
      <p>
        <a href="/tai-khoan/phien-dang-nhap">{t('identity.sessions.link')}</a>
      </p>
      <p>
        <a href="/tai-khoan/du-lieu-ca-nhan">{t('identity.myData.link')}</a>
      </p>
      <p>
        <a href="/tai-khoan/thong-bao">{t('notifications.preferences.link')}</a>
      </p>
      <SignOutForm ctx={ctx} />
    </AccountPage>
  );
}

export function OfficerAccountPage({
  ctx,
  recoveryCodesLeft = null,
  securityKeyCount = null,
}: {
  ctx: IdentityViewContext;
  recoveryCodesLeft?: number | null;
  /** Registered security keys; null when the portal offers none. */
  securityKeyCount?: number | null;
}) {
  const { t } = ctx;
  const user = ctx.user;
  return (
    <AccountPage ctx={ctx} title={t('identity.profile.title')} form={{ values: {}, errors: [] }} crumbs={accountCrumbs(ctx)}>
      <h1>{t('identity.profile.title')}</h1>
      {user ? (
        <SummaryList
          rows={[
            { key: t('identity.officer.name'), value: user.displayName },
            { key: t('identity.officer.roles'), value: user.roles.map((r) => t(`identity.role.${r}`)).join(', ') },
          ]}
        />
      ) : null}
      <p>{t('identity.officer.noProfile')}</p>
      {recoveryCodesLeft === null ? null : (
        <>
          <h2>{t('identity.security.title')}</h2>
          <p>{t('identity.security.totpOn')}</p>
          <p>{t('identity.recoveryCodes.left', { n: recoveryCodesLeft })}</p>
          <PostForm ctx={ctx} action="/tai-khoan/ma-khoi-phuc">
            <button class="button button-secondary" type="submit">
              {t('identity.recoveryCodes.renew')}
            </button>
          </PostForm>
          {securityKeyCount === null ? null : (
            <p>
              {t('identity.securityKeys.count', { n: securityKeyCount })} <a href="/tai-khoan/khoa-bao-mat">{t('identity.securityKeys.manage')}</a>
            </p>
          )}
        </>
      )}
      <p>
        <a href="/tai-khoan/phien-dang-nhap">{t('identity.sessions.link')}</a>
      </p>
      <SignOutForm ctx={ctx} />
    </AccountPage>
  );
}

export function OrganisationsPage({
  ctx,
  organisations,
  form,
  added,
}: {
  ctx: IdentityViewContext;
  organisations: OrganisationView[];
  form: FormState;
  added: boolean;
}) {
  const { t } = ctx;
  return (
    <AccountPage ctx={ctx} title={t('identity.organisations.title')} form={form} crumbs={accountCrumbs(ctx, t('identity.organisations.title'))}>
      {added ? (
        <Banner>
          <p>{t('identity.organisations.added')}</p>
        </Banner>
      ) : null}
      <h1>{t('identity.organisations.title')}</h1>
      <p class="lead">{t('identity.organisations.lead')}</p>
      {organisations.length === 0 ? (
        <p>{t('identity.organisations.none')}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption>{t('identity.organisations.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('identity.organisations.taxCode')}</th>
                <th scope="col">{t('identity.organisations.name')}</th>
                <th scope="col">{t('identity.organisations.address')}</th>
              </tr>
            </thead>
            <tbody>
              {organisations.map((o) => (
                <tr key={o.id}>
                  <td>{o.taxCode}</td>
                  <td>{o.name}</td>
                  <td>{o.address}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>{t('identity.organisations.addTitle')}</h2>
      <PostForm ctx={ctx} action="/tai-khoan/to-chuc">
        <TextField
          ctx={ctx}
          id="taxCode"
          label={t('identity.organisations.taxCode')}
          hint={t('identity.organisations.taxCodeHint')}
          value={v(form, 'taxCode')}
          error={errorOf(form.errors, 'taxCode')}
          inputMode="text"
          spellcheck={false}
          maxLength={20}
          width="w-20"
        />
        <TextField
          ctx={ctx}
          id="organisationName"
          label={t('identity.organisations.name')}
          value={v(form, 'organisationName')}
          error={errorOf(form.errors, 'organisationName')}
          autoComplete="organization"
          maxLength={300}
        />
        <TextField
          ctx={ctx}
          id="organisationAddress"
          label={t('identity.organisations.address')}
          value={v(form, 'organisationAddress')}
          error={errorOf(form.errors, 'organisationAddress')}
          maxLength={500}
        />
        <button class="button" type="submit">
          {t('identity.organisations.submit')}
        </button>
      </PostForm>
    </AccountPage>
  );
}
