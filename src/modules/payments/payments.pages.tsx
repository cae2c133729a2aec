import type { ViewContext } from '../../platform/http/context.js';
import { formatDateTime } from '../../platform/views/format.js';
import { CsrfField, ErrorSummary, Page, SummaryList, Tag, type FieldError } from '../../platform/views/layout.js';
import type { FeeOverview, PaymentService, PaymentView, VietQrInstructions } from './payments.service.js';
import { MAX_QUANTITY } from './fees.js';

type OfficerView = Awaited<ReturnType<PaymentService['officerView']>>;
type VerifiedReceipt = Awaited<ReturnType<PaymentService['verifyReceipt']>>;

export function money(ctx: ViewContext, amount: number): string {
  return ctx.t('payments.vnd', { amount });
}

const toneOf: Record<PaymentView['status'], 'grey' | 'green' | 'blue' | 'orange'> = {
  pending: 'blue',
  paid: 'green',
  refunded: 'grey',
  failed: 'orange',
  cancelled: 'grey',
  expired: 'grey',
};

export function PaymentStatusTag({ ctx, status }: { ctx: ViewContext; status: PaymentView['status'] }) {
  return <Tag tone={toneOf[status]}>{ctx.t(`payments.status.${status}`)}</Tag>;
}

function crumbs(ctx: ViewContext, code: string, last: string) {
  return [
    { href: '/', label: ctx.t('nav.home') },
    { href: '/ho-so', label: ctx.t('dossiers.mine.title') },
    { href: `/ho-so/${code}`, label: code },
    { label: last },
  ];
}

export interface FeeFormValues {
  quantities: Record<string, string>;
  exemption: string;
  exemptionNote: string;
  declared: boolean;
  method: string;
}

