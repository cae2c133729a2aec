import type { ComponentChildren } from 'preact';
import type { SessionUser } from '../../platform/http/auth.js';
import type { ViewContext } from '../../platform/http/context.js';
import { CsrfField } from '../../platform/http/csrf.js';
import type { FieldError } from '../../platform/views/layout.js';

/**
 * What identity pages render with: the view context plus the CSRF token and the signed-in user. (ViewContext is
 * getting both fields; until then the routes add them.)
 */
export type IdentityViewContext = ViewContext & { csrfToken: string; user: SessionUser | null };

/** Values typed into a form, by field name, re-shown as typed when the form comes back with errors. */
export type FormValues = Record<string, string>;

export interface FormState {
  values: FormValues;
  errors: FieldError[];
}

export const emptyForm: FormState = { values: {}, errors: [] };

export function errorOf(errors: FieldError[], field: string): string | undefined {
  return errors.find((e) => e.field === field)?.message;
}

/** GOV.UK: prefix the page title with "Lỗi:" when the form has errors, so screen-reader users hear it first. */
export function pageTitle(ctx: ViewContext, title: string, errors: FieldError[]): string {
  return errors.length > 0 ? ctx.t('identity.form.titleWithErrors', { title }) : title;
}

function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  const list = ids.filter((id): id is string => typeof id === 'string' && id !== '');
  return list.length > 0 ? list.join(' ') : undefined;
}

function ErrorMessage({ ctx, id, message }: { ctx: ViewContext; id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <span class="error-message" id={`${id}-error`}>
      <span class="visually-hidden">{ctx.t('identity.form.errorPrefix')}</span> {message}
    </span>
  );
}

export interface TextFieldProps {
  ctx: ViewContext;
  id: string;
  /** Defaults to the id. */
  name?: string;
  label: string;
  hint?: string;
  value?: string;
  error?: string | undefined;
  type?: 'text' | 'email' | 'tel' | 'password';
  autoComplete?: string;
  inputMode?: 'numeric' | 'tel' | 'email' | 'text';
  maxLength?: number;
  spellcheck?: boolean;
  /** Narrow inputs for short values (GOV.UK input widths), as a class. */
  width?: 'w-10' | 'w-20';
}

