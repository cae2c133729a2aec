/** PDF generation for administrative documents: layout, the national header, tables, QR codes, Vietnamese fonts. */
export {
  PdfBuilder,
  decree30Margins,
  mm,
  nationalMotto,
  nationalTitle,
  type Align,
  type Margins,
  type NationalHeader,
  type PdfDocumentOptions,
  type RichText,
  type Run,
  type SignatureBlock,
  type TableColumn,
  type TableOptions,
  type TextOptions,
} from './document.js';
export { drawQrCode, qrMatrix, type DrawQrOptions, type QrErrorCorrection, type QrMatrix } from './qr.js';
export { formDateParts, type FormDateParts } from './dates.js';
export { fontBytes, type FontFamily, type FontStyle } from './fonts.js';
export { formTitle, labelled, standardFormHeading, type StandardFormHeading } from './forms.js';
