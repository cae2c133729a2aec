import type { NationalHeader, PdfBuilder, RichText, Run } from './document.js';

/**
 * Layout pieces shared by the standard documents of a dossier (Circular 03/2025/TT-VPCP, annex I: forms 01–07):
 * the form number above the header, the national header, the numbered title, and "label: value" lines. The words
 * themselves come from the caller's message catalogue; only the arrangement lives here.
 */
export interface StandardFormHeading {
  /** E.g. `Mẫu số 02`, printed small and in italics at the top right; omitted when null. */
  formNumber?: string | null;
  header: NationalHeader;
  /** The form's title, printed bold upper case and centred, e.g. `PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ`. */
  title: string;
  /** An italic line under the title. */
  subtitle?: string | null;
}

/** Prints the form number, the national header and the title at the cursor. */
export function standardFormHeading(pdf: PdfBuilder, heading: StandardFormHeading): void {
  if (heading.formNumber) {
    pdf.paragraph(heading.formNumber, { size: 10, italic: true, align: 'right', spaceAfter: 2 });
  }
  pdf.nationalHeader(heading.header);
  formTitle(pdf, heading.title, heading.subtitle ?? null);
}

/** The centred bold title of a form, with an optional italic subtitle. */
export function formTitle(pdf: PdfBuilder, title: string, subtitle: string | null = null): void {
  pdf.paragraph(title, { size: 14, bold: true, align: 'center', spaceBefore: 16, balance: true });
  if (subtitle) pdf.paragraph(subtitle, { italic: true, align: 'center' });
}

/** "Label: value" as rich text: the label in the body style, then the value's runs (bold where asked). */
export function labelled(label: string, value: string | readonly Run[]): RichText {
  return [{ text: `${label} ` }, ...(typeof value === 'string' ? [{ text: value }] : value)];
}
