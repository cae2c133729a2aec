import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderToString } from 'preact-render-to-string';
import { sendPage, viewContext } from '../../platform/http/context.js';
import { DomainError } from '../../platform/errors/errors.js';
import type { Locale } from '../../platform/i18n/i18n.js';
import { LookupErrors, type LookupService, type PublicDossierView } from './lookup.service.js';
import { LookupFormPage, LookupResultPage } from './lookup.pages.js';

export interface LookupRouteDeps {
  lookup: LookupService;
  /** Lookups per client address per minute: slows down enumeration of codes and check digits. */
  rateLimit: number;
}

/*
 * Result pages for visitors who are not signed in are the same for everyone looking at the same state of a dossier,
 * except for the current address in the header's sign-in and language links. So each is rendered once per language
 * with a marker in place of that address, and kept beside the view it shows: a view is immutable, and a changed
 * dossier gets a new view object from the lookup service, so a WeakMap keyed by the view never serves a stale page.
 * The page is kept as UTF-8 bytes cut at the marker, so a request copies bytes instead of re-encoding the page's
 * Vietnamese text (about 3 KB: 1–2 µs against 4–9 µs per request, docs/benchmarks.md).
 * Signed-in visitors (their name and a sign-out form in the header) get a page rendered for them.
 */
const addressMarker = '\u0001address\u0001';
const encodedMarker = encodeURIComponent(addressMarker);
const renderedPages = new WeakMap<PublicDossierView, Partial<Record<Locale, Buffer[]>>>();

function sendResultPage(request: FastifyRequest, reply: FastifyReply, view: PublicDossierView): FastifyReply {
  if (request.user) return sendPage(reply, <LookupResultPage ctx={viewContext(request)} view={view} />);
  let byLocale = renderedPages.get(view);
  if (!byLocale) renderedPages.set(view, (byLocale = {}));
  let pieces = byLocale[request.locale];
  if (pieces === undefined) {
    const html = `<!doctype html>${renderToString(<LookupResultPage ctx={viewContext(request, { url: addressMarker })} view={view} />)}`;
    pieces = html.split(encodedMarker).map((piece) => Buffer.from(piece, 'utf8'));
    byLocale[request.locale] = pieces;
  }
  // Percent-encoded, the address is plain ASCII without quotes or ampersands: safe inside the attributes it fills.
  const address = Buffer.from(encodeURIComponent(request.url), 'latin1');
  const chunks: Buffer[] = [pieces[0]!];
  for (let i = 1; i < pieces.length; i++) chunks.push(address, pieces[i]!);
  return reply.status(200).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(Buffer.concat(chunks));
}

const isoDate = { type: ['string', 'null'], format: 'date-time' } as const;
const publicDossierSchema = {
  type: 'object',
  description: 'What anyone holding the code and the second factor may see: no names, numbers or addresses.',
  properties: {
    code: { type: 'string' },
    procedure: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
    status: { type: 'string', description: 'awaiting_reception, received, processing, awaiting_supplement, …' },
    channel: { type: 'string' },
    receivingAgency: { type: 'string' },
    holderAgency: { type: 'string', description: 'The agency handling the dossier now.' },
    submittedAt: { type: 'string', format: 'date-time' },
    receivedAt: isoDate,
    dueAt: { ...isoDate, description: 'When the result is due (set at reception).' },
    completedAt: isoDate,
    history: {
      type: 'array',
      items: {
        type: 'object',
        properties: { at: { type: 'string', format: 'date-time' }, action: { type: 'string' }, toStatus: { type: ['string', 'null'] }, toAgency: { type: ['string', 'null'] } },
      },
    },
  },
} as const;

/** Public lookup without signing in: by code + check value (form), by the QR link printed on the slip, or as JSON. */
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
      return sendResultPage(request, reply, view);
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
    const view = await deps.lookup.find(request.params.code, secret.slice(0, 20));
    return sendResultPage(request, reply, view);
  });

  app.get<{ Params: { code: string }; Querystring: { check: string } }>(
    '/api/v1/dossiers/:code/status',
    {
      config: limited,
      schema: {
        tags: ['lookup'],
        summary: 'Where a dossier is: its state, the agency handling it, the due date and the public history',
        description:
          'The public lookup as JSON. Needs the second factor printed on the receipt: the slip\'s check code or the last 4 digits of the applicant\'s phone. ' +
          'An unknown code and a wrong check value give the same 404 (LOOKUP_NOT_FOUND), so the API does not tell which codes exist. Rate-limited per address.',
        params: { type: 'object', properties: { code: { type: 'string', description: 'Dossier code, e.g. 000.00.30.H42-261123-0001' } }, required: ['code'] },
        querystring: {
          type: 'object',
          properties: { check: { type: 'string', minLength: 4, maxLength: 20, description: 'Check code from the receipt, or the last 4 digits of the phone' } },
          required: ['check'],
        },
        response: { 200: publicDossierSchema },
      },
    },
    async (request) => deps.lookup.find(request.params.code, request.query.check),
  );
}
