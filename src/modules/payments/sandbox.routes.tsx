import { randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sendPage, viewContext, type ViewContext } from '../../platform/http/context.js';
import { CsrfField, Page, SummaryList } from '../../platform/views/layout.js';
import { BANK_SIGNATURE_HEADER, BANK_TIMESTAMP_HEADER, signBankNotification } from './bank.js';
import { gatewayResponseCodes, readResult, signedResult, verifyParams } from './gateway.js';
import { money } from './payments.pages.js';
import type { PaymentSettings } from './payments.service.js';

export interface PaymentSandboxDeps {
  settings: PaymentSettings;
  nodeEnv: 'development' | 'test' | 'production';
  gatewayPath: string;
  bankPath: string;
  /** Where the sandbox sends the IPN and the bank notification (the portal's own endpoints, through app.inject). */
  ipnPath?: string;
  bankNotificationPath?: string;
}

type Fields = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/**
 * The local sandboxes, acting as the outside world so the demo and the tests run offline (never in production, like
 * /dev/hop-thu): a card gateway that checks the merchant's signed request, shows a card page with approve/decline,
 * then sends the signed IPN to the portal and redirects the payer to the return URL; and a bank that sends a signed
 * credit notification, as its open-banking webhook would after a VietQR transfer. Both deliver through
 * `app.inject()`, i.e. through the portal's real HTTP endpoints, signatures and all.
 */
