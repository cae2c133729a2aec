import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../platform/errors/errors.js';
import { requireUser, type SessionUser } from '../../platform/http/auth.js';
import { sendPage, viewContext } from '../../platform/http/context.js';
import type { FileStorage } from '../../platform/storage/index.js';
import { WorkflowErrors } from './workflow.errors.js';
import { InboxPageView, TaskPageView, actionSlugs, taskPaths } from './tasks.pages.js';
import type { TaskAction, TaskService } from './tasks.service.js';
import { parseSupplementItems } from './workflow.routes.js';

export interface TaskRouteDeps {
  tasks: TaskService;
  /** Where dossier documents are stored (the officer opens them from the task). */
  storage: FileStorage;
}

type Body = Record<string, unknown>;

function field(body: unknown, name: string): string {
  const value = body && typeof body === 'object' ? (body as Body)[name] : undefined;
  return typeof value === 'string' ? value : '';
}

function fields(body: unknown, name: string): string[] {
  const value = body && typeof body === 'object' ? (body as Body)[name] : undefined;
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : [];
}

const bySlug = new Map(Object.entries(actionSlugs).map(([action, slug]) => [slug, action as TaskAction]));
const PROCESS_ROLES = ['desk', 'handler', 'leader', 'agency_admin'];

/**
 * The officers' inbox (`/can-bo/viec-can-lam`) and task pages (`/can-bo/viec/:id`). Declared for signed-in officers
 * of an agency with a process role (hook below); the service checks the agency and role again on every call.
 * Actions follow post/redirect/get: success redirects to the task page with a confirmation; a form problem (400) or
 * a conflict (409: someone else acted first) renders the page again with fresh data, the message and what was typed.
 */
