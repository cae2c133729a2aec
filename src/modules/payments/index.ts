/**
 * The payments module: a dossier's fee statement (from the catalogue's parsed fees, with exemptions), online payment
 * through a card/e-wallet redirect gateway or a VietQR bank transfer, exactly-once crediting from the providers'
 * notifications, refunds, and the electronic receipt. Other modules import only from here.
 */
import type { Config } from '../../platform/config/config.js';
import { configSpec } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { applicantMessages, type NotificationService } from '../notifications/index.js';
import { PaymentsRepository } from './payments.repository.js';
import { PaymentService, type PaymentSettings } from './payments.service.js';

export { PaymentService, formatReceiptNumber, maskName } from './payments.service.js';
export type { FeeOverview, PaymentSettings, PaymentView, StartOutcome, VietQrInstructions } from './payments.service.js';
export { PaymentsRepository } from './payments.repository.js';
export { PaymentErrors } from './payments.errors.js';
export { paymentRoutes, type PaymentRouteDeps } from './payments.routes.js';
export { paymentSandboxRoutes, type PaymentSandboxDeps } from './sandbox.routes.js';
export { renderEReceipt, type EReceiptData } from './e-receipt.js';
export { vndInWords } from './amount-words.js';
export { feeScheduleFor, feeStatement, payableOnline, type FeeSchedule, type FeeStatement, type ExemptionCategory } from './fees.js';
export { buildVietQr, readVietQr } from './vietqr.js';
export { signedResult, signParams, verifyParams, paymentUrl } from './gateway.js';
export { signBankNotification, BANK_SIGNATURE_HEADER, BANK_TIMESTAMP_HEADER } from './bank.js';

/** The sandbox gateway's path: the default gateway outside production. */
export const SANDBOX_GATEWAY_PATH = '/dev/cong-thanh-toan';
export const SANDBOX_BANK_PATH = '/dev/ngan-hang';

/** Payment settings from the configuration; in production the sandbox secrets and gateway never count as configured. */
export function paymentSettings(config: Config): PaymentSettings {
  const sandboxSecrets = config.paymentGatewaySecret === configSpec.paymentGatewaySecret.default || config.paymentBankWebhookSecret === configSpec.paymentBankWebhookSecret.default;
  const production = config.nodeEnv === 'production';
  return {
    configured: !production || (!sandboxSecrets && config.paymentGatewayUrl !== ''),
    baseUrl: config.baseUrl.replace(/\/+$/, ''),
    gateway: {
      url: config.paymentGatewayUrl || SANDBOX_GATEWAY_PATH,
      returnUrl: config.paymentGatewayUrl ? `${config.baseUrl.replace(/\/+$/, '')}/thanh-toan/ket-qua` : '/thanh-toan/ket-qua',
      merchantCode: config.paymentGatewayMerchant,
      secret: config.paymentGatewaySecret,
    },
    bank: { bin: config.paymentBankBin, account: config.paymentBankAccount, accountName: config.paymentBankAccountName, webhookSecret: config.paymentBankWebhookSecret },
    receipt: { template: config.receiptTemplate, series: config.receiptSeries },
    timeoutMinutes: config.paymentTimeoutMinutes,
  };
}

/** The payment service with its real ports: the notification outbox (e-mail and SMS to the applicant). */
export function createPaymentService(database: Database, options: { settings: PaymentSettings; notifications: NotificationService; clock?: () => Date }): PaymentService {
  return new PaymentService(new PaymentsRepository(database.db), {
    settings: options.settings,
    async notify(trx, message) {
      const { applicant, template, params, dossierId } = message;
      await options.notifications.enqueueMany(trx, applicantMessages(applicant, { template, params, dossierId }));
    },
    ...(options.clock ? { clock: options.clock } : {}),
  });
}
