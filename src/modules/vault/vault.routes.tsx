import type { FastifyInstance } from 'fastify';
import { requireUser } from '../../platform/http/auth.js';
import { sendPage, viewContext } from '../../platform/http/context.js';
import { localText } from '../forms/index.js';
import type { FileStorage } from '../../platform/storage/index.js';
import { ChooseFromVaultPage, VaultPage } from './vault.pages.js';
import type { VaultService } from './vault.service.js';

export interface VaultRouteDeps {
  vault: VaultService;
  storage: FileStorage;
}

export async function vaultRoutes(app: FastifyInstance, deps: VaultRouteDeps): Promise<void> {
  const { vault } = deps;

  app.get('/kho-du-lieu', async (request, reply) => {
    const documents = await vault.documents(requireUser(request, 'citizen'));
    return sendPage(reply, <VaultPage ctx={viewContext(request)} documents={documents} />);
  });

  app.get<{ Params: { id: string } }>('/kho-du-lieu/:id/tai-xuong', async (request, reply) => {
    const file = await vault.documentFile(requireUser(request, 'citizen'), Number(request.params.id));
    const stream = await deps.storage.get(file.storageKey);
    return reply
      .type(file.mime)
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .send(stream);
  });

  // "Choose from my vault" for a file field of a draft marked as accepting vault documents.
  app.get<{ Params: { draftId: string; fieldId: string } }>('/ho-so-nhap/:draftId/kho-du-lieu/:fieldId', async (request, reply) => {
    const ctx = viewContext(request);
    const choices = await vault.choicesFor(requireUser(request, 'citizen'), request.params.draftId, request.params.fieldId);
    return sendPage(
      reply,
      <ChooseFromVaultPage
        ctx={ctx}
        draftId={choices.draftId}
        fieldId={choices.field.id}
        fieldLabel={localText(choices.field.label, ctx.locale)}
        procedureName={choices.procedureName}
        backHref={`/ho-so-nhap/${choices.draftId}/${choices.sectionId}`}
        documents={choices.documents}
      />,
    );
  });

  app.post<{ Params: { draftId: string; fieldId: string }; Body: { documentId?: string } }>('/ho-so-nhap/:draftId/kho-du-lieu/:fieldId', async (request, reply) => {
    const user = requireUser(request, 'citizen');
    const ctx = viewContext(request);
    const chosen = Number(request.body?.documentId);
    if (!Number.isSafeInteger(chosen) || chosen <= 0) {
      const choices = await vault.choicesFor(user, request.params.draftId, request.params.fieldId);
      return sendPage(
        reply,
        <ChooseFromVaultPage
          ctx={ctx}
          draftId={choices.draftId}
          fieldId={choices.field.id}
          fieldLabel={localText(choices.field.label, ctx.locale)}
          procedureName={choices.procedureName}
          backHref={`/ho-so-nhap/${choices.draftId}/${choices.sectionId}`}
          documents={choices.documents}
          error={ctx.t('vault.choose.required')}
        />,
        400,
      );
    }
    const done = await vault.attachToDraft(user, request.params.draftId, request.params.fieldId, chosen);
    return reply.redirect(`/ho-so-nhap/${request.params.draftId}/${done.sectionId}`, 303);
  });
}