/** "Pay the fee": the statement from the catalogue, exemptions the text names, the way to pay. */
export function FeePage({ ctx, o, errors, values }: { ctx: ViewContext; o: FeeOverview; errors: FieldError[]; values: FeeFormValues }) {
  const { t } = ctx;
  const code = o.dossier.code;
  const title = t('payments.page.title');
  const errorOf = (field: string) => errors.find((e) => e.field === field);
  return (
    <Page ctx={ctx} title={errors.length > 0 ? `${t('payments.errorPrefix')} ${title}` : title} crumbs={crumbs(ctx, code, title)}>
      <div class="two-thirds">
        <ErrorSummary ctx={ctx} errors={errors} />
        <span class="form-caption">{o.dossier.procedureName}</span>
        <h1>{title}</h1>
        <SummaryList
          rows={[
            { key: t('payments.field.dossier'), value: code },
            { key: t('payments.field.agency'), value: o.dossier.agencyName },
            { key: t('payments.field.catalogueText'), value: o.schedule.text || t('payments.catalogue.none') },
          ]}
        />
        {o.paid ? <PaidPanel ctx={ctx} o={o} /> : null}
        {!o.paid && o.statement && o.statement.totalVnd === 0 ? (
          <div class="panel panel-highlight" role="status">
            <h2>{t('payments.exempt.heading')}</h2>
            <p>{t('payments.exempt.body', { exemption: o.statement.exemption ? t(`payments.exemption.${o.statement.exemption}`) : '' })}</p>
          </div>
        ) : null}
        {!o.payable ? <p class="lead">{t(o.schedule.status === 'free' ? 'payments.free' : 'payments.notPayable')}</p> : null}
        {o.canPay ? (
          <form method="post" action={`/ho-so/${code}/thanh-toan`} novalidate>
            <CsrfField ctx={ctx} />
            <h2>{t('payments.statement.heading')}</h2>
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">{t('payments.statement.heading')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('payments.col.item')}</th>
                    <th scope="col">{t('payments.col.unit')}</th>
                    <th scope="col">{t('payments.col.quantity')}</th>
                  </tr>
                </thead>
                <tbody>
                  {o.schedule.items.map((item) => {
                    const id = `qty-${item.key}`;
                    const editable = item.perCopy || !item.required;
                    return (
                      <tr key={item.key}>
                        <td>
                          {item.label}
                          {item.required ? null : <span class="hint"> {t('payments.optional')}</span>}
                        </td>
                        <td>
                          {money(ctx, item.unitVnd)}
                          {item.per ? ` / ${item.per}` : ''}
                        </td>
                        <td class={errorOf(id) ? 'field-error' : undefined}>
                          {editable ? (
                            <>
                              <label class="visually-hidden" for={id}>
                                {t('payments.quantityOf', { item: item.label })}
                              </label>
                              {errorOf(id) ? <span class="error-message">{errorOf(id)!.message}</span> : null}
                              <input type="number" inputMode="numeric" id={id} name={id} min={item.required ? 1 : 0} max={MAX_QUANTITY} value={values.quantities[id] ?? (item.required ? '1' : '0')} />
                            </>
                          ) : (
                            '1'
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <p class="hint">{t(o.schedule.items.some((i) => i.required) ? 'payments.due.submission' : 'payments.due.before_result')}</p>
            {!o.schedule.refundable ? <p class="hint">{t('payments.notRefundable')}</p> : null}

            {o.schedule.exemptions.length > 0 ? (
              <div class={`form-group${errorOf('exemption') || errorOf('declared') ? ' field-error' : ''}`}>
                <fieldset aria-describedby="exemption-hint">
                  <legend class="legend-heading">{t('payments.exemption.legend')}</legend>
                  <span class="hint" id="exemption-hint">
                    {t('payments.exemption.hint')}
                  </span>
                  {errorOf('exemption') ? <span class="error-message">{errorOf('exemption')!.message}</span> : null}
                  <div class="choices">
                    <div class="choice">
                      <input type="radio" id="exemption" name="exemption" value="" checked={values.exemption === ''} />
                      <label for="exemption">{t('payments.exemption.none')}</label>
                    </div>
                    {o.schedule.exemptions.map((c) => (
                      <div class="choice" key={c}>
                        <input type="radio" id={`exemption-${c}`} name="exemption" value={c} checked={values.exemption === c} />
                        <label for={`exemption-${c}`}>{t(`payments.exemption.${c}`)}</label>
                      </div>
                    ))}
                  </div>
                </fieldset>
                <label for="exemptionNote">{t('payments.exemption.note')}</label>
                <textarea id="exemptionNote" name="exemptionNote" rows={2} maxLength={500}>
                  {values.exemptionNote}
                </textarea>
                {errorOf('declared') ? <span class="error-message">{errorOf('declared')!.message}</span> : null}
                <div class="choice">
                  <input type="checkbox" id="declared" name="declared" value="1" checked={values.declared} />
                  <label for="declared">{t('payments.exemption.declare')}</label>
                </div>
              </div>
            ) : null}

            <div class="form-group">
              <fieldset>
                <legend class="legend-heading">{t('payments.method.legend')}</legend>
                <div class="choices">
                  {(['gateway', 'vietqr'] as const).map((m) => (
                    <div class="choice" key={m}>
                      <input type="radio" id={m === 'gateway' ? 'method' : `method-${m}`} name="method" value={m} checked={values.method === m} aria-describedby={`method-${m}-hint`} />
                      <label for={m === 'gateway' ? 'method' : `method-${m}`}>{t(`payments.method.${m}`)}</label>
                      <span class="hint" id={`method-${m}-hint`}>
                        {t(`payments.method.${m}.hint`)}
                      </span>
                    </div>
                  ))}
                </div>
              </fieldset>
            </div>
            <button type="submit" class="button">
              {t('payments.pay')}
            </button>
          </form>
        ) : null}
        <PaymentHistory ctx={ctx} o={o} />
        <p>
          <a href={`/ho-so/${code}`}>{t('payments.backToDossier')}</a>
        </p>
      </div>
    </Page>
  );
}

function PaidPanel({ ctx, o }: { ctx: ViewContext; o: FeeOverview }) {
  const { t } = ctx;
  if (!o.paid) return null;
  return (
    <div class="panel panel-highlight" role="status">
      <h2>{t('payments.paid.heading')}</h2>
      <p class="lead">{t('payments.paid.lead', { amount: money(ctx, o.paid.amountVnd), at: formatDateTime(ctx, o.paid.paidAt) })}</p>
      {o.receipt ? (
        <p>
          {t('payments.paid.receipt', { number: o.receipt.number })}{' '}
          <a class="button" href={`/ho-so/${o.dossier.code}/bien-lai.pdf`} download>
            {t('payments.paid.download')}
          </a>
        </p>
      ) : null}
    </div>
  );
}

function PaymentHistory({ ctx, o }: { ctx: ViewContext; o: FeeOverview }) {
  const { t } = ctx;
  if (o.payments.length === 0 && o.refunds.length === 0) return null;
  return (
    <>
      <h2>{t('payments.history.heading')}</h2>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">{t('payments.history.heading')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('payments.col.reference')}</th>
              <th scope="col">{t('payments.col.method')}</th>
              <th scope="col">{t('payments.col.amount')}</th>
              <th scope="col">{t('payments.col.status')}</th>
            </tr>
          </thead>
          <tbody>
            {o.payments.map((p) => (
              <tr key={p.reference}>
                <td>
                  <a href={`/ho-so/${o.dossier.code}/thanh-toan/${p.reference}`}>{p.reference}</a>
                </td>
                <td>{t(`payments.method.${p.method}`)}</td>
                <td>{money(ctx, p.amountVnd)}</td>
                <td>
                  <PaymentStatusTag ctx={ctx} status={p.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {o.refunds.length > 0 ? (
        <ul>
          {o.refunds.map((r) => (
            <li key={r.id}>{t(`payments.refund.line.${r.status}`, { amount: money(ctx, r.amountVnd), reason: t(`payments.refund.reason.${r.reason}`) })}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

/** One order: the transfer to make (VietQR), the result, or what to do next. */
export function PaymentResultPage({
  ctx,
  o,
  payment,
  vietQr,
  qrImage,
  sandboxBank,
  gatewayUrl,
}: {
  ctx: ViewContext;
  o: FeeOverview;
  payment: PaymentView;
  vietQr: VietQrInstructions | null;
  qrImage: string | null;
  sandboxBank: string | null;
  gatewayUrl: string | null;
}) {
  const { t } = ctx;
  const code = o.dossier.code;
  const title = t(`payments.result.title.${payment.status}`);
  return (
    <Page ctx={ctx} title={title} crumbs={crumbs(ctx, code, t('payments.page.title'))}>
      <div class="two-thirds">
        <span class="form-caption">{t('payments.result.caption', { reference: payment.reference })}</span>
        <h1>{title}</h1>
        <p>
          <PaymentStatusTag ctx={ctx} status={payment.status} />
        </p>
        {payment.status === 'paid' || payment.status === 'refunded' ? <PaidPanel ctx={ctx} o={o} /> : null}
        {vietQr && qrImage ? (
          <section aria-labelledby="transfer">
            <h2 id="transfer">{t('payments.vietqr.heading')}</h2>
            <p>{t('payments.vietqr.lead', { expires: formatDateTime(ctx, payment.expiresAt) })}</p>
            <img class="qr" src={qrImage} width={240} height={240} alt={t('payments.vietqr.alt', { amount: money(ctx, vietQr.amountVnd), purpose: vietQr.purpose })} />
            <SummaryList
              rows={[
                { key: t('payments.vietqr.bank'), value: vietQr.bankBin },
                { key: t('payments.vietqr.account'), value: vietQr.account },
                { key: t('payments.vietqr.accountName'), value: vietQr.accountName },
                { key: t('payments.vietqr.amount'), value: money(ctx, vietQr.amountVnd) },
                { key: t('payments.vietqr.purpose'), value: <strong class="purpose">{vietQr.purpose}</strong> },
              ]}
            />
            <p>{t('payments.vietqr.exact')}</p>
            <p>
              <a class="button" href={`/ho-so/${code}/thanh-toan/${payment.reference}`}>
                {t('payments.vietqr.check')}
              </a>
            </p>
            {sandboxBank ? (
              <p>
                <a href={sandboxBank}>{t('payments.sandbox.openBank')}</a>
              </p>
            ) : null}
          </section>
        ) : null}
        {payment.status === 'pending' && payment.method === 'gateway' ? (
          <>
            <p>{t('payments.result.waitingGateway')}</p>
            {gatewayUrl ? (
              <p>
                <a class="button" href={gatewayUrl}>
                  {t('payments.result.toGateway')}
                </a>
              </p>
            ) : null}
          </>
        ) : null}
        {['failed', 'cancelled', 'expired'].includes(payment.status) ? (
          <p>
            {t(`payments.result.help.${payment.status}`)} {o.canPay ? <a href={`/ho-so/${code}/thanh-toan`}>{t('payments.result.tryAgain')}</a> : null}
          </p>
        ) : null}
        <p>
          <a href={`/ho-so/${code}`}>{t('payments.backToDossier')}</a>
        </p>
      </div>
    </Page>
  );
}

/** Public: what a receipt says, reached from its QR code. */
export function VerifyReceiptPage({ ctx, r }: { ctx: ViewContext; r: VerifiedReceipt }) {
  const { t } = ctx;
  return (
    <Page ctx={ctx} title={t('payments.verify.title')} crumbs={[{ href: '/', label: t('nav.home') }, { label: t('payments.verify.title') }]}>
      <div class="two-thirds">
        <h1>{t('payments.verify.title')}</h1>
        <div class="panel panel-highlight" role="status">
          <p class="lead">{t(r.refunded ? 'payments.verify.refunded' : 'payments.verify.valid')}</p>
        </div>
        <SummaryList
          rows={[
            { key: t('payments.receipt.template'), value: r.template },
            { key: t('payments.receipt.series'), value: r.series },
            { key: t('payments.receipt.number'), value: String(r.number).padStart(7, '0') },
            { key: t('payments.receipt.agency'), value: r.agency.name },
            { key: t('payments.receipt.payer'), value: r.payerName },
            { key: t('payments.receipt.dossier'), value: r.dossierCode },
            { key: t('payments.receipt.procedure'), value: r.procedure.name },
            { key: t('payments.receipt.amountFigures'), value: money(ctx, r.amountVnd) },
            { key: t('payments.receipt.method'), value: t(`payments.method.${r.method}`) },
            { key: t('payments.receipt.paidAt'), value: formatDateTime(ctx, r.paidAt) },
          ]}
        />
      </div>
    </Page>
  );
}

/** The back office: statement, exemption claimed, orders, money received, every attempt, refunds to record. */
export function OfficerFeePage({ ctx, v, errors }: { ctx: ViewContext; v: OfficerView; errors: FieldError[] }) {
  const { t } = ctx;
  const o = v.overview;
  const title = t('payments.officer.title', { code: o.dossier.code });
  return (
    <Page ctx={ctx} title={title} mainClass="wide" crumbs={[{ href: '/can-bo/tiep-nhan', label: t('layout.desk') }, { href: `/can-bo/ho-so/${o.dossier.code}`, label: o.dossier.code }, { label: t('payments.page.title') }]}>
      <ErrorSummary ctx={ctx} errors={errors} />
      <h1>{title}</h1>
      <h2>{t('payments.statement.heading')}</h2>
      {o.statement ? (
        <>
          <ul>
            {o.statement.lines.map((l, i) => (
              <li key={i}>{t('payments.officer.line', { label: l.label, quantity: l.quantity, amount: money(ctx, l.amountVnd) })}</li>
            ))}
          </ul>
          <SummaryList
            rows={[
              { key: t('payments.col.amount'), value: money(ctx, o.statement.totalVnd) },
              { key: t('payments.exemption.legend'), value: o.statement.exemption ? <strong>{t(`payments.exemption.${o.statement.exemption}`)}</strong> : t('payments.exemption.none') },
              { key: t('payments.exemption.note'), value: o.statement.exemptionNote || '–' },
              { key: t('payments.officer.confirmedAt'), value: formatDateTime(ctx, o.statement.confirmedAt) },
            ]}
          />
        </>
      ) : (
        <p>{t('payments.officer.noStatement')}</p>
      )}
      <PaymentHistory ctx={ctx} o={o} />
      <h2>{t('payments.officer.credits')}</h2>
      {v.credits.length === 0 ? (
        <p>{t('payments.officer.none')}</p>
      ) : (
        <ul>
          {v.credits.map((c, i) => (
            <li key={i}>{t('payments.officer.credit', { reference: c.reference, provider: c.provider, transaction: c.providerTransaction, amount: money(ctx, c.amountVnd), outcome: c.outcome })}</li>
          ))}
        </ul>
      )}
      {o.refunds.filter((r) => r.status === 'requested').map((r) => (
        <form key={r.id} method="post" action={`/can-bo/ho-so/${o.dossier.code}/le-phi/hoan-tien/${r.id}`} class="panel">
          <CsrfField ctx={ctx} />
          <p>{t('payments.refund.line.requested', { amount: money(ctx, r.amountVnd), reason: t(`payments.refund.reason.${r.reason}`) })}</p>
          <div class="form-group">
            <label for={`providerReference-${r.id}`}>{t('payments.officer.refundReference')}</label>
            <input type="text" id={`providerReference-${r.id}`} name="providerReference" maxLength={100} />
          </div>
          <button type="submit" class="button">
            {t('payments.officer.refundDone')}
          </button>
        </form>
      ))}
      <h2>{t('payments.officer.attempts')}</h2>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">{t('payments.officer.attempts')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('payments.officer.at')}</th>
              <th scope="col">{t('payments.col.reference')}</th>
              <th scope="col">{t('payments.officer.channel')}</th>
              <th scope="col">{t('payments.col.status')}</th>
            </tr>
          </thead>
          <tbody>
            {v.attempts.map((a, i) => (
              <tr key={i}>
                <td>{formatDateTime(ctx, a.at)}</td>
                <td>{a.reference ?? '–'}</td>
                <td>{a.channel}</td>
                <td>{a.outcome}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Page>
  );
}
