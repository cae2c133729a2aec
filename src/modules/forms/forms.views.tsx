import type { ComponentChildren } from 'preact';
import type { FieldProblem } from '../../platform/errors/errors.js';
import type { ViewContext } from '../../platform/http/context.js';
import { formatNumber } from '../../platform/i18n/i18n.js';
import { ErrorSummary } from '../../platform/views/layout.js';
import {
  fieldById,
  isAddress,
  isFileList,
  localText,
  unitName,
  visibleSections,
  isFieldShown,
  type FieldValue,
  type FileValue,
  type FormLookups,
  type FormValues,
  type LeafValue,
  type Scope,
} from './forms.model.js';
import { itemsForDisplay } from './forms.parse.js';
import { prefillKind } from './forms.prefill.js';
import { errorSummaryItems, lowerFirst, problemMessage, summarise } from './forms.present.js';
import type { Condition, Field, FileField, FormDefinition, GroupField, LeafField, LocalText, Paragraph, Section } from './forms.schema.js';
import { todayInVietnam } from './forms.validate.js';

/**
 * Server-rendered e-form pages in the GOV.UK pattern, usable without JavaScript: every change of the page
 * itself (communes of a chosen province, adding a household member) is a submit button with `_action`.
 * Each input's id equals its submission name and the `field` of its errors, so the error summary links to it.
 *
 * Classes beyond the platform's existing ones (their rules belong in platform/views/assets/motcua.css): eform,
 * form-caption, back-link, legend-heading, choices, choices-inline, choice, conditional (hidden by CSS while its
 * option is unchecked), prefill-note, repeat-item, address-refresh, file-list, inset-text, warning-text,
 * warning-icon, input-short, input-medium, input-suffix, check-answers, summary-row-action, summary-action.
 */

export interface FormSectionProps {
  ctx: ViewContext;
  definition: FormDefinition;
  section: Section;
  values: FormValues;
  errors: FieldProblem[];
  /** Fields holding a prefilled value (from applyPrefill). */
  prefilled: Set<string>;
  lookups: FormLookups;
  /** Where the page posts to. */
  action: string;
  /** Token of the hidden `_csrf` field; defaults to the one of the view context. */
  csrfToken?: string;
  /** Text of the main button (default "Tiếp tục"). */
  submitLabel?: string;
  /** Link back to the previous page, when there is one. */
  backHref?: string;
  /** Today in Viet Nam (YYYY-MM-DD), for the `max` of dates that cannot be in the future. */
  today?: string;
  /** The page that offers the applicant's vault documents for a file field marked `vaultReusable` (omit: no link). */
  vaultHref?: (fieldId: string) => string;
}

interface RenderContext {
  ctx: ViewContext;
  definition: FormDefinition;
  values: FormValues;
  errors: Map<string, FieldProblem>;
  prefilled: Set<string>;
  lookups: FormLookups;
  today: string;
  vaultHref?: ((fieldId: string) => string) | undefined;
}

function lt(rc: RenderContext, text: LocalText): string {
  return localText(text, rc.ctx.locale);
}

function describedBy(...ids: (string | false | undefined | null)[]): string | undefined {
  const list = ids.filter((id): id is string => typeof id === 'string' && id !== '');
  return list.length > 0 ? list.join(' ') : undefined;
}

function ErrorMessage({ rc, id }: { rc: RenderContext; id: string }) {
  const problem = rc.errors.get(id);
  if (!problem) return null;
  return (
    <span class="error-message" id={`${id}-error`}>
      <span class="visually-hidden">{rc.ctx.t('forms.errorPrefix')} </span>
      {problemMessage(rc.definition, problem, rc.ctx.t, rc.ctx.locale)}
    </span>
  );
}

function isLocked(rc: RenderContext, field: Field | LeafField, path: string): boolean {
  return path === field.id && 'prefillLocked' in field && field.prefillLocked === true && rc.prefilled.has(field.id);
}

