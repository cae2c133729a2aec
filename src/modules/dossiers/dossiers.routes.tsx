import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { requireUser, type SessionUser } from '../../platform/http/auth.js';
import { sendPage, viewContext, type ViewContext } from '../../platform/http/context.js';
import { DomainError, type FieldProblem } from '../../platform/errors/errors.js';
import type { FileStorage } from '../../platform/storage/index.js';
import { newStorageKey } from '../../platform/storage/index.js';
import { CsrfField, ErrorSummary, Page, SummaryList } from '../../platform/views/layout.js';
import {
  CheckYourAnswers,
  FormSection,
  applyAction,
  applyPrefill,
  errorSummaryItems,
  fileFields,
  nextSection,
  parseAction,
  parseSubmission,
  previousSection,
  validateSection,
  visibleSections,
  type FileValue,
  type FormDefinition,
  type FormsService,
  type FormValues,
  type ProfileSource,
} from '../forms/index.js';
import { inspectUpload } from './attachments.js';
import { DossierPage, MyDossiersPage, WithdrawPage } from './dossiers.pages.js';
import { readFormPost } from './multipart.js';
import { renderReceiptSlip } from './receipt-slip.js';
import { SubmissionErrors } from './submission.errors.js';
import { UploadErrors } from './dossiers.errors.js';
import type { DraftView, SubmissionService } from './submission.service.js';

export interface DossierRouteDeps {
  submission: SubmissionService;
  forms: FormsService;
  profiles: { get(userId: number): Promise<ProfileSource | null> };
  storage: FileStorage;
  baseUrl: string;
  uploadMaxBytes: number;
  /** Online submissions per client address per minute. */
  submitRateLimit: number;
  /**
   * Sections other modules add to the applicant's dossier page (satisfaction: the rating and complaints), each
   * rendered for the signed-in applicant, who the dossier was already checked to belong to.
   */
  sections?: readonly ((user: SessionUser, code: string, ctx: ViewContext) => Promise<VNode | null>)[];
}

const RECEPTION = 'noi-nop';
const REVIEW = 'kiem-tra';
/** What the submission service records as the last page once the reception page is done. */
const RECEPTION_DONE = 'reception';
const deliveries = ['online', 'at_desk', 'post'] as const;
/**
 * Query parameter of a page opened by a "Change" link of the check page (`?quay-ve=kiem-tra`): its "Continue" leads
 * back to the check page instead of through every later page (GOV.UK "check answers" pattern).
 */
const RETURN_PARAM = 'quay-ve';

function draftPath(draftId: string, section?: string): string {
  return section ? `/ho-so-nhap/${draftId}/${section}` : `/ho-so-nhap/${draftId}`;
}

/** A page title that starts with "Lỗi:" when the page shows errors, so screen readers announce them first. */
function withErrorPrefix(ctx: ViewContext, title: string, errorCount: number): string {
  return errorCount > 0 ? `${ctx.t('forms.errorPrefix')} ${title}` : title;
}

/** The page of a section, marked to lead back to the check page when `toReview`. */
function sectionPath(draftId: string, section: string, toReview: boolean): string {
  return toReview ? `${draftPath(draftId, section)}?${RETURN_PARAM}=${REVIEW}` : draftPath(draftId, section);
}

function returnsToReview(query: unknown): boolean {
  return typeof query === 'object' && query !== null && (query as Record<string, unknown>)[RETURN_PARAM] === REVIEW;
}

/** Draft values with the draft's uploads shown in their file fields (the uploads table is the truth for files). */
function valuesWithUploads(definition: FormDefinition, draft: DraftView): FormValues {
  const values: FormValues = { ...(draft.values as FormValues) };
  for (const field of fileFields(definition)) {
    const files: FileValue[] = draft.uploads
      .filter((u) => u.fieldId === field.id)
      .map((u) => ({ ref: String(u.id), name: u.fileName, mimeType: u.mime, size: u.size, source: u.source }));
    if (files.length > 0) values[field.id] = files;
    else delete values[field.id];
  }
  return values;
}

