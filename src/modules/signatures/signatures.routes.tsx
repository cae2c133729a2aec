import type { FastifyInstance, FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { DomainError } from '../../platform/errors/errors.js';
import { requireUser } from '../../platform/http/auth.js';
import { sendPage, viewContext } from '../../platform/http/context.js';
import type { FileStorage } from '../../platform/storage/index.js';
import { inspectUpload } from '../dossiers/index.js';
import { DigitizePage, VerifyPage, VerifyStartPage } from './signatures.pages.js';
import { SignatureErrors } from './signatures.errors.js';
import { normaliseVerificationCode, type SignaturesService } from './signatures.service.js';

export interface SignaturesRouteDeps {
  signatures: SignaturesService;
  storage: FileStorage;
  uploadMaxBytes: number;
  /** Files checked on the public verification page per client address per minute. */
  checkRateLimit: number;
}

interface Received {
  fields: Record<string, string>;
  file: { fileName: string; bytes: Uint8Array; truncated: boolean } | null;
}

/** Reads a multipart form with at most one file (the first one). */
async function readMultipart(request: FastifyRequest): Promise<Received> {
  const fields: Record<string, string> = {};
  let file: Received['file'] = null;
  if (!request.isMultipart()) return { fields: (request.body ?? {}) as Record<string, string>, file };
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const chunks: Buffer[] = [];
      for await (const chunk of part.file) chunks.push(chunk as Buffer);
      if (!file && (part.filename || chunks.length > 0)) file = { fileName: part.filename, bytes: new Uint8Array(Buffer.concat(chunks)), truncated: part.file.truncated };
    } else {
      fields[part.fieldname] = String(part.value);
    }
  }
  return { fields, file };
}

export async function signaturesRoutes(app: FastifyInstance, deps: SignaturesRouteDeps): Promise<void> {
  const { signatures } = deps;

  // Public: the page behind the QR code of every result, and a start page to type the code.
  app.get<{ Querystring: { ma?: string } }>('/xac-minh-ket-qua', async (request, reply) => {
    const ctx = viewContext(request);
    const entered = typeof request.query.ma === 'string' ? request.query.ma : undefined;
    if (entered === undefined) return sendPage(reply, <VerifyStartPage ctx={ctx} />);
    const code = normaliseVerificationCode(entered);
    if (!code) return sendPage(reply, <VerifyStartPage ctx={ctx} entered={entered} error={ctx.t('signatures.verify.codeInvalid')} />, 400);
    return reply.redirect(`/xac-minh/${code}`, 303);
  });

  app.get<{ Params: { code: string } }>('/xac-minh/:code', async (request, reply) => {
    const view = await signatures.verification(request.params.code);
    return sendPage(reply, <VerifyPage ctx={viewContext(request)} view={view} />);
  });

  app.post<{ Params: { code: string } }>('/xac-minh/:code', { config: { rateLimit: { max: deps.checkRateLimit, timeWindow: '1 minute' } } }, async (request, reply) => {
    const ctx = viewContext(request);
    const view = await signatures.verification(request.params.code);
    const { file } = await readMultipart(request);
    if (!file || file.bytes.length === 0) return sendPage(reply, <VerifyPage ctx={ctx} view={view} error={ctx.t('signatures.verify.fileMissing')} />, 400);
    if (file.truncated) return sendPage(reply, <VerifyPage ctx={ctx} view={view} error={ctx.t('signatures.verify.fileTooLarge')} />, 400);
    const check = await signatures.checkUpload(view.verificationCode, file.bytes);
    return sendPage(reply, <VerifyPage ctx={ctx} view={view} check={check} />);
  });

  // The applicant downloads the result of their own dossier: the newest one, or one by its id.
  app.get<{ Params: { code: string } }>('/ho-so/:code/ket-qua', async (request, reply) => {
    const user = requireUser(request, 'citizen');
    const newest = (await signatures.resultsForApplicant(user, request.params.code))[0];
    if (!newest) throw new DomainError(SignatureErrors.resultNotFound);
    return reply.redirect(`/ho-so/${encodeURIComponent(request.params.code)}/ket-qua/${newest.id}`, 303);
  });

  app.get<{ Params: { code: string; resultId: string } }>('/ho-so/:code/ket-qua/:resultId', async (request, reply) => {
    const found = await signatures.resultFileForApplicant(requireUser(request, 'citizen'), request.params.code, Number(request.params.resultId));
    const stream = await deps.storage.get(found.storageKey);
    return reply
      .type(found.mime)
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(found.fileName)}`)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .send(stream);
  });

  // Desk: digitise the paper result of an older dossier.
  /** Desk officers and leaders digitise (the service checks again, with the dossier's agency). */
  const digitizer = (request: FastifyRequest) => {
    const user = requireUser(request, 'officer');
    if (!(user.roles.includes('desk') || user.roles.includes('leader'))) throw new DomainError(SignatureErrors.digitizeRoleRequired);
    return user;
  };

  app.get('/can-bo/so-hoa', async (request, reply) => {
    digitizer(request);
    return sendPage(reply, <DigitizePage ctx={viewContext(request)} errors={[]} entered={{}} />);
  });

  app.post('/can-bo/so-hoa', async (request, reply) => {
    const user = digitizer(request);
    const ctx = viewContext(request);
    const { fields, file } = await readMultipart(request);
    const entered = Object.fromEntries(['dossierCode', 'title', 'documentNumber', 'signedOn', 'signerName', 'note'].map((k) => [k, (fields[k] ?? '').slice(0, 300)]));
    const errors: { field: string; message: string }[] = [];
    if (!entered.dossierCode!.trim()) errors.push({ field: 'dossierCode', message: ctx.t('signatures.digitize.dossierCodeRequired') });
    if (entered.title!.trim().length < 3) errors.push({ field: 'title', message: ctx.t('signatures.digitize.titleRequired') });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(entered.signedOn!)) errors.push({ field: 'signedOn', message: ctx.t('signatures.digitize.signedOnRequired') });
    let inspected: Awaited<ReturnType<typeof inspectUpload>> | null = null;
    if (!file) errors.push({ field: 'file', message: ctx.t('signatures.digitize.fileRequired') });
    else {
      try {
        if (file.truncated) throw new DomainError(SignatureErrors.scanInvalid);
        inspected = await inspectUpload(file.bytes, { declaredName: file.fileName, maxBytes: deps.uploadMaxBytes, accept: ['pdf', 'jpeg', 'png'] });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        errors.push({ field: 'file', message: ctx.t(error.messageKey, error.details.params) });
      }
    }
    if (errors.length > 0 || !inspected || !file) return sendPage(reply, <DigitizePage ctx={ctx} errors={errors} entered={entered} />, 400);
    try {
      const done = await signatures.digitize(user, {
        dossierCode: entered.dossierCode!,
        title: entered.title!,
        documentNumber: entered.documentNumber!,
        signedOn: entered.signedOn!,
        signerName: entered.signerName!,
        note: entered.note!,
        file: { bytes: file.bytes, fileName: inspected.fileName, mime: inspected.mime, pages: inspected.pages ?? null, kind: inspected.kind },
      });
      return sendPage(reply, <DigitizePage ctx={ctx} errors={[]} entered={{}} done={done} />);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== SignatureErrors.dossierNotFound.code) throw error;
      return sendPage(reply, <DigitizePage ctx={ctx} errors={[{ field: 'dossierCode', message: ctx.t(error.messageKey) }]} entered={entered} />, 400);
    }
  });
}
