import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CommonErrors, DomainError, type ErrorKind } from '../errors/errors.js';
import { Page } from '../views/layout.js';
import { sendPage, viewContext } from './context.js';

/** The one mapping from domain error kinds to HTTP status codes. */
export const statusOfKind: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

/** JSON for API clients, an HTML page for browsers. */
function wantsJson(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/')) return true;
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

function toDomainError(error: FastifyError | Error): DomainError {
  if (error instanceof DomainError) return error;
  const fe = error as FastifyError;
  if (fe.validation) {
    return new DomainError(CommonErrors.validation, {
      fields: fe.validation.map((v) => ({
        field: String(v.instancePath || (v.params as { missingProperty?: string }).missingProperty || fe.validationContext || ''),
        messageKey: 'error.fieldInvalid',
      })),
    });
  }
  if (fe.statusCode === 429) return new DomainError(CommonErrors.rateLimited);
  if (fe.statusCode === 404) return new DomainError(CommonErrors.notFound);
  if (fe.statusCode === 403 && fe.code?.startsWith('FST_CSRF')) return new DomainError(CommonErrors.csrf);
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return new DomainError(CommonErrors.validation, { cause: error });
  return new DomainError(CommonErrors.internal, { cause: error });
}

export function sendError(request: FastifyRequest, reply: FastifyReply, error: FastifyError | Error): FastifyReply {
  const domain = toDomainError(error);
  const status = statusOfKind[domain.kind];
  if (status >= 500) request.log.error({ err: error, code: domain.code }, 'request failed');
  else request.log.info({ code: domain.code }, 'request refused');
  // A page that needs a signed-in user sends the visitor to sign in and back (GOV.UK pattern), not to an error.
  if (domain.kind === 'unauthenticated' && !wantsJson(request) && request.method === 'GET') {
    return reply.redirect(`/dang-nhap?next=${encodeURIComponent(request.url)}`, 303);
  }
  const ctx = viewContext(request);
  const message = ctx.t(domain.messageKey, domain.details.params);
  if (status === 429) reply.header('retry-after', '60');
  if (wantsJson(request)) {
    return reply.status(status).send({
      error: {
        code: domain.code,
        message,
        requestId: String(request.id),
        ...(domain.details.fields ? { fields: domain.details.fields.map((f) => ({ field: f.field, message: ctx.t(f.messageKey, f.params) })) } : {}),
      },
    });
  }
  return sendPage(
    reply,
    <Page ctx={ctx} title={ctx.t(`errorPage.${domain.kind}.title`)}>
      <h1>{ctx.t(`errorPage.${domain.kind}.title`)}</h1>
      <p class="lead">{message}</p>
      <p>
        {ctx.t('errorPage.codeLine', { code: domain.code, requestId: String(request.id) })}
      </p>
      <p>
        <a href="/">{ctx.t('errorPage.home')}</a>
      </p>
    </Page>,
    status,
  );
}
