import { Fragment } from 'preact';
import type { ViewContext } from '../../platform/http/context.js';
import { formatDateTime } from '../../platform/views/format.js';
import { CsrfField, ErrorSummary, Page, Pagination, SummaryList, Tag, type FieldError } from '../../platform/views/layout.js';
import type { StatutoryDuration } from './desk.deadlines.js';
import {
  MAX_STEPS,
  parseShare,
  processRoles,
  processStepKinds,
  stepField,
  type DefinitionView,
  type OverviewPage,
  type ProcessDraft,
  type ProcessEditorView,
  type ProcessScope,
  type StepView,
} from './process.service.js';

/** Paths of the process pages (Vietnamese, like the rest of the portal). `coQuan`: the scope a system administrator chose. */
export const processPaths = {
  list: '/can-bo/quy-trinh',
  editor: (code: string, query: Record<string, string | number | null | undefined> = {}) => withQuery(`/can-bo/quy-trinh/${encodeURIComponent(code)}`, query),
  restore: (code: string) => `/can-bo/quy-trinh/${encodeURIComponent(code)}/khoi-phuc`,
};

function withQuery(path: string, query: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** The query naming a scope (system administrators only; everyone else works in their agency). */
export function scopeQuery(scope: ProcessScope, canChooseScope: boolean): { 'co-quan'?: number } {
  return canChooseScope && scope.agencyId !== null ? { 'co-quan': scope.agencyId } : {};
}

function scopeName(ctx: ViewContext, scope: ProcessScope): string {
  return scope.agencyName ?? ctx.t('workflow.process.scope.default');
}

/** "8 ngày làm việc" for a step's part of the statutory duration. */
function allottedText(ctx: ViewContext, allotted: number | null, duration: StatutoryDuration | null): string | null {
  if (allotted === null || !duration) return null;
  return ctx.t(`workflow.duration.${duration.unit}`, { n: allotted });
}

function durationText(ctx: ViewContext, duration: StatutoryDuration | null): string {
  return duration ? ctx.t(`workflow.duration.${duration.unit}`, { n: duration.value }) : ctx.t('workflow.duration.none');
}

// ---- the list ----

export function OverviewPageView({ ctx, page }: { ctx: ViewContext; page: OverviewPage }) {
  const { t } = ctx;
  const canChoose = page.scopeChoices !== null;
  const scope = scopeQuery(page.scope, canChoose);
  const hrefFor = (n: number) => withQuery(processPaths.list, { ...scope, q: page.search, trang: n });
  return (
    <Page ctx={ctx} title={t('workflow.process.list.title')} crumbs={[{ href: '/', label: t('nav.home') }, { label: t('workflow.process.list.title') }]} mainClass="wide">
      <span class="muted">{scopeName(ctx, page.scope)}</span>
      <h1>{t('workflow.process.list.title')}</h1>
      <p class="lead">{t('workflow.process.list.lead')}</p>
      <form method="get" action={processPaths.list} class="search-box" role="search">
        {canChoose ? (
          <div class="form-group">
            <label for="co-quan">{t('workflow.process.scope.label')}</label>
            <select id="co-quan" name="co-quan">
              <option value="" selected={page.scope.agencyId === null}>
                {t('workflow.process.scope.default')}
              </option>
              {page.scopeChoices!.map((a) => (
                <option key={a.id} value={String(a.id)} selected={a.id === page.scope.agencyId}>
                  {a.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <div class="form-group">
          <label for="q">{t('workflow.process.list.search')}</label>
          <input type="search" id="q" name="q" value={page.search} maxLength={100} />
        </div>
        <button type="submit" class="button button-secondary">
          {t('workflow.process.list.searchButton')}
        </button>
      </form>
      <p role="status">{page.search ? t('workflow.process.list.countSearch', { n: page.total, search: page.search }) : t('workflow.process.list.count', { n: page.total })}</p>
      {page.items.length === 0 ? (
        <p>{t('workflow.process.list.empty')}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption>{t('workflow.process.list.caption', { scope: scopeName(ctx, page.scope) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('workflow.process.list.code')}</th>
                <th scope="col">{t('workflow.process.list.procedure')}</th>
                <th scope="col">{t('workflow.process.list.process')}</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((item) => (
                <tr key={item.code}>
                  <td>
                    <a href={processPaths.editor(item.code, scope)}>{item.code}</a>
                  </td>
                  <td>{item.name}</td>
                  <td>
                    {item.ownVersion !== null
                      ? t(page.scope.agencyId === null ? 'workflow.process.list.defaultVersion' : 'workflow.process.list.ownVersion', { version: item.ownVersion })
                      : item.defaultVersion !== null
                        ? t('workflow.process.list.inheritsDefault', { version: item.defaultVersion })
                        : t('workflow.process.list.builtIn')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination ctx={ctx} page={page.page} pageCount={page.pageCount} hrefFor={hrefFor} />
    </Page>
  );
}

// ---- the visual step list ----

export function StepList({ ctx, steps, duration }: { ctx: ViewContext; steps: StepView[]; duration: StatutoryDuration | null }) {
  const { t } = ctx;
  return (
    <ol class="timeline">
      {steps.map((s) => {
        const allotted = allottedText(ctx, s.allotted, duration);
        return (
          <li key={s.position}>
            <strong>{ctx.locale === 'en' && s.nameEn ? s.nameEn : s.name}</strong>{' '}
            {s.agencyMode === 'fixed' ? <Tag tone="blue">{t('workflow.process.interAgency')}</Tag> : null}
            <br />
            <span class="meta">
              {t('workflow.process.stepLine', {
                kind: t(`workflow.process.kind.${s.kind}`),
                role: t(`workflow.process.role.${s.role}`),
                agency: s.agencyMode === 'fixed' ? (s.agencyName ?? t('workflow.process.agency.unknown')) : t('workflow.process.agency.receiving'),
                share: s.sharePercent,
              })}
              {allotted ? ` · ${t('workflow.process.allotted', { time: allotted })}` : ''}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

function DefinitionSummary({ ctx, view, definition }: { ctx: ViewContext; view: ProcessEditorView; definition: DefinitionView }) {
  const { t } = ctx;
  const when = definition.createdAt ? formatDateTime(ctx, definition.createdAt) : '';
  let note: string;
  if (definition.source === 'builtIn') note = t('workflow.process.source.builtIn');
  else if (definition.source === 'default') note = t('workflow.process.source.default', { version: definition.version, at: when });
  else note = t('workflow.process.source.own', { version: definition.version, at: when, by: definition.createdByName ?? t('workflow.process.by.system') });
  return (
    <>
      <p>{note}</p>
      <h2>{definition.name}</h2>
      <StepList ctx={ctx} steps={definition.steps} duration={view.duration} />
      {definition.legalBasis ? (
        <>
          <h3>{t('workflow.process.legalBasis')}</h3>
          <p class="pre-text">{definition.legalBasis}</p>
        </>
      ) : null}
    </>
  );
}

// ---- the editor ----

export interface EditorPageProps {
  ctx: ViewContext;
  view: ProcessEditorView;
  /** The rows of the edit form (the shown definition, or what the officer typed). */
  draft: ProcessDraft;
  errors?: FieldError[];
  conflict?: { message: string; code: string } | null;
  /** After a publication or a restoration: the new version. */
  done?: number | null;
}

export function EditorPageView({ ctx, view, draft, errors = [], conflict, done }: EditorPageProps) {
  const { t } = ctx;
  const scope = scopeQuery(view.scope, view.canChooseScope);
  const title = `${view.procedure.name}`;
  const hasErrors = errors.length > 0 || Boolean(conflict);
  const viewingOld = view.shown.id !== view.effective.id;
  return (
    <Page
      ctx={ctx}
      title={hasErrors ? `${t('workflow.errorPrefix')} ${t('workflow.process.editor.title', { code: view.procedure.code })}` : t('workflow.process.editor.title', { code: view.procedure.code })}
      crumbs={[{ href: '/', label: t('nav.home') }, { href: withQuery(processPaths.list, scope), label: t('workflow.process.list.title') }, { label: view.procedure.code }]}
      mainClass="wide"
    >
      {conflict ? (
        <div class="error-summary" role="alert" tabIndex={-1} aria-labelledby="conflict-title">
          <h2 id="conflict-title">{t('workflow.conflict.title')}</h2>
          <p>{conflict.message}</p>
          <p class="meta">{t('workflow.conflict.code', { code: conflict.code })}</p>
          <p>
            <a href={processPaths.editor(view.procedure.code, scope)}>{t('workflow.process.reload')}</a>
          </p>
        </div>
      ) : null}
      <ErrorSummary ctx={ctx} errors={errors} />
      {done ? (
        <div class="panel panel-highlight" role="status">
          <h2>{t('workflow.process.done.title', { version: done })}</h2>
          <p>{t('workflow.process.done.body')}</p>
        </div>
      ) : null}

      <span class="muted">{t('workflow.process.editor.caption', { code: view.procedure.code })}</span>
      <h1>{title}</h1>
      <SummaryList
        rows={[
          { key: t('workflow.process.scope.label'), value: scopeName(ctx, view.scope) },
          { key: t('workflow.process.duration'), value: durationText(ctx, view.duration) },
        ]}
      />

      {viewingOld ? (
        <div class="inset-text">
          <p>{t('workflow.process.viewingOld', { version: view.shown.version })}</p>
          <p>
            <a href={processPaths.editor(view.procedure.code, scope)}>{t('workflow.process.viewCurrent')}</a>
          </p>
        </div>
      ) : null}
      <DefinitionSummary ctx={ctx} view={view} definition={view.shown} />

      {view.canEdit ? <EditForm ctx={ctx} view={view} draft={draft} errors={errors} /> : <p class="inset-text">{t('workflow.process.readOnly')}</p>}

      <VersionHistory ctx={ctx} view={view} />
    </Page>
  );
}

function errorOf(errors: FieldError[], field: string): string | null {
  const own = errors.filter((e) => e.field === field);
  return own.length > 0 ? own.map((e) => e.message).join(' ') : null;
}

/** The rows of a draft as hidden fields (the check page posts them back unchanged). */
function DraftFields({ draft, view }: { draft: ProcessDraft; view: ProcessEditorView }) {
  return (
    <>
      {view.canChooseScope && view.scope.agencyId !== null ? <input type="hidden" name="coQuan" value={String(view.scope.agencyId)} /> : null}
      <input type="hidden" name="baseVersion" value={String(view.baseVersion)} />
      <input type="hidden" name="steps" value={String(draft.steps.length)} />
    </>
  );
}

function EditForm({ ctx, view, draft, errors }: { ctx: ViewContext; view: ProcessEditorView; draft: ProcessDraft; errors: FieldError[] }) {
  const { t } = ctx;
  const count = draft.steps.length;
  const total = draft.steps.reduce((sum, s) => sum + (parseShare(s.share) ?? 0), 0) / 100;
  const nameError = errorOf(errors, 'name');
  const legalError = errorOf(errors, 'legalBasis');
  const stepsError = errorOf(errors, 'steps');
  return (
    <section aria-labelledby="edit-title">
      <h2 id="edit-title">{t('workflow.process.edit.title')}</h2>
      <p>{t('workflow.process.edit.lead')}</p>
      <form method="post" action={processPaths.editor(view.procedure.code)} class="eform" novalidate>
        {/* Pressing Enter in a field submits the form with its first button: make that one "continue", not a step's
            move or remove button. Kept out of the tab order and hidden from assistive technology; the visible
            "continue" button at the end does the same. */}
        <button type="submit" name="action" value="review" class="visually-hidden" tabIndex={-1} aria-hidden="true">
          {t('workflow.process.edit.review')}
        </button>
        <CsrfField ctx={ctx} />
        <DraftFields draft={draft} view={view} />
        <div class={`form-group${nameError ? ' field-error' : ''}`}>
          <label for="name">{t('workflow.process.edit.name')}</label>
          {nameError ? <span class="error-message">{nameError}</span> : null}
          <input type="text" id="name" name="name" value={draft.name} maxLength={300} />
        </div>
        <div class={`form-group${legalError ? ' field-error' : ''}`}>
          <label for="legalBasis">{t('workflow.process.edit.legalBasis')}</label>
          <span class="hint" id="legalBasis-hint">
            {t('workflow.process.edit.legalBasisHint')}
          </span>
          {legalError ? <span class="error-message">{legalError}</span> : null}
          <textarea id="legalBasis" name="legalBasis" rows={4} aria-describedby="legalBasis-hint">
            {draft.legalBasis}
          </textarea>
        </div>

        <div id="steps" tabIndex={-1} class={stepsError ? 'field-error' : undefined}>
          <h3>{t('workflow.process.edit.steps')}</h3>
          {stepsError ? <span class="error-message">{stepsError}</span> : null}
          <p class="hint">{t('workflow.process.edit.total', { total })}</p>
          {draft.steps.map((step, index) => {
            const n = index + 1;
            const fieldError = (field: Parameters<typeof stepField>[1]) => errorOf(errors, stepField(n, field));
            const select = (field: 'kind' | 'role', options: readonly string[], labelKey: string) => {
              const id = stepField(n, field);
              const error = fieldError(field);
              return (
                <div class={`form-group${error ? ' field-error' : ''}`}>
                  <label for={id}>{t(labelKey)}</label>
                  {error ? <span class="error-message">{error}</span> : null}
                  <select id={id} name={id} class="input-medium">
                    {options.includes(step[field]) ? null : <option value="" selected></option>}
                    {options.map((o) => (
                      <option key={o} value={o} selected={o === step[field]}>
                        {t(`workflow.process.${field}.${o}`)}
                      </option>
                    ))}
                  </select>
                </div>
              );
            };
            const agencyId = stepField(n, 'agency');
            const agencyError = fieldError('agency');
            const shareId = stepField(n, 'share');
            const shareError = fieldError('share');
            const nameId = stepField(n, 'name');
            const stepNameError = fieldError('name');
            const nameEnId = stepField(n, 'nameEn');
            const nameEnError = fieldError('nameEn');
            return (
              <fieldset class="repeat-item" key={n}>
                <legend>{t('workflow.process.edit.step', { n, name: step.name || t('workflow.process.edit.unnamed') })}</legend>
                {select('kind', processStepKinds, 'workflow.process.edit.kind')}
                {select('role', processRoles, 'workflow.process.edit.role')}
                <div class={`form-group${agencyError ? ' field-error' : ''}`}>
                  <label for={agencyId}>{t('workflow.process.edit.agency')}</label>
                  <span class="hint" id={`${agencyId}-hint`}>
                    {t('workflow.process.edit.agencyHint')}
                  </span>
                  {agencyError ? <span class="error-message">{agencyError}</span> : null}
                  <select id={agencyId} name={agencyId} aria-describedby={`${agencyId}-hint`}>
                    <option value="receiving" selected={step.agency === 'receiving' || step.agency === ''}>
                      {t('workflow.process.agency.receiving')}
                    </option>
                    {view.agencies.map((a) => (
                      <option key={a.id} value={String(a.id)} selected={String(a.id) === step.agency}>
                        {a.name}
                      </option>
                    ))}
                    {step.agency !== 'receiving' && step.agency !== '' && !view.agencies.some((a) => String(a.id) === step.agency) ? (
                      <option value={step.agency} selected>
                        {t('workflow.process.agency.unavailable')}
                      </option>
                    ) : null}
                  </select>
                </div>
                <div class={`form-group${shareError ? ' field-error' : ''}`}>
                  <label for={shareId}>{t('workflow.process.edit.share')}</label>
                  <span class="hint" id={`${shareId}-hint`}>
                    {t('workflow.process.edit.shareHint')}
                  </span>
                  {shareError ? <span class="error-message">{shareError}</span> : null}
                  <input type="text" id={shareId} name={shareId} value={step.share} inputMode="decimal" class="input-short" aria-describedby={`${shareId}-hint`} maxLength={6} />
                </div>
                <div class={`form-group${stepNameError ? ' field-error' : ''}`}>
                  <label for={nameId}>{t('workflow.process.edit.stepName')}</label>
                  {stepNameError ? <span class="error-message">{stepNameError}</span> : null}
                  <input type="text" id={nameId} name={nameId} value={step.name} maxLength={200} />
                </div>
                <div class={`form-group${nameEnError ? ' field-error' : ''}`}>
                  <label for={nameEnId}>{t('workflow.process.edit.stepNameEn')}</label>
                  {nameEnError ? <span class="error-message">{nameEnError}</span> : null}
                  <input type="text" id={nameEnId} name={nameEnId} value={step.nameEn} maxLength={200} lang="en" />
                </div>
                <div class="actions">
                  {index > 0 ? (
                    <button type="submit" name="action" value={`up:${n}`} class="button button-secondary">
                      {t('workflow.process.edit.up')}
                      <span class="visually-hidden"> {t('workflow.process.edit.stepRef', { n })}</span>
                    </button>
                  ) : null}
                  {index < count - 1 ? (
                    <button type="submit" name="action" value={`down:${n}`} class="button button-secondary">
                      {t('workflow.process.edit.down')}
                      <span class="visually-hidden"> {t('workflow.process.edit.stepRef', { n })}</span>
                    </button>
                  ) : null}
                  <button type="submit" name="action" value={`remove:${n}`} class="button button-warning">
                    {t('workflow.process.edit.remove')}
                    <span class="visually-hidden"> {t('workflow.process.edit.stepRef', { n })}</span>
                  </button>
                </div>
              </fieldset>
            );
          })}
        </div>
        <div class="actions">
          {count < MAX_STEPS ? (
            <button type="submit" name="action" value="add" class="button button-secondary">
              {t('workflow.process.edit.add')}
            </button>
          ) : null}
          <button type="submit" name="action" value="review" class="button">
            {t('workflow.process.edit.review')}
          </button>
        </div>
      </form>
    </section>
  );
}

function VersionHistory({ ctx, view }: { ctx: ViewContext; view: ProcessEditorView }) {
  const { t } = ctx;
  const scope = scopeQuery(view.scope, view.canChooseScope);
  return (
    <section aria-labelledby="versions-title">
      <h2 id="versions-title">{t('workflow.process.versions.title')}</h2>
      {view.versions.length === 0 ? (
        <p>{t('workflow.process.versions.none')}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{t('workflow.process.versions.caption', { scope: scopeName(ctx, view.scope) })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('workflow.process.versions.version')}</th>
                <th scope="col">{t('workflow.process.versions.name')}</th>
                <th scope="col">{t('workflow.process.versions.at')}</th>
                <th scope="col">{t('workflow.process.versions.by')}</th>
                <th scope="col">{t('workflow.process.versions.steps')}</th>
                <th scope="col">{t('workflow.process.versions.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {view.versions.map((v) => (
                <tr key={v.id}>
                  <td>
                    {v.version} {v.isCurrent ? <Tag tone="green">{t('workflow.process.versions.current')}</Tag> : null}
                  </td>
                  <td>{v.name}</td>
                  <td>{formatDateTime(ctx, v.createdAt)}</td>
                  <td>{v.createdByName ?? t('workflow.process.by.system')}</td>
                  <td>{v.stepCount}</td>
                  <td>
                    <a href={processPaths.editor(view.procedure.code, { ...scope, 'phien-ban': v.version })}>
                      {t('workflow.process.versions.view')}
                      <span class="visually-hidden"> {t('workflow.process.versions.ref', { version: v.version })}</span>
                    </a>
                    {view.canEdit && !v.isCurrent ? (
                      <form method="post" action={processPaths.restore(view.procedure.code)} class="inline-form">
                        <CsrfField ctx={ctx} />
                        {view.canChooseScope && view.scope.agencyId !== null ? <input type="hidden" name="coQuan" value={String(view.scope.agencyId)} /> : null}
                        <input type="hidden" name="version" value={String(v.version)} />
                        <input type="hidden" name="baseVersion" value={String(view.baseVersion)} />{' '}
                        <button type="submit" class="link-button">
                          {t('workflow.process.versions.restore')}
                          <span class="visually-hidden"> {t('workflow.process.versions.ref', { version: v.version })}</span>
                        </button>
                      </form>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

// ---- check before publishing ----

export interface ReviewPageProps {
  ctx: ViewContext;
  view: ProcessEditorView;
  /** The draft as typed (posted back unchanged). */
  draft: ProcessDraft;
  /** The steps as they would be published. */
  steps: StepView[];
  name: string;
  legalBasis: string;
}

/** Check your answers before the new version is published; "change" goes back to the editor with the rows kept. */
export function ReviewPageView({ ctx, view, draft, steps, name, legalBasis }: ReviewPageProps) {
  const { t } = ctx;
  const scope = scopeQuery(view.scope, view.canChooseScope);
  return (
    <Page
      ctx={ctx}
      title={t('workflow.process.review.title')}
      crumbs={[
        { href: '/', label: t('nav.home') },
        { href: withQuery(processPaths.list, scope), label: t('workflow.process.list.title') },
        { href: processPaths.editor(view.procedure.code, scope), label: view.procedure.code },
        { label: t('workflow.process.review.title') },
      ]}
      mainClass="wide"
    >
      <span class="muted">{view.procedure.name}</span>
      <h1>{t('workflow.process.review.title')}</h1>
      <SummaryList
        rows={[
          { key: t('workflow.process.scope.label'), value: scopeName(ctx, view.scope) },
          { key: t('workflow.process.review.version'), value: t('workflow.process.review.versionValue', { version: (view.versions[0]?.version ?? 0) + 1 }) },
          { key: t('workflow.process.edit.name'), value: name },
          { key: t('workflow.process.duration'), value: durationText(ctx, view.duration) },
          { key: t('workflow.process.legalBasis'), value: legalBasis ? <span class="pre-text">{legalBasis}</span> : t('workflow.process.review.none') },
        ]}
      />
      <h2>{t('workflow.process.edit.steps')}</h2>
      <StepList ctx={ctx} steps={steps} duration={view.duration} />
      <form method="post" action={processPaths.editor(view.procedure.code)}>
        <CsrfField ctx={ctx} />
        <DraftFields draft={draft} view={view} />
        <input type="hidden" name="name" value={draft.name} />
        <input type="hidden" name="legalBasis" value={draft.legalBasis} />
        {draft.steps.map((s, index) => {
          const n = index + 1;
          return (
            <Fragment key={n}>
              <input type="hidden" name={stepField(n, 'kind')} value={s.kind} />
              <input type="hidden" name={stepField(n, 'role')} value={s.role} />
              <input type="hidden" name={stepField(n, 'agency')} value={s.agency} />
              <input type="hidden" name={stepField(n, 'share')} value={s.share} />
              <input type="hidden" name={stepField(n, 'name')} value={s.name} />
              <input type="hidden" name={stepField(n, 'nameEn')} value={s.nameEn} />
            </Fragment>
          );
        })}
        <p>{t('workflow.process.review.note')}</p>
        <div class="actions">
          <button type="submit" name="action" value="publish" class="button">
            {t('workflow.process.review.publish')}
          </button>
          <button type="submit" name="action" value="edit" class="button button-secondary">
            {t('workflow.process.review.change')}
          </button>
        </div>
      </form>
    </Page>
  );
}
