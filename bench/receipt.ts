// E-receipt generation rate: how many electronic fee receipts (biên lai điện tử) per second the portal renders as
// PDF, next to the receipt slip (form 01) rendered the same way in the same run, and how many payments per second it
// credits end to end through the service (signed IPN verified, dossier locked, credit recorded once, receipt number
// drawn from the gapless counter, receipt row, history event and e-mail written in one transaction). Run by
// bench/run.ts.
import { cpus } from 'node:os';
import type { TestServer } from '../e2e/support/server.js';
import { renderReceiptSlip } from '../src/modules/dossiers/index.js';
import { createNotificationService } from '../src/modules/notifications/index.js';
import { createPaymentService, paymentSettings, renderEReceipt, signedResult, type EReceiptData } from '../src/modules/payments/index.js';
import { seedDossierFor } from '../src/modules/payments/payments.testing.js';
import { integer, ms, percentiles, ratio, table, type Percentiles } from './stats.js';

export interface ReceiptBenchOptions {
  fixture: TestServer;
  /** Receipts rendered per measured run (a tenth of that again as warm-up). */
  renders: number;
  /** Payments credited end to end. */
  credits: number;
  /** Credits in flight at once. */
  concurrency: number;
}

interface Row {
  name: string;
  count: number;
  perSecond: number;
  latency: Percentiles;
  cpuMsPerOp: number;
}

const sample: EReceiptData = {
  template: '01BLP0-001',
  series: 'NB-26E',
  number: 1234,
  verificationCode: 'AbCdEfGhIjKlMnOp',
  verificationUrl: 'http://127.0.0.1:3000/bien-lai/AbCdEfGhIjKlMnOp',
  issuedAt: new Date('2026-11-24T03:05:00Z'),
  agency: { name: 'Ủy ban nhân dân phường Hoa Lư', parentName: 'Ủy ban nhân dân tỉnh Ninh Bình', place: 'Ninh Bình' },
  payerName: 'Nguyễn Thị Hương',
  dossierCode: '000.00.30.H42-261124-0007',
  procedure: { code: '1.014064', name: 'Cấp lại thẻ căn cước' },
  lines: [{ label: 'Lệ phí cấp lại thẻ căn cước', unitVnd: 70_000, quantity: 1, per: 'thẻ căn cước', amountVnd: 70_000 }],
  amountVnd: 70_000,
  method: 'gateway',
  reference: 'MC7Q2K9XH3RT',
  providerTransaction: '14123456',
  paidAt: new Date('2026-11-24T03:04:10Z'),
};

async function sequential(name: string, count: number, op: (i: number) => Promise<unknown>): Promise<Row> {
  for (let i = 0; i < Math.max(1, Math.round(count / 10)); i++) await op(i);
  const samples: number[] = [];
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await op(i);
    samples.push(performance.now() - t0);
  }
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { name, count, perSecond: count / seconds, latency: percentiles(samples), cpuMsPerOp: (used.user + used.system) / 1000 / count };
}

async function concurrent(name: string, count: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<Row> {
  const samples: number[] = [];
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        await op(i);
        samples.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { name, count, perSecond: count / seconds, latency: percentiles(samples), cpuMsPerOp: (used.user + used.system) / 1000 / count };
}

export async function benchReceipt(options: ReceiptBenchOptions): Promise<{ markdown: string; rows: Row[] }> {
  const { fixture } = options;
  const slip = await sequential('receipt slip PDF (form 01), baseline', options.renders, () =>
    renderReceiptSlip({
      code: sample.dossierCode,
      lookupSecret: 'ABCD2345',
      baseUrl: 'http://127.0.0.1:3000',
      agency: sample.agency,
      applicant: { fullName: sample.payerName },
      procedure: sample.procedure,
      documents: [{ name: 'Tờ khai', originals: 1, copies: 0 }],
      channel: 'online',
      submittedAt: sample.issuedAt,
      receivedAt: null,
      statutoryDuration: { amount: 7, unit: 'working_days' },
      dueAt: null,
      receivingOfficer: null,
      resultDelivery: 'online',
    }),
  );
  const render = await sequential('e-receipt PDF', options.renders, (i) => renderEReceipt({ ...sample, number: i + 1 }));

  // End to end: dossiers of the demo citizen with confirmed fees and open gateway orders, then their IPNs at once.
  const settings = paymentSettings(fixture.config);
  const payments = createPaymentService(fixture.database, { settings, notifications: createNotificationService(fixture.database) });
  const citizen = await fixture.database.db.selectFrom('app_user').select(['id', 'display_name']).where('username', '=', 'citizen@demo.motcua.vn').executeTakeFirstOrThrow();
  const actor = { id: citizen.id, kind: 'citizen' as const, displayName: citizen.display_name, agencyId: null, roles: [] };
  const orders: { reference: string }[] = [];
  for (let i = 0; i < options.credits; i++) {
    const d = await seedDossierFor(fixture.database, 'citizen@demo.motcua.vn', '1.014064');
    await payments.confirmFee(actor, d.code, { quantities: {}, exemption: null, exemptionNote: '', declared: false });
    orders.push(await payments.startPayment(actor, d.code, 'gateway', { ipAddress: '127.0.0.1', locale: 'vi' }));
  }
  const amount = (await payments.overview(actor, (await fixture.database.db.selectFrom('dossier').select('code').orderBy('id', 'desc').executeTakeFirstOrThrow()).code)).payments[0]!.amountVnd;
  let failures = 0;
  const credit = await concurrent(`credit + issue (IPN through the service, ${options.concurrency} at once)`, orders.length, options.concurrency, async (i) => {
    const params = signedResult(settings.gateway.secret, { merchantCode: settings.gateway.merchantCode, reference: orders[i]!.reference, amountVnd: amount, orderInfo: 'bench', responseCode: '00', transactionNo: String(50_000_000 + i), bankCode: 'NCB', paidAt: new Date() });
    const outcome = await payments.gatewayResult(params, 'gateway_ipn', '127.0.0.1');
    if (outcome.reply.RspCode !== '00') failures++;
  });
  const numbers = await fixture.database.db.selectFrom('e_receipt').select('number').where('series', '=', settings.receipt.series).orderBy('number').execute();
  const gapless = numbers.every((r, i) => r.number === i + 1);

  const rows = [slip, render, credit];
  const markdown = [
    '### E-receipts',
    '',
    `${options.renders} PDFs rendered one after another in the bench process; ${options.credits} payments credited end to end (${cpus().length} cores shared with the database).`,
    '',
    table(
      ['operation', 'count', 'per second', 'p50', 'p95', 'p99', 'CPU per op', 'vs receipt slip'],
      rows.map((r) => [r.name, integer(r.count), integer(r.perSecond), ms(r.latency.p50), ms(r.latency.p95), ms(r.latency.p99), ms(r.cpuMsPerOp), ratio(r.perSecond, slip.perSecond)]),
    ),
    '',
    `Credits refused: ${failures}. Receipt numbers after the run: ${numbers.length}, ${gapless ? 'consecutive from 1 with no gap or repeat' : 'NOT consecutive'}.`,
  ].join('\n');
  return { markdown, rows };
}