export async function taskRoutes(app: FastifyInstance, deps: TaskRouteDeps): Promise<void> {
  const { tasks } = deps;

  app.addHook('preHandler', async (request) => {
    const user = requireUser(request, 'officer');
    if (user.agencyId === null || !user.roles.some((r) => PROCESS_ROLES.includes(r))) throw new DomainError(WorkflowErrors.officerRequired);
  });
  const officer = (request: FastifyRequest): SessionUser => requireUser(request, 'officer');

  app.get<{ Querystring: { pham_vi?: string; han?: string; ma?: string; trang?: string; xong?: string; n?: string } }>(taskPaths.inbox, async (request, reply) => {
    const q = request.query;
    const page = Number(q.trang ?? '1');
    const inbox = await tasks.inbox(officer(request), {
      scope: q.pham_vi as never,
      urgency: q.han as never,
      code: typeof q.ma === 'string' ? q.ma : '',
      page: Number.isInteger(page) ? page : 1,
    });
    const ctx = viewContext(request);
    const notice = q.xong === 'phan-cong' ? ctx.t('workflow.inbox.assigned', { n: Number(q.n ?? 0) || 0 }) : null;
    return sendPage(reply, <InboxPageView ctx={ctx} inbox={inbox} notice={notice} />);
  });

  app.post(taskPaths.assign, async (request, reply) => {
    const ids = fields(request.body, 'task').map(Number);
    try {
      const outcome = await tasks.assign(officer(request), ids, Number(field(request.body, 'assignee')));
      request.log.info({ action: 'workflow.task.assign', count: outcome.assigned }, 'tasks assigned');
      return reply.redirect(`${taskPaths.inbox}?xong=phan-cong&n=${outcome.assigned}`, 303);
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'invalid' || !error.details.fields) throw error;
      const ctx = viewContext(request);
      const inbox = await tasks.inbox(officer(request), {});
      const errors = error.details.fields.map((f) => ({ field: f.field === 'task' ? 'task-list' : f.field, message: ctx.t(f.messageKey, f.params) }));
      return sendPage(reply, <InboxPageView ctx={ctx} inbox={inbox} errors={errors} />, 400);
    }
  });

  async function renderTask(request: FastifyRequest, reply: FastifyReply, extra: Parameters<typeof TaskPageView>[0] extends infer P ? Omit<P, 'ctx' | 'task'> : never, status = 200) {
    const ctx = viewContext(request);
    const task = await tasks.task(officer(request), Number((request.params as { id: string }).id));
    return sendPage(reply, <TaskPageView ctx={ctx} task={task} {...extra} />, status);
  }

  app.get<{ Params: { id: string }; Querystring: { xong?: string } }>('/can-bo/viec/:id', async (request, reply) => {
    const done = typeof request.query.xong === 'string' ? (bySlug.get(request.query.xong) ?? null) : null;
    return renderTask(request, reply, { done });
  });

  app.get<{ Params: { id: string; documentId: string } }>('/can-bo/viec/:id/tai-lieu/:documentId', async (request, reply) => {
    const doc = await tasks.document(officer(request), Number(request.params.id), Number(request.params.documentId));
    const stream = await deps.storage.get(doc.storageKey);
    return reply
      .type(doc.mime)
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(doc.fileName)}`)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .send(stream);
  });

  app.post<{ Params: { id: string; action: string } }>('/can-bo/viec/:id/:action', async (request, reply) => {
    const action = bySlug.get(request.params.action);
    if (!action) return reply.callNotFound();
    const id = Number(request.params.id);
    const body = request.body;
    const rowVersion = Number(field(body, 'rowVersion'));
    const user = officer(request);
    const entered: Record<string, string> = {};
    for (const name of ['note', 'reason', 'answer', 'question', 'draft', 'items', 'agency', 'delivery', 'newDueDate']) {
      const value = field(body, name);
      if (value !== '') entered[name] = value;
    }
    const run: Record<TaskAction, () => Promise<unknown>> = {
      forward: () => tasks.forward(user, id, rowVersion, field(body, 'note')),
      answer: () => tasks.answer(user, id, rowVersion, field(body, 'answer')),
      return: () => tasks.returnToPrevious(user, id, rowVersion, field(body, 'reason')),
      transfer: () => tasks.transfer(user, id, rowVersion, Number(field(body, 'agency')), field(body, 'reason')),
      consult: () => tasks.consult(user, id, rowVersion, Number(field(body, 'agency')), field(body, 'question')),
      approve: () => tasks.approve(user, id, rowVersion, field(body, 'note')),
      decline: () => tasks.decline(user, id, rowVersion, field(body, 'reason')),
      draft: () => tasks.attachDraft(user, id, rowVersion, field(body, 'draft')),
      requestSupplement: () => tasks.requestSupplement(user, id, rowVersion, parseSupplementItems(field(body, 'items')), field(body, 'note')),
      stop: () => tasks.stop(user, id, rowVersion, field(body, 'reason')),
      returnResult: () => tasks.returnResult(user, id, rowVersion, field(body, 'delivery'), field(body, 'note')),
      apology: () => tasks.issueApology(user, id, rowVersion, field(body, 'reason'), field(body, 'newDueDate')),
      claim: () => tasks.claim(user, id, rowVersion),
    };
    try {
      await run[action]();
      request.log.info({ action: `workflow.task.${action}`, taskId: id, userId: user.id }, 'task action');
      return reply.redirect(`${taskPaths.task(id)}?xong=${actionSlugs[action]}`, 303);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const ctx = viewContext(request);
      if (error.kind === 'conflict') {
        request.log.info({ action: `workflow.task.${action}`, taskId: id, code: error.code }, 'task action refused');
        return renderTask(request, reply, { conflict: { message: ctx.t(error.messageKey, error.details.params), code: error.code }, entered, failedAction: action }, 409);
      }
      if (error.kind === 'invalid' && error.details.fields) {
        const errors = error.details.fields.map((f) => ({ field: f.field, message: ctx.t(f.messageKey, f.params) }));
        return renderTask(request, reply, { errors, entered, failedAction: action }, 400);
      }
      throw error;
    }
  });
}