function PrefillNote({ rc, field, path }: { rc: RenderContext; field: Field | LeafField; path: string }) {
  if (path !== field.id || !rc.prefilled.has(field.id) || !('prefill' in field) || !field.prefill) return null;
  const { t } = rc.ctx;
  const kind = prefillKind(field.prefill);
  const source = kind === 'vault' ? t('forms.prefill.vault') : kind === 'previous' ? t('forms.prefill.previous') : t('forms.prefill.profile');
  return (
    <span class="prefill-note" id={`${path}-prefill`}>
      {source}
      {isLocked(rc, field, path) ? ` ${t('forms.prefill.lockedNote')}` : ''}
    </span>
  );
}

function hasPrefillNote(rc: RenderContext, field: Field | LeafField, path: string): boolean {
  return path === field.id && rc.prefilled.has(field.id) && 'prefill' in field && !!field.prefill;
}

function OptionalMark({ rc, required }: { rc: RenderContext; required: boolean | undefined }) {
  return required ? null : <span class="muted"> {rc.ctx.t('forms.optional')}</span>;
}

/** The ids an input's aria-describedby lists: hint, prefill note, error. */
function describers(rc: RenderContext, field: Field | LeafField, path: string, hint: boolean): string | undefined {
  return describedBy(hint && `${path}-hint`, hasPrefillNote(rc, field, path) && `${path}-prefill`, rc.errors.has(path) && `${path}-error`);
}

function stringValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return '';
}

// ---------------------------------------------------------------------------
// Which fields show, and where
// ---------------------------------------------------------------------------

function conditionRefs(condition: Condition): string[] {
  if ('all' in condition) return condition.all.flatMap(conditionRefs);
  if ('any' in condition) return condition.any.flatMap(conditionRefs);
  return [condition.field];
}

/**
 * A field revealed by one answer of a radio or checkbox on the same page, GOV.UK style: rendered inside that
 * option and shown by CSS when the option is checked (no JavaScript). Returns [controlling field id, option value].
 */
function revealTarget(field: Field | LeafField, siblings: (Field | LeafField)[]): [string, string] | null {
  const c = field.showIf;
  if (!c || 'all' in c || 'any' in c) return null;
  const control = siblings.find((s) => s.id === c.field);
  if (!control || siblings.indexOf(control) >= siblings.indexOf(field)) return null;
  if ('equals' in c && (control.type === 'radio' || control.type === 'checkboxes') && typeof c.equals === 'string') return [control.id, c.equals];
  if ('isTrue' in c && c.isTrue && control.type === 'checkbox') return [control.id, 'yes'];
  return null;
}

type Placement = { kind: 'hidden' } | { kind: 'plain' } | { kind: 'reveal'; control: string; option: string } | { kind: 'conditional' };

function placement(field: Field | LeafField, siblings: (Field | LeafField)[], scope: Scope): Placement {
  if (!field.showIf) return { kind: 'plain' };
  const reveal = revealTarget(field, siblings);
  if (reveal) return { kind: 'reveal', control: reveal[0], option: reveal[1] };
  const live = conditionRefs(field.showIf).some((id) => siblings.some((s) => s.id === id));
  // Depends on answers on this page: shown always (no JavaScript to hide it), with a hint saying when it applies.
  if (live) return { kind: 'conditional' };
  return isFieldShown(field, scope) ? { kind: 'plain' } : { kind: 'hidden' };
}

function describeCondition(rc: RenderContext, condition: Condition, siblings: (Field | LeafField)[]): string {
  const { t } = rc.ctx;
  if ('all' in condition || 'any' in condition) return t('forms.conditional.generic');
  const control = siblings.find((s) => s.id === condition.field) ?? fieldById(rc.definition, condition.field)?.field;
  if (!control || control.type === 'paragraph' || control.type === 'group') return t('forms.conditional.generic');
  const question = lt(rc, control.label);
  const answerLabel = (value: string | number | boolean) => {
    const option = 'options' in control ? control.options.find((o) => o.value === String(value)) : undefined;
    return option ? lt(rc, option.label) : String(value);
  };
  if ('equals' in condition) return t('forms.conditional.equals', { question, answer: answerLabel(condition.equals) });
  if ('in' in condition) return t('forms.conditional.equals', { question, answer: condition.in.map(answerLabel).join(` ${t('forms.conditional.or')} `) });
  if ('isTrue' in condition && condition.isTrue && control.type === 'checkbox') return t('forms.conditional.ticked', { question });
  return t('forms.conditional.generic');
}

