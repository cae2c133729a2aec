import type { ViewContext } from '../../platform/http/context.js';
import { formatDateTime } from '../../platform/views/format.js';
import { StatusTag } from '../dossiers/index.js';
import { CsrfField, ErrorSummary, Page, Pagination, SummaryList, Tag, type FieldError } from '../../platform/views/layout.js';
import type { StatutoryDuration, SupplementWindow } from './desk.deadlines.js';
import type { DeskDossier, QueuePage } from './desk.service.js';
import { slipFormsFromHistory } from './slips.js';
import { SlipLinks } from './slips.pages.js';

/** Paths of the desk pages (Vietnamese, like the rest of the portal). */
export const deskPaths = {
  queue: '/can-bo/tiep-nhan',
  dossier: (code: string) => `/can-bo/ho-so/${encodeURIComponent(code)}`,
  receive: (code: string) => `/can-bo/ho-so/${encodeURIComponent(code)}/tiep-nhan`,
  supplement: (code: string) => `/can-bo/ho-so/${encodeURIComponent(code)}/bo-sung`,
  refuse: (code: string) => `/can-bo/ho-so/${encodeURIComponent(code)}/tu-choi`,
  document: (code: string, id: number) => `/can-bo/ho-so/${encodeURIComponent(code)}/tai-lieu/${id}`,
};

/** Which confirmation the detail page shows after a decision (query `?xong=`). */
export type DoneNotice = 'received' | 'supplement' | 'refused';


/** Working hours to one decimal, in the page's language ("3,5 giờ làm việc"). */
function hours(ctx: ViewContext, value: number): string {
  return ctx.t('workflow.hours', { n: Math.round(value * 10) / 10 });
}

/** A waiting time: hours below one working day, then working days and hours ("2 ngày 3,5 giờ làm việc"). */
function waitingText(ctx: ViewContext, w: { hours: number; days: number }): string {
  if (w.days < 1) return hours(ctx, w.hours);
  const whole = Math.floor(w.days);
  const perDay = w.hours / w.days;
  return ctx.t('workflow.waitingDays', { days: whole, hours: Math.round((w.hours - whole * perDay) * 10) / 10 });
}

function durationText(ctx: ViewContext, d: StatutoryDuration | null): string {
  return d ? ctx.t(`workflow.duration.${d.unit}`, { n: d.value }) : ctx.t('workflow.duration.none');
}

/** The Resolution 66.7/2025/NQ-CP window as a tag (near or passed) or a plain deadline. */
function WindowCell({ ctx, window }: { ctx: ViewContext; window: SupplementWindow | null }) {
  if (!window) return <span class="muted">{ctx.t('workflow.window.notApplicable')}</span>;
  const deadline = formatDateTime(ctx, window.deadline);
  if (window.state === 'passed') {
    return (
      <>
        <Tag tone="orange">{ctx.t('workflow.window.passedTag')}</Tag> <span class="meta">{ctx.t('workflow.window.since', { deadline })}</span>
      </>
    );
  }
  if (window.state === 'near') {
    return (
      <>
        <Tag tone="orange">{ctx.t('workflow.window.nearTag', { hours: Math.max(0, Math.round(window.hoursLeft * 10) / 10) })}</Tag>{' '}
        <span class="meta">{ctx.t('workflow.window.until', { deadline })}</span>
      </>
    );
  }
  return <span>{ctx.t('workflow.window.until', { deadline })}</span>;
}

function Warning({ ctx, children }: { ctx: ViewContext; children: string }) {
  return (
    <div class="warning-text">
      <span class="warning-icon" aria-hidden="true">
        !
      </span>
      <strong>
        <span class="visually-hidden">{ctx.t('workflow.warning')} </span>
        {children}
      </strong>
    </div>
  );
}

