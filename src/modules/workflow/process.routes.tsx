import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../platform/errors/errors.js';
import { requireUser, type SessionUser } from '../../platform/http/auth.js';
import { sendPage, viewContext } from '../../platform/http/context.js';
import type { FieldError } from '../../platform/views/layout.js';
import { EditorPageView, OverviewPageView, ReviewPageView, processPaths, scopeQuery } from './process.pages.js';
import { MAX_STEPS, ProcessService, stepField, type ProcessDraft, type StepInput } from './process.service.js';

export interface ProcessRouteDeps {
  processes: ProcessService;
}

type Body = Record<string, unknown>;

function field(body: unknown, name: string): string {
  const value = body && typeof body === 'object' ? (body as Body)[name] : undefined;
  return typeof value === 'string' ? value : '';
}

/** The scope asked for: a system administrator's `co-quan` (an agency id); absent → the actor's default scope. */
function scopeParam(text: unknown): number | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  return /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
}

/** The editor's rows as posted: `steps` rows named `step-{n}-{field}` (1-based). */
export function draftFromBody(body: unknown): ProcessDraft {
  const count = Math.min(Math.max(Number.parseInt(field(body, 'steps'), 10) || 0, 0), MAX_STEPS + 1);
  const steps: StepInput[] = [];
  for (let n = 1; n <= count; n++) {
    steps.push({
      kind: field(body, stepField(n, 'kind')),
      role: field(body, stepField(n, 'role')),
      agency: field(body, stepField(n, 'agency')) || 'receiving',
      share: field(body, stepField(n, 'share')),
      name: field(body, stepField(n, 'name')),
      nameEn: field(body, stepField(n, 'nameEn')),
    });
  }
  return { name: field(body, 'name'), legalBasis: field(body, 'legalBasis'), steps };
}

const blankStep = (): StepInput => ({ kind: 'handle', role: 'handler', agency: 'receiving', share: '0', name: '', nameEn: '' });

/**
 * The row buttons of the editor, applied to the posted rows without saving anything (they work without JavaScript):
 * `add` puts a blank step before the closing "return" step (or at the end), `remove:n`, `up:n`, `down:n` act on row
 * n. Returns null for any other action.
 */
export function applyRowAction(draft: ProcessDraft, action: string): ProcessDraft | null {
  const steps = [...draft.steps];
  if (action === 'add') {
    if (steps.length >= MAX_STEPS) return { ...draft, steps };
    const at = steps.length > 0 && steps[steps.length - 1]!.kind === 'return' ? steps.length - 1 : steps.length;
    steps.splice(at, 0, blankStep());
    return { ...draft, steps };
  }
  const match = /^(remove|up|down):(\d{1,3})$/.exec(action);
  if (!match) return null;
  const index = Number(match[2]) - 1;
  if (index < 0 || index >= steps.length) return { ...draft, steps };
  if (match[1] === 'remove') steps.splice(index, 1);
  else {
    const other = match[1] === 'up' ? index - 1 : index + 1;
    if (other >= 0 && other < steps.length) [steps[index], steps[other]] = [steps[other]!, steps[index]!];
  }
  return { ...draft, steps };
}

/**
 * The internal-process pages: `/can-bo/quy-trinh` (procedures of the officer's agency and their process versions) and
 * `/can-bo/quy-trinh/:procedureCode` (the visual step list, the edit form, check before publishing, version history
 * and restore). Declared for signed-in officers (hook below); the service decides who may read and who may edit.
 * Publishing follows post/redirect/get; a form problem or a conflict renders the editor again with what was typed.
 */