// ---------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------

interface InputProps {
  rc: RenderContext;
  field: LeafField | FileField;
  path: string;
  value: LeafValue | undefined;
  /** Fields revealed by an option of this (radio/checkbox) field, by option value. */
  reveals?: Map<string, ComponentChildren[]>;
  /** Extra hint line (condition description). */
  extraHint?: string;
}

function Hint({ id, children }: { id: string; children: ComponentChildren }) {
  return (
    <span class="hint" id={id}>
      {children}
    </span>
  );
}

function widthClass(width: 'short' | 'medium' | 'full' | undefined): string | undefined {
  return width === 'short' ? 'input-short' : width === 'medium' ? 'input-medium' : undefined;
}

function TextLikeInput({ rc, field, path, value, extraHint }: InputProps) {
  const { t, locale } = rc.ctx;
  const hint = field.hint ? lt(rc, field.hint) : '';
  const hintText = [extraHint, hint].filter(Boolean).join(' ');
  const locked = isLocked(rc, field, path);
  const aria = describers(rc, field, path, hintText !== '');
  const common = {
    id: path,
    name: path,
    'aria-describedby': aria,
    readOnly: locked || undefined,
  };
  let input: ComponentChildren;
  let suffix: string | null = null;
  switch (field.type) {
    case 'textarea':
      input = <textarea {...common} rows={field.rows ?? 5} value={stringValue(value)} />;
      break;
    case 'number':
      input = (
        <input
          {...common}
          type="text"
          class={widthClass(field.width ?? 'short')}
          inputmode={field.validation?.integer === false ? 'decimal' : 'numeric'}
          value={stringValue(value)}
        />
      );
      suffix = field.unit ? lt(rc, field.unit) : null;
      break;
    case 'money':
      input = (
        <input {...common} type="text" class="input-medium" inputmode="numeric" value={typeof value === 'number' ? formatNumber(locale, value) : stringValue(value)} />
      );
      suffix = t('forms.money.unit');
      break;
    case 'date':
      input = (
        <input
          {...common}
          type="date"
          class="input-medium"
          autocomplete={field.autocomplete}
          max={field.validation?.notInFuture ? rc.today : undefined}
          min={field.validation?.notInPast ? rc.today : undefined}
          value={stringValue(value)}
        />
      );
      break;
    case 'personalId':
      input = <input {...common} type="text" class="input-medium" inputmode="numeric" autocomplete="off" value={stringValue(value)} />;
      break;
    case 'phone':
      input = <input {...common} type="tel" class="input-medium" autocomplete="tel" value={stringValue(value)} />;
      break;
    case 'email':
      input = <input {...common} type="email" autocomplete="email" value={stringValue(value)} />;
      break;
    case 'text':
      input = <input {...common} type="text" class={widthClass(field.width)} autocomplete={field.autocomplete} value={stringValue(value)} />;
      break;
    default:
      return null;
  }
  return (
    <div class={rc.errors.has(path) ? 'form-group field-error' : 'form-group'}>
      <label for={path}>
        {lt(rc, field.label)}
        <OptionalMark rc={rc} required={field.required} />
      </label>
      {hintText ? <Hint id={`${path}-hint`}>{hintText}</Hint> : null}
      <PrefillNote rc={rc} field={field} path={path} />
      <ErrorMessage rc={rc} id={path} />
      {suffix ? (
        <span class="input-suffix">
          {input}
          <span aria-hidden="true">{suffix}</span>
        </span>
      ) : (
        input
      )}
    </div>
  );
}

