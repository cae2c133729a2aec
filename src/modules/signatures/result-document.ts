import { translator, type Locale } from '../../platform/i18n/i18n.js';
import { formDateParts, PdfBuilder, type RichText } from '../../platform/pdf/index.js';

/**
 * Result documents (kết quả giải quyết) rendered from a dossier's data: a birth registration extract ("Trích lục
 * khai sinh", Circular 04/2024/TT-BTP) from the birth-registration e-form, and a generic result for any other
 * procedure. Each carries a QR code to the public verification page and the verification code in words, and is
 * saved without object streams so that the PAdES signatures can be appended as incremental updates.
 * The national header stays Vietnamese; labels come from the message catalogues.
 */

export type ResultTemplate = 'birthExtract' | 'generic';

export interface ResultDocumentData {
  template: ResultTemplate;
  agency: { name: string; parentName: string | null; place: string };
  issuedAt: Date;
  dossierCode: string;
  procedure: { code: string; name: string };
  applicantName: string;
  /** Rows of the document's body: label keys (under `signatures.doc.`) or literal labels, with their values. */
  rows: readonly { label: string; value: string }[];
  leader: { name: string; title: string };
  verification: { code: string; url: string };
  locale?: Locale;
}

/** Title of a result document of this template (also the vault entry's title). */
export function resultTitle(template: ResultTemplate, locale: Locale = 'vi'): string {
  return translator(locale)(`signatures.doc.title.${template}`);
}

/** The verification code as printed: groups of four (`K7Q2-9XHM-3PZA-WD4T`). */
export function groupedCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}

const qrSize = 84;

export async function renderResultDocument(data: ResultDocumentData): Promise<Uint8Array> {
  const t = translator(data.locale ?? 'vi');
  const title = resultTitle(data.template, data.locale);
  const pdf = await PdfBuilder.create({
    title: `${title} – ${data.dossierCode}`,
    subject: data.procedure.name,
    author: data.agency.name,
    keywords: [data.dossierCode, data.procedure.code, data.verification.code],
    createdAt: data.issuedAt,
    language: data.locale === 'en' ? 'en' : 'vi-VN',
    fontSize: 13,
    pageNumbers: 'decree30',
  });
  pdf.nationalHeader({
    parentAgency: data.agency.parentName,
    agency: data.agency.name,
    numberLine: null,
    placeDate: t('signatures.doc.placeDate', { place: data.agency.place, ...formDateParts(data.issuedAt) }),
  });
  pdf.space(14);
  pdf.paragraph(title.toUpperCase(), { bold: true, align: 'center', size: 15, spaceAfter: 2 });
  pdf.paragraph(data.procedure.name, { italic: true, align: 'center', size: 12, spaceAfter: 12, balance: true });
  if (data.template === 'generic') {
    pdf.paragraph(t('signatures.doc.genericIntro', { agency: data.agency.name, applicant: data.applicantName, code: data.dossierCode }), { align: 'justify', indent: 28, spaceAfter: 6 });
  }
  for (const row of data.rows) {
    const label: RichText = [{ text: `${row.label}: ` }, { text: row.value, bold: true }];
    pdf.paragraph(label, { spaceAfter: 2 });
  }
  pdf.space(14);

  // The leader's block on the right; the QR code and the verification note on the left of the same band.
  const top = pdf.y;
  const half = pdf.contentWidth / 2;
  pdf.ensureSpace(qrSize + 40);
  const bandTop = pdf.y === top ? top : pdf.y;
  let right = pdf.textAt(data.leader.title.toUpperCase(), { x: pdf.left + half, top: bandTop, width: half }, { bold: true, align: 'center', size: 13 });
  right = pdf.textAt(t('signatures.doc.signedDigitally'), { x: pdf.left + half, top: right, width: half }, { italic: true, align: 'center', size: 11 });
  right = pdf.textAt(data.leader.name, { x: pdf.left + half, top: right - 40, width: half }, { bold: true, align: 'center', size: 13 });
  pdf.qrCode(data.verification.url, { x: pdf.left, top: bandTop, size: qrSize, quietZone: 3 });
  const note = pdf.textAt(
    [
      { text: `${t('signatures.doc.verificationCode')}: ` },
      { text: groupedCode(data.verification.code), bold: true },
      { text: `\n${t('signatures.doc.verificationHint', { url: data.verification.url })}` },
    ],
    { x: pdf.left + qrSize + 6, top: bandTop - 4, width: half - qrSize - 10 },
    { size: 9 },
  );
  pdf.y = Math.min(right, note, bandTop - qrSize) - 6;
  return pdf.save();
}