export function QueuePageView({ ctx, queue }: { ctx: ViewContext; queue: QueuePage }) {
  const { t } = ctx;
  const hrefFor = (page: number) => `${deskPaths.queue}?${new URLSearchParams({ ...(queue.search ? { q: queue.search } : {}), trang: String(page) }).toString()}`;
  return (
    <Page ctx={ctx} title={t('workflow.queue.title')} crumbs={[{ href: '/', label: t('nav.home') }, { label: t('workflow.queue.title') }]} mainClass="wide">
      <span class="muted">{queue.agencyName}</span>
      <h1>{t('workflow.queue.title')}</h1>
      <p class="lead">{t('workflow.queue.lead')}</p>
      <form method="get" action={deskPaths.queue} class="search-box" role="search">
        <div class="form-group">
          <label for="q">{t('workflow.queue.search')}</label>
          <input type="search" id="q" name="q" value={queue.search} maxLength={100} />
        </div>
        <button type="submit" class="button button-secondary">
          {t('workflow.queue.searchButton')}
        </button>
      </form>
      <p role="status">{queue.search ? t('workflow.queue.countSearch', { n: queue.total, search: queue.search }) : t('workflow.queue.count', { n: queue.total })}</p>
      {queue.items.length === 0 ? (
        <p>{t('workflow.queue.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption>{t('workflow.queue.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('workflow.field.code')}</th>
                <th scope="col">{t('workflow.field.procedure')}</th>
                <th scope="col">{t('workflow.field.applicant')}</th>
                <th scope="col">{t('workflow.field.submittedAt')}</th>
                <th scope="col">{t('workflow.field.waiting')}</th>
                <th scope="col">{t('workflow.field.supplementWindow')}</th>
              </tr>
            </thead>
            <tbody>
              {queue.items.map((item) => (
                <tr key={item.code}>
                  <td>
                    <a href={deskPaths.dossier(item.code)}>{item.code}</a>
                  </td>
                  <td>{item.procedure.name}</td>
                  <td>{item.applicantName}</td>
                  <td>{formatDateTime(ctx, item.submittedAt)}</td>
                  <td>{waitingText(ctx, { hours: item.waitingHours, days: item.waitingDays })}</td>
                  <td>
                    <WindowCell ctx={ctx} window={item.supplementWindow} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination ctx={ctx} page={queue.page} pageCount={queue.pageCount} hrefFor={hrefFor} />
      <p class="meta">{t('workflow.queue.windowNote')}</p>
      <p>
        <a href="/can-bo/so-theo-doi">{t('workflow.ledger.link')}</a>
      </p>
      <p>
        <a href="/can-bo/tiep-nhan/moi">{t('workflow.counter.link')}</a>
      </p>
      <p>
        <a href="/can-bo/so-hoa">{t('signatures.digitize.title')}</a>
      </p>
    </Page>
  );
}

export interface DossierPageProps {
  ctx: ViewContext;
  d: DeskDossier;
  /** The e-form answers as the forms module presents them, or null when they cannot be shown. */
  answers: { label: string; value: string }[] | null;
  done?: DoneNotice | null;
  /** Field problems of the form that was posted. */
  errors?: FieldError[];
  /** A conflict (DOSSIER_CHANGED, DESK_ACTION_NOT_ALLOWED): message and code, shown above a page of fresh data. */
  conflict?: { message: string; code: string } | null;
  /** What the officer typed, kept when the page comes back with errors. */
  entered?: { items?: string; note?: string; reasons?: string };
}

export function DossierPageView({ ctx, d, answers, done, errors = [], conflict, entered = {} }: DossierPageProps) {
  const { t } = ctx;
  // A field may have several problems (one per line of the supplement list): all are shown beside it.
  const errorOf = (field: string): FieldError | undefined => {
    const own = errors.filter((e) => e.field === field);
    return own.length > 0 ? { field, message: own.map((e) => e.message).join(' ') } : undefined;
  };
  const title = t('workflow.dossier.title', { code: d.code });
  const hasErrors = errors.length > 0 || Boolean(conflict);
  return (
    <Page
      ctx={ctx}
      title={hasErrors ? `${t('workflow.errorPrefix')} ${title}` : title}
      crumbs={[{ href: '/', label: t('nav.home') }, { href: deskPaths.queue, label: t('workflow.queue.title') }, { label: d.code }]}
    >
      {conflict ? (
        <div class="error-summary" role="alert" tabIndex={-1} aria-labelledby="conflict-title">
          <h2 id="conflict-title">{t('workflow.conflict.title')}</h2>
          <p>{conflict.message}</p>
          <p class="meta">{t('workflow.conflict.code', { code: conflict.code })}</p>
          <p>
            <a href={deskPaths.dossier(d.code)}>{t('workflow.conflict.reload')}</a>
          </p>
        </div>
      ) : null}
      <ErrorSummary ctx={ctx} errors={errors} />
      {done ? <DoneBanner ctx={ctx} d={d} done={done} /> : null}

      <span class="muted">{t('workflow.field.code')}</span>
      <h1>{d.code}</h1>
      <p>
        <StatusTag ctx={ctx} status={d.status} />
      </p>
      {d.supplementWindow && d.supplementWindow.state !== 'open' ? (
        <Warning ctx={ctx}>
          {d.supplementWindow.state === 'passed'
            ? t('workflow.window.passedWarning', { deadline: formatDateTime(ctx, d.supplementWindow.deadline) })
            : t('workflow.window.nearWarning', { deadline: formatDateTime(ctx, d.supplementWindow.deadline) })}
        </Warning>
      ) : null}

      <h2>{t('workflow.dossier.summary')}</h2>
      <SummaryList
        rows={[
          { key: t('workflow.field.procedure'), value: `${d.procedure.name} (${d.procedure.code})` },
          { key: t('workflow.field.applicant'), value: d.applicant.fullName },
          ...(d.applicant.personalId ? [{ key: t('workflow.field.personalId'), value: d.applicant.personalId }] : []),
          ...(d.applicant.phone ? [{ key: t('workflow.field.phone'), value: d.applicant.phone }] : []),
          ...(d.applicant.email ? [{ key: t('workflow.field.email'), value: d.applicant.email }] : []),
          ...(d.applicant.address ? [{ key: t('workflow.field.address'), value: d.applicant.address }] : []),
          { key: t('workflow.field.channel'), value: t(`workflow.channel.${d.channel}`) },
          { key: t('workflow.field.delivery'), value: t(`workflow.delivery.${d.resultDelivery}`) },
          { key: t('workflow.field.receivingAgency'), value: d.receivingAgency },
          { key: t('workflow.field.holderAgency'), value: d.holderAgency },
          { key: t('workflow.field.submittedAt'), value: formatDateTime(ctx, d.submittedAt) },
          ...(d.waiting ? [{ key: t('workflow.field.waiting'), value: waitingText(ctx, d.waiting) }] : []),
          { key: t('workflow.field.duration'), value: durationText(ctx, d.statutoryDuration) },
          { key: t('workflow.field.receivedAt'), value: d.receivedAt ? formatDateTime(ctx, d.receivedAt) : t('workflow.notYet') },
          { key: t('workflow.field.dueAt'), value: d.dueAt ? formatDateTime(ctx, d.dueAt) : t('workflow.notYet') },
        ]}
      />

      {answers && answers.length > 0 ? (
        <>
          <h2>{t('workflow.dossier.answers')}</h2>
          <dl class="summary-list">
            {answers.map((a, i) => (
              <div class="summary-row" key={i}>
                <dt>{a.label}</dt>
                <dd class="pre-text">{a.value}</dd>
              </div>
            ))}
          </dl>
        </>
      ) : null}

      <h2>{t('workflow.dossier.documents')}</h2>
      {d.documents.length === 0 ? (
        <p>{t('workflow.dossier.noDocuments')}</p>
      ) : (
        <ul>
          {d.documents.map((doc) => (
            <li key={doc.id}>
              <a href={deskPaths.document(d.code, doc.id)}>{doc.fileName}</a>{' '}
              <span class="muted">
                ({doc.requirementName ? `${doc.requirementName}; ` : ''}
                {doc.pages ? t('workflow.dossier.pages', { n: doc.pages }) : doc.mime})
              </span>
            </li>
          ))}
        </ul>
      )}

      {d.openSupplement ? (
        <section class="panel" aria-labelledby="open-supplement">
          <h2 id="open-supplement">{t('workflow.dossier.openSupplement', { at: formatDateTime(ctx, d.openSupplement.requestedAt) })}</h2>
          <ul>
            {d.openSupplement.items.map((item, i) => (
              <li key={i}>
                <strong>{item.name}</strong>: {item.reason}
              </li>
            ))}
          </ul>
          {d.openSupplement.note ? <p class="pre-text">{d.openSupplement.note}</p> : null}
        </section>
      ) : null}

      {d.allowed.length > 0 ? (
        <section aria-labelledby="decide">
          <h2 id="decide">{t('workflow.decide.heading')}</h2>
          {d.allowed.includes('receive') ? <ReceiveForm ctx={ctx} d={d} /> : null}
          {d.allowed.includes('requestSupplement') ? <SupplementForm ctx={ctx} d={d} entered={entered} error={errorOf('items')} noteError={errorOf('note')} /> : null}
          {d.allowed.includes('refuse') ? <RefuseForm ctx={ctx} d={d} entered={entered} error={errorOf('reasons')} /> : null}
        </section>
      ) : null}

      <SlipLinks ctx={ctx} code={d.code} forms={slipFormsFromHistory(d.history, true)} side="officer" />
      <p>
        <a href={`/can-bo/ho-so/${encodeURIComponent(d.code)}/le-phi`}>{t('workflow.desk.feeLink')}</a>
      </p>

      <h2>{t('workflow.dossier.history')}</h2>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">{t('workflow.dossier.history')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('workflow.history.at')}</th>
              <th scope="col">{t('workflow.history.action')}</th>
              <th scope="col">{t('workflow.history.actor')}</th>
              <th scope="col">{t('workflow.history.agencies')}</th>
              <th scope="col">{t('workflow.history.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {d.history.map((e, i) => (
              <tr key={i}>
                <td>{formatDateTime(ctx, e.at)}</td>
                <td>{t(`dossiers.action.${e.action}`)}</td>
                <td>{e.actorName ?? t(`workflow.actorKind.${e.actorKind}`)}</td>
                <td>{e.fromAgency && e.toAgency && e.fromAgency !== e.toAgency ? t('workflow.history.fromTo', { from: e.fromAgency, to: e.toAgency }) : (e.toAgency ?? e.fromAgency ?? '')}</td>
                <td class="pre-text">{e.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        <a href={deskPaths.queue}>{t('workflow.backToQueue')}</a>
      </p>
    </Page>
  );
}

function DoneBanner({ ctx, d, done }: { ctx: ViewContext; d: DeskDossier; done: DoneNotice }) {
  const { t } = ctx;
  return (
    <div class="panel panel-highlight" role="status">
      <h2>{t(`workflow.done.${done}.title`)}</h2>
      {done === 'received' ? (
        <p class="lead">
          {d.dueAt
            ? t('workflow.done.received.lead', { code: d.code, receivedAt: formatDateTime(ctx, d.receivedAt), dueAt: formatDateTime(ctx, d.dueAt) })
            : t('workflow.done.received.leadNoDue', { code: d.code, receivedAt: formatDateTime(ctx, d.receivedAt) })}
        </p>
      ) : (
        <p class="lead">{t(`workflow.done.${done}.lead`, { code: d.code })}</p>
      )}
      <p>
        <a href={deskPaths.queue}>{t('workflow.backToQueue')}</a>
      </p>
    </div>
  );
}

function VersionField({ d }: { d: DeskDossier }) {
  return <input type="hidden" name="rowVersion" value={String(d.rowVersion)} />;
}

function ReceiveForm({ ctx, d }: { ctx: ViewContext; d: DeskDossier }) {
  const { t } = ctx;
  const now = d.ifReceivedNow;
  return (
    <form method="post" action={deskPaths.receive(d.code)} class="panel" aria-labelledby="receive-title">
      <h3 id="receive-title">{t('workflow.receive.title')}</h3>
      <CsrfField ctx={ctx} />
      <VersionField d={d} />
      {now ? (
        <p>
          {now.dueAt
            ? t('workflow.receive.preview', { receivedAt: formatDateTime(ctx, now.receivedAt), dueAt: formatDateTime(ctx, now.dueAt), duration: durationText(ctx, d.statutoryDuration) })
            : t('workflow.receive.previewNoDue', { receivedAt: formatDateTime(ctx, now.receivedAt) })}
        </p>
      ) : null}
      {d.statutoryDuration ? null : <Warning ctx={ctx}>{t('workflow.receive.noDurationWarning')}</Warning>}
      <button type="submit" class="button">
        {t('workflow.receive.submit')}
      </button>
    </form>
  );
}

function SupplementForm({
  ctx,
  d,
  entered,
  error,
  noteError,
}: {
  ctx: ViewContext;
  d: DeskDossier;
  entered: { items?: string; note?: string };
  error: FieldError | undefined;
  noteError: FieldError | undefined;
}) {
  const { t } = ctx;
  return (
    <form method="post" action={deskPaths.supplement(d.code)} class="panel" aria-labelledby="supplement-title" novalidate>
      <h3 id="supplement-title">{t('workflow.supplement.title')}</h3>
      <CsrfField ctx={ctx} />
      <VersionField d={d} />
      <div class={`form-group${error ? ' field-error' : ''}`}>
        <label for="items">{t('workflow.supplement.items')}</label>
        <span class="hint" id="items-hint">
          {t('workflow.supplement.itemsHint')}
        </span>
        {error ? (
          <span class="error-message" id="items-error">
            <span class="visually-hidden">{t('workflow.errorPrefix')} </span>
            {error.message}
          </span>
        ) : null}
        <textarea id="items" name="items" rows={5} maxLength={20000} aria-describedby={error ? 'items-hint items-error' : 'items-hint'} value={entered.items ?? ''} />
      </div>
      <div class={`form-group${noteError ? ' field-error' : ''}`}>
        <label for="note">{t('workflow.supplement.note')}</label>
        {noteError ? (
          <span class="error-message" id="note-error">
            <span class="visually-hidden">{t('workflow.errorPrefix')} </span>
            {noteError.message}
          </span>
        ) : null}
        <textarea id="note" name="note" rows={3} maxLength={4000} aria-describedby={noteError ? 'note-error' : undefined} value={entered.note ?? ''} />
      </div>
      <button type="submit" class="button button-secondary">
        {t('workflow.supplement.submit')}
      </button>
    </form>
  );
}

function RefuseForm({ ctx, d, entered, error }: { ctx: ViewContext; d: DeskDossier; entered: { reasons?: string }; error: FieldError | undefined }) {
  const { t } = ctx;
  return (
    <form method="post" action={deskPaths.refuse(d.code)} class="panel" aria-labelledby="refuse-title" novalidate>
      <h3 id="refuse-title">{t('workflow.refuse.title')}</h3>
      <CsrfField ctx={ctx} />
      <VersionField d={d} />
      <div class={`form-group${error ? ' field-error' : ''}`}>
        <label for="reasons">{t('workflow.refuse.reasons')}</label>
        <span class="hint" id="reasons-hint">
          {t('workflow.refuse.reasonsHint')}
        </span>
        {error ? (
          <span class="error-message" id="reasons-error">
            <span class="visually-hidden">{t('workflow.errorPrefix')} </span>
            {error.message}
          </span>
        ) : null}
        <textarea id="reasons" name="reasons" rows={4} maxLength={4000} aria-describedby={error ? 'reasons-hint reasons-error' : 'reasons-hint'} value={entered.reasons ?? ''} />
      </div>
      <button type="submit" class="button button-warning">
        {t('workflow.refuse.submit')}
      </button>
    </form>
  );
}
