// Child process of payments.multiprocess.test.ts (not a test itself): opens the PostgreSQL database named by
// MOTCUA_PAY_URL, waits until MOTCUA_PAY_START (epoch ms), then delivers the IPN and the bank notification given as
// JSON in MOTCUA_PAY_INPUT several times at once, and prints the outcomes as one JSON line.
import { openDatabase } from '../../platform/db/database.js';
import { createNotificationService } from '../notifications/index.js';
import { createPaymentService } from './index.js';

const input = JSON.parse(process.env.MOTCUA_PAY_INPUT ?? '{}');
const database = await openDatabase({ url: process.env.MOTCUA_PAY_URL ?? '', poolSize: 4 });
const payments = createPaymentService(database, { settings: input.settings, notifications: createNotificationService(database), clock: () => new Date(input.now) });
await new Promise((r) => setTimeout(r, Math.max(0, Number(process.env.MOTCUA_PAY_START) - Date.now())));
const results = await Promise.all([
  ...Array.from({ length: 4 }, () => payments.gatewayResult(input.ipn, 'gateway_ipn', null).then((o) => `ipn:${o.reply.RspCode}`)),
  ...Array.from({ length: 4 }, () => payments.bankNotification(input.bankBody, input.bankHeaders, null).then((o) => `bank:${o.outcome}`)),
]);
process.stdout.write(`${JSON.stringify(results)}\n`);
await database.close();