function SelectInput({ rc, field, path, value, extraHint }: InputProps) {
  if (field.type !== 'select') return null;
  const hint = [extraHint, field.hint ? lt(rc, field.hint) : ''].filter(Boolean).join(' ');
  const locked = isLocked(rc, field, path);
  const current = stringValue(value);
  return (
    <div class={rc.errors.has(path) ? 'form-group field-error' : 'form-group'}>
      <label for={path}>
        {lt(rc, field.label)}
        <OptionalMark rc={rc} required={field.required} />
      </label>
      {hint ? <Hint id={`${path}-hint`}>{hint}</Hint> : null}
      <PrefillNote rc={rc} field={field} path={path} />
      <ErrorMessage rc={rc} id={path} />
      <select id={path} name={locked ? undefined : path} class={widthClass(field.width)} disabled={locked || undefined} aria-describedby={describers(rc, field, path, hint !== '')}>
        <option value="">{rc.ctx.t('forms.select.placeholder')}</option>
        {field.options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === current}>
            {lt(rc, o.label)}
          </option>
        ))}
      </select>
      {/* A disabled control posts nothing: the locked value travels in a hidden input (and is re-applied by the server). */}
      {locked ? <input type="hidden" name={path} value={current} /> : null}
    </div>
  );
}

function ChoiceInputs({ rc, field, path, value, reveals, extraHint }: InputProps) {
  if (field.type !== 'radio' && field.type !== 'checkboxes') return null;
  const hint = [extraHint, field.hint ? lt(rc, field.hint) : ''].filter(Boolean).join(' ');
  const locked = isLocked(rc, field, path);
  const type = field.type === 'radio' ? 'radio' : 'checkbox';
  const chosen = Array.isArray(value) ? value.map(String) : [stringValue(value)];
  const inline = field.type === 'radio' && field.inline && !reveals?.size;
  return (
    <div class={rc.errors.has(path) ? 'form-group field-error' : 'form-group'}>
      <fieldset aria-describedby={describers(rc, field, path, hint !== '')}>
        <legend>
          {lt(rc, field.label)}
          <OptionalMark rc={rc} required={field.required} />
        </legend>
        {hint ? <Hint id={`${path}-hint`}>{hint}</Hint> : null}
        <PrefillNote rc={rc} field={field} path={path} />
        <ErrorMessage rc={rc} id={path} />
        <div class={inline ? 'choices choices-inline' : 'choices'}>
          {field.options.map((o, i) => {
            // The first option carries the field's own id: the error summary links to it.
            const id = i === 0 ? path : `${path}-${i + 1}`;
            const checked = chosen.includes(o.value);
            const revealed = reveals?.get(o.value);
            return (
              <div class="choice" key={o.value}>
                <input
                  type={type}
                  id={id}
                  name={locked ? undefined : path}
                  value={o.value}
                  checked={checked}
                  disabled={locked || undefined}
                  aria-describedby={o.hint ? `${id}-hint` : undefined}
                />
                <label for={id}>{lt(rc, o.label)}</label>
                {o.hint ? <Hint id={`${id}-hint`}>{lt(rc, o.hint)}</Hint> : null}
                {revealed && revealed.length > 0 ? <div class="conditional">{revealed}</div> : null}
              </div>
            );
          })}
        </div>
        {locked ? chosen.filter(Boolean).map((v) => <input type="hidden" name={path} value={v} key={v} />) : null}
      </fieldset>
    </div>
  );
}

function SingleCheckbox({ rc, field, path, value, reveals, extraHint }: InputProps) {
  if (field.type !== 'checkbox') return null;
  const hint = [extraHint, field.hint ? lt(rc, field.hint) : ''].filter(Boolean).join(' ');
  const locked = isLocked(rc, field, path);
  const revealed = reveals?.get('yes');
  return (
    <div class={rc.errors.has(path) ? 'form-group field-error' : 'form-group'}>
      <PrefillNote rc={rc} field={field} path={path} />
      <ErrorMessage rc={rc} id={path} />
      <div class="choice">
        <input
          type="checkbox"
          id={path}
          name={locked ? undefined : path}
          value="yes"
          checked={value === true}
          disabled={locked || undefined}
          aria-describedby={describers(rc, field, path, hint !== '')}
        />
        <label for={path}>{lt(rc, field.label)}</label>
        {hint ? <Hint id={`${path}-hint`}>{hint}</Hint> : null}
        {revealed && revealed.length > 0 ? <div class="conditional">{revealed}</div> : null}
      </div>
      {locked && value === true ? <input type="hidden" name={path} value="yes" /> : null}
    </div>
  );
}

