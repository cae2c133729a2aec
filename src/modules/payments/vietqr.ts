import QRCode from 'qrcode';
import { QRPay } from 'vietnam-qr-pay';

/**
 * VietQR (NAPAS 247 transfer to an account): an EMVCo merchant-presented payload — tag 38 with the VietQR GUID
 * `A000000727`, the bank's BIN, the account and the service `QRIBFTTA`; currency 704; country VN; the amount in whole
 * đồng; the purpose (our payment reference) in additional data (62.08); CRC16-CCITT in tag 63 (RULES.md,
 * Identifiers). Encoding and the CRC come from the `vietnam-qr-pay` library (MIT, no dependencies); the tests check its
 * output against published sample payloads and an independent CRC.
 */
export interface VietQrTransfer {
  bankBin: string;
  accountNumber: string;
  amountVnd: number;
  /** Letters, digits and spaces only (banks drop anything else), at most 25 characters (many banking apps cut more). */
  purpose: string;
}

export function buildVietQr(t: VietQrTransfer): string {
  if (!/^\d{6}$/.test(t.bankBin)) throw new RangeError('a bank BIN has 6 digits');
  if (!/^[0-9A-Za-z]{1,19}$/.test(t.accountNumber)) throw new RangeError('an account number has 1 to 19 letters or digits');
  if (!Number.isSafeInteger(t.amountVnd) || t.amountVnd <= 0 || t.amountVnd > 9_999_999_999_999) throw new RangeError('the amount must be whole đồng > 0 (13 digits at most)');
  if (!/^[0-9A-Za-z ]{1,25}$/.test(t.purpose)) throw new RangeError('the purpose must be 1 to 25 letters, digits or spaces');
  return QRPay.initVietQR({ bankBin: t.bankBin, bankNumber: t.accountNumber, amount: String(t.amountVnd), purpose: t.purpose }).build();
}

/** The transfer a VietQR payload asks for, or null when it is not a valid VietQR (bad CRC included). */
export function readVietQr(payload: string): VietQrTransfer | null {
  const qr = new QRPay(payload);
  if (!qr.isValid || qr.provider.guid !== 'A000000727' || !qr.consumer.bankBin || !qr.consumer.bankNumber) return null;
  const amount = Number(qr.amount ?? '');
  return {
    bankBin: qr.consumer.bankBin,
    accountNumber: qr.consumer.bankNumber,
    amountVnd: Number.isSafeInteger(amount) ? amount : 0,
    purpose: qr.additionalData.purpose ?? '',
  };
}

/** The payload as a PNG data URL for an <img> (the page's CSP allows data: images; no script needed). */
export function vietQrImage(payload: string): Promise<string> {
  return QRCode.toDataURL(payload, { errorCorrectionLevel: 'M', margin: 4, scale: 6 });
}
