import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../../platform/errors/errors.js';
import { requireUser } from '../../platform/http/auth.js';
import { sendPage, viewContext } from '../../platform/http/context.js';
import { BANK_SIGNATURE_HEADER, BANK_TIMESTAMP_HEADER } from './bank.js';
import { renderEReceipt } from './e-receipt.js';
import { FeePage, OfficerFeePage, PaymentResultPage, VerifyReceiptPage, type FeeFormValues } from './payments.pages.js';
import { PaymentErrors } from './payments.errors.js';
import type { PaymentService } from './payments.service.js';
import { vietQrImage } from './vietqr.js';

export interface PaymentRouteDeps {
  payments: PaymentService;
  /** Outside production: links from the VietQR page to the sandbox bank (the demo has no real banking app). */
  sandboxBankPath: string | null;
}

type Fields = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');

function feeForm(body: Fields): FeeFormValues {
  const quantities: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (/^qty-[ro]\d{1,2}$/.test(k) && typeof v === 'string') quantities[k] = v;
  return { quantities, exemption: str(body.exemption), exemptionNote: str(body.exemptionNote).slice(0, 2000), declared: body.declared === '1', method: str(body.method) };
}

/**
 * The applicant's payment pages, the providers' notification endpoints, the receipt and its public verification, and
 * the officer's view of a dossier's payments. The IPN and bank notification live under /api/: they are called by
 * servers, authenticated by their HMAC signatures (not by sessions or CSRF tokens), and answer JSON.
 */