function AddressInput({ rc, field, path, value, extraHint }: InputProps) {
  if (field.type !== 'address') return null;
  const { t, locale } = rc.ctx;
  const address = isAddress(value) ? value : { province: '', commune: '', line: '' };
  const locked = isLocked(rc, field, path);
  const hint = [extraHint, field.hint ? lt(rc, field.hint) : ''].filter(Boolean).join(' ');
  const communes = address.province ? (rc.lookups.communes[address.province] ?? []) : [];
  const partError = (part: string) => rc.errors.has(`${path}.${part}`);
  const anyError = partError('province') || partError('commune') || partError('line');
  const ids = { province: `${path}.province`, commune: `${path}.commune`, line: `${path}.line` };
  return (
    <div class={anyError ? 'form-group field-error' : 'form-group'}>
      <fieldset aria-describedby={describedBy(hint && `${path}-hint`, hasPrefillNote(rc, field, path) && `${path}-prefill`)}>
        <legend>
          {lt(rc, field.label)}
          <OptionalMark rc={rc} required={field.required} />
        </legend>
        {hint ? <Hint id={`${path}-hint`}>{hint}</Hint> : null}
        <PrefillNote rc={rc} field={field} path={path} />
        <div class={partError('province') ? 'form-group field-error' : 'form-group'}>
          <label for={ids.province}>{t('forms.address.province')}</label>
          <ErrorMessage rc={rc} id={ids.province} />
          <select id={ids.province} name={locked ? undefined : ids.province} disabled={locked || undefined} aria-describedby={partError('province') ? `${ids.province}-error` : undefined}>
            <option value="">{t('forms.address.chooseProvince')}</option>
            {rc.lookups.provinces.map((p) => (
              <option key={p.code} value={p.code} selected={p.code === address.province}>
                {unitName(p, locale)}
              </option>
            ))}
          </select>
          {locked ? (
            <input type="hidden" name={ids.province} value={address.province} />
          ) : (
            <button type="submit" class="button button-secondary address-refresh" name="_action" value="refresh">
              {t('forms.address.refresh')}
            </button>
          )}
        </div>
        <div class={partError('commune') ? 'form-group field-error' : 'form-group'}>
          <label for={ids.commune}>{t('forms.address.commune')}</label>
          {communes.length === 0 && !locked ? (
            <Hint id={`${ids.commune}-hint`}>{t('forms.address.chooseProvinceFirst')}</Hint>
          ) : null}
          <ErrorMessage rc={rc} id={ids.commune} />
          <select
            id={ids.commune}
            name={locked ? undefined : ids.commune}
            disabled={locked || undefined}
            aria-describedby={describedBy(communes.length === 0 && !locked && `${ids.commune}-hint`, partError('commune') && `${ids.commune}-error`)}
          >
            <option value="">{t('forms.address.chooseCommune')}</option>
            {communes.map((c) => (
              <option key={c.code} value={c.code} selected={c.code === address.commune}>
                {unitName(c, locale)}
              </option>
            ))}
          </select>
          {locked ? <input type="hidden" name={ids.commune} value={address.commune} /> : null}
        </div>
        <div class={partError('line') ? 'form-group field-error' : 'form-group'}>
          <label for={ids.line}>
            {t('forms.address.line')}
            {field.lineOptional ? <OptionalMark rc={rc} required={false} /> : null}
          </label>
          <ErrorMessage rc={rc} id={ids.line} />
          <input
            type="text"
            id={ids.line}
            name={ids.line}
            autocomplete="street-address"
            readOnly={locked || undefined}
            value={address.line}
            aria-describedby={partError('line') ? `${ids.line}-error` : undefined}
          />
        </div>
      </fieldset>
    </div>
  );
}

