import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../platform/errors/errors.js';
import { requireUser, type SessionUser } from '../../platform/http/auth.js';
import { sendPage, viewContext, type ViewContext } from '../../platform/http/context.js';
import type { FileStorage } from '../../platform/storage/index.js';
import type { FieldError } from '../../platform/views/layout.js';
import { summarise, type FormsService, type FormValues } from '../forms/index.js';
import { DossierPageView, QueuePageView, deskPaths, type DoneNotice } from './desk.pages.js';
import type { DeskDossier, DeskService, SupplementItem } from './desk.service.js';
import { WorkflowErrors } from './workflow.errors.js';

export interface WorkflowRouteDeps {
  desk: DeskService;
  /** Where dossier documents are stored (the officer opens them before deciding). */
  storage: FileStorage;
  /** Presents the e-form answers of a dossier; without it the detail page lists documents only. */
  forms?: FormsService;
}

/** `?xong=` values of the detail page after a decision (Vietnamese, like the paths). */
const doneParam: Record<string, DoneNotice> = { 'tiep-nhan': 'received', 'bo-sung': 'supplement', 'tu-choi': 'refused' };
const doneValue: Record<DoneNotice, string> = { received: 'tiep-nhan', supplement: 'bo-sung', refused: 'tu-choi' };

type Body = Record<string, unknown>;

function field(body: unknown, name: string): string {
  const value = body && typeof body === 'object' ? (body as Body)[name] : undefined;
  return typeof value === 'string' ? value : '';
}

/**
 * The supplement list as typed in one textarea (works without JavaScript): one item per line, "name: reason".
 * A line without a colon is a name without a reason, which the service reports with its line number.
 */
export function parseSupplementItems(text: string): SupplementItem[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const colon = line.indexOf(':');
      return colon < 0 ? { name: line, reason: '' } : { name: line.slice(0, colon).trim(), reason: line.slice(colon + 1).trim() };
    });
}

/**
 * The one-stop desk pages: `/can-bo/tiep-nhan` (queue) and `/can-bo/ho-so/:code` (detail and decisions). Declared for
 * signed-in desk officers only (hook below); the service checks the role and the agency again on every call.
 * Decisions follow post/redirect/get: success redirects to the detail page with a confirmation banner; a form problem
 * or a conflict renders the page again with fresh data, the message and what was typed.
 */
export async function workflowRoutes(app: FastifyInstance, deps: WorkflowRouteDeps): Promise<void> {
  const { desk } = deps;

  // Authorisation declared on the routes: a signed-in officer with the desk role (GET without a session → sign in).
  app.addHook('preHandler', async (request) => {
    const user = requireUser(request, 'officer');
    if (!user.roles.includes('desk')) throw new DomainError(WorkflowErrors.deskRoleRequired);
  });
  const officer = (request: FastifyRequest): SessionUser => requireUser(request, 'officer');

  async function answersOf(ctx: ViewContext, d: DeskDossier): Promise<{ label: string; value: string }[] | null> {
    if (!deps.forms) return null;
    try {
      const definition = await deps.forms.definitionFor(d.procedure.code, d.procedure.versionId);
      const values = d.values as FormValues;
      const lookups = await deps.forms.lookupsFor(definition, values);
      return summarise(definition, values, ctx.locale, lookups).map((row) => ({ label: row.label, value: row.value }));
    } catch (error) {
      // The answers help the officer but must never hide the dossier: a form definition problem is logged, not shown.
      app.log.warn({ err: error, action: 'workflow.answers', dossierCode: d.code }, 'cannot present the e-form answers');
      return null;
    }
  }

  async function renderDossier(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { done?: DoneNotice | null; errors?: FieldError[]; conflict?: { message: string; code: string } | null; entered?: Record<string, string> } = {},
    status = 200,
  ) {
    const ctx = viewContext(request);
    const d = await desk.dossier(officer(request), (request.params as { code: string }).code);
    return sendPage(reply, <DossierPageView ctx={ctx} d={d} answers={await answersOf(ctx, d)} {...extra} />, status);
  }

  /** Runs a decision; a field problem (400) or a conflict (409) comes back as the page with fresh data. */
  async function decide(request: FastifyRequest, reply: FastifyReply, done: DoneNotice, entered: Record<string, string>, run: (user: SessionUser, code: string, rowVersion: number) => Promise<unknown>) {
    const code = (request.params as { code: string }).code;
    const rowVersion = Number(field(request.body, 'rowVersion'));
    const user = officer(request);
    try {
      await run(user, code, rowVersion);
      request.log.info({ action: `workflow.desk.${done}`, dossierCode: code, userId: user.id }, 'desk decision');
      return reply.redirect(`${deskPaths.dossier(code)}?xong=${doneValue[done]}`, 303);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const ctx = viewContext(request);
      if (error.kind === 'conflict') {
        request.log.info({ action: `workflow.desk.${done}`, dossierCode: code, code: error.code }, 'desk decision refused');
        return renderDossier(request, reply, { conflict: { message: ctx.t(error.messageKey, error.details.params), code: error.code }, entered }, 409);
      }
      if (error.kind === 'invalid' && error.details.fields) {
        const errors = error.details.fields.map((f) => ({ field: f.field, message: ctx.t(f.messageKey, f.params) }));
        return renderDossier(request, reply, { errors, entered }, 400);
      }
      throw error;
    }
  }

  app.get<{ Querystring: { q?: string; trang?: string } }>(deskPaths.queue, async (request, reply) => {
    const page = Number(request.query.trang ?? '1');
    const queue = await desk.queue(officer(request), { search: typeof request.query.q === 'string' ? request.query.q : '', page: Number.isInteger(page) ? page : 1 });
    return sendPage(reply, <QueuePageView ctx={viewContext(request)} queue={queue} />);
  });

  app.get<{ Params: { code: string }; Querystring: { xong?: string } }>('/can-bo/ho-so/:code', async (request, reply) => {
    const done = typeof request.query.xong === 'string' ? (doneParam[request.query.xong] ?? null) : null;
    return renderDossier(request, reply, { done });
  });

  app.get<{ Params: { code: string; documentId: string } }>('/can-bo/ho-so/:code/tai-lieu/:documentId', async (request, reply) => {
    const doc = await desk.document(officer(request), request.params.code, Number(request.params.documentId));
    const stream = await deps.storage.get(doc.storageKey);
    return reply
      .type(doc.mime)
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(doc.fileName)}`)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .send(stream);
  });

  app.post<{ Params: { code: string } }>('/can-bo/ho-so/:code/tiep-nhan', async (request, reply) =>
    decide(request, reply, 'received', {}, (user, code, rowVersion) => desk.receive(user, code, rowVersion)),
  );

  app.post<{ Params: { code: string } }>('/can-bo/ho-so/:code/bo-sung', async (request, reply) => {
    const items = field(request.body, 'items');
    const note = field(request.body, 'note');
    return decide(request, reply, 'supplement', { items, note }, (user, code, rowVersion) => desk.requestSupplement(user, code, parseSupplementItems(items), note, rowVersion));
  });

  app.post<{ Params: { code: string } }>('/can-bo/ho-so/:code/tu-choi', async (request, reply) => {
    const reasons = field(request.body, 'reasons');
    return decide(request, reply, 'refused', { reasons }, (user, code, rowVersion) => desk.refuse(user, code, reasons, rowVersion));
  });
}
