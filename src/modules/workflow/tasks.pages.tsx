import type { ViewContext } from '../../platform/http/context.js';
import { formatDateTime } from '../../platform/views/format.js';
import { CsrfField, ErrorSummary, Page, SummaryList, Tag, type FieldError } from '../../platform/views/layout.js';
import { StatusTag } from '../dossiers/index.js';
import type { Urgency } from './tasks.plan.js';
import type { InboxPage, TaskAction, TaskView } from './tasks.service.js';

/** Paths of the officers' task pages (Vietnamese, like the rest of the portal). */
export const taskPaths = {
  inbox: '/can-bo/viec-can-lam',
  assign: '/can-bo/viec-can-lam/phan-cong',
  task: (id: number) => `/can-bo/viec/${id}`,
  action: (id: number, action: TaskAction) => `/can-bo/viec/${id}/${actionSlugs[action]}`,
  document: (id: number, documentId: number) => `/can-bo/viec/${id}/tai-lieu/${documentId}`,
};

/** The path segment of each action (and the `?xong=` value after it). */
export const actionSlugs: Record<TaskAction, string> = {
  forward: 'chuyen-tiep',
  answer: 'tra-loi',
  return: 'tra-lai',
  transfer: 'chuyen-co-quan',
  consult: 'xin-y-kien',
  approve: 'phe-duyet',
  decline: 'khong-duyet',
  draft: 'du-thao',
  requestSupplement: 'bo-sung',
  stop: 'dung-xu-ly',
  returnResult: 'tra-ket-qua',
  apology: 'xin-loi',
  claim: 'nhan-viec',
};

function UrgencyTag({ ctx, urgency }: { ctx: ViewContext; urgency: Urgency }) {
  if (urgency === 'overdue') return <strong class="tag tag-red">{ctx.t('workflow.urgency.overdue')}</strong>;
  if (urgency === 'due_soon') return <Tag tone="orange">{ctx.t('workflow.urgency.due_soon')}</Tag>;
  return null;
}

function ApologyTag({ ctx }: { ctx: ViewContext }) {
  return <strong class="tag tag-red">{ctx.t('workflow.inbox.apologyRequired')}</strong>;
}