function fileSize(rc: RenderContext, bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 1 ? rc.ctx.t('forms.file.sizeMb', { size: formatNumber(rc.ctx.locale, Math.round(mb * 10) / 10) }) : rc.ctx.t('forms.file.sizeKb', { size: Math.max(1, Math.round(bytes / 1024)) });
}

function FileInput({ rc, field, path, value, extraHint }: InputProps) {
  if (field.type !== 'file') return null;
  const { t } = rc.ctx;
  const files: FileValue[] = isFileList(value) ? value : [];
  const accept = field.accept.flatMap((k) => (k === 'pdf' ? ['.pdf', 'application/pdf'] : k === 'jpeg' ? ['.jpg', '.jpeg', 'image/jpeg'] : ['.png', 'image/png'])).join(',');
  const maxFiles = field.maxFiles ?? 1;
  const rules = t('forms.file.rules', { types: field.accept.map((k) => (k === 'jpeg' ? 'JPG' : k.toUpperCase())).join(', '), max: field.maxSizeMb });
  const hint = [extraHint, field.hint ? lt(rc, field.hint) : '', rules, maxFiles > 1 ? t('forms.file.maxFiles', { max: maxFiles }) : '', field.vaultReusable ? t('forms.file.vaultReusable') : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class={rc.errors.has(path) ? 'form-group field-error' : 'form-group'}>
      <label for={path}>
        {lt(rc, field.label)}
        <OptionalMark rc={rc} required={field.required} />
      </label>
      <Hint id={`${path}-hint`}>{hint}</Hint>
      <PrefillNote rc={rc} field={field} path={path} />
      <ErrorMessage rc={rc} id={path} />
      {files.length > 0 ? (
        <ul class="file-list" aria-label={t('forms.file.current')}>
          {files.map((f) => (
            <li key={f.ref}>
              <span>
                {f.name} ({fileSize(rc, f.size)}){f.source === 'vault' ? ` – ${t('forms.file.fromVault')}` : ''}
              </span>{' '}
              {/^[A-Za-z0-9_.:-]{1,100}$/.test(f.ref) ? (
                <button type="submit" class="button button-secondary" name="_action" value={`removeFile:${field.id}:${f.ref}`}>
                  {t('forms.file.remove')}
                  <span class="visually-hidden"> {f.name}</span>
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      <input type="file" id={path} name={path} accept={accept} multiple={maxFiles > 1 || undefined} aria-describedby={describers(rc, field, path, true)} />
      {field.vaultReusable && rc.vaultHref ? (
        <p class="vault-choice">
          <a href={rc.vaultHref(field.id)}>
            {t('vault.choose.link')}
            <span class="visually-hidden"> – {lt(rc, field.label)}</span>
          </a>
        </p>
      ) : null}
    </div>
  );
}

function Leaf(props: InputProps) {
  switch (props.field.type) {
    case 'select':
      return <SelectInput {...props} />;
    case 'radio':
    case 'checkboxes':
      return <ChoiceInputs {...props} />;
    case 'checkbox':
      return <SingleCheckbox {...props} />;
    case 'address':
      return <AddressInput {...props} />;
    case 'file':
      return <FileInput {...props} />;
    default:
      return <TextLikeInput {...props} />;
  }
}

function ParagraphBlock({ rc, field }: { rc: RenderContext; field: Paragraph }) {
  const text = lt(rc, field.text);
  if (field.style === 'note') return <div class="inset-text pre-text">{text}</div>;
  if (field.style === 'warning') {
    return (
      <div class="warning-text">
        <span class="warning-icon" aria-hidden="true">
          !
        </span>
        <strong>
          <span class="visually-hidden">{rc.ctx.t('forms.warning')} </span>
          {text}
        </strong>
      </div>
    );
  }
  return <p class="pre-text">{text}</p>;
}

// ---------------------------------------------------------------------------
// Lists of fields (a page, or one item of a group)
// ---------------------------------------------------------------------------

interface ListProps {
  rc: RenderContext;
  fields: (Field | LeafField)[];
  /** How a field id becomes an input path (an item prefix inside a group). */
  pathOf: (id: string) => string;
  valueOf: (id: string) => FieldValue | undefined;
  scope: Scope;
}

function FieldList({ rc, fields, pathOf, valueOf, scope }: ListProps) {
  const places = new Map(fields.map((f) => [f.id, placement(f, fields, scope)]));
  const render = (field: Field | LeafField): ComponentChildren => {
    const place = places.get(field.id)!;
    if (place.kind === 'hidden') return null;
    if (field.type === 'paragraph') return <ParagraphBlock rc={rc} field={field} key={field.id} />;
    if (field.type === 'group') return <GroupBlock rc={rc} group={field} key={field.id} />;
    // Fields revealed by this one's options.
    const reveals = new Map<string, ComponentChildren[]>();
    for (const other of fields) {
      const p = places.get(other.id)!;
      if (p.kind === 'reveal' && p.control === field.id) {
        const list = reveals.get(p.option) ?? [];
        list.push(render(other));
        reveals.set(p.option, list);
      }
    }
    const extraHint = place.kind === 'conditional' && field.showIf ? describeCondition(rc, field.showIf, fields) : undefined;
    const leaf = (
      <Leaf rc={rc} field={field} path={pathOf(field.id)} value={valueOf(field.id) as LeafValue | undefined} reveals={reveals} extraHint={extraHint} key={field.id} />
    );
    return place.kind === 'conditional' ? (
      <div class="conditional" key={field.id}>
        {leaf}
      </div>
    ) : (
      leaf
    );
  };
  return <>{fields.filter((f) => places.get(f.id)!.kind !== 'reveal').map(render)}</>;
}

function GroupBlock({ rc, group }: { rc: RenderContext; group: GroupField }) {
  const { t } = rc.ctx;
  const items = itemsForDisplay(group, rc.values);
  const itemLabel = (n: number) => lt(rc, group.itemLabel).replace('{n}', String(n));
  const noun = lowerFirst(lt(rc, group.itemLabel).replace(/\s*\{n\}\s*/, ' ').trim());
  const hint = group.hint ? lt(rc, group.hint) : '';
  return (
    <div class={rc.errors.has(group.id) ? 'form-group field-error' : 'form-group'}>
      <fieldset id={group.id} tabIndex={-1} aria-describedby={describedBy(hint && `${group.id}-hint`, rc.errors.has(group.id) && `${group.id}-error`)}>
        <legend class="legend-heading">{lt(rc, group.label)}</legend>
        {hint ? <Hint id={`${group.id}-hint`}>{hint}</Hint> : null}
        <ErrorMessage rc={rc} id={group.id} />
        <input type="hidden" name={`${group.id}.count`} value={String(items.length)} />
        {items.map((item, index) => (
          <fieldset class="repeat-item" key={index}>
            <legend>{itemLabel(index + 1)}</legend>
            <FieldList
              rc={rc}
              fields={group.fields}
              pathOf={(id) => `${group.id}[${index}].${id}`}
              valueOf={(id) => item[id]}
              scope={{ definition: rc.definition, values: rc.values, group, item }}
            />
            {items.length > group.minItems ? (
              <button type="submit" class="button button-secondary" name="_action" value={`remove:${group.id}:${index}`}>
                {t('forms.group.remove')}
                <span class="visually-hidden"> {itemLabel(index + 1)}</span>
              </button>
            ) : null}
          </fieldset>
        ))}
        {items.length < group.maxItems ? (
          <button type="submit" class="button button-secondary" name="_action" value={`add:${group.id}`}>
            {t('forms.group.add', { item: noun })}
          </button>
        ) : null}
      </fieldset>
    </div>
  );
}

// ---------------------------------------------------------------------------
// Pages
// ---------------------------------------------------------------------------

/**
 * One page of the wizard (the page body, to be wrapped in the layout's <Page>): error summary, caption with the
 * form's title and the step, the page's heading and intro, and the form with its fields and "Continue".
 */
export function FormSection(props: FormSectionProps) {
  const { ctx, definition, section, values } = props;
  const { t } = ctx;
  const rc: RenderContext = {
    ctx,
    definition,
    values,
    errors: new Map(),
    prefilled: props.prefilled,
    lookups: props.lookups,
    today: props.today ?? todayInVietnam(),
    vaultHref: props.vaultHref,
  };
  for (const e of props.errors) if (!rc.errors.has(e.field)) rc.errors.set(e.field, e);
  const sections = visibleSections(definition, values);
  const step = sections.indexOf(section) + 1;
  const multipart = section.fields.some((f) => f.type === 'file');
  return (
    <div class="eform">
      {props.backHref ? (
        <p>
          <a class="back-link" href={props.backHref}>
            {t('forms.back')}
          </a>
        </p>
      ) : null}
      <ErrorSummary ctx={ctx} errors={errorSummaryItems(definition, props.errors, t, ctx.locale)} />
      <span class="form-caption">
        {localText(definition.title, ctx.locale)}
        {step > 0 ? ` – ${t('forms.step', { n: step, total: sections.length })}` : ''}
      </span>
      <h1>{localText(section.title, ctx.locale)}</h1>
      {section.intro ? <p class="lead pre-text">{localText(section.intro, ctx.locale)}</p> : null}
      <form method="post" action={props.action} enctype={multipart ? 'multipart/form-data' : undefined} novalidate>
        <input type="hidden" name="_csrf" value={props.csrfToken ?? ctx.csrfToken} />
        {/* Enter in a text box presses the first submit button of the form: make that one "Continue". */}
        <button type="submit" name="_action" value="continue" class="visually-hidden" tabIndex={-1} aria-hidden="true">
          {props.submitLabel ?? t('forms.continue')}
        </button>
        <FieldList rc={rc} fields={section.fields} pathOf={(id) => id} valueOf={(id) => values[id]} scope={{ definition, values }} />
        <div class="actions">
          <button type="submit" class="button" name="_action" value="continue">
            {props.submitLabel ?? t('forms.continue')}
          </button>
        </div>
      </form>
      <p class="muted">{t('forms.legalBasis', { basis: localText(definition.legalBasis, ctx.locale) })}</p>
    </div>
  );
}

export interface CheckYourAnswersProps {
  ctx: ViewContext;
  definition: FormDefinition;
  values: FormValues;
  lookups: FormLookups;
  /** Link to change one answer: the page of the section, focused on the input. */
  changeHref: (sectionId: string, fieldId: string) => string;
}

/** "Check your answers": one summary list per page, each row with a "Change" link back to its input. */
export function CheckYourAnswers({ ctx, definition, values, lookups, changeHref }: CheckYourAnswersProps) {
  const { t } = ctx;
  const rows = summarise(definition, values, ctx.locale, lookups);
  return (
    <div class="check-answers">
      {visibleSections(definition, values).map((section) => {
        const own = rows.filter((r) => r.sectionId === section.id);
        if (own.length === 0) return null;
        return (
          <section key={section.id} aria-labelledby={`cya-${section.id}`}>
            <h2 id={`cya-${section.id}`}>{localText(section.title, ctx.locale)}</h2>
            <dl class="summary-list">
              {own.map((row) => (
                <div class="summary-row summary-row-action" key={row.fieldId}>
                  <dt>{row.label}</dt>
                  <dd class="pre-text">{row.value}</dd>
                  <dd class="summary-action">
                    <a href={changeHref(row.sectionId, row.fieldId)}>
                      {t('forms.cya.change')}
                      <span class="visually-hidden"> {lowerFirst(row.label)}</span>
                    </a>
                  </dd>
                </div>
              ))}
            </dl>
          </section>
        );
      })}
    </div>
  );
}
