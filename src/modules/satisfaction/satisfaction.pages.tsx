import type { ViewContext } from '../../platform/http/context.js';
import { formatDateTime } from '../../platform/views/format.js';
import { CsrfField, ErrorSummary, Page, SummaryList, Tag, type FieldError } from '../../platform/views/layout.js';
import type { VNode } from 'preact';
import type { SessionUser } from '../../platform/http/auth.js';
import { COMPLAINT_ANSWER_WORKING_DAYS, COMPLAINT_CATEGORIES, RATING_CRITERIA, type ComplaintView, type SatisfactionService, type SatisfactionSummary } from './satisfaction.service.js';

/** What was typed, to show again with the errors. */
export interface RatingFormValues {
  overall: string;
  answers: Record<string, string>;
  comment: string;
  complain: string;
  category: string;
  body: string;
}

export const emptyRatingForm: RatingFormValues = { overall: '', answers: {}, comment: '', complain: 'no', category: '', body: '' };

export const satisfactionPaths = {
  rate: (code: string) => `/ho-so/${encodeURIComponent(code)}/danh-gia`,
  complain: (code: string) => `/ho-so/${encodeURIComponent(code)}/phan-anh`,
  link: (token: string) => `/danh-gia/${encodeURIComponent(token)}`,
  queue: '/can-bo/phan-anh',
  complaint: (id: number) => `/can-bo/phan-anh/${id}`,
};

function errorOf(errors: FieldError[], field: string): FieldError | undefined {
  return errors.find((e) => e.field === field);
}

function groupClass(errors: FieldError[], field: string): string {
  return `form-group${errorOf(errors, field) ? ' field-error' : ''}`;
}

