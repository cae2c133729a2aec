import type { FieldProblem } from '../../platform/errors/errors.js';
import type { ViewContext } from '../../platform/http/context.js';
import { CsrfField, ErrorSummary, Page, SummaryList, type FieldError } from '../../platform/views/layout.js';
import type { DeskEntryDraft, PaperChannel } from '../dossiers/index.js';
import { CheckYourAnswers, FormSection, errorSummaryItems, type FormDefinition, type FormLookups, type FormValues, type Section } from '../forms/index.js';
import { deskPaths } from './desk.pages.js';

/** Paths of walk-in and postal entry at the desk (Vietnamese, like the rest of the portal). */
export const counterPaths = {
  start: '/can-bo/tiep-nhan/moi',
  draft: (id: string) => `/can-bo/tiep-nhan/moi/${id}`,
  section: (id: string, section: string) => `/can-bo/tiep-nhan/moi/${id}/${section}`,
  review: (id: string) => `/can-bo/tiep-nhan/moi/${id}/kiem-tra`,
  submit: (id: string) => `/can-bo/tiep-nhan/moi/${id}/nop`,
};
export const REVIEW = 'kiem-tra';
export const deliveries = ['at_desk', 'post', 'online'] as const;

const crumbs = (ctx: ViewContext, last: string) => [{ href: deskPaths.queue, label: ctx.t('workflow.queue.title') }, { href: counterPaths.start, label: ctx.t('workflow.counter.title') }, { label: last }];

function titleWithErrors(ctx: ViewContext, title: string, errors: number): string {
  return errors > 0 ? `${ctx.t('workflow.errorPrefix')} ${title}` : title;
}

