import type { ComponentChildren } from 'preact';
import type { ViewContext } from '../http/context.js';

export interface Crumb {
  href?: string;
  label: string;
}

export interface PageProps {
  ctx: ViewContext;
  title: string;
  crumbs?: Crumb[];
  children: ComponentChildren;
  /** Extra class on <main>, e.g. "wide" for tables. */
  mainClass?: string;
}

/** Local paths only: the language switch must never become an open redirect. */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return '/';
  // A Location header carries ASCII only: anything else (non-ASCII, spaces, control characters) is percent-encoded,
  // so a crafted `next` can neither break the header nor make the server fail.
  try {
    return next.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
  } catch {
    return '/'; // a lone surrogate cannot be encoded
  }
}

function LanguageSwitch({ ctx }: { ctx: ViewContext }) {
  const other = ctx.locale === 'vi' ? 'en' : 'vi';
  const href = `/lang/${other}?next=${encodeURIComponent(ctx.url)}`;
  return (
    <a class="lang-switch" href={href} lang={other} hrefLang={other}>
      {ctx.t(`layout.language.${other}`)}
    </a>
  );
}

function UserMenu({ ctx }: { ctx: ViewContext }) {
  const { t, user } = ctx;
  if (!user) {
    return (
      <a class="header-link" href={`/dang-nhap?next=${encodeURIComponent(ctx.url)}`}>
        {t('layout.signIn')}
      </a>
    );
  }
  return (
    <>
      <span class="header-user">{user.displayName}</span>
      {user.kind === 'citizen' ? (
        <>
          <a class="header-link" href="/ho-so">
            {t('layout.myDossiers')}
          </a>
          <a class="header-link" href="/kho-du-lieu">
            {t('vault.title')}
          </a>
        </>
      ) : (
        <>
          {user.agencyId !== null ? (
            <a class="header-link" href="/can-bo/viec-can-lam">
              {t('layout.tasks')}
            </a>
          ) : null}
          {user.roles.includes('desk') ? (
            <a class="header-link" href="/can-bo/tiep-nhan">
              {t('layout.desk')}
            </a>
          ) : null}
          {user.agencyId !== null && user.roles.some((r) => r === 'desk' || r === 'leader') ? (
            <a class="header-link" href="/can-bo/phan-anh">
              {t('satisfaction.nav')}
            </a>
          ) : null}
        </>
      )}
      {user.kind === 'officer' ? (
        <a class="header-link" href="/can-bo/quy-trinh">
          {t('workflow.process.nav')}
        </a>
      ) : null}
      {user.kind === 'officer' && user.roles.some((r) => r === 'leader' || r === 'agency_admin' || r === 'system_admin') ? (
        <a class="header-link" href="/can-bo/chi-so">
          {t('reports.nav')}
        </a>
      ) : null}
      <a class="header-link" href="/tai-khoan">
        {t('layout.account')}
      </a>
      <form method="post" action="/dang-xuat" class="inline-form">
        <CsrfField ctx={ctx} />
        <button type="submit" class="link-button">
          {t('layout.signOut')}
        </button>
      </form>
    </>
  );
}

export function Breadcrumbs({ crumbs, ctx }: { crumbs: Crumb[]; ctx: ViewContext }) {
  return (
    <nav class="breadcrumbs" aria-label={ctx.t('layout.breadcrumbs')}>
      <ol>
        {crumbs.map((c, i) => (
          <li key={i}>{c.href && i < crumbs.length - 1 ? <a href={c.href}>{c.label}</a> : <span aria-current="page">{c.label}</span>}</li>
        ))}
      </ol>
    </nav>
  );
}

