import type { FastifyInstance, FastifyReply } from 'fastify';
import { requireUser } from '../../platform/http/auth.js';
import { renderReceiptSlip } from '../dossiers/index.js';
import { renderSlip } from './slips.js';
import type { SlipsService } from './slips.service.js';

export interface SlipRouteDeps {
  slips: SlipsService;
  /** Public address of the portal, for the lookup link in the receipt slip's QR code. */
  baseUrl: string;
}

/**
 * The standard documents 02–06 as PDF downloads: officers at `/can-bo/ho-so/:code/phieu/:form`, applicants under
 * their own dossier at `/ho-so/:code/phieu/:form` (02–05). Declared per route for the kind of user; the service
 * checks the agency or the ownership again.
 */
export async function slipRoutes(app: FastifyInstance, deps: SlipRouteDeps): Promise<void> {
  const send = async (reply: FastifyReply, data: Awaited<ReturnType<SlipsService['slip']>>) => {
    const pdf = await renderSlip(data);
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="mau-${data.form}-${data.dossier.code}.pdf"`)
      .header('cache-control', 'private, no-store')
      .send(Buffer.from(pdf));
  };

  app.get<{ Params: { code: string; form: string } }>('/can-bo/ho-so/:code/phieu/:form', async (request, reply) => {
    const user = requireUser(request, 'officer');
    if (request.params.form === '01') {
      // The receipt slip (form 01), printed at the desk for walk-in applicants who have no account to download it.
      const slip = await deps.slips.receiptSlip(user, request.params.code, request.locale);
      const pdf = await renderReceiptSlip({ ...slip, baseUrl: deps.baseUrl });
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="giay-tiep-nhan-${slip.code}.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(Buffer.from(pdf));
    }
    const data = await deps.slips.slip(user, request.params.code, request.params.form, request.locale);
    request.log.info({ action: 'workflow.slip', dossierCode: data.dossier.code, form: data.form, userId: user.id }, 'form issued');
    return send(reply, data);
  });

  app.get<{ Params: { code: string; form: string } }>('/ho-so/:code/phieu/:form', async (request, reply) => {
    const user = requireUser(request, 'citizen');
    return send(reply, await deps.slips.slip(user, request.params.code, request.params.form, request.locale));
  });
}