export async function dossierRoutes(app: FastifyInstance, deps: DossierRouteDeps): Promise<void> {
  const { submission, forms } = deps;
  const citizen = (request: FastifyRequest): SessionUser => requireUser(request, 'citizen');

  async function context(request: FastifyRequest, draftId: string) {
    const user = citizen(request);
    const draft = await submission.draft(user, draftId);
    if (draft.submittedDossierId !== null) return { user, draft, definition: null };
    const definition = await forms.definitionFor(draft.procedure.code, draft.procedureVersionId);
    return { user, draft, definition };
  }

  function renderSection(
    reply: FastifyReply,
    ctx: ViewContext,
    args: {
      draft: DraftView;
      definition: FormDefinition;
      sectionId: string;
      values: FormValues;
      errors: FieldProblem[];
      prefilled: Set<string>;
      /** Opened from a "Change" link of the check page: back and "Continue" lead there. */
      toReview: boolean;
    },
    lookups: Awaited<ReturnType<FormsService['lookupsFor']>>,
    status = 200,
  ) {
    const section = args.definition.sections.find((s) => s.id === args.sectionId)!;
    const previous = previousSection(args.definition, args.values, section.id);
    const backHref = args.toReview ? draftPath(args.draft.id, REVIEW) : previous ? draftPath(args.draft.id, previous.id) : `/thu-tuc/${args.draft.procedure.code}`;
    const action = `${sectionPath(args.draft.id, section.id, args.toReview)}${args.toReview ? '&' : '?'}_csrf=${encodeURIComponent(ctx.csrfToken)}`;
    return sendPage(
      reply,
      <Page
        ctx={ctx}
        title={withErrorPrefix(ctx, section.title[ctx.locale] ?? section.title.vi, args.errors.length)}
        crumbs={[{ href: '/ho-so', label: ctx.t('dossiers.mine.title') }, { label: args.draft.procedure.name }]}
      >
        <FormSection
          ctx={ctx}
          definition={args.definition}
          section={section}
          values={args.values}
          errors={args.errors}
          prefilled={args.prefilled}
          lookups={lookups}
          action={action}
          backHref={backHref}
          vaultHref={(fieldId) => `/ho-so-nhap/${args.draft.id}/kho-du-lieu/${encodeURIComponent(fieldId)}`}
        />
      </Page>,
      status,
    );
  }

  // Start (or resume) an online application for a procedure.
  app.get<{ Params: { code: string } }>('/thu-tuc/:code/nop-truc-tuyen', async (request, reply) => {
    const draft = await submission.startDraft(citizen(request), request.params.code);
    return reply.redirect(draftPath(draft.id), 303);
  });

  app.get<{ Params: { draftId: string } }>('/ho-so-nhap/:draftId', async (request, reply) => {
    const { draft, definition } = await context(request, request.params.draftId);
    if (!definition) return reply.redirect('/ho-so', 303);
    const first = visibleSections(definition, draft.values as FormValues)[0]!;
    const resume = draft.lastSection && [RECEPTION, RECEPTION_DONE, REVIEW].includes(draft.lastSection) ? REVIEW : (draft.lastSection ?? first.id);
    return reply.redirect(draftPath(draft.id, definition.sections.some((s) => s.id === resume) || resume === REVIEW ? resume : first.id), 303);
  });

  app.get<{ Params: { draftId: string; section: string }; Querystring: Record<string, string | undefined> }>('/ho-so-nhap/:draftId/:section', async (request, reply) => {
    const ctx = viewContext(request);
    const { user, draft, definition } = await context(request, request.params.draftId);
    if (!definition) return reply.redirect('/ho-so', 303);
    const values = valuesWithUploads(definition, draft);
    if (request.params.section === RECEPTION) {
      // Suggest the agency of the citizen's own commune; since 1 July 2025 any agency of the province may receive.
      const agencies = await submission.receivingAgencies(user, draft.id);
      const profile = await deps.profiles.get(user.id);
      const local = agencies.find((a) => a.commune_code !== null && a.commune_code === profile?.communeCode);
      return renderReception(reply, ctx, draft, agencies, [], local && draft.receivingAgencyId === null ? { agencyId: local.id } : {});
    }
    if (request.params.section === REVIEW) return renderReview(reply, ctx, draft, definition, values, []);
    if (!definition.sections.some((s) => s.id === request.params.section)) return reply.redirect(draftPath(draft.id), 303);
    const profile = await deps.profiles.get(user.id);
    const prefill = applyPrefill(definition, { profile }, values);
    const args = { draft, definition, sectionId: request.params.section, values: prefill.values, errors: [], prefilled: prefill.prefilled, toReview: returnsToReview(request.query) };
    return renderSection(reply, ctx, args, await forms.lookupsFor(definition, prefill.values));
  });

  app.post<{ Params: { draftId: string; section: string }; Querystring: Record<string, string | undefined> }>('/ho-so-nhap/:draftId/:section', async (request, reply) => {
    const ctx = viewContext(request);
    const { user, draft, definition } = await context(request, request.params.draftId);
    if (!definition) return reply.redirect('/ho-so', 303);
    const sectionId = request.params.section;
    const { fields, files } = await readFormPost(request);

    if (sectionId === RECEPTION) {
      const agencies = await submission.receivingAgencies(user, draft.id);
      const agencyId = Number(fields.agencyId);
      const delivery = deliveries.find((d) => d === fields.resultDelivery);
      const errors: FieldProblem[] = [];
      if (!agencies.some((a) => a.id === agencyId)) errors.push({ field: 'agencyId', messageKey: 'dossiers.reception.agencyRequired' });
      if (!delivery) errors.push({ field: 'resultDelivery', messageKey: 'dossiers.reception.deliveryRequired' });
      if (errors.length > 0 || !delivery) return renderReception(reply, ctx, draft, agencies, errors, { agencyId: fields.agencyId, resultDelivery: fields.resultDelivery }, 400);
      await submission.chooseReception(user, draft.id, agencyId, delivery);
      return reply.redirect(draftPath(draft.id, REVIEW), 303);
    }
    if (sectionId === REVIEW) return reply.redirect(draftPath(draft.id, REVIEW), 303);
    const section = definition.sections.find((s) => s.id === sectionId);
    if (!section) return reply.redirect(draftPath(draft.id), 303);

    // The page's answers over everything saved before: conditions, prefill, the step count and the checks of this
    // page may depend on answers given on other pages (the letter of authority is asked for only when the
    // applicant said they act for the parents; an e-mail cleared on page 1 must not come back from the profile).
    const saved = valuesWithUploads(definition, draft);
    let values: FormValues = { ...saved, ...parseSubmission(definition, section.id, fields, saved) };
    const errors: FieldProblem[] = [];
    for (const file of files) {
      const field = fileFields(definition).find((f) => f.id === file.field);
      if (!field) continue;
      const limit = Math.min(deps.uploadMaxBytes, Math.round(field.maxSizeMb * 1_048_576));
      try {
        if (file.truncated) throw new DomainError(UploadErrors.tooLarge, { params: { limit: `${Math.round(limit / 1_048_576)} MB` } });
        const info = await inspectUpload(file.bytes, { declaredName: file.fileName, maxBytes: limit, accept: field.accept });
        const stored = await deps.storage.put(newStorageKey('uploads', new Date(), `.${info.kind === 'jpeg' ? 'jpg' : info.kind}`), file.bytes, { contentType: info.mime });
        const uploadId = await submission.addUpload(user, draft.id, {
          fieldId: field.id,
          requirementName: field.requirementName,
          storageKey: stored.key,
          fileName: info.fileName,
          mime: info.mime,
          size: info.size,
          sha256: stored.sha256,
          pages: info.pages ?? null,
        });
        const current = Array.isArray(values[field.id]) ? (values[field.id] as FileValue[]) : [];
        const kept = (field.maxFiles ?? 1) > 1 ? current : [];
        for (const old of current.filter((f) => !kept.includes(f))) await submission.removeUpload(user, draft.id, Number(old.ref));
        values = { ...values, [field.id]: [...kept, { ref: String(uploadId), name: info.fileName, mimeType: info.mime, size: info.size, source: 'upload' }] };
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        errors.push({ field: field.id, messageKey: error.messageKey, ...(error.details.params ? { params: error.details.params } : {}) });
      }
    }
    const action = parseAction(fields);
    if (action.kind === 'removeFile') await submission.removeUpload(user, draft.id, Number(action.ref)).catch(() => undefined);
    values = applyAction(definition, values, action);
    const profile = await deps.profiles.get(user.id);
    const prefill = applyPrefill(definition, { profile }, values);
    values = prefill.values;
    // Autosave at every page, even with errors: nothing typed is lost, on any device.
    const stored: Record<string, unknown> = { ...values };
    for (const f of fileFields(definition)) delete stored[f.id];
    await submission.saveAnswers(user, draft.id, stored, section.id);
    const lookups = await forms.lookupsFor(definition, values);
    const toReview = returnsToReview(request.query);
    const args = { draft, definition, sectionId: section.id, values, prefilled: prefill.prefilled, toReview };
    if (action.kind !== 'continue') return renderSection(reply, ctx, { ...args, errors }, lookups);
    errors.push(...validateSection(definition, section.id, values, { lookups }).filter((e) => !errors.some((x) => x.field === e.field)));
    if (errors.length > 0) return renderSection(reply, ctx, { ...args, errors }, lookups, 400);
    if (toReview) {
      // Back to the check page, unless the change opened a page still to be answered (e.g. "father known: yes").
      const unanswered = visibleSections(definition, values).find((s) => validateSection(definition, s.id, values, { lookups }).length > 0);
      return reply.redirect(unanswered ? sectionPath(draft.id, unanswered.id, true) : draftPath(draft.id, REVIEW), 303);
    }
    const next = nextSection(definition, values, section.id);
    return reply.redirect(draftPath(draft.id, next ? next.id : RECEPTION), 303);
  });

  function renderReception(
    reply: FastifyReply,
    ctx: ViewContext,
    draft: DraftView,
    agencies: Awaited<ReturnType<SubmissionService['receivingAgencies']>>,
    errors: FieldProblem[],
    entered: { agencyId?: unknown; resultDelivery?: unknown },
    status = 200,
  ) {
    const { t } = ctx;
    const chosenAgency = String(entered.agencyId ?? draft.receivingAgencyId ?? (agencies.length === 1 ? agencies[0]!.id : ''));
    const chosenDelivery = String(entered.resultDelivery ?? draft.resultDelivery ?? '');
    const errorOf = (field: string) => errors.find((e) => e.field === field);
    return sendPage(
      reply,
      <Page ctx={ctx} title={withErrorPrefix(ctx, t('dossiers.reception.title'), errors.length)} crumbs={[{ href: '/ho-so', label: t('dossiers.mine.title') }, { label: draft.procedure.name }]}>
        <div class="eform two-thirds">
          <ErrorSummary ctx={ctx} errors={errors.map((e) => ({ field: e.field === 'agencyId' ? `agency-${agencies[0]?.id ?? ''}` : 'delivery-online', message: t(e.messageKey) }))} />
          <span class="form-caption">{draft.procedure.name}</span>
          <h1>{t('dossiers.reception.title')}</h1>
          <form method="post" action={draftPath(draft.id, RECEPTION)} novalidate>
            <CsrfField ctx={ctx} />
            <div class={`form-group${errorOf('agencyId') ? ' field-error' : ''}`}>
              <fieldset aria-describedby={errorOf('agencyId') ? 'agency-error' : undefined}>
                <legend class="legend-heading">{t('dossiers.reception.agency')}</legend>
                {errorOf('agencyId') ? (
                  <span class="error-message" id="agency-error">
                    {t('dossiers.reception.agencyRequired')}
                  </span>
                ) : null}
                <div class="choices">
                  {agencies.map((a) => (
                    <div class="choice" key={a.id}>
                      <input type="radio" id={`agency-${a.id}`} name="agencyId" value={String(a.id)} checked={chosenAgency === String(a.id)} />
                      <label for={`agency-${a.id}`}>{a.name}</label>
                      {a.address ? <span class="hint">{a.address}</span> : null}
                    </div>
                  ))}
                </div>
              </fieldset>
            </div>
            <div class={`form-group${errorOf('resultDelivery') ? ' field-error' : ''}`}>
              <fieldset aria-describedby={errorOf('resultDelivery') ? 'delivery-error' : undefined}>
                <legend class="legend-heading">{t('dossiers.reception.delivery')}</legend>
                {errorOf('resultDelivery') ? (
                  <span class="error-message" id="delivery-error">
                    {t('dossiers.reception.deliveryRequired')}
                  </span>
                ) : null}
                <div class="choices">
                  {deliveries.map((d) => (
                    <div class="choice" key={d}>
                      <input type="radio" id={`delivery-${d}`} name="resultDelivery" value={d} checked={chosenDelivery === d} />
                      <label for={`delivery-${d}`}>{t(`dossiers.delivery.${d}`)}</label>
                    </div>
                  ))}
                </div>
              </fieldset>
            </div>
            <button type="submit" class="button">
              {t('forms.continue')}
            </button>
          </form>
        </div>
      </Page>,
      status,
    );
  }

  async function renderReview(reply: FastifyReply, ctx: ViewContext, draft: DraftView, definition: FormDefinition, values: FormValues, problems: FieldProblem[], status = 200) {
    const { t } = ctx;
    const lookups = await forms.lookupsFor(definition, values);
    const agencies = await submission.receivingAgencies(ctx.user!, draft.id);
    const agency = agencies.find((a) => a.id === draft.receivingAgencyId);
    const sectionOf = (field: string) => definition.sections.find((s) => s.fields.some((f) => field === f.id || field.startsWith(`${f.id}.`) || field.startsWith(`${f.id}[`)))?.id;
    const summaryErrors = errorSummaryItems(definition, problems, t, ctx.locale).map((e) => {
      const section = sectionOf(e.field);
      return { field: e.field, message: e.message, href: section ? `${sectionPath(draft.id, section, true)}#${e.field}` : draftPath(draft.id, RECEPTION) };
    });
    return sendPage(
      reply,
      <Page ctx={ctx} title={withErrorPrefix(ctx, t('dossiers.review.title'), summaryErrors.length)} crumbs={[{ href: '/ho-so', label: t('dossiers.mine.title') }, { label: draft.procedure.name }]}>
        <div class="eform">
          {summaryErrors.length > 0 ? (
            <div class="error-summary" role="alert" tabIndex={-1} aria-labelledby="review-errors">
              <h2 id="review-errors">{t('form.errorSummaryTitle')}</h2>
              <ul>
                {summaryErrors.map((e) => (
                  <li key={e.field}>
                    <a href={e.href}>{e.message}</a>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <span class="form-caption">{draft.procedure.name}</span>
          <h1>{t('dossiers.review.title')}</h1>
          <CheckYourAnswers ctx={ctx} definition={definition} values={values} lookups={lookups} changeHref={(section, field) => `${sectionPath(draft.id, section, true)}#${field}`} />
          <h2>{t('dossiers.reception.title')}</h2>
          <SummaryList
            rows={[
              { key: t('dossiers.reception.agency'), value: agency ? <>{agency.name} <a href={draftPath(draft.id, RECEPTION)}>{t('forms.cya.change')}</a></> : <a href={draftPath(draft.id, RECEPTION)}>{t('dossiers.reception.agencyRequired')}</a> },
              { key: t('dossiers.reception.delivery'), value: draft.resultDelivery ? t(`dossiers.delivery.${draft.resultDelivery}`) : <a href={draftPath(draft.id, RECEPTION)}>{t('dossiers.reception.deliveryRequired')}</a> },
            ]}
          />
          <h2>{t('dossiers.review.declarationHeading')}</h2>
          <p>{t('dossiers.review.declaration')}</p>
          <form method="post" action={`/ho-so-nhap/${draft.id}/nop`}>
            <CsrfField ctx={ctx} />
            <button type="submit" class="button">
              {t('dossiers.review.submit')}
            </button>
          </form>
        </div>
      </Page>,
      status,
    );
  }

  app.post<{ Params: { draftId: string } }>('/ho-so-nhap/:draftId/nop', { config: { rateLimit: { max: deps.submitRateLimit, timeWindow: '1 minute' } } }, async (request, reply) => {
    const user = citizen(request);
    try {
      const outcome = await submission.submit(user, request.params.draftId);
      return reply.redirect(`/ho-so/${outcome.code}?moi=1`, 303);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== SubmissionErrors.formIncomplete.code) throw error;
      const { draft, definition } = await context(request, request.params.draftId);
      if (!definition) return reply.redirect('/ho-so', 303);
      return renderReview(reply, viewContext(request), draft, definition, valuesWithUploads(definition, draft), error.details.fields ?? [], 400);
    }
  });

  // ---- the citizen's dossiers ----

  app.get('/ho-so', async (request, reply) => {
    const user = citizen(request);
    const [dossiers, drafts] = await Promise.all([submission.myDossiers(user), submission.openDrafts(user)]);
    return sendPage(reply, <MyDossiersPage ctx={viewContext(request)} dossiers={dossiers} drafts={drafts} />);
  });

  app.get<{ Params: { code: string }; Querystring: { moi?: string } }>('/ho-so/:code', async (request, reply) => {
    const user = citizen(request);
    const d = await submission.dossier(user, request.params.code);
    const ctx = viewContext(request);
    const sections = await Promise.all((deps.sections ?? []).map((section) => section(user, d.code, ctx)));
    return sendPage(reply, <DossierPage ctx={ctx} d={d} justSubmitted={request.query.moi === '1'} sections={sections.filter((s): s is VNode => s !== null)} />);
  });

  app.get<{ Params: { code: string } }>('/ho-so/:code/giay-tiep-nhan.pdf', async (request, reply) => {
    const slip = await submission.slipData(citizen(request), request.params.code);
    const t = viewContext(request).t;
    const documents = slip.documents.map((d) => ({ ...d, note: t('dossiers.slip.electronicCopy', { pages: d.pages }) }));
    const pdf = await renderReceiptSlip({ ...slip, documents, baseUrl: deps.baseUrl, locale: request.locale });
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="giay-tiep-nhan-${slip.code}.pdf"`)
      .header('cache-control', 'private, no-store')
      .send(Buffer.from(pdf));
  });

  app.get<{ Params: { code: string; documentId: string } }>('/ho-so/:code/tai-lieu/:documentId', async (request, reply) => {
    const d = await submission.dossier(citizen(request), request.params.code);
    const doc = d.documents.find((x) => String(x.id) === request.params.documentId);
    if (!doc) throw new DomainError(SubmissionErrors.uploadNotFound);
    const stream = await deps.storage.get(doc.storageKey);
    return reply
      .type(doc.mime)
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(doc.fileName)}`)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .send(stream);
  });

  app.get<{ Params: { code: string } }>('/ho-so/:code/rut', async (request, reply) => {
    const d = await submission.dossier(citizen(request), request.params.code);
    return sendPage(reply, <WithdrawPage ctx={viewContext(request)} code={d.code} procedure={d.procedure.name} />);
  });

  app.post<{ Params: { code: string }; Body: { reason?: string } }>('/ho-so/:code/rut', async (request, reply) => {
    await submission.withdraw(citizen(request), request.params.code, typeof request.body?.reason === 'string' ? request.body.reason : '');
    return reply.redirect(`/ho-so/${request.params.code}`, 303);
  });

  app.post<{ Params: { code: string } }>('/ho-so/:code/bo-sung', async (request, reply) => {
    const user = citizen(request);
    const d = await submission.dossier(user, request.params.code);
    const { fields, files } = await readFormPost(request);
    const stored = [];
    const errors: { field: string; message: string }[] = [];
    const ctx = viewContext(request);
    for (const file of files) {
      try {
        if (file.truncated) throw new DomainError(UploadErrors.tooLarge, { params: { limit: `${Math.round(deps.uploadMaxBytes / 1_048_576)} MB` } });
        const info = await inspectUpload(file.bytes, { declaredName: file.fileName, maxBytes: deps.uploadMaxBytes, accept: ['pdf', 'jpeg', 'png'] });
        const put = await deps.storage.put(newStorageKey('supplements', new Date(), `.${info.kind === 'jpeg' ? 'jpg' : info.kind}`), file.bytes, { contentType: info.mime });
        stored.push({ fieldId: 'supplement', requirementName: '', storageKey: put.key, fileName: info.fileName, mime: info.mime, size: info.size, sha256: put.sha256, pages: info.pages ?? null });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        errors.push({ field: 'supplement-files', message: `${file.fileName}: ${ctx.t(error.messageKey, error.details.params)}` });
      }
    }
    if (errors.length > 0) return sendPage(reply, <DossierPage ctx={ctx} d={d} justSubmitted={false} errors={errors} />, 400);
    await submission.answerSupplement(user, d.code, { note: typeof fields.note === 'string' ? fields.note : '', files: stored });
    return reply.redirect(`/ho-so/${d.code}`, 303);
  });
}