export async function processRoutes(app: FastifyInstance, deps: ProcessRouteDeps): Promise<void> {
  const { processes } = deps;

  app.addHook('preHandler', async (request) => {
    requireUser(request, 'officer');
  });
  const officer = (request: FastifyRequest): SessionUser => requireUser(request, 'officer');

  async function renderEditor(
    request: FastifyRequest,
    reply: FastifyReply,
    code: string,
    scope: number | undefined,
    options: { draft?: ProcessDraft; errors?: FieldError[]; conflict?: { message: string; code: string } | null; done?: number | null; version?: number } = {},
    status = 200,
  ) {
    const view = await processes.editor(officer(request), code, { ...(scope !== undefined ? { agencyId: scope } : {}), ...(options.version !== undefined ? { version: options.version } : {}) });
    const draft = options.draft ?? ProcessService.draftOf(view.shown);
    return sendPage(
      reply,
      <EditorPageView ctx={viewContext(request)} view={view} draft={draft} errors={options.errors ?? []} conflict={options.conflict ?? null} done={options.done ?? null} />,
      status,
    );
  }

  /** A field problem (400) or a conflict (409) comes back as the editor with the officer's rows kept. */
  async function renderProblem(request: FastifyRequest, reply: FastifyReply, code: string, scope: number | undefined, draft: ProcessDraft | undefined, error: unknown) {
    if (!(error instanceof DomainError)) throw error;
    const ctx = viewContext(request);
    if (error.kind === 'invalid' && error.details.fields) {
      const errors = error.details.fields.map((f) => ({ field: f.field, message: ctx.t(f.messageKey, f.params) }));
      return renderEditor(request, reply, code, scope, { ...(draft ? { draft } : {}), errors }, 400);
    }
    if (error.kind === 'conflict') {
      request.log.info({ action: 'workflow.process.publish', code: error.code }, 'process publication refused');
      return renderEditor(request, reply, code, scope, { ...(draft ? { draft } : {}), conflict: { message: ctx.t(error.messageKey, error.details.params), code: error.code } }, 409);
    }
    throw error;
  }

  app.get<{ Querystring: { q?: string; trang?: string; 'co-quan'?: string } }>(processPaths.list, async (request, reply) => {
    const page = Number(request.query.trang ?? '1');
    const scope = scopeParam(request.query['co-quan']);
    const overview = await processes.overview(officer(request), {
      search: typeof request.query.q === 'string' ? request.query.q : '',
      page: Number.isInteger(page) ? page : 1,
      ...(scope !== undefined ? { agencyId: scope } : {}),
    });
    return sendPage(reply, <OverviewPageView ctx={viewContext(request)} page={overview} />);
  });

  app.get<{ Params: { procedureCode: string }; Querystring: { 'co-quan'?: string; 'phien-ban'?: string; xong?: string } }>('/can-bo/quy-trinh/:procedureCode', async (request, reply) => {
    const version = request.query['phien-ban'];
    const done = Number(request.query.xong);
    return renderEditor(request, reply, request.params.procedureCode, scopeParam(request.query['co-quan']), {
      ...(typeof version === 'string' && version !== '' ? { version: Number(version) } : {}),
      done: Number.isInteger(done) && done > 0 ? done : null,
    });
  });

  app.post<{ Params: { procedureCode: string } }>('/can-bo/quy-trinh/:procedureCode', async (request, reply) => {
    const code = request.params.procedureCode;
    const scope = scopeParam(field(request.body, 'coQuan'));
    const action = field(request.body, 'action') || 'review';
    const draft = draftFromBody(request.body);
    const user = officer(request);

    const moved = applyRowAction(draft, action);
    if (moved) return renderEditor(request, reply, code, scope, { draft: moved });
    if (action === 'edit') return renderEditor(request, reply, code, scope, { draft });

    if (action === 'publish') {
      const baseVersion = Number(field(request.body, 'baseVersion'));
      try {
        const published = await processes.publish(user, code, scope, draft, Number.isInteger(baseVersion) ? baseVersion : -1, { ip: request.ip });
        request.log.info({ action: 'workflow.process.publish', procedureCode: code, version: published.version, userId: user.id }, 'process published');
        return reply.redirect(processPaths.editor(code, { ...scopeQuery(published.scope, scope !== undefined), xong: published.version }), 303);
      } catch (error) {
        return renderProblem(request, reply, code, scope, draft, error);
      }
    }

    // Anything else is "continue": check the draft and show it before publishing.
    try {
      const review = await processes.review(user, code, scope, draft);
      const view = await processes.editor(user, code, scope !== undefined ? { agencyId: scope } : {});
      return sendPage(
        reply,
        <ReviewPageView ctx={viewContext(request)} view={view} draft={draft} steps={review.steps} name={review.draft.name} legalBasis={review.draft.legalBasis} />,
      );
    } catch (error) {
      return renderProblem(request, reply, code, scope, draft, error);
    }
  });

  app.post<{ Params: { procedureCode: string } }>('/can-bo/quy-trinh/:procedureCode/khoi-phuc', async (request, reply) => {
    const code = request.params.procedureCode;
    const scope = scopeParam(field(request.body, 'coQuan'));
    const user = officer(request);
    const version = Number(field(request.body, 'version'));
    const baseVersion = Number(field(request.body, 'baseVersion'));
    try {
      const restored = await processes.restore(user, code, scope, version, Number.isInteger(baseVersion) ? baseVersion : -1, { ip: request.ip });
      request.log.info({ action: 'workflow.process.restore', procedureCode: code, version: restored.version, from: version, userId: user.id }, 'process restored');
      return reply.redirect(processPaths.editor(code, { ...scopeQuery(restored.scope, scope !== undefined), xong: restored.version }), 303);
    } catch (error) {
      return renderProblem(request, reply, code, scope, undefined, error);
    }
  });
}