export async function paymentRoutes(app: FastifyInstance, deps: PaymentRouteDeps): Promise<void> {
  const { payments } = deps;
  const citizen = (request: FastifyRequest) => requireUser(request, 'citizen');

  app.get<{ Params: { code: string } }>('/ho-so/:code/thanh-toan', async (request, reply) => {
    const o = await payments.overview(citizen(request), request.params.code);
    return sendPage(reply, <FeePage ctx={viewContext(request)} o={o} errors={[]} values={{ quantities: {}, exemption: o.statement?.exemption ?? '', exemptionNote: '', declared: false, method: 'gateway' }} />);
  });

  app.post<{ Params: { code: string }; Body: Fields }>('/ho-so/:code/thanh-toan', async (request, reply) => {
    const user = citizen(request);
    const code = request.params.code;
    const ctx = viewContext(request);
    const values = feeForm(request.body ?? {});
    const method = values.method === 'vietqr' ? 'vietqr' : values.method === 'gateway' ? 'gateway' : null;
    try {
      const quantities = Object.fromEntries(Object.entries(values.quantities).map(([k, v]) => [k.slice(4), v.trim() === '' ? Number.NaN : Number(v)]));
      const { totalVnd } = await payments.confirmFee(user, code, { quantities, exemption: values.exemption || null, exemptionNote: values.exemptionNote, declared: values.declared });
      if (totalVnd === 0) return reply.redirect(`/ho-so/${code}/thanh-toan`, 303);
      if (!method) throw new DomainError(PaymentErrors.statementMissing);
      const started = await payments.startPayment(user, code, method, { ipAddress: request.ip, locale: ctx.locale });
      // A redirect after a form post may only stay on this origin (CSP form-action 'self', which Chromium applies to
      // redirects too): the sandbox lives here; a real gateway is reached by a link on the order's page.
      if (started.method === 'gateway' && started.redirectUrl.startsWith('/')) return reply.redirect(started.redirectUrl, 303);
      return reply.redirect(`/ho-so/${code}/thanh-toan/${started.reference}`, 303);
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'VALIDATION_FAILED') throw error;
      const o = await payments.overview(user, code);
      const errors = (error.details.fields ?? []).map((f) => ({ field: f.field, message: ctx.t(f.messageKey, f.params) }));
      return sendPage(reply, <FeePage ctx={ctx} o={o} errors={errors} values={values} />, 400);
    }
  });

  app.get<{ Params: { code: string; reference: string } }>('/ho-so/:code/thanh-toan/:reference', async (request, reply) => {
    const { overview, payment, vietQr, gatewayUrl } = await payments.payment(citizen(request), request.params.code, request.params.reference, { ipAddress: request.ip, locale: request.locale });
    const qrImage = vietQr ? await vietQrImage(vietQr.payload) : null;
    const sandboxBank = vietQr && deps.sandboxBankPath ? `${deps.sandboxBankPath}?noi-dung=${encodeURIComponent(vietQr.purpose)}&so-tien=${vietQr.amountVnd}` : null;
    return sendPage(reply, <PaymentResultPage ctx={viewContext(request)} o={overview} payment={payment} vietQr={vietQr} qrImage={qrImage} sandboxBank={sandboxBank} gatewayUrl={gatewayUrl} />);
  });

  app.get<{ Params: { code: string } }>('/ho-so/:code/bien-lai.pdf', async (request, reply) => {
    const data = await payments.receiptFor(citizen(request), request.params.code);
    const pdf = await renderEReceipt({ ...data, locale: request.locale });
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="bien-lai-${data.series}-${String(data.number).padStart(7, '0')}.pdf"`)
      .header('cache-control', 'private, no-store')
      .send(Buffer.from(pdf));
  });

  // The payer's browser comes back from the gateway: logged and shown, never credited (the IPN credits).
  app.get<{ Querystring: Fields }>('/thanh-toan/ket-qua', async (request, reply) => {
    const outcome = await payments.gatewayResult(request.query ?? {}, 'gateway_return', request.ip);
    if (outcome.reply.RspCode === '97') throw new DomainError(PaymentErrors.gatewaySignatureInvalid);
    if (!outcome.dossierCode || !outcome.reference) throw new DomainError(PaymentErrors.paymentNotFound, { params: { reference: outcome.reference ?? '' } });
    return reply.redirect(`/ho-so/${outcome.dossierCode}/thanh-toan/${outcome.reference}`, 303);
  });

  // The gateway's server-to-server notification (IPN): GET with the query string, or a form POST.
  const ipn = async (request: FastifyRequest, params: Fields) => {
    const outcome = await payments.gatewayResult(params, 'gateway_ipn', request.ip);
    request.log.info({ action: 'payment.ipn', reference: outcome.reference, rspCode: outcome.reply.RspCode }, 'gateway notification');
    return outcome.reply;
  };
  // Per-address limits: every notification is logged, so a flood of forged ones must not fill the log.
  const providerLimit = { config: { rateLimit: { max: 600, timeWindow: '1 minute' } } };
  app.get<{ Querystring: Fields }>('/api/thanh-toan/ipn', providerLimit, async (request) => ipn(request, request.query ?? {}));
  app.post<{ Body: Fields }>('/api/thanh-toan/ipn', providerLimit, async (request) => ipn(request, (request.body as Fields) ?? {}));

  // The bank's credit notification: the signature covers the raw body, so this route reads JSON as text.
  await app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));
    scope.post('/api/thanh-toan/ngan-hang/bao-co', providerLimit, async (request, reply) => {
      const raw = typeof request.body === 'string' ? request.body : '';
      const outcome = await payments.bankNotification(raw, { timestamp: request.headers[BANK_TIMESTAMP_HEADER], signature: request.headers[BANK_SIGNATURE_HEADER] }, request.ip);
      request.log.info({ action: 'payment.bankNotification', outcome: outcome.outcome }, 'bank notification');
      return reply.status(outcome.status).send({ outcome: outcome.outcome });
    });
  });

  // Public verification of a receipt (its QR code): no sign-in; the payer's name is shortened.
  app.get<{ Params: { verificationCode: string } }>('/bien-lai/:verificationCode', async (request, reply) => {
    const r = await payments.verifyReceipt(request.params.verificationCode);
    reply.header('x-robots-tag', 'noindex, nofollow');
    return sendPage(reply, <VerifyReceiptPage ctx={viewContext(request)} r={r} />);
  });

  // ---- officers ----

  app.get<{ Params: { code: string } }>('/can-bo/ho-so/:code/le-phi', async (request, reply) => {
    const v = await payments.officerView(requireUser(request, 'officer'), request.params.code);
    return sendPage(reply, <OfficerFeePage ctx={viewContext(request)} v={v} errors={[]} />);
  });

  app.post<{ Params: { code: string; refundId: string }; Body: Fields }>('/can-bo/ho-so/:code/le-phi/hoan-tien/:refundId', async (request, reply) => {
    const user = requireUser(request, 'officer');
    const ctx = viewContext(request);
    try {
      await payments.completeRefund(user, request.params.code, Number(request.params.refundId), str(request.body?.providerReference));
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'VALIDATION_FAILED') throw error;
      const v = await payments.officerView(user, request.params.code);
      const errors = (error.details.fields ?? []).map((f) => ({ field: `providerReference-${request.params.refundId}`, message: ctx.t(f.messageKey, f.params) }));
      return sendPage(reply, <OfficerFeePage ctx={ctx} v={v} errors={errors} />, 400);
    }
    return reply.redirect(`/can-bo/ho-so/${request.params.code}/le-phi`, 303);
  });
}