export function InboxPageView({ ctx, inbox, notice, errors = [] }: { ctx: ViewContext; inbox: InboxPage; notice?: string | null; errors?: FieldError[] }) {
  const { t } = ctx;
  const query = (page: number) =>
    `${taskPaths.inbox}?${new URLSearchParams({
      ...(inbox.filters.scope !== 'all' ? { pham_vi: inbox.filters.scope } : {}),
      ...(inbox.filters.urgency !== 'all' ? { han: inbox.filters.urgency } : {}),
      ...(inbox.filters.code ? { ma: inbox.filters.code } : {}),
      trang: String(page),
    }).toString()}`;
  const title = t('workflow.inbox.title');
  return (
    <Page ctx={ctx} title={errors.length > 0 ? `${t('workflow.errorPrefix')} ${title}` : title} crumbs={[{ href: '/', label: t('nav.home') }, { label: title }]} mainClass="wide">
      <ErrorSummary ctx={ctx} errors={errors} />
      {notice ? (
        <div class="panel panel-highlight" role="status">
          <p>{notice}</p>
        </div>
      ) : null}
      <span class="muted">{inbox.agencyName}</span>
      <h1>{title}</h1>
      <p class="lead">{t('workflow.inbox.lead')}</p>
      {inbox.alerts.length > 0 ? (
        <section class="panel" aria-labelledby="alerts">
          <h2 id="alerts">{t('workflow.inbox.alerts')}</h2>
          <ul>
            {inbox.alerts.map((a) => (
              <li key={`${a.taskId}-${a.kind}`}>
                <a href={taskPaths.task(a.taskId)}>{a.code}</a> — {a.stepName}: {t(`workflow.alert.${a.kind}`, { dueAt: formatDateTime(ctx, a.dueAt), at: formatDateTime(ctx, a.sentAt) })}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <form method="get" action={taskPaths.inbox} class="filters" aria-label={t('workflow.inbox.filters')}>
        <div class="form-group">
          <label for="pham_vi">{t('workflow.inbox.scope')}</label>
          <select id="pham_vi" name="pham_vi">
            {(inbox.canAssign ? (['all', 'mine', 'unassigned', 'agency'] as const) : (['all', 'mine', 'unassigned'] as const)).map((s) => (
              <option value={s} selected={inbox.filters.scope === s}>
                {t(`workflow.inbox.scope.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="form-group">
          <label for="han">{t('workflow.inbox.urgency')}</label>
          <select id="han" name="han">
            {(['all', 'overdue', 'due_soon'] as const).map((u) => (
              <option value={u} selected={inbox.filters.urgency === u}>
                {t(`workflow.inbox.urgency.${u}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="form-group">
          <label for="ma">{t('workflow.inbox.code')}</label>
          <input type="text" id="ma" name="ma" value={inbox.filters.code} maxLength={60} spellcheck={false} />
        </div>
        <button type="submit" class="button button-secondary">
          {t('workflow.inbox.apply')}
        </button>
      </form>
      <p role="status">{inbox.total > inbox.countCap ? t('workflow.inbox.countMany', { n: inbox.countCap }) : t('workflow.inbox.count', { n: inbox.total })}</p>
      {inbox.items.length === 0 ? (
        <p>{t('workflow.inbox.empty')}</p>
      ) : (
        <form method="post" action={taskPaths.assign}>
          <CsrfField ctx={ctx} />
          <div class="table-wrap" id="task-list" tabIndex={-1}>
            <table>
              <caption>{t('workflow.inbox.caption')}</caption>
              <thead>
                <tr>
                  {inbox.canAssign ? (
                    <th scope="col">
                      <span class="visually-hidden">{t('workflow.inbox.select')}</span>
                    </th>
                  ) : null}
                  <th scope="col">{t('workflow.field.code')}</th>
                  <th scope="col">{t('workflow.field.procedure')}</th>
                  <th scope="col">{t('workflow.field.applicant')}</th>
                  <th scope="col">{t('workflow.inbox.step')}</th>
                  <th scope="col">{t('workflow.inbox.assignee')}</th>
                  <th scope="col">{t('workflow.inbox.stepDue')}</th>
                  <th scope="col">{t('workflow.field.dueAt')}</th>
                </tr>
              </thead>
              <tbody>
                {inbox.items.map((item) => (
                  <tr key={item.taskId} class={item.urgency === 'overdue' ? 'row-overdue' : item.urgency === 'due_soon' ? 'row-due-soon' : undefined}>
                    {inbox.canAssign ? (
                      <td>
                        <input type="checkbox" name="task" value={String(item.taskId)} id={`task-${item.taskId}`} aria-label={t('workflow.inbox.selectTask', { code: item.code })} />
                      </td>
                    ) : null}
                    <td>
                      <a href={taskPaths.task(item.taskId)}>{item.code}</a>
                    </td>
                    <td>{item.procedureName}</td>
                    <td>{item.applicantName}</td>
                    <td>
                      {item.stepName} {item.consultation ? <Tag tone="blue">{t('workflow.task.consultation')}</Tag> : null}
                      <span class="meta"> ({t(`workflow.role.${item.role}`)})</span>
                    </td>
                    <td>{item.assigneeName ?? <span class="muted">{t('workflow.inbox.nobody')}</span>}</td>
                    <td>
                      {formatDateTime(ctx, item.dueAt)} <UrgencyTag ctx={ctx} urgency={item.urgency} />
                    </td>
                    <td>
                      {formatDateTime(ctx, item.dossierDueAt)} {item.apologyRequired ? <ApologyTag ctx={ctx} /> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {inbox.canAssign ? (
            <fieldset class="panel">
              <legend>{t('workflow.inbox.assignTitle')}</legend>
              <div class="form-group">
                <label for="assignee">{t('workflow.inbox.assignTo')}</label>
                <select id="assignee" name="assignee">
                  {inbox.assignees.map((o) => (
                    <option value={String(o.id)}>
                      {o.name} ({o.roles.map((r) => t(`workflow.role.${r}`)).join(', ')})
                    </option>
                  ))}
                </select>
              </div>
              <button type="submit" class="button button-secondary">
                {t('workflow.inbox.assignSubmit')}
              </button>
            </fieldset>
          ) : null}
        </form>
      )}
      <nav class="pagination" aria-label={t('pagination.label')}>
        <ul>
          {inbox.page > 1 ? (
            <li>
              <a href={query(inbox.page - 1)} rel="prev">
                {t('pagination.previous')}
              </a>
            </li>
          ) : null}
          {inbox.hasNext ? (
            <li>
              <a href={query(inbox.page + 1)} rel="next">
                {t('pagination.next')}
              </a>
            </li>
          ) : null}
        </ul>
      </nav>
    </Page>
  );
}

export interface TaskPageProps {
  ctx: ViewContext;
  task: TaskView;
  done?: TaskAction | null;
  errors?: FieldError[];
  conflict?: { message: string; code: string } | null;
  entered?: Record<string, string>;
  /** The action whose form was posted: its errors and typed values go back to that form only. */
  failedAction?: TaskAction | null;
}

export function TaskPageView({ ctx, task, done, errors = [], conflict, entered: typed = {}, failedAction = null }: TaskPageProps) {
  const { t } = ctx;
  const d = task.dossier;
  const fieldErrors = (action: TaskAction) => (field: string): FieldError | undefined => {
    const own = failedAction === action ? errors.filter((e) => e.field === field) : [];
    return own.length > 0 ? { field, message: own.map((e) => e.message).join(' ') } : undefined;
  };
  const enteredFor = (action: TaskAction): Record<string, string> => (failedAction === action ? typed : {});
  const summary = errors.map((e) => ({ ...e, field: failedAction ? `${failedAction}-${e.field}` : e.field }));
  const title = t('workflow.task.title', { code: d.code, step: task.stepName });
  const has = (a: TaskAction) => task.allowed.includes(a);
  return (
    <Page
      ctx={ctx}
      title={errors.length > 0 || conflict ? `${t('workflow.errorPrefix')} ${title}` : title}
      crumbs={[{ href: '/', label: t('nav.home') }, { href: taskPaths.inbox, label: t('workflow.inbox.title') }, { label: d.code }]}
      mainClass="wide"
    >
      {conflict ? (
        <div class="error-summary" role="alert" tabIndex={-1} aria-labelledby="conflict-title">
          <h2 id="conflict-title">{t('workflow.conflict.title')}</h2>
          <p>{conflict.message}</p>
          <p class="meta">{t('workflow.conflict.code', { code: conflict.code })}</p>
          <p>
            <a href={taskPaths.task(task.id)}>{t('workflow.conflict.reload')}</a>
          </p>
        </div>
      ) : null}
      <ErrorSummary ctx={ctx} errors={summary} />
      {done ? (
        <div class="panel panel-highlight" role="status">
          <h2>{t(`workflow.taskDone.${done}`, { code: d.code })}</h2>
          <p>
            <a href={taskPaths.inbox}>{t('workflow.inbox.back')}</a>
          </p>
        </div>
      ) : null}
      <span class="muted">{task.agencyName}</span>
      <h1>
        {d.code}: {task.stepName}
      </h1>
      <p>
        <StatusTag ctx={ctx} status={d.status} /> <UrgencyTag ctx={ctx} urgency={task.urgency} /> {task.consultation ? <Tag tone="blue">{t('workflow.task.consultation')}</Tag> : null}{' '}
        {task.apologyRequired ? <ApologyTag ctx={ctx} /> : null}
      </p>
      {task.apologyRequired ? (
        <div class="warning-text">
          <span class="warning-icon" aria-hidden="true">
            !
          </span>
          <strong>
            <span class="visually-hidden">{t('workflow.warning')} </span>
            {t('workflow.task.apologyWarning', { dueAt: formatDateTime(ctx, d.dueAt) })}
          </strong>
        </div>
      ) : null}

      <h2>{t('workflow.task.summary')}</h2>
      <SummaryList
        rows={[
          { key: t('workflow.field.procedure'), value: `${d.procedure.name} (${d.procedure.code})` },
          { key: t('workflow.field.applicant'), value: d.applicant.fullName },
          ...(d.applicant.phone ? [{ key: t('workflow.field.phone'), value: d.applicant.phone }] : []),
          { key: t('workflow.field.delivery'), value: t(`workflow.delivery.${d.resultDelivery}`) },
          { key: t('workflow.field.receivingAgency'), value: d.receivingAgency },
          { key: t('workflow.field.holderAgency'), value: d.holderAgency },
          { key: t('workflow.field.receivedAt'), value: formatDateTime(ctx, d.receivedAt) },
          { key: t('workflow.field.dueAt'), value: formatDateTime(ctx, d.dueAt) },
          { key: t('workflow.task.stepDue'), value: formatDateTime(ctx, task.dueAt) },
          { key: t('workflow.inbox.assignee'), value: task.assigneeName ?? t('workflow.inbox.nobody') },
          ...(task.draftNote ? [{ key: t('workflow.task.draft'), value: <span class="pre-text">{task.draftNote}</span> }] : []),
          ...(task.latestApology ? [{ key: t('workflow.task.apology'), value: t('workflow.task.apologyIssued', { at: formatDateTime(ctx, task.latestApology.issuedAt), dueAt: formatDateTime(ctx, task.latestApology.newDueAt) }) }] : []),
        ]}
      />

      {task.openSupplement ? (
        <section class="panel" aria-labelledby="open-supplement">
          <h2 id="open-supplement">{t('workflow.dossier.openSupplement', { at: formatDateTime(ctx, task.openSupplement.requestedAt) })}</h2>
          <ul>
            {task.openSupplement.items.map((item, i) => (
              <li key={i}>
                <strong>{item.name}</strong>: {item.reason}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <h2>{t('workflow.dossier.documents')}</h2>
      {task.documents.length === 0 ? (
        <p>{t('workflow.dossier.noDocuments')}</p>
      ) : (
        <ul>
          {task.documents.map((doc) => (
            <li key={doc.id}>
              <a href={taskPaths.document(task.id, doc.id)}>{doc.fileName}</a> {doc.requirementName ? <span class="muted">({doc.requirementName})</span> : null}
            </li>
          ))}
        </ul>
      )}

      {task.allowed.length > 0 ? (
        <section aria-labelledby="act">
          <h2 id="act">{t('workflow.task.actions')}</h2>
          {has('claim') ? <SimpleForm ctx={ctx} task={task} action="claim" /> : null}
          {has('forward') ? <SimpleForm ctx={ctx} task={task} action="forward" field="note" entered={enteredFor('forward')} error={fieldErrors('forward')('note')} /> : null}
          {has('answer') ? <SimpleForm ctx={ctx} task={task} action="answer" field="answer" required entered={enteredFor('answer')} error={fieldErrors('answer')('answer')} /> : null}
          {has('approve') ? <SimpleForm ctx={ctx} task={task} action="approve" field="note" entered={enteredFor('approve')} error={fieldErrors('approve')('note')} /> : null}
          {has('decline') ? <SimpleForm ctx={ctx} task={task} action="decline" field="reason" required entered={enteredFor('decline')} error={fieldErrors('decline')('reason')} /> : null}
          {has('returnResult') ? <ReturnResultForm ctx={ctx} task={task} entered={enteredFor('returnResult')} error={fieldErrors('returnResult')('delivery')} /> : null}
          {has('draft') ? <SimpleForm ctx={ctx} task={task} action="draft" field="draft" required entered={{ draft: enteredFor('draft').draft ?? task.draftNote ?? '' }} error={fieldErrors('draft')('draft')} /> : null}
          {has('return') ? <SimpleForm ctx={ctx} task={task} action="return" field="reason" required entered={enteredFor('return')} error={fieldErrors('return')('reason')} /> : null}
          {has('consult') ? <AgencyForm ctx={ctx} task={task} action="consult" field="question" entered={enteredFor('consult')} errorOf={fieldErrors('consult')} /> : null}
          {has('transfer') ? <AgencyForm ctx={ctx} task={task} action="transfer" field="reason" entered={enteredFor('transfer')} errorOf={fieldErrors('transfer')} /> : null}
          {has('requestSupplement') ? <SimpleForm ctx={ctx} task={task} action="requestSupplement" field="items" required hint entered={enteredFor('requestSupplement')} error={fieldErrors('requestSupplement')('items')} /> : null}
          {has('apology') ? <ApologyForm ctx={ctx} task={task} entered={enteredFor('apology')} errorOf={fieldErrors('apology')} /> : null}
          {has('stop') ? <SimpleForm ctx={ctx} task={task} action="stop" field="reason" required entered={enteredFor('stop')} error={fieldErrors('stop')('reason')} warning /> : null}
        </section>
      ) : null}

      <h2>{t('workflow.task.process')}</h2>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">{t('workflow.task.process')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('workflow.task.position')}</th>
              <th scope="col">{t('workflow.inbox.step')}</th>
              <th scope="col">{t('workflow.history.agencies')}</th>
              <th scope="col">{t('workflow.task.share')}</th>
              <th scope="col">{t('workflow.task.stepDue')}</th>
            </tr>
          </thead>
          <tbody>
            {task.steps.map((s) => (
              <tr key={s.position} aria-current={s.current ? 'step' : undefined}>
                <td>{s.position}</td>
                <td>
                  {s.name} <span class="meta">({t(`workflow.role.${s.role}`)})</span> {s.current ? <Tag tone="blue">{t('workflow.task.current')}</Tag> : null}
                </td>
                <td>{s.agencyName}</td>
                <td>{t('workflow.task.percent', { n: s.sharePercent })}</td>
                <td>{formatDateTime(ctx, s.dueAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

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
              <th scope="col">{t('workflow.slip.step')}</th>
              <th scope="col">{t('workflow.slip.timing')}</th>
              <th scope="col">{t('workflow.history.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {task.controlSlip.map((e, i) => (
              <tr key={i}>
                <td>{formatDateTime(ctx, e.at)}</td>
                <td>{t(`dossiers.action.${e.action}`)}</td>
                <td>
                  {e.actorName ?? t(`workflow.actorKind.${e.actorKind}`)}
                  {e.toUserName ? ` → ${e.toUserName}` : ''}
                </td>
                <td>{e.fromAgency && e.toAgency && e.fromAgency !== e.toAgency ? t('workflow.history.fromTo', { from: e.fromAgency, to: e.toAgency }) : (e.toAgency ?? e.fromAgency ?? '')}</td>
                <td>
                  {e.stepName ?? ''}
                  {e.stepDueAt ? <span class="meta"> ({t('workflow.slip.due', { at: formatDateTime(ctx, e.stepDueAt) })})</span> : null}
                </td>
                <td>{e.timing ? t(`workflow.timing.${e.timing}`) : ''}</td>
                <td class="pre-text">{e.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>
        <a href={taskPaths.inbox}>{t('workflow.inbox.back')}</a>
      </p>
    </Page>
  );
}

function Hidden({ ctx, task }: { ctx: ViewContext; task: TaskView }) {
  return (
    <>
      <CsrfField ctx={ctx} />
      <input type="hidden" name="rowVersion" value={String(task.rowVersion)} />
    </>
  );
}

function TextArea({ ctx, id, name, label, hint, value, error, required }: { ctx: ViewContext; id: string; name: string; label: string; hint?: string; value: string; error?: FieldError | undefined; required?: boolean }) {
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={`form-group${error ? ' field-error' : ''}`}>
      <label for={id}>{label}</label>
      {hint ? (
        <span class="hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span class="error-message" id={`${id}-error`}>
          <span class="visually-hidden">{ctx.t('workflow.errorPrefix')} </span>
          {error.message}
        </span>
      ) : null}
      <textarea id={id} name={name} rows={3} maxLength={20000} aria-describedby={described || undefined} aria-required={required ? 'true' : undefined} value={value} />
    </div>
  );
}

function SimpleForm({
  ctx,
  task,
  action,
  field,
  required,
  hint,
  warning,
  entered = {},
  error,
}: {
  ctx: ViewContext;
  task: TaskView;
  action: TaskAction;
  field?: string;
  required?: boolean;
  hint?: boolean;
  warning?: boolean;
  entered?: Record<string, string>;
  error?: FieldError | undefined;
}) {
  const { t } = ctx;
  const id = `${action}-title`;
  return (
    <form method="post" action={taskPaths.action(task.id, action)} class="panel" aria-labelledby={id} novalidate>
      <h3 id={id}>{t(`workflow.action.${action}.title`)}</h3>
      <Hidden ctx={ctx} task={task} />
      {field ? (
        <TextArea
          ctx={ctx}
          id={`${action}-${field}`}
          name={field}
          label={t(`workflow.action.${action}.label`)}
          {...(hint ? { hint: t(`workflow.action.${action}.hint`) } : {})}
          value={entered[field] ?? ''}
          error={error ? { ...error, field: `${action}-${field}` } : undefined}
          required={required ?? false}
        />
      ) : null}
      <button type="submit" class={`button${warning ? ' button-warning' : action === 'forward' || action === 'approve' || action === 'answer' ? '' : ' button-secondary'}`}>
        {t(`workflow.action.${action}.submit`)}
      </button>
    </form>
  );
}

function AgencyForm({ ctx, task, action, field, entered, errorOf }: { ctx: ViewContext; task: TaskView; action: 'consult' | 'transfer'; field: string; entered: Record<string, string>; errorOf: (f: string) => FieldError | undefined }) {
  const { t } = ctx;
  const agencyError = errorOf('agency');
  return (
    <form method="post" action={taskPaths.action(task.id, action)} class="panel" aria-labelledby={`${action}-title`} novalidate>
      <h3 id={`${action}-title`}>{t(`workflow.action.${action}.title`)}</h3>
      <Hidden ctx={ctx} task={task} />
      <div class={`form-group${agencyError ? ' field-error' : ''}`}>
        <label for={`${action}-agency`}>{t('workflow.action.agency')}</label>
        {agencyError ? (
          <span class="error-message" id={`${action}-agency-error`}>
            {agencyError.message}
          </span>
        ) : null}
        <select id={`${action}-agency`} name="agency">
          <option value="">{t('workflow.action.chooseAgency')}</option>
          {task.agencies.map((a) => (
            <option value={String(a.id)} selected={entered.agency === String(a.id)}>
              {a.name}
            </option>
          ))}
        </select>
      </div>
      <TextArea ctx={ctx} id={`${action}-${field}`} name={field} label={t(`workflow.action.${action}.label`)} value={entered[field] ?? ''} error={errorOf(field)} required />
      <button type="submit" class="button button-secondary">
        {t(`workflow.action.${action}.submit`)}
      </button>
    </form>
  );
}

function ApologyForm({ ctx, task, entered, errorOf }: { ctx: ViewContext; task: TaskView; entered: Record<string, string>; errorOf: (f: string) => FieldError | undefined }) {
  const { t } = ctx;
  const dateError = errorOf('newDueDate');
  return (
    <form method="post" action={taskPaths.action(task.id, 'apology')} class="panel" aria-labelledby="apology-title" novalidate>
      <h3 id="apology-title">{t('workflow.action.apology.title')}</h3>
      <Hidden ctx={ctx} task={task} />
      <p class="hint">{t('workflow.action.apology.hint', { dueAt: formatDateTime(ctx, task.dossier.dueAt) })}</p>
      <TextArea ctx={ctx} id="apology-reason" name="reason" label={t('workflow.action.apology.label')} value={entered.reason ?? ''} error={errorOf('reason')} required />
      <div class={`form-group${dateError ? ' field-error' : ''}`}>
        <label for="apology-newDueDate">{t('workflow.action.apology.newDueDate')}</label>
        {dateError ? (
          <span class="error-message" id="apology-newDueDate-error">
            {dateError.message}
          </span>
        ) : null}
        <input type="date" id="apology-newDueDate" name="newDueDate" value={entered.newDueDate ?? ''} />
      </div>
      <button type="submit" class="button button-secondary">
        {t('workflow.action.apology.submit')}
      </button>
    </form>
  );
}

function ReturnResultForm({ ctx, task, entered, error }: { ctx: ViewContext; task: TaskView; entered: Record<string, string>; error: FieldError | undefined }) {
  const { t } = ctx;
  const chosen = entered.delivery ?? task.dossier.resultDelivery;
  return (
    <form method="post" action={taskPaths.action(task.id, 'returnResult')} class="panel" aria-labelledby="returnResult-title" novalidate>
      <h3 id="returnResult-title">{t('workflow.action.returnResult.title')}</h3>
      <Hidden ctx={ctx} task={task} />
      <fieldset class={`form-group${error ? ' field-error' : ''}`}>
        <legend>{t('workflow.action.returnResult.label')}</legend>
        {error ? <span class="error-message">{error.message}</span> : null}
        {(['online', 'at_desk', 'post'] as const).map((delivery) => (
          <div class="radio" key={delivery}>
            <input type="radio" id={`delivery-${delivery}`} name="delivery" value={delivery} checked={chosen === delivery} />
            <label for={`delivery-${delivery}`}>{t(`workflow.delivery.${delivery}`)}</label>
          </div>
        ))}
      </fieldset>
      <TextArea ctx={ctx} id="returnResult-note" name="note" label={t('workflow.action.returnResult.note')} value={entered.note ?? ''} />
      <button type="submit" class="button">
        {t('workflow.action.returnResult.submit')}
      </button>
    </form>
  );
}
