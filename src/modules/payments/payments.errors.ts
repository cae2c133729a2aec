import { defineError } from '../../platform/errors/errors.js';

/**
 * Errors of fees, payments and e-receipts. Messages live in `messages/<locale>.json` under `payments.error.<CODE>`;
 * the code is shown so the help desk can quote it.
 */
const key = (code: string) => `payments.error.${code}`;

export const PaymentErrors = {
  dossierNotFound: defineError('PAYMENT_DOSSIER_NOT_FOUND', 'not_found', 'No dossier with this code belongs to the signed-in applicant (or is held by the officer’s agency).', key('PAYMENT_DOSSIER_NOT_FOUND')),
  notPayableOnline: defineError('FEE_NOT_PAYABLE_ONLINE', 'conflict', 'The catalogue states no fee in đồng for this dossier’s channel; it cannot be paid online.', key('FEE_NOT_PAYABLE_ONLINE')),
  alreadyPaid: defineError('FEE_ALREADY_PAID', 'conflict', 'The dossier’s fee is already paid; nothing more is due.', key('FEE_ALREADY_PAID')),
  noFeeDue: defineError('FEE_NOTHING_DUE', 'conflict', 'The confirmed fee statement totals 0 đồng (free or exempt): there is nothing to pay.', key('FEE_NOTHING_DUE')),
  statementMissing: defineError('FEE_STATEMENT_MISSING', 'conflict', 'The fee statement must be confirmed before paying.', key('FEE_STATEMENT_MISSING')),
  dossierClosed: defineError('FEE_DOSSIER_CLOSED', 'conflict', 'The dossier was refused, withdrawn or stopped: no fee can be paid for it.', key('FEE_DOSSIER_CLOSED')),
  paymentNotFound: defineError('PAYMENT_NOT_FOUND', 'not_found', 'No payment with this reference belongs to this dossier.', key('PAYMENT_NOT_FOUND')),
  receiptNotFound: defineError('E_RECEIPT_NOT_FOUND', 'not_found', 'No electronic receipt has been issued for this dossier or verification code.', key('E_RECEIPT_NOT_FOUND')),
  gatewaySignatureInvalid: defineError('PAYMENT_SIGNATURE_INVALID', 'forbidden', 'The payment result does not carry a valid gateway signature; it was ignored and logged.', key('PAYMENT_SIGNATURE_INVALID')),
  officerRoleRequired: defineError('PAYMENT_OFFICER_ROLE_REQUIRED', 'forbidden', 'Only an officer of the agency holding the dossier (desk role) may see its payments and record refunds.', key('PAYMENT_OFFICER_ROLE_REQUIRED')),
  notConfigured: defineError('PAYMENT_NOT_CONFIGURED', 'unavailable', 'Online payment is not configured on this portal (production still has the sandbox secrets or no gateway address).', key('PAYMENT_NOT_CONFIGURED')),
  refundNotFound: defineError('REFUND_NOT_FOUND', 'not_found', 'No open refund with this id belongs to this dossier.', key('REFUND_NOT_FOUND')),
};
