import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type FieldProblem } from '../../platform/errors/errors.js';
import { requireUser, type SessionUser } from '../../platform/http/auth.js';
import { sendPage, viewContext, type ViewContext } from '../../platform/http/context.js';
import { newStorageKey, type FileStorage } from '../../platform/storage/index.js';
import { DeskEntryErrors, inspectUpload, paperChannels, readFormPost, UploadErrors, type DeskEntryDraft, type DeskEntryService, type PaperChannel } from '../dossiers/index.js';
import {
  applyAction,
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
} from '../forms/index.js';
import { CounterReviewPage, CounterSectionPage, CounterStartPage, counterPaths, deliveries, REVIEW } from './counter.pages.js';
import type { CounterService } from './counter.service.js';
import { deskPaths } from './desk.pages.js';

export interface CounterRouteDeps {
  entry: DeskEntryService;
  counter: CounterService;
  forms: FormsService;
  storage: FileStorage;
  uploadMaxBytes: number;
}

/** The draft's uploads shown in their file fields (the uploads table is the truth for files). */
function valuesWithUploads(definition: FormDefinition, draft: DeskEntryDraft): FormValues {
  const values: FormValues = { ...(draft.values as FormValues) };
  for (const field of fileFields(definition)) {
    const files: FileValue[] = draft.uploads.filter((u) => u.fieldId === field.id).map((u) => ({ ref: String(u.id), name: u.fileName, mimeType: u.mime, size: u.size, source: 'upload' }));
    if (files.length > 0) values[field.id] = files;
    else delete values[field.id];
  }
  return values;
}

/**
 * Walk-in and postal dossiers at the desk: `/can-bo/tiep-nhan/moi` (choose the procedure and the channel), the
 * applicant's e-form page by page with the scans (`/can-bo/tiep-nhan/moi/:draft/:section`), the check page, and
 * `…/nop`, which writes the dossier and receives it at once, then shows the desk's dossier page with slip 01.
 * Declared for signed-in desk officers (hook); the services check the role and the agency again.
 */
