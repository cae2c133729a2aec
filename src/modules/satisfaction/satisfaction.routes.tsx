import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../platform/errors/errors.js';
import { requireUser } from '../../platform/http/auth.js';
import { sendPage, viewContext, type ViewContext } from '../../platform/http/context.js';
import type { FieldError } from '../../platform/views/layout.js';
import { ComplaintPage, OfficerComplaintPage, QueuePage, RatingPage, ThanksPage, emptyRatingForm, satisfactionPaths, type RatingFormValues } from './satisfaction.pages.js';
import { SatisfactionErrors } from './satisfaction.errors.js';
import { RATING_CRITERIA, type RatingInput, type SatisfactionService } from './satisfaction.service.js';

export interface SatisfactionRouteDeps {
  satisfaction: SatisfactionService;
  /** Rating-link pages per client address per minute (the link is a bearer token: guessing is slowed down too). */
  linkRateLimit: number;
}

type Body = Record<string, unknown>;
const str = (body: unknown, name: string): string => {
  const value = body && typeof body === 'object' ? (body as Body)[name] : undefined;
  return typeof value === 'string' ? value : '';
};

function ratingForm(body: unknown): RatingFormValues {
  return {
    overall: str(body, 'overall'),
    answers: Object.fromEntries(RATING_CRITERIA.map((c) => [c, str(body, c)])),
    comment: str(body, 'comment'),
    complain: str(body, 'complain') || 'no',
    category: str(body, 'category'),
    body: str(body, 'body'),
  };
}

function ratingInput(values: RatingFormValues): RatingInput {
  return { overall: values.overall, answers: values.answers, comment: values.comment, complain: values.complain, category: values.category, body: values.body };
}

/** The form's problems as the error summary shows them, or null when the error is not a validation error. */
function fieldErrors(ctx: ViewContext, error: unknown): FieldError[] | null {
  if (!(error instanceof DomainError) || !error.details.fields?.length) return null;
  return error.details.fields.map((f) => ({ field: f.field, message: ctx.t(f.messageKey, f.params) }));
}

/**
 * Ratings and complaints. The applicant's pages under /ho-so/:code are for the signed-in applicant (the service
 * checks the dossier is theirs); /danh-gia/:token is for whoever holds the single-use link of the result-returned
 * message (no account needed; the token is the authorisation); /can-bo/phan-anh is for desk officers and leaders,
 * each seeing their agency's complaints only (hook below, checked again by the service). Forms post and redirect;
 * a form problem renders the page again (400) with an error summary.
 */