/** Label, hint, error message and input, linked for assistive technology (GOV.UK text input). */
export function TextField(props: TextFieldProps) {
  const { ctx, id, error, hint } = props;
  const type = props.type ?? 'text';
  return (
    <div class={`form-group${error ? ' field-error' : ''}`}>
      <label for={id}>{props.label}</label>
      {hint ? (
        <span class="hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
      <ErrorMessage ctx={ctx} id={id} message={error} />
      <input
        // Preact's typings narrow attributes per input type; these four share every attribute used here.
        type={type as 'text'}
        id={id}
        name={props.name ?? id}
        // Passwords are never sent back to the browser.
        value={type === 'password' ? undefined : (props.value ?? '')}
        aria-describedby={describedBy(hint && `${id}-hint`, error && `${id}-error`)}
        aria-invalid={error ? 'true' : undefined}
        autoComplete={props.autoComplete}
        inputMode={props.inputMode}
        maxLength={props.maxLength}
        spellcheck={props.spellcheck}
        class={props.width ? `input-${props.width}` : undefined}
      />
    </div>
  );
}

export interface Choice {
  value: string;
  label: string;
}

/** Radios in a fieldset (GOV.UK radios); the first radio carries the id the error summary links to. */
export function RadioGroup({
  ctx,
  id,
  legend,
  hint,
  choices,
  value,
  error,
}: {
  ctx: ViewContext;
  id: string;
  legend: string;
  hint?: string;
  choices: Choice[];
  value: string;
  error?: string | undefined;
}) {
  return (
    <div class={`form-group${error ? ' field-error' : ''}`}>
      <fieldset aria-describedby={describedBy(hint && `${id}-hint`, error && `${id}-error`)}>
        <legend class="label">{legend}</legend>
        {hint ? (
          <span class="hint" id={`${id}-hint`}>
            {hint}
          </span>
        ) : null}
        <ErrorMessage ctx={ctx} id={id} message={error} />
        {choices.map((c, i) => {
          const inputId = i === 0 ? id : `${id}-${c.value}`;
          return (
            <div class="choice-item" key={c.value}>
              <input type="radio" id={inputId} name={id} value={c.value} checked={value === c.value} />{' '}
              <label for={inputId}>{c.label}</label>
            </div>
          );
        })}
      </fieldset>
    </div>
  );
}

/** A select with a first empty choice (GOV.UK select). */
export function SelectField({
  ctx,
  id,
  label,
  hint,
  choices,
  value,
  error,
  emptyLabel,
  autoComplete,
  after,
}: {
  ctx: ViewContext;
  id: string;
  label: string;
  hint?: string;
  choices: Choice[];
  value: string;
  error?: string | undefined;
  emptyLabel: string;
  autoComplete?: string;
  /** Rendered after the select, e.g. the "Chọn" button that reloads dependent choices without JavaScript. */
  after?: ComponentChildren;
}) {
  return (
    <div class={`form-group${error ? ' field-error' : ''}`}>
      <label for={id}>{label}</label>
      {hint ? (
        <span class="hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
      <ErrorMessage ctx={ctx} id={id} message={error} />
      <select
        id={id}
        name={id}
        aria-describedby={describedBy(hint && `${id}-hint`, error && `${id}-error`)}
        aria-invalid={error ? 'true' : undefined}
        autoComplete={autoComplete}
      >
        <option value="">{emptyLabel}</option>
        {choices.map((c) => (
          <option key={c.value} value={c.value} selected={c.value === value}>
            {c.label}
          </option>
        ))}
      </select>
      {after}
    </div>
  );
}

/** Day, month and year boxes in a fieldset (GOV.UK date input); errors link to the day box. */
export function DateField({
  ctx,
  idPrefix,
  legend,
  hint,
  values,
  error,
  autoCompletePrefix,
}: {
  ctx: ViewContext;
  /** Boxes are `${idPrefix}Day`, `${idPrefix}Month`, `${idPrefix}Year`. */
  idPrefix: string;
  legend: string;
  hint?: string;
  values: { day: string; month: string; year: string };
  error?: string | undefined;
  autoCompletePrefix?: string;
}) {
  const id = `${idPrefix}Day`;
  const parts = [
    { key: 'Day', label: ctx.t('identity.date.day'), value: values.day, size: 2, ac: 'day' },
    { key: 'Month', label: ctx.t('identity.date.month'), value: values.month, size: 2, ac: 'month' },
    { key: 'Year', label: ctx.t('identity.date.year'), value: values.year, size: 4, ac: 'year' },
  ];
  return (
    <div class={`form-group${error ? ' field-error' : ''}`}>
      <fieldset role="group" aria-describedby={describedBy(hint && `${idPrefix}-hint`, error && `${id}-error`)}>
        <legend class="label">{legend}</legend>
        {hint ? (
          <span class="hint" id={`${idPrefix}-hint`}>
            {hint}
          </span>
        ) : null}
        <ErrorMessage ctx={ctx} id={id} message={error} />
        <div class="date-input">
          {parts.map((p) => (
            <div class="date-input-item" key={p.key}>
              <label for={`${idPrefix}${p.key}`}>{p.label}</label>
              <input
                type="text"
                inputMode="numeric"
                id={`${idPrefix}${p.key}`}
                name={`${idPrefix}${p.key}`}
                value={p.value}
                maxLength={p.size}
                class={p.size === 4 ? 'input-w-4' : 'input-w-2'}
                aria-invalid={error ? 'true' : undefined}
                autoComplete={autoCompletePrefix ? `${autoCompletePrefix}-${p.ac}` : undefined}
              />
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

/** A single checkbox, e.g. consent (GOV.UK checkboxes). */
export function CheckboxField({
  ctx,
  id,
  label,
  checked,
  error,
}: {
  ctx: ViewContext;
  id: string;
  label: string;
  checked: boolean;
  error?: string | undefined;
}) {
  return (
    <div class={`form-group${error ? ' field-error' : ''}`}>
      <ErrorMessage ctx={ctx} id={id} message={error} />
      <div class="choice-item">
        <input type="checkbox" id={id} name={id} value="yes" checked={checked} aria-describedby={error ? `${id}-error` : undefined} />{' '}
        <label for={id}>{label}</label>
      </div>
    </div>
  );
}

/** A POST form with its CSRF field; `next` is carried as a hidden field when given. */
export function PostForm({
  ctx,
  action,
  next,
  children,
  class: className,
}: {
  ctx: IdentityViewContext;
  action: string;
  next?: string | undefined;
  children: ComponentChildren;
  class?: string;
}) {
  return (
    <form method="post" action={action} novalidate class={className}>
      <CsrfField ctx={ctx} />
      {next && next !== '/' ? <input type="hidden" name="next" value={next} /> : null}
      {children}
    </form>
  );
}

/** A success or information message at the top of a page (GOV.UK notification banner, without JavaScript). */
export function Banner({ children }: { children: ComponentChildren }) {
  return (
    <div class="panel panel-highlight" role="status">
      {children}
    </div>
  );
}