/** Radios in a fieldset; the first radio's id is the field's name, so the error summary's link lands on it. */
function Radios({ name, legend, hint, options, value, errors, inline }: { name: string; legend: string; hint?: string; options: { value: string; label: string }[]; value: string; errors: FieldError[]; inline?: boolean }) {
  const error = errorOf(errors, name);
  return (
    <div class={groupClass(errors, name)}>
      <fieldset aria-describedby={hint ? `${name}-hint` : undefined}>
        <legend class="legend-heading">{legend}</legend>
        {hint ? (
          <span class="hint" id={`${name}-hint`}>
            {hint}
          </span>
        ) : null}
        {error ? <span class="error-message">{error.message}</span> : null}
        <div class={inline ? 'choices choices-inline' : 'choices'}>
          {options.map((o, i) => (
            <div class="choice" key={o.value}>
              <input type="radio" id={i === 0 ? name : `${name}-${o.value}`} name={name} value={o.value} checked={value === o.value} />
              <label for={i === 0 ? name : `${name}-${o.value}`}>{o.label}</label>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

function ComplaintFields({ ctx, values, errors }: { ctx: ViewContext; values: { category: string; body: string }; errors: FieldError[] }) {
  const { t } = ctx;
  const bodyError = errorOf(errors, 'body');
  return (
    <>
      <Radios
        name="category"
        legend={t('satisfaction.complaint.category')}
        options={COMPLAINT_CATEGORIES.map((c) => ({ value: c, label: t(`satisfaction.category.${c}`) }))}
        value={values.category}
        errors={errors}
      />
      <div class={groupClass(errors, 'body')}>
        <label for="body">{t('satisfaction.complaint.body')}</label>
        <span class="hint" id="body-hint">
          {t('satisfaction.complaint.bodyHint')}
        </span>
        {bodyError ? <span class="error-message">{bodyError.message}</span> : null}
        <textarea id="body" name="body" rows={5} maxLength={4000} aria-describedby="body-hint">
          {values.body}
        </textarea>
      </div>
    </>
  );
}

/** The rating form: signed in (`/ho-so/:code/danh-gia`) or by the message's link (`/danh-gia/:token`). */
export function RatingPage({ ctx, s, action, values, errors, signedIn }: { ctx: ViewContext; s: SatisfactionSummary; action: string; values: RatingFormValues; errors: FieldError[]; signedIn: boolean }) {
  const { t } = ctx;
  const title = t('satisfaction.rate.title');
  const crumbs = signedIn ? [{ href: '/ho-so', label: t('dossiers.mine.title') }, { href: `/ho-so/${encodeURIComponent(s.code)}`, label: s.code }, { label: title }] : [{ href: '/', label: t('nav.home') }, { label: title }];
  return (
    <Page ctx={ctx} title={errors.length > 0 ? `${t('forms.errorPrefix')} ${title}` : title} crumbs={crumbs}>
      <div class="two-thirds">
        <ErrorSummary ctx={ctx} errors={errors} />
        <span class="muted">{s.code}</span>
        <h1>{title}</h1>
        <p class="lead">{t('satisfaction.rate.lead', { procedure: s.procedureName, agency: s.agencyName })}</p>
        {s.rating ? (
          <RatingGiven ctx={ctx} rating={s.rating} />
        ) : !s.returned ? (
          <p>{t('satisfaction.rate.notYet')}</p>
        ) : (
          <form method="post" action={action} novalidate>
            <CsrfField ctx={ctx} />
            <Radios
              name="overall"
              legend={t('satisfaction.rate.overall')}
              hint={t('satisfaction.rate.overallHint')}
              options={['5', '4', '3', '2', '1'].map((v) => ({ value: v, label: t(`satisfaction.overall.${v}`) }))}
              value={values.overall}
              errors={errors}
            />
            <h2>{t('satisfaction.rate.criteria')}</h2>
            {RATING_CRITERIA.map((c) => (
              <Radios
                key={c}
                name={c}
                legend={t(`satisfaction.criterion.${c}`)}
                options={[
                  { value: 'yes', label: t('satisfaction.yes') },
                  { value: 'no', label: t('satisfaction.no') },
                ]}
                value={values.answers[c] ?? ''}
                errors={errors}
                inline
              />
            ))}
            <div class={groupClass(errors, 'comment')}>
              <label for="comment">{t('satisfaction.rate.comment')}</label>
              {errorOf(errors, 'comment') ? <span class="error-message">{errorOf(errors, 'comment')!.message}</span> : null}
              <textarea id="comment" name="comment" rows={3} maxLength={2000}>
                {values.comment}
              </textarea>
            </div>
            {s.canComplain ? (
              <>
                <h2>{t('satisfaction.complaint.heading')}</h2>
                <Radios
                  name="complain"
                  legend={t('satisfaction.rate.complain')}
                  hint={t('satisfaction.rate.complainHint', { days: COMPLAINT_ANSWER_WORKING_DAYS })}
                  options={[
                    { value: 'no', label: t('satisfaction.no') },
                    { value: 'yes', label: t('satisfaction.yes') },
                  ]}
                  value={values.complain}
                  errors={errors}
                  inline
                />
                <ComplaintFields ctx={ctx} values={values} errors={errors} />
              </>
            ) : null}
            <button type="submit" class="button">
              {t('satisfaction.rate.submit')}
            </button>
          </form>
        )}
        {signedIn ? <ComplaintList ctx={ctx} complaints={s.complaints} /> : null}
      </div>
    </Page>
  );
}

function RatingGiven({ ctx, rating }: { ctx: ViewContext; rating: NonNullable<SatisfactionSummary['rating']> }) {
  const { t } = ctx;
  return (
    <SummaryList
      rows={[
        { key: t('satisfaction.rate.overall'), value: t(`satisfaction.overall.${rating.overall}`) },
        ...RATING_CRITERIA.map((c) => ({ key: t(`satisfaction.criterion.${c}`), value: rating.answers[c] === 'yes' ? t('satisfaction.yes') : t('satisfaction.no') })),
        ...(rating.comment ? [{ key: t('satisfaction.rate.comment'), value: <span class="pre-text">{rating.comment}</span> }] : []),
        { key: t('satisfaction.rate.ratedAt'), value: formatDateTime(ctx, rating.ratedAt) },
      ]}
    />
  );
}

/** After a rating by the link: thanks, and the complaint's due date if one was filed. */
export function ThanksPage({ ctx, code, complaintDueAt }: { ctx: ViewContext; code: string; complaintDueAt: Date | null }) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={t('satisfaction.thanks.title')} crumbs={[{ href: '/', label: t('nav.home') }, { label: t('satisfaction.thanks.title') }]}>
      <div class="panel panel-highlight" role="status">
        <h1>{t('satisfaction.thanks.title')}</h1>
        <p class="lead">{t('satisfaction.thanks.lead', { code })}</p>
        {complaintDueAt ? <p>{t('satisfaction.complaint.received', { dueAt: formatDateTime(ctx, complaintDueAt) })}</p> : null}
      </div>
    </Page>
  );
}

function ComplaintStatus({ ctx, c }: { ctx: ViewContext; c: ComplaintView }) {
  const { t } = ctx;
  if (c.status === 'answered') return <Tag tone="green">{t(`satisfaction.answerTiming.${c.answerTiming ?? 'on_time'}`)}</Tag>;
  return c.overdue ? <strong class="tag tag-red">{t('satisfaction.complaint.overdue')}</strong> : <Tag tone="blue">{t('satisfaction.complaint.open')}</Tag>;
}

function ComplaintList({ ctx, complaints }: { ctx: ViewContext; complaints: ComplaintView[] }) {
  const { t } = ctx;
  if (complaints.length === 0) return null;
  return (
    <section aria-labelledby="complaints">
      <h2 id="complaints">{t('satisfaction.complaint.mine')}</h2>
      <ul class="plain-list">
        {complaints.map((c) => (
          <li key={c.id} class="panel">
            <p>
              <strong>{t(`satisfaction.category.${c.category}`)}</strong> <ComplaintStatus ctx={ctx} c={c} />
            </p>
            <p class="muted">{t('satisfaction.complaint.dates', { received: formatDateTime(ctx, c.receivedAt), due: formatDateTime(ctx, c.dueAt) })}</p>
            <div class="pre-text">{c.body}</div>
            {c.answer ? (
              <>
                <h3>{t('satisfaction.complaint.answer', { at: formatDateTime(ctx, c.answeredAt) })}</h3>
                <div class="pre-text">{c.answer}</div>
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The signed-in applicant's complaint form (`/ho-so/:code/phan-anh`), with the dossier's earlier complaints. */
export function ComplaintPage({ ctx, s, values, errors }: { ctx: ViewContext; s: SatisfactionSummary; values: { category: string; body: string }; errors: FieldError[] }) {
  const { t } = ctx;
  const title = t('satisfaction.complaint.title');
  return (
    <Page
      ctx={ctx}
      title={errors.length > 0 ? `${t('forms.errorPrefix')} ${title}` : title}
      crumbs={[{ href: '/ho-so', label: t('dossiers.mine.title') }, { href: `/ho-so/${encodeURIComponent(s.code)}`, label: s.code }, { label: title }]}
    >
      <div class="two-thirds">
        <ErrorSummary ctx={ctx} errors={errors} />
        <span class="muted">{s.code}</span>
        <h1>{title}</h1>
        <p class="lead">{t('satisfaction.complaint.lead', { agency: s.agencyName, days: COMPLAINT_ANSWER_WORKING_DAYS })}</p>
        {s.canComplain ? (
          <form method="post" action={satisfactionPaths.complain(s.code)} novalidate>
            <CsrfField ctx={ctx} />
            <ComplaintFields ctx={ctx} values={values} errors={errors} />
            <button type="submit" class="button">
              {t('satisfaction.complaint.submit')}
            </button>
          </form>
        ) : (
          <p>{t('satisfaction.complaint.oneOpen')}</p>
        )}
        <ComplaintList ctx={ctx} complaints={s.complaints} />
      </div>
    </Page>
  );
}

/** The dossier page's section (dossiers module, through a port): the rating and the complaints with their answers. */
export function SatisfactionPanel({ ctx, s }: { ctx: ViewContext; s: SatisfactionSummary }) {
  const { t } = ctx;
  return (
    <section class="panel" aria-labelledby="satisfaction">
      <h2 id="satisfaction">{t('satisfaction.panel.heading')}</h2>
      {s.rating ? (
        <p>{t('satisfaction.panel.rated', { overall: t(`satisfaction.overall.${s.rating.overall}`), at: formatDateTime(ctx, s.rating.ratedAt) })}</p>
      ) : s.canRate ? (
        <p>
          <a class="button" href={satisfactionPaths.rate(s.code)}>
            {t('satisfaction.panel.rate')}
          </a>
        </p>
      ) : null}
      <ComplaintList ctx={ctx} complaints={s.complaints} />
      {s.canComplain ? (
        <p>
          <a href={satisfactionPaths.complain(s.code)}>{t('satisfaction.panel.complain')}</a>
        </p>
      ) : null}
    </section>
  );
}

/** The section of the applicant's dossier page (dossiers module's `sections`). */
export function satisfactionSection(service: SatisfactionService): (user: SessionUser, code: string, ctx: ViewContext) => Promise<VNode> {
  return async (user, code, ctx) => <SatisfactionPanel ctx={ctx} s={await service.summary(user, code)} />;
}

/** The agency's complaints: open ones most urgent first (overdue marked), then the latest answered. */
export function QueuePage({ ctx, open, answered, notice }: { ctx: ViewContext; open: ComplaintView[]; answered: ComplaintView[]; notice: string | null }) {
  const { t } = ctx;
  const table = (rows: ComplaintView[], caption: string, answeredTable: boolean) => (
    <div class="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('satisfaction.queue.dossier')}</th>
            <th scope="col">{t('satisfaction.complaint.category')}</th>
            <th scope="col">{t('satisfaction.queue.received')}</th>
            <th scope="col">{answeredTable ? t('satisfaction.queue.answered') : t('satisfaction.queue.due')}</th>
            <th scope="col">{t('satisfaction.queue.status')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.id} class={c.overdue ? 'row-overdue' : undefined}>
              <td>
                <a href={satisfactionPaths.complaint(c.id)}>{c.dossierCode}</a>
                <div class="muted">{c.procedureName}</div>
              </td>
              <td>{t(`satisfaction.category.${c.category}`)}</td>
              <td>{formatDateTime(ctx, c.receivedAt)}</td>
              <td>{answeredTable ? formatDateTime(ctx, c.answeredAt) : formatDateTime(ctx, c.dueAt)}</td>
              <td>
                <ComplaintStatus ctx={ctx} c={c} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
  return (
    <Page ctx={ctx} title={t('satisfaction.queue.title')} crumbs={[{ href: '/can-bo/viec-can-lam', label: t('layout.tasks') }, { label: t('satisfaction.queue.title') }]}>
      <h1>{t('satisfaction.queue.title')}</h1>
      {notice ? (
        <div class="panel panel-highlight" role="status">
          <p>{notice}</p>
        </div>
      ) : null}
      <p>{t('satisfaction.queue.lead', { days: COMPLAINT_ANSWER_WORKING_DAYS })}</p>
      {open.length === 0 ? <p>{t('satisfaction.queue.none')}</p> : table(open, t('satisfaction.queue.openCaption', { n: open.length }), false)}
      {answered.length > 0 ? (
        <>
          <h2>{t('satisfaction.queue.answeredHeading')}</h2>
          {table(answered, t('satisfaction.queue.answeredHeading'), true)}
        </>
      ) : null}
    </Page>
  );
}

/** One complaint for the agency's officer, with the answer form while it is open. */
export function OfficerComplaintPage({ ctx, c, values, errors }: { ctx: ViewContext; c: ComplaintView; values: { answer: string }; errors: FieldError[] }) {
  const { t } = ctx;
  const title = t('satisfaction.officer.title', { code: c.dossierCode });
  const answerError = errorOf(errors, 'answer');
  return (
    <Page
      ctx={ctx}
      title={errors.length > 0 ? `${t('forms.errorPrefix')} ${title}` : title}
      crumbs={[{ href: '/can-bo/viec-can-lam', label: t('layout.tasks') }, { href: satisfactionPaths.queue, label: t('satisfaction.queue.title') }, { label: c.dossierCode }]}
    >
      <div class="two-thirds">
        <ErrorSummary ctx={ctx} errors={errors} />
        <h1>{title}</h1>
        <p>
          <ComplaintStatus ctx={ctx} c={c} />
        </p>
        <SummaryList
          rows={[
            { key: t('satisfaction.queue.dossier'), value: <a href={`/can-bo/ho-so/${encodeURIComponent(c.dossierCode)}`}>{c.dossierCode}</a> },
            { key: t('dossiers.field.procedure'), value: c.procedureName },
            { key: t('satisfaction.complaint.category'), value: t(`satisfaction.category.${c.category}`) },
            { key: t('satisfaction.queue.received'), value: formatDateTime(ctx, c.receivedAt) },
            { key: t('satisfaction.queue.due'), value: formatDateTime(ctx, c.dueAt) },
            { key: t('satisfaction.complaint.body'), value: <span class="pre-text">{c.body}</span> },
            ...(c.answer ? [{ key: t('satisfaction.officer.answer'), value: <span class="pre-text">{c.answer}</span> }, { key: t('satisfaction.queue.answered'), value: formatDateTime(ctx, c.answeredAt) }] : []),
          ]}
        />
        {c.status === 'open' ? (
          <form method="post" action={satisfactionPaths.complaint(c.id)} novalidate>
            <CsrfField ctx={ctx} />
            <input type="hidden" name="rowVersion" value={String(c.rowVersion)} />
            <div class={groupClass(errors, 'answer')}>
              <label for="answer">{t('satisfaction.officer.answer')}</label>
              <span class="hint" id="answer-hint">
                {t('satisfaction.officer.answerHint')}
              </span>
              {answerError ? <span class="error-message">{answerError.message}</span> : null}
              <textarea id="answer" name="answer" rows={6} maxLength={4000} aria-describedby="answer-hint">
                {values.answer}
              </textarea>
            </div>
            <button type="submit" class="button">
              {t('satisfaction.officer.submit')}
            </button>
          </form>
        ) : null}
      </div>
    </Page>
  );
}
