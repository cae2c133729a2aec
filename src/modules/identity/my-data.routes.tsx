import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireUser } from '../../platform/http/auth.js';
import { sendPage, viewContext } from '../../platform/http/context.js';
import { statusOfKind } from '../../platform/http/errors.js';
import { logout } from '../../platform/http/session.js';
import { DomainError } from '../../platform/errors/errors.js';
import type { FieldError } from '../../platform/views/layout.js';
import type { FormState, IdentityViewContext } from './identity.components.js';
import { IdentityErrors } from './identity.errors.js';
import { ErasedPage, MyDataPage } from './my-data.pages.js';
import type { MyDataService } from './my-data.service.js';

export interface MyDataRouteDeps {
  myData: MyDataService;
}

export const myDataPath = '/tai-khoan/du-lieu-ca-nhan';

/** The citizen's "my data" page: access log, export, erasure (Decree 13/2023/NĐ-CP). */
export async function myDataRoutes(app: FastifyInstance, { myData }: MyDataRouteDeps): Promise<void> {
  const ctxOf = (request: FastifyRequest) => viewContext(request) as IdentityViewContext;

  async function page(request: FastifyRequest, reply: FastifyReply, form: FormState, status = 200) {
    const user = requireUser(request, 'citizen');
    const accessLog = await myData.accessLog(user);
    return sendPage(reply, <MyDataPage ctx={ctxOf(request)} accessLog={accessLog} form={form} />, status);
  }

  app.get(myDataPath, async (request, reply) => page(request, reply, { values: {}, errors: [] }));

  app.get(`${myDataPath}/tai-ve`, async (request, reply) => {
    const user = requireUser(request, 'citizen');
    const archive = await myData.exportArchive(user);
    return reply
      .header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="${archive.fileName}"`)
      .header('cache-control', 'no-store')
      .send(Buffer.from(archive.bytes));
  });

  app.post(`${myDataPath}/xoa`, async (request, reply) => {
    const user = requireUser(request, 'citizen');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const confirmed = body.confirm === 'yes';
    try {
      await myData.erase(user, confirmed);
    } catch (error) {
      if (!(error instanceof DomainError) || (error.code !== IdentityErrors.erasureNotConfirmed.code && error.code !== IdentityErrors.erasureBlocked.code)) throw error;
      const ctx = ctxOf(request);
      const errors: FieldError[] = [{ field: 'confirm', message: `${ctx.t(error.messageKey, error.details.params)} (${error.code})` }];
      return page(request, reply, { values: { confirm: confirmed ? 'yes' : '' }, errors }, statusOfKind[error.kind]);
    }
    await logout(reply);
    return reply.redirect(`${myDataPath}/da-xoa`, 303);
  });

  app.get(`${myDataPath}/da-xoa`, async (request, reply) => sendPage(reply, <ErasedPage ctx={ctxOf(request)} />));
}