export async function counterRoutes(app: FastifyInstance, deps: CounterRouteDeps): Promise<void> {
  const { entry, forms } = deps;

  app.addHook('preHandler', async (request) => {
    const user = requireUser(request, 'officer');
    if (!user.roles.includes('desk')) throw new DomainError(DeskEntryErrors.notAllowed);
  });
  const officer = (request: FastifyRequest): SessionUser => requireUser(request, 'officer');

  async function loaded(request: FastifyRequest, draftId: string) {
    const user = officer(request);
    const draft = await entry.draft(user, draftId);
    const definition = draft.submittedDossierId === null ? await forms.definitionFor(draft.procedure.code, draft.procedureVersionId) : null;
    return { user, draft, definition };
  }

  function backHref(draft: DeskEntryDraft, definition: FormDefinition, values: FormValues, sectionId: string): string {
    const previous = previousSection(definition, values, sectionId);
    return previous ? counterPaths.section(draft.id, previous.id) : `${counterPaths.start}?thu-tuc=${encodeURIComponent(draft.procedure.code)}`;
  }

  async function renderSection(reply: FastifyReply, ctx: ViewContext, draft: DeskEntryDraft, definition: FormDefinition, sectionId: string, values: FormValues, errors: FieldProblem[], status = 200) {
    const section = definition.sections.find((s) => s.id === sectionId)!;
    const lookups = await forms.lookupsFor(definition, values);
    return sendPage(
      reply,
      <CounterSectionPage ctx={ctx} draft={draft} definition={definition} section={section} values={values} errors={errors} lookups={lookups} backHref={backHref(draft, definition, values, sectionId)} />,
      status,
    );
  }

  async function renderReview(reply: FastifyReply, ctx: ViewContext, draft: DeskEntryDraft, definition: FormDefinition, problems: FieldProblem[], status = 200) {
    const values = valuesWithUploads(definition, draft);
    const lookups = await forms.lookupsFor(definition, values);
    const sectionOf = (field: string) => definition.sections.find((s) => s.fields.some((f) => field === f.id || field.startsWith(`${f.id}.`) || field.startsWith(`${f.id}[`)))?.id;
    return sendPage(reply, <CounterReviewPage ctx={ctx} draft={draft} definition={definition} values={values} lookups={lookups} problems={problems} sectionOf={sectionOf} />, status);
  }

  // Step 1: the procedure (search) and the channel.
  app.get<{ Querystring: { q?: string; 'thu-tuc'?: string } }>(counterPaths.start, async (request, reply) => {
    const user = officer(request);
    const ctx = viewContext(request);
    const code = typeof request.query['thu-tuc'] === 'string' ? request.query['thu-tuc'] : '';
    if (code) return sendPage(reply, <CounterStartPage ctx={ctx} search="" results={null} chosen={await entry.procedure(user, code)} />);
    const search = typeof request.query.q === 'string' ? request.query.q.trim() : '';
    return sendPage(reply, <CounterStartPage ctx={ctx} search={search} results={await entry.procedures(user, search)} chosen={null} />);
  });

  app.post<{ Body: { procedureCode?: string; channel?: string } }>(counterPaths.start, async (request, reply) => {
    const user = officer(request);
    const code = typeof request.body?.procedureCode === 'string' ? request.body.procedureCode : '';
    const channel = paperChannels.find((c) => c === request.body?.channel);
    if (!channel) {
      const ctx = viewContext(request);
      const errors = [{ field: 'channel', message: ctx.t('workflow.counter.field.channel.required') }];
      return sendPage(reply, <CounterStartPage ctx={ctx} search="" results={null} chosen={await entry.procedure(user, code)} errors={errors} />, 400);
    }
    const draft = await entry.start(user, code, channel as PaperChannel);
    request.log.info({ action: 'workflow.counter.start', procedure: code, channel, userId: user.id }, 'desk entry started');
    return reply.redirect(counterPaths.draft(draft.id), 303);
  });

  app.get<{ Params: { draftId: string } }>('/can-bo/tiep-nhan/moi/:draftId', async (request, reply) => {
    const { draft, definition } = await loaded(request, request.params.draftId);
    if (!definition) return reply.redirect(deskPaths.queue, 303);
    const first = visibleSections(definition, draft.values as FormValues)[0]!;
    const resume = draft.lastSection && definition.sections.some((s) => s.id === draft.lastSection) ? draft.lastSection : first.id;
    return reply.redirect(counterPaths.section(draft.id, resume), 303);
  });

  app.get<{ Params: { draftId: string; section: string } }>('/can-bo/tiep-nhan/moi/:draftId/:section', async (request, reply) => {
    const ctx = viewContext(request);
    const { draft, definition } = await loaded(request, request.params.draftId);
    if (!definition) return reply.redirect(deskPaths.queue, 303);
    if (request.params.section === REVIEW) return renderReview(reply, ctx, draft, definition, []);
    if (!definition.sections.some((s) => s.id === request.params.section)) return reply.redirect(counterPaths.draft(draft.id), 303);
    return renderSection(reply, ctx, draft, definition, request.params.section, valuesWithUploads(definition, draft), []);
  });

  // A page of the e-form: the same parsing, upload checks and validation as the citizen's wizard; autosaved.
  app.post<{ Params: { draftId: string; section: string } }>('/can-bo/tiep-nhan/moi/:draftId/:section', async (request, reply) => {
    const ctx = viewContext(request);
    const { user, draft, definition } = await loaded(request, request.params.draftId);
    if (!definition) return reply.redirect(deskPaths.queue, 303);
    const section = definition.sections.find((s) => s.id === request.params.section);
    if (!section) return reply.redirect(counterPaths.draft(draft.id), 303);
    const { fields, files } = await readFormPost(request);
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
        const stored = await deps.storage.put(newStorageKey('scans', new Date(), `.${info.kind === 'jpeg' ? 'jpg' : info.kind}`), file.bytes, { contentType: info.mime });
        const uploadId = await entry.addUpload(user, draft.id, {
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
        for (const old of current.filter((f) => !kept.includes(f))) await entry.removeUpload(user, draft.id, Number(old.ref));
        values = { ...values, [field.id]: [...kept, { ref: String(uploadId), name: info.fileName, mimeType: info.mime, size: info.size, source: 'upload' }] };
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        errors.push({ field: field.id, messageKey: error.messageKey, ...(error.details.params ? { params: error.details.params } : {}) });
      }
    }
    const action = parseAction(fields);
    if (action.kind === 'removeFile') await entry.removeUpload(user, draft.id, Number(action.ref)).catch(() => undefined);
    values = applyAction(definition, values, action);
    // Autosave, even with errors: nothing typed at the desk is lost.
    const stored: Record<string, unknown> = { ...values };
    for (const f of fileFields(definition)) delete stored[f.id];
    await entry.saveAnswers(user, draft.id, stored, section.id);
    if (action.kind !== 'continue') return renderSection(reply, ctx, draft, definition, section.id, values, errors);
    const lookups = await forms.lookupsFor(definition, values);
    errors.push(...validateSection(definition, section.id, values, { lookups }).filter((e) => !errors.some((x) => x.field === e.field)));
    if (errors.length > 0) return renderSection(reply, ctx, draft, definition, section.id, values, errors, 400);
    const next = nextSection(definition, values, section.id);
    return reply.redirect(next ? counterPaths.section(draft.id, next.id) : counterPaths.review(draft.id), 303);
  });

  // Enter and receive: the dossier gets its code and due date now; the desk's dossier page offers slip 01.
  app.post<{ Params: { draftId: string }; Body: { resultDelivery?: string } }>('/can-bo/tiep-nhan/moi/:draftId/nop', async (request, reply) => {
    const user = officer(request);
    const delivery = deliveries.find((d) => d === request.body?.resultDelivery);
    try {
      const draft = await entry.draft(user, request.params.draftId);
      if (delivery && draft.submittedDossierId === null) await entry.chooseDelivery(user, draft.id, delivery);
      const outcome = await deps.counter.enter(user, request.params.draftId);
      request.log.info({ action: 'workflow.counter.enter', dossierCode: outcome.code, userId: user.id }, 'walk-in dossier received');
      return reply.redirect(`${deskPaths.dossier(outcome.code)}?xong=tiep-nhan`, 303);
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'invalid' || !error.details.fields) throw error;
      const { draft, definition } = await loaded(request, request.params.draftId);
      if (!definition) throw error;
      return renderReview(reply, viewContext(request), draft, definition, error.details.fields, 400);
    }
  });
}
