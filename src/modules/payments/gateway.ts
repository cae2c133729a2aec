import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The card / e-wallet redirect gateway protocol, in the shape Vietnam's common gateways publish (VNPAY's 2.1.0
 * query-string API): the merchant redirects the payer to the gateway with a signed query string; the gateway sends
 * the payer back to the return URL and, server to server, calls the merchant's IPN URL, both with a signed result.
 *
 * Signing: every `vnp_` parameter except the hash itself, sorted by name, each name and value form-URL-encoded
 * (spaces as `+`), joined with `&`; the hash is hex HMAC-SHA512 of that text under the merchant's secret.
 * Amounts travel ×100 (no decimals), times as `yyyyMMddHHmmss` in Vietnam time (GMT+7).
 * Pure: no I/O; the service decides what a verified result means.
 */
export const gatewayVersion = '2.1.0';
const HASH = 'vnp_SecureHash';
const HASH_TYPE = 'vnp_SecureHashType';

/** Response codes the gateway sends (vnp_ResponseCode); '00' alone means paid. */
export const gatewayResponseCodes = {
  success: '00',
  cancelledByPayer: '24',
  insufficientFunds: '51',
  expired: '11',
  declined: '79',
} as const;

/** What the merchant answers to an IPN (RspCode): the gateway retries until it receives one of these. */
export const ipnReplies = {
  confirmed: { RspCode: '00', Message: 'Confirm Success' },
  orderNotFound: { RspCode: '01', Message: 'Order not found' },
  alreadyConfirmed: { RspCode: '02', Message: 'Order already confirmed' },
  invalidAmount: { RspCode: '04', Message: 'Invalid amount' },
  invalidSignature: { RspCode: '97', Message: 'Invalid signature' },
  unknownError: { RspCode: '99', Message: 'Unknown error' },
} as const;
export type IpnReply = (typeof ipnReplies)[keyof typeof ipnReplies];

function encode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

/** The text that is signed: sorted `vnp_` parameters, hash fields excluded, empty values dropped. */
export function signedText(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((k) => k.startsWith('vnp_') && k !== HASH && k !== HASH_TYPE && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${encode(k)}=${encode(params[k]!)}`)
    .join('&');
}

export function signParams(params: Readonly<Record<string, string>>, secret: string): string {
  return createHmac('sha512', secret).update(signedText(params), 'utf8').digest('hex');
}

/** True when the parameters carry a valid hash of themselves under `secret` (constant time in the hash). */
export function verifyParams(params: Readonly<Record<string, unknown>>, secret: string): boolean {
  const given = params[HASH];
  if (typeof given !== 'string' || !/^[0-9a-fA-F]{128}$/.test(given)) return false;
  const strings: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (typeof v !== 'string') return false; // a repeated parameter arrives as an array: never signed by the gateway
    strings[k] = v;
  }
  const expected = Buffer.from(signParams(strings, secret), 'hex');
  const actual = Buffer.from(given.toLowerCase(), 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** `yyyyMMddHHmmss` in Vietnam time (GMT+7, no daylight saving). */
export function gatewayTime(at: Date): string {
  const local = new Date(at.getTime() + 7 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${local.getUTCFullYear()}${p(local.getUTCMonth() + 1)}${p(local.getUTCDate())}${p(local.getUTCHours())}${p(local.getUTCMinutes())}${p(local.getUTCSeconds())}`;
}

/** The instant of a `yyyyMMddHHmmss` Vietnam time, or null when malformed. */
export function parseGatewayTime(text: unknown): Date | null {
  if (typeof text !== 'string') return null;
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const at = new Date(Date.UTC(y, mo - 1, d, h - 7, mi, s));
  return Number.isNaN(at.getTime()) || gatewayTime(at) !== text ? null : at;
}

export interface PaymentRequest {
  gatewayUrl: string;
  merchantCode: string;
  secret: string;
  reference: string;
  amountVnd: number;
  /** ASCII text shown by the gateway (no diacritics: the protocol is ASCII). */
  orderInfo: string;
  returnUrl: string;
  ipAddress: string;
  locale: 'vn' | 'en';
  createdAt: Date;
  expiresAt: Date;
}

/** The signed URL the payer is redirected to. */
export function paymentUrl(r: PaymentRequest): string {
  const params: Record<string, string> = {
    vnp_Version: gatewayVersion,
    vnp_Command: 'pay',
    vnp_TmnCode: r.merchantCode,
    vnp_Amount: String(r.amountVnd * 100),
    vnp_CurrCode: 'VND',
    vnp_TxnRef: r.reference,
    vnp_OrderInfo: r.orderInfo,
    vnp_OrderType: 'other',
    vnp_Locale: r.locale,
    vnp_ReturnUrl: r.returnUrl,
    vnp_IpAddr: r.ipAddress,
    vnp_CreateDate: gatewayTime(r.createdAt),
    vnp_ExpireDate: gatewayTime(r.expiresAt),
  };
  const query = `${signedText(params)}&${HASH}=${signParams(params, r.secret)}`;
  return `${r.gatewayUrl}${r.gatewayUrl.includes('?') ? '&' : '?'}${query}`;
}

/** A result as the gateway states it (after the signature was verified). */
export interface GatewayResult {
  merchantCode: string;
  reference: string;
  amountVnd: number | null;
  responseCode: string;
  transactionStatus: string;
  transactionNo: string;
  bankCode: string;
  paidAt: Date | null;
}

export function readResult(params: Readonly<Record<string, unknown>>): GatewayResult {
  const s = (k: string) => (typeof params[k] === 'string' ? (params[k] as string) : '');
  const raw = s('vnp_Amount');
  const amount = /^\d{1,15}$/.test(raw) && Number(raw) % 100 === 0 ? Number(raw) / 100 : null;
  return {
    merchantCode: s('vnp_TmnCode'),
    reference: s('vnp_TxnRef'),
    amountVnd: amount,
    responseCode: s('vnp_ResponseCode'),
    transactionStatus: s('vnp_TransactionStatus'),
    transactionNo: s('vnp_TransactionNo'),
    bankCode: s('vnp_BankCode'),
    paidAt: parseGatewayTime(params.vnp_PayDate),
  };
}

/** The gateway side: the signed parameters of a result (used by the sandbox, which plays the gateway). */
export function signedResult(
  secret: string,
  r: { merchantCode: string; reference: string; amountVnd: number; orderInfo: string; responseCode: string; transactionNo: string; bankCode: string; paidAt: Date },
): Record<string, string> {
  const params: Record<string, string> = {
    vnp_TmnCode: r.merchantCode,
    vnp_Amount: String(r.amountVnd * 100),
    vnp_BankCode: r.bankCode,
    vnp_OrderInfo: r.orderInfo,
    vnp_PayDate: gatewayTime(r.paidAt),
    vnp_ResponseCode: r.responseCode,
    vnp_TransactionNo: r.transactionNo,
    vnp_TransactionStatus: r.responseCode === gatewayResponseCodes.success ? '00' : '02',
    vnp_TxnRef: r.reference,
  };
  return { ...params, [HASH]: signParams(params, secret) };
}