export async function paymentSandboxRoutes(app: FastifyInstance, deps: PaymentSandboxDeps): Promise<void> {
  if (deps.nodeEnv === 'production') return;
  const { settings } = deps;
  const ipnPath = deps.ipnPath ?? '/api/thanh-toan/ipn';
  const bankNotificationPath = deps.bankNotificationPath ?? '/api/thanh-toan/ngan-hang/bao-co';

  app.get<{ Querystring: Fields }>(deps.gatewayPath, async (request, reply) => {
    const params = request.query ?? {};
    const ctx = viewContext(request);
    reply.header('x-robots-tag', 'noindex, nofollow');
    const valid = verifyParams(params, settings.gateway.secret) && params.vnp_TmnCode === settings.gateway.merchantCode && params.vnp_Command === 'pay';
    if (!valid) return sendPage(reply, <GatewayRefused ctx={ctx} />, 400);
    return sendPage(reply, <GatewayPage ctx={ctx} params={params as Record<string, string>} path={deps.gatewayPath} />);
  });

  app.post<{ Body: Fields }>(deps.gatewayPath, async (request, reply) => {
    const body = request.body ?? {};
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (k.startsWith('vnp_') && typeof v === 'string') params[k] = v;
    const ctx = viewContext(request);
    if (!verifyParams(params, settings.gateway.secret) || params.vnp_TmnCode !== settings.gateway.merchantCode) return sendPage(reply, <GatewayRefused ctx={ctx} />, 400);
    const approve = body.decision === 'approve';
    const amount = Number(params.vnp_Amount) / 100;
    const result = signedResult(settings.gateway.secret, {
      merchantCode: params.vnp_TmnCode!,
      reference: params.vnp_TxnRef!,
      amountVnd: amount,
      orderInfo: params.vnp_OrderInfo ?? '',
      responseCode: approve ? gatewayResponseCodes.success : gatewayResponseCodes.cancelledByPayer,
      transactionNo: String(randomInt(10_000_000, 99_999_999)),
      bankCode: 'NCB',
      paidAt: new Date(),
    });
    const query = new URLSearchParams(result).toString();
    // Server to server first, as real gateways do; the payer's redirect follows.
    const ipn = await app.inject({ method: 'GET', url: `${ipnPath}?${query}`, remoteAddress: '127.0.0.2' });
    request.log.info({ action: 'sandbox.gateway', reference: params.vnp_TxnRef, ipnStatus: ipn.statusCode, ipn: ipn.body.slice(0, 200) }, 'sandbox gateway sent IPN');
    const returnUrl = params.vnp_ReturnUrl ?? '/';
    return reply.redirect(`${returnUrl}${returnUrl.includes('?') ? '&' : '?'}${query}`, 303);
  });

  app.get<{ Querystring: Fields }>(deps.bankPath, async (request, reply) => {
    reply.header('x-robots-tag', 'noindex, nofollow');
    const q = request.query ?? {};
    return sendPage(reply, <BankPage ctx={viewContext(request)} settings={settings} path={deps.bankPath} purpose={str(q['noi-dung']).slice(0, 100)} amount={str(q['so-tien']).slice(0, 15)} result={null} />);
  });

  app.post<{ Body: Fields }>(deps.bankPath, async (request, reply) => {
    const body = request.body ?? {};
    const amount = Number(str(body.amount));
    const purpose = str(body.purpose).slice(0, 200);
    // What a bank's notification looks like: its own transaction id, the account credited, the purpose as typed.
    const notification = JSON.stringify({
      transactionId: `FT${Date.now()}${randomInt(1000, 9999)}`,
      bankBin: settings.bank.bin,
      accountNumber: str(body.account) || settings.bank.account,
      amount,
      description: `${purpose} CT tu 0123456789 NGUYEN VAN A`,
      creditedAt: new Date().toISOString(),
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await app.inject({
      method: 'POST',
      url: bankNotificationPath,
      headers: { 'content-type': 'application/json', [BANK_TIMESTAMP_HEADER]: String(timestamp), [BANK_SIGNATURE_HEADER]: signBankNotification(settings.bank.webhookSecret, timestamp, notification) },
      payload: notification,
      remoteAddress: '127.0.0.3',
    });
    const outcome = (() => {
      try {
        return String((JSON.parse(response.body) as { outcome?: unknown }).outcome ?? response.statusCode);
      } catch {
        return String(response.statusCode);
      }
    })();
    return sendPage(reply, <BankPage ctx={viewContext(request)} settings={settings} path={deps.bankPath} purpose={purpose} amount={String(amount)} result={outcome} />);
  });
}

function GatewayRefused({ ctx }: { ctx: ViewContext }) {
  return (
    <Page ctx={ctx} title={ctx.t('payments.sandbox.gateway.refusedTitle')}>
      <h1>{ctx.t('payments.sandbox.gateway.refusedTitle')}</h1>
      <p class="lead">{ctx.t('payments.sandbox.gateway.refused')}</p>
    </Page>
  );
}

function GatewayPage({ ctx, params, path }: { ctx: ViewContext; params: Record<string, string>; path: string }) {
  const { t } = ctx;
  const result = readResult(params);
  return (
    <Page ctx={ctx} title={t('payments.sandbox.gateway.title')}>
      <div class="two-thirds">
        <div class="panel">
          <p>{t('payments.sandbox.warning')}</p>
        </div>
        <h1>{t('payments.sandbox.gateway.title')}</h1>
        <SummaryList
          rows={[
            { key: t('payments.sandbox.gateway.merchant'), value: params.vnp_TmnCode ?? '' },
            { key: t('payments.sandbox.gateway.order'), value: params.vnp_OrderInfo ?? '' },
            { key: t('payments.col.reference'), value: params.vnp_TxnRef ?? '' },
            { key: t('payments.col.amount'), value: money(ctx, result.amountVnd ?? 0) },
          ]}
        />
        <form method="post" action={path}>
          <CsrfField ctx={ctx} />
          {Object.entries(params)
            .filter(([k]) => k.startsWith('vnp_'))
            .map(([k, v]) => (
              <input key={k} type="hidden" name={k} value={v} />
            ))}
          <div class="form-group">
            <label for="card">{t('payments.sandbox.gateway.card')}</label>
            <span class="hint" id="card-hint">
              {t('payments.sandbox.gateway.cardHint')}
            </span>
            <input type="text" id="card" name="card" autocomplete="cc-number" inputMode="numeric" value="9704198526191432198" aria-describedby="card-hint" />
          </div>
          <div class="form-group">
            <label for="holder">{t('payments.sandbox.gateway.holder')}</label>
            <input type="text" id="holder" name="holder" autocomplete="cc-name" value="NGUYEN VAN A" />
          </div>
          <div class="actions">
            <button type="submit" class="button" name="decision" value="approve">
              {t('payments.sandbox.gateway.approve')}
            </button>
            <button type="submit" class="button button-secondary" name="decision" value="decline">
              {t('payments.sandbox.gateway.decline')}
            </button>
          </div>
        </form>
      </div>
    </Page>
  );
}

function BankPage({ ctx, settings, path, purpose, amount, result }: { ctx: ViewContext; settings: PaymentSettings; path: string; purpose: string; amount: string; result: string | null }) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={t('payments.sandbox.bank.title')}>
      <div class="two-thirds">
        <div class="panel">
          <p>{t('payments.sandbox.warning')}</p>
        </div>
        <h1>{t('payments.sandbox.bank.title')}</h1>
        {result ? (
          <div class="panel panel-highlight" role="status">
            <p class="lead">{t('payments.sandbox.bank.sent', { outcome: result })}</p>
            <p>
              <a href="/ho-so">{t('payments.sandbox.bank.back')}</a>
            </p>
          </div>
        ) : null}
        <form method="post" action={path}>
          <CsrfField ctx={ctx} />
          <div class="form-group">
            <label for="account">{t('payments.vietqr.account')}</label>
            <input type="text" id="account" name="account" value={settings.bank.account} />
          </div>
          <div class="form-group">
            <label for="amount">{t('payments.vietqr.amount')}</label>
            <input type="text" id="amount" name="amount" inputMode="numeric" value={amount} />
          </div>
          <div class="form-group">
            <label for="purpose">{t('payments.vietqr.purpose')}</label>
            <input type="text" id="purpose" name="purpose" value={purpose} />
          </div>
          <button type="submit" class="button">
            {t('payments.sandbox.bank.transfer')}
          </button>
        </form>
      </div>
    </Page>
  );
}
