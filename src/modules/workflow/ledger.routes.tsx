import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../platform/errors/errors.js';
import { requireUser } from '../../platform/http/auth.js';
import { sendPage, viewContext } from '../../platform/http/context.js';
import { writeLedgerCsv, writeLedgerXlsx } from './ledger.export.js';
import { cursorParam, filtersFromQuery, LedgerPageView, ledgerPaths } from './ledger.pages.js';
import type { LedgerFilters, LedgerService } from './ledger.service.js';

export interface LedgerRouteDeps {
  ledger: LedgerService;
}

/** Echo of what was typed, for a page shown with errors. */
function entered(f: LedgerFilters): Required<LedgerFilters> {
  return {
    dateField: f.dateField ?? 'submitted',
    from: f.from ?? '',
    to: f.to ?? '',
    statuses: f.statuses ?? [],
    channel: f.channel ?? '',
    procedureCode: f.procedureCode ?? '',
    sectorId: f.sectorId ?? '',
    timing: f.timing ?? '',
    search: f.search ?? '',
  };
}

/**
 * The tracking ledger (form 07) of the signed-in officer's agency: `/can-bo/so-theo-doi` (filters in the query, GET
 * only: nothing changes), and the same rows as `.xlsx` and `.csv`. Declared for officers; the service checks the
 * agency. Exports stream: the response starts before the last row is read.
 */
export async function ledgerRoutes(app: FastifyInstance, deps: LedgerRouteDeps): Promise<void> {
  const { ledger } = deps;

  app.get(ledgerPaths.list, async (request, reply) => {
    const user = requireUser(request, 'officer');
    const filters = filtersFromQuery(request.query);
    const cursor = (request.query as Record<string, unknown>)[cursorParam];
    const ctx = viewContext(request);
    try {
      const page = await ledger.page(user, filters, typeof cursor === 'string' ? cursor : null);
      return sendPage(reply, <LedgerPageView ctx={ctx} page={page} entered={page.filters} />);
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'invalid' || !error.details.fields) throw error;
      const errors = error.details.fields.map((f) => ({ field: f.field, message: ctx.t(f.messageKey, f.params) }));
      return sendPage(reply, <LedgerPageView ctx={ctx} page={null} errors={errors} entered={entered(filters)} />, 400);
    }
  });

  async function exportAs(request: FastifyRequest, reply: FastifyReply, kind: 'xlsx' | 'csv') {
    const user = requireUser(request, 'officer');
    const filters = filtersFromQuery(request.query);
    const t = viewContext(request).t;
    // Checks the officer and the filters before the response starts (errors still become a proper page).
    const agencyName = await ledger.agencyName(user);
    const batches = ledger.exportRows(user, filters);
    const first = await batches.next();
    async function* all() {
      if (!first.done) yield first.value;
      yield* batches;
    }
    const out = new PassThrough();
    const exportedAt = new Date();
    const stamp = exportedAt.toISOString().slice(0, 10);
    const write = kind === 'xlsx' ? writeLedgerXlsx(out, all(), t, { agencyName, exportedAt }) : writeLedgerCsv(out, all(), t);
    write.then(
      (rows) => request.log.info({ action: 'workflow.ledger.export', kind, rows, userId: user.id }, 'ledger exported'),
      (error: unknown) => {
        request.log.error({ err: error, action: 'workflow.ledger.export' }, 'ledger export failed');
        out.destroy(error instanceof Error ? error : new Error(String(error)));
      },
    );
    return reply
      .type(kind === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="so-theo-doi-ho-so-${stamp}.${kind}"`)
      .header('cache-control', 'private, no-store')
      .send(out);
  }

  app.get(ledgerPaths.xlsx, async (request, reply) => exportAs(request, reply, 'xlsx'));
  app.get(ledgerPaths.csv, async (request, reply) => exportAs(request, reply, 'csv'));
}