export async function satisfactionRoutes(app: FastifyInstance, deps: SatisfactionRouteDeps): Promise<void> {
  const { satisfaction } = deps;
  const citizen = (request: FastifyRequest) => requireUser(request, 'citizen');

  // ---- the signed-in applicant ----

  app.get<{ Params: { code: string } }>('/ho-so/:code/danh-gia', async (request, reply) => {
    const s = await satisfaction.summary(citizen(request), request.params.code);
    return sendPage(reply, <RatingPage ctx={viewContext(request)} s={s} action={satisfactionPaths.rate(s.code)} values={emptyRatingForm} errors={[]} signedIn />);
  });

  app.post<{ Params: { code: string } }>('/ho-so/:code/danh-gia', async (request, reply) => {
    const user = citizen(request);
    const values = ratingForm(request.body);
    try {
      await satisfaction.rate(user, request.params.code, ratingInput(values));
    } catch (error) {
      const ctx = viewContext(request);
      const errors = fieldErrors(ctx, error);
      if (!errors) throw error;
      const s = await satisfaction.summary(user, request.params.code);
      return sendPage(reply, <RatingPage ctx={ctx} s={s} action={satisfactionPaths.rate(s.code)} values={values} errors={errors} signedIn />, 400);
    }
    return reply.redirect(`/ho-so/${encodeURIComponent(request.params.code)}`, 303);
  });

  app.get<{ Params: { code: string } }>('/ho-so/:code/phan-anh', async (request, reply) => {
    const s = await satisfaction.summary(citizen(request), request.params.code);
    return sendPage(reply, <ComplaintPage ctx={viewContext(request)} s={s} values={{ category: '', body: '' }} errors={[]} />);
  });

  app.post<{ Params: { code: string } }>('/ho-so/:code/phan-anh', async (request, reply) => {
    const user = citizen(request);
    const values = { category: str(request.body, 'category'), body: str(request.body, 'body') };
    try {
      await satisfaction.complain(user, request.params.code, values);
    } catch (error) {
      const ctx = viewContext(request);
      const errors = fieldErrors(ctx, error);
      if (!errors) throw error;
      const s = await satisfaction.summary(user, request.params.code);
      return sendPage(reply, <ComplaintPage ctx={ctx} s={s} values={values} errors={errors} />, 400);
    }
    return reply.redirect(`/ho-so/${encodeURIComponent(request.params.code)}`, 303);
  });

  // ---- the link in the result-returned message (no account) ----

  await app.register(async (links) => {
    const limit = { config: { rateLimit: { max: deps.linkRateLimit, timeWindow: '1 minute' } } };
    const page = (reply: FastifyReply, ctx: ViewContext, token: string, s: Awaited<ReturnType<SatisfactionService['byLink']>>, values: RatingFormValues, errors: FieldError[], status = 200) =>
      sendPage(reply, <RatingPage ctx={ctx} s={s} action={satisfactionPaths.link(token)} values={values} errors={errors} signedIn={false} />, status);

    links.get<{ Params: { token: string } }>('/danh-gia/:token', limit, async (request, reply) => {
      const s = await satisfaction.byLink(request.params.token);
      reply.header('cache-control', 'private, no-store').header('referrer-policy', 'no-referrer');
      return page(reply, viewContext(request), request.params.token, s, emptyRatingForm, []);
    });

    links.post<{ Params: { token: string } }>('/danh-gia/:token', limit, async (request, reply) => {
      const values = ratingForm(request.body);
      const ctx = viewContext(request);
      try {
        const done = await satisfaction.rateByLink(request.params.token, ratingInput(values));
        reply.header('cache-control', 'private, no-store');
        return sendPage(reply, <ThanksPage ctx={ctx} code={done.code} complaintDueAt={done.complaintDueAt} />);
      } catch (error) {
        const errors = fieldErrors(ctx, error);
        if (!errors) throw error;
        const s = await satisfaction.byLink(request.params.token);
        return page(reply, ctx, request.params.token, s, values, errors, 400);
      }
    });
  });

  // ---- the agency ----

  await app.register(async (officers) => {
    officers.addHook('preHandler', async (request) => {
      const user = requireUser(request, 'officer');
      if (user.agencyId === null || !user.roles.some((r) => r === 'desk' || r === 'leader')) throw new DomainError(SatisfactionErrors.officerRequired);
    });
    const officer = (request: FastifyRequest) => requireUser(request, 'officer');

    officers.get<{ Querystring: { xong?: string } }>(satisfactionPaths.queue, async (request, reply) => {
      const { open, answered } = await satisfaction.queue(officer(request));
      const ctx = viewContext(request);
      return sendPage(reply, <QueuePage ctx={ctx} open={open} answered={answered} notice={request.query.xong === '1' ? ctx.t('satisfaction.officer.sent') : null} />);
    });

    officers.get<{ Params: { complaintId: string } }>('/can-bo/phan-anh/:complaintId', async (request, reply) => {
      const c = await satisfaction.complaintFor(officer(request), Number(request.params.complaintId));
      return sendPage(reply, <OfficerComplaintPage ctx={viewContext(request)} c={c} values={{ answer: '' }} errors={[]} />);
    });

    officers.post<{ Params: { complaintId: string } }>('/can-bo/phan-anh/:complaintId', async (request, reply) => {
      const user = officer(request);
      const id = Number(request.params.complaintId);
      const answer = str(request.body, 'answer');
      try {
        await satisfaction.answer(user, id, Number(str(request.body, 'rowVersion')), answer);
      } catch (error) {
        const ctx = viewContext(request);
        const errors = fieldErrors(ctx, error);
        if (!errors) throw error;
        const c = await satisfaction.complaintFor(user, id);
        return sendPage(reply, <OfficerComplaintPage ctx={ctx} c={c} values={{ answer }} errors={errors} />, 400);
      }
      return reply.redirect(`${satisfactionPaths.queue}?xong=1`, 303);
    });
  });
}
