import { translator, type Locale, type Translate } from '../../platform/i18n/i18n.js';
import { formDateParts, PdfBuilder, type RichText } from '../../platform/pdf/index.js';
import { vndInWords } from './amount-words.js';
import type { FeeLineRow, PaymentMethod } from './payments.tables.js';

/**
 * The electronic receipt of a fee ("biên lai thu phí, lệ phí điện tử"): template symbol, series and number, the
 * collecting agency, the payer, the dossier and procedure, the charges, the amount in figures and in Vietnamese words,
 * the payment channel and its transaction, and a QR code that opens the public verification page. Rendered from the
 * stored receipt row, so every download is the same document (saved without object streams: it can be signed later).
 */
export interface EReceiptData {
  template: string;
  series: string;
  number: number;
  verificationCode: string;
  verificationUrl: string;
  issuedAt: Date;
  agency: { name: string; parentName: string | null; place: string };
  payerName: string;
  dossierCode: string;
  procedure: { code: string; name: string };
  lines: readonly FeeLineRow[];
  amountVnd: number;
  method: PaymentMethod;
  reference: string;
  providerTransaction: string | null;
  paidAt: Date;
  locale?: Locale;
}

const qrSize = 88;

export async function renderEReceipt(data: EReceiptData): Promise<Uint8Array> {
  const total = data.lines.reduce((sum, l) => sum + l.amountVnd, 0);
  if (total !== data.amountVnd) throw new RangeError(`receipt lines add up to ${total}, not ${data.amountVnd}`);
  const t = translator(data.locale ?? 'vi');
  const money = (n: number) => new Intl.NumberFormat('vi-VN').format(n);
  const number = String(data.number).padStart(7, '0');
  const pdf = await PdfBuilder.create({
    title: t('payments.receipt.pdfTitle', { series: data.series, number }),
    subject: t('payments.receipt.pdfSubject'),
    author: data.agency.name,
    keywords: [data.dossierCode, data.procedure.code, data.reference],
    createdAt: data.issuedAt,
    language: data.locale === 'en' ? 'en' : 'vi-VN',
    fontSize: 12,
    pageNumbers: 'decree30',
  });
  pdf.nationalHeader({
    parentAgency: data.agency.parentName,
    agency: data.agency.name,
    numberLine: null,
    placeDate: t('payments.receipt.placeDate', { place: data.agency.place, ...formDateParts(data.issuedAt) }),
  });
  pdf.paragraph(t('payments.receipt.title'), { size: 14, bold: true, align: 'center', spaceBefore: 14 });
  pdf.paragraph(t('payments.receipt.subtitle'), { italic: true, align: 'center', spaceAfter: 6 });

  const bandTop = pdf.y;
  pdf.qrCode(data.verificationUrl, { x: pdf.right - qrSize, top: bandTop + 4, size: qrSize, quietZone: 4 });
  const inset = { right: qrSize + 8 };
  pdf.paragraph(labelled(t('payments.receipt.template'), [{ text: data.template, bold: true }]), inset);
  pdf.paragraph(labelled(t('payments.receipt.series'), [{ text: data.series, bold: true }]), inset);
  pdf.paragraph(labelled(t('payments.receipt.number'), [{ text: number, bold: true }]), inset);
  pdf.paragraph(labelled(t('payments.receipt.verifyCode'), [{ text: data.verificationCode }]), { ...inset, size: 10 });
  pdf.paragraph(t('payments.receipt.verifyHint', { url: data.verificationUrl }), { ...inset, size: 9, italic: true });
  pdf.y = Math.min(pdf.y, bandTop - qrSize + 4) - 6;

  pdf.paragraph(labelled(t('payments.receipt.agency'), [{ text: data.agency.name }]));
  pdf.paragraph(labelled(t('payments.receipt.payer'), [{ text: data.payerName, bold: true }]));
  pdf.paragraph(labelled(t('payments.receipt.dossier'), [{ text: data.dossierCode, bold: true }]));
  pdf.paragraph(labelled(t('payments.receipt.procedure'), [{ text: data.procedure.name }, { text: ` (${data.procedure.code})` }]), { spaceAfter: 6 });

  pdf.table(
    [
      { header: t('payments.receipt.col.no'), width: 0.7, align: 'center' },
      { header: t('payments.receipt.col.item'), width: 5.2 },
      { header: t('payments.receipt.col.quantity'), width: 1.1, align: 'center' },
      { header: t('payments.receipt.col.unit'), width: 1.6, align: 'right' },
      { header: t('payments.receipt.col.amount'), width: 1.8, align: 'right' },
    ],
    [
      ...data.lines.map((l, i) => [String(i + 1), l.per ? `${l.label} (${t('payments.receipt.per', { per: l.per })})` : l.label, String(l.quantity), money(l.unitVnd), money(l.amountVnd)]),
      ['', [{ text: t('payments.receipt.total'), bold: true }], '', '', [{ text: money(data.amountVnd), bold: true }]],
    ],
    { size: 11, spaceAfter: 6 },
  );
  pdf.paragraph(labelled(t('payments.receipt.amountFigures'), [{ text: `${money(data.amountVnd)} ${t('payments.receipt.currency')}`, bold: true }]));
  pdf.paragraph(labelled(t('payments.receipt.amountWords'), [{ text: vndInWords(data.amountVnd), bold: true, italic: true }]));
  pdf.paragraph(labelled(t('payments.receipt.method'), [{ text: t(`payments.method.${data.method}`) }]));
  pdf.paragraph(labelled(t('payments.receipt.transaction'), [{ text: `${data.reference}${data.providerTransaction ? ` / ${data.providerTransaction}` : ''}` }]));
  pdf.paragraph(labelled(t('payments.receipt.paidAt'), [{ text: t('payments.receipt.dateTime', { ...formDateParts(data.paidAt) }) }]), { spaceAfter: 10 });
  pdf.paragraph(t('payments.receipt.electronicNote'), { italic: true, size: 10 });
  return pdf.save();
}

function labelled(label: string, value: { text: string; bold?: boolean; italic?: boolean }[]): RichText {
  return [{ text: `${label} ` }, ...value];
}

export type { Translate };