/** Step 1: find the procedure (search), then say how the dossier came (in person or by post). */
export function CounterStartPage({
  ctx,
  search,
  results,
  chosen,
  errors = [],
  enteredChannel = '',
}: {
  ctx: ViewContext;
  search: string;
  results: { code: string; name: string }[] | null;
  chosen: { code: string; name: string } | null;
  errors?: FieldError[];
  enteredChannel?: string;
}) {
  const { t } = ctx;
  const channelError = errors.find((e) => e.field === 'channel');
  return (
    <Page ctx={ctx} title={titleWithErrors(ctx, t('workflow.counter.title'), errors.length)} crumbs={[{ href: deskPaths.queue, label: t('workflow.queue.title') }, { label: t('workflow.counter.title') }]}>
      <div class="two-thirds">
        <ErrorSummary ctx={ctx} errors={errors} />
        <h1>{t('workflow.counter.title')}</h1>
        <p class="lead">{t('workflow.counter.lead')}</p>
        {chosen ? (
          <form method="post" action={counterPaths.start} novalidate>
            <CsrfField ctx={ctx} />
            <input type="hidden" name="procedureCode" value={chosen.code} />
            <SummaryList rows={[{ key: t('workflow.field.procedure'), value: <>{chosen.name} ({chosen.code}) <a href={counterPaths.start}>{t('workflow.counter.changeProcedure')}</a></> }]} />
            <div class={`form-group${channelError ? ' field-error' : ''}`}>
              <fieldset id="channel" tabIndex={-1} aria-describedby={channelError ? 'channel-error' : undefined}>
                <legend class="legend-heading">{t('workflow.counter.channel')}</legend>
                {channelError ? (
                  <span class="error-message" id="channel-error">
                    {channelError.message}
                  </span>
                ) : null}
                <div class="choices">
                  {(['in_person', 'post'] as const).map((c) => (
                    <div class="choice" key={c}>
                      <input type="radio" id={`channel-${c}`} name="channel" value={c} checked={enteredChannel === c} />
                      <label for={`channel-${c}`}>{t(`workflow.counter.channel.${c}`)}</label>
                    </div>
                  ))}
                </div>
              </fieldset>
            </div>
            <button type="submit" class="button">
              {t('workflow.counter.start')}
            </button>
          </form>
        ) : (
          <>
            <form method="get" action={counterPaths.start} class="search-box" role="search">
              <div class="form-group">
                <label for="q">{t('workflow.counter.search')}</label>
                <span class="hint" id="q-hint">
                  {t('workflow.counter.searchHint')}
                </span>
                <input type="search" id="q" name="q" value={search} maxLength={100} aria-describedby="q-hint" />
              </div>
              <button type="submit" class="button button-secondary">
                {t('workflow.queue.searchButton')}
              </button>
            </form>
            {results === null ? null : results.length === 0 ? (
              <p>{t('workflow.counter.noProcedure')}</p>
            ) : (
              <ul class="plain-list">
                {results.map((p) => (
                  <li key={p.code}>
                    <a href={`${counterPaths.start}?thu-tuc=${encodeURIComponent(p.code)}`}>{p.name}</a> <span class="muted">({p.code})</span>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
    </Page>
  );
}

/** Step 2: one page of the applicant's e-form, as the citizen sees it online, with the scans as its file fields. */
export function CounterSectionPage(props: {
  ctx: ViewContext;
  draft: DeskEntryDraft;
  definition: FormDefinition;
  section: Section;
  values: FormValues;
  errors: FieldProblem[];
  lookups: FormLookups;
  backHref: string;
}) {
  const { ctx, draft, section } = props;
  const action = `${counterPaths.section(draft.id, section.id)}?_csrf=${encodeURIComponent(ctx.csrfToken)}`;
  return (
    <Page ctx={ctx} title={titleWithErrors(ctx, section.title[ctx.locale] ?? section.title.vi, props.errors.length)} crumbs={crumbs(ctx, draft.procedure.name)}>
      <p class="muted">{ctx.t('workflow.counter.entering', { channel: ctx.t(`workflow.counter.channel.${draft.channel}`), procedure: draft.procedure.name })}</p>
      <FormSection
        ctx={ctx}
        definition={props.definition}
        section={section}
        values={props.values}
        errors={props.errors}
        prefilled={new Set()}
        lookups={props.lookups}
        action={action}
        backHref={props.backHref}
      />
    </Page>
  );
}

/** Step 3: check the answers and the scans, choose how the result goes back, and receive the dossier. */
export function CounterReviewPage(props: {
  ctx: ViewContext;
  draft: DeskEntryDraft;
  definition: FormDefinition;
  values: FormValues;
  lookups: FormLookups;
  problems: FieldProblem[];
  sectionOf: (field: string) => string | undefined;
}) {
  const { ctx, draft } = props;
  const { t } = ctx;
  const items = errorSummaryItems(props.definition, props.problems, t, ctx.locale).map((e) => {
    const section = props.sectionOf(e.field);
    return { field: e.field, message: e.message, href: section ? `${counterPaths.section(draft.id, section)}#${e.field}` : '#resultDelivery' };
  });
  return (
    <Page ctx={ctx} title={titleWithErrors(ctx, t('workflow.counter.review'), items.length)} crumbs={crumbs(ctx, draft.procedure.name)}>
      <div class="eform">
        {items.length > 0 ? (
          <div class="error-summary" role="alert" tabIndex={-1} aria-labelledby="review-errors">
            <h2 id="review-errors">{t('form.errorSummaryTitle')}</h2>
            <ul>
              {items.map((e) => (
                <li key={e.field}>
                  <a href={e.href}>{e.message}</a>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <span class="form-caption">{draft.procedure.name}</span>
        <h1>{t('workflow.counter.review')}</h1>
        <SummaryList rows={[{ key: t('workflow.field.channel'), value: t(`workflow.counter.channel.${draft.channel}`) }]} />
        <CheckYourAnswers ctx={ctx} definition={props.definition} values={props.values} lookups={props.lookups} changeHref={(section, field) => `${counterPaths.section(draft.id, section)}#${field}`} />
        <form method="post" action={counterPaths.submit(draft.id)} novalidate>
          <CsrfField ctx={ctx} />
          <div class="form-group">
            <fieldset id="resultDelivery" tabIndex={-1}>
              <legend class="legend-heading">{t('workflow.counter.delivery')}</legend>
              <div class="choices">
                {deliveries.map((d) => (
                  <div class="choice" key={d}>
                    <input type="radio" id={`delivery-${d}`} name="resultDelivery" value={d} checked={(draft.resultDelivery ?? '') === d} />
                    <label for={`delivery-${d}`}>{t(`workflow.delivery.${d}`)}</label>
                  </div>
                ))}
              </div>
            </fieldset>
          </div>
          <p>{t('workflow.counter.receiveNote')}</p>
          <button type="submit" class="button">
            {t('workflow.counter.submit')}
          </button>
        </form>
      </div>
    </Page>
  );
}

export type { PaperChannel };