export function Page({ ctx, title, crumbs, children, mainClass }: PageProps) {
  const { t } = ctx;
  return (
    <html lang={ctx.locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} – ${t('layout.portalTitle')}`}</title>
        <link rel="stylesheet" href="/assets/motcua.css" />
        <link rel="icon" href="/assets/emblem.svg" type="image/svg+xml" />
      </head>
      <body>
        <a class="skip-link" href="#main">
          {t('layout.skipToContent')}
        </a>
        <header class="site-header">
          <div class="container header-inner">
            <a class="brand" href="/">
              <img class="brand-emblem" src="/assets/emblem.svg" alt="" width="44" height="44" />
              <span class="brand-text">
                <span class="brand-agency">{ctx.portal.agencyName}</span>
                <span class="brand-title">{t('layout.portalTitle')}</span>
              </span>
            </a>
            <div class="header-tools">
              <UserMenu ctx={ctx} />
              <LanguageSwitch ctx={ctx} />
            </div>
          </div>
          <nav class="primary-nav" aria-label={t('layout.mainNav')}>
            <ul class="container">
              <li>
                <a href="/" aria-current={ctx.path === '/' ? 'page' : undefined}>
                  {t('nav.home')}
                </a>
              </li>
              <li>
                <a href="/thu-tuc" aria-current={ctx.path.startsWith('/thu-tuc') ? 'page' : undefined}>
                  {t('nav.procedures')}
                </a>
              </li>
              <li>
                <a href="/linh-vuc" aria-current={ctx.path.startsWith('/linh-vuc') ? 'page' : undefined}>
                  {t('nav.sectors')}
                </a>
              </li>
              <li>
                <a href="/co-quan" aria-current={ctx.path.startsWith('/co-quan') ? 'page' : undefined}>
                  {t('nav.agencies')}
                </a>
              </li>
              <li>
                <a href="/tra-cuu" aria-current={ctx.path.startsWith('/tra-cuu') ? 'page' : undefined}>
                  {t('nav.lookup')}
                </a>
              </li>
            </ul>
          </nav>
        </header>
        <div class="container">
          {crumbs && crumbs.length > 0 ? <Breadcrumbs crumbs={crumbs} ctx={ctx} /> : null}
          <main id="main" tabIndex={-1} class={mainClass}>
            {children}
          </main>
        </div>
        <footer class="site-footer">
          <div class="container">
            <p>{t('layout.footer.operator', { agency: ctx.portal.agencyName })}</p>
            <p>
              <a href="/api/docs">{t('layout.footer.api')}</a>
            </p>
            <p class="muted">{t('layout.footer.software')}</p>
          </div>
        </footer>
      </body>
    </html>
  );
}

export interface FieldError {
  field: string;
  message: string;
}

/** The hidden CSRF field every state-changing form carries. */
export function CsrfField({ ctx }: { ctx: ViewContext }) {
  return <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
}

/** GOV.UK pattern: a summary at the top that links to each field in error. */
export function ErrorSummary({ errors, ctx }: { errors: FieldError[]; ctx: ViewContext }) {
  if (errors.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1} aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{ctx.t('form.errorSummaryTitle')}</h2>
      <ul>
        {errors.map((e) => (
          <li key={e.field}>
            <a href={`#${e.field}`}>{e.message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function Tag({ children, tone = 'grey' }: { children: ComponentChildren; tone?: 'grey' | 'green' | 'blue' | 'orange' }) {
  return <strong class={`tag tag-${tone}`}>{children}</strong>;
}

export interface SummaryRow {
  key: string;
  value: ComponentChildren;
}

export function SummaryList({ rows }: { rows: SummaryRow[] }) {
  return (
    <dl class="summary-list">
      {rows.map((r) => (
        <div class="summary-row" key={r.key}>
          <dt>{r.key}</dt>
          <dd>{r.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Pagination({
  ctx,
  page,
  pageCount,
  hrefFor,
}: {
  ctx: ViewContext;
  page: number;
  pageCount: number;
  hrefFor: (page: number) => string;
}) {
  if (pageCount <= 1) return null;
  return (
    <nav class="pagination" aria-label={ctx.t('pagination.label')}>
      <ul>
        {page > 1 ? (
          <li>
            <a href={hrefFor(page - 1)} rel="prev">
              {ctx.t('pagination.previous')}
            </a>
          </li>
        ) : null}
        <li aria-current="page">{ctx.t('pagination.position', { page, pageCount })}</li>
        {page < pageCount ? (
          <li>
            <a href={hrefFor(page + 1)} rel="next">
              {ctx.t('pagination.next')}
            </a>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
