import type { FastifyInstance } from 'fastify';
import { sendPage, viewContext } from '../../platform/http/context.js';
import { DomainError } from '../../platform/errors/errors.js';
import { LookupErrors, type LookupService } from './lookup.service.js';
import { LookupFormPage, LookupResultPage } from './lookup.pages.js';

export interface LookupRouteDeps {
  lookup: LookupService;
  /** Lookups per client address per minute: slows down enumeration of codes and check digits. */
  rateLimit: number;
}

/** Public lookup without signing in: by code + check value (form), or by the QR link printed on the slip. */
export async function lookupRoutes(app: FastifyInstance, deps: LookupRouteDeps): Promise<void> {
  const limited = { rateLimit: { max: deps.rateLimit, timeWindow: '1 minute' } };

  app.get('/tra-cuu', async (request, reply) => sendPage(reply, <LookupFormPage ctx={viewContext(request)} code="" errors={[]} />));

  app.post<{ Body: { code?: string; check?: string } }>('/tra-cuu', { config: limited }, async (request, reply) => {
    const ctx = viewContext(request);
    const code = typeof request.body?.code === 'string' ? request.body.code.slice(0, 60) : '';
    const check = typeof request.body?.check === 'string' ? request.body.check.slice(0, 20) : '';
    const errors = [];
    if (!code.trim()) errors.push({ field: 'code', message: ctx.t('lookup.error.codeRequired') });
    if (check.trim().length < 4) errors.push({ field: 'check', message: ctx.t('lookup.error.checkRequired') });
    if (errors.length > 0) return sendPage(reply, <LookupFormPage ctx={ctx} code={code} errors={errors} />, 400);
    try {
      const view = await deps.lookup.find(code, check);
      return sendPage(reply, <LookupResultPage ctx={ctx} view={view} />);
    } catch (error) {
      if (error instanceof DomainError && (error.code === LookupErrors.notFound.code || error.code === LookupErrors.badCode.code)) {
        const field = error.code === LookupErrors.badCode.code ? 'code' : 'check';
        return sendPage(reply, <LookupFormPage ctx={ctx} code={code} errors={[{ field, message: ctx.t(error.messageKey) }]} />, error.code === LookupErrors.notFound.code ? 404 : 400);
      }
      throw error;
    }
  });

  // The QR code on the receipt slip links here with the slip's secret.
  app.get<{ Params: { code: string }; Querystring: { s?: string } }>('/tra-cuu/:code', { config: limited }, async (request, reply) => {
    const secret = typeof request.query.s === 'string' ? request.query.s : '';
    if (!secret) return sendPage(reply, <LookupFormPage ctx={viewContext(request)} code={request.params.code} errors={[]} />);
    const view = await deps.lookup.find(request.params.code, secret);
    return sendPage(reply, <LookupResultPage ctx={viewContext(request)} view={view} />);
  });
}
