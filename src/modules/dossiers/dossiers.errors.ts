import { defineError } from '../../platform/errors/errors.js';

/**
 * Errors of uploaded files (checked by `inspectUpload` before anything is stored) and of dossier codes.
 * Messages live in `messages/<locale>.json` under `dossiers.error.<CODE>`; the code is shown to the applicant.
 */
const key = (code: string) => `dossiers.error.${code}`;

export const UploadErrors = {
  empty: defineError('UPLOAD_EMPTY', 'invalid', 'The uploaded file is empty (0 bytes).', key('UPLOAD_EMPTY')),
  tooLarge: defineError('UPLOAD_TOO_LARGE', 'invalid', 'The uploaded file is larger than the limit for this document.', key('UPLOAD_TOO_LARGE')),
  typeUnknown: defineError(
    'UPLOAD_TYPE_UNKNOWN',
    'invalid',
    'The content of the file is not PDF, JPEG or PNG (the type is read from the bytes, never from the file name).',
    key('UPLOAD_TYPE_UNKNOWN'),
  ),
  typeDangerous: defineError(
    'UPLOAD_TYPE_DANGEROUS',
    'invalid',
    'The file is a program, an archive, a web page, an SVG or a script, whatever its name says; it is refused.',
    key('UPLOAD_TYPE_DANGEROUS'),
  ),
  typeNotAccepted: defineError(
    'UPLOAD_TYPE_NOT_ACCEPTED',
    'invalid',
    'The file is a PDF, JPEG or PNG, but this document accepts only some of these types.',
    key('UPLOAD_TYPE_NOT_ACCEPTED'),
  ),
  pdfMalformed: defineError(
    'UPLOAD_PDF_MALFORMED',
    'invalid',
    'The PDF is damaged or incomplete (e.g. the upload was cut short) and cannot be read.',
    key('UPLOAD_PDF_MALFORMED'),
  ),
  pdfEncrypted: defineError(
    'UPLOAD_PDF_ENCRYPTED',
    'invalid',
    'The PDF is password-protected or encrypted; officers could not open, stamp or sign it.',
    key('UPLOAD_PDF_ENCRYPTED'),
  ),
  pdfActiveContent: defineError(
    'UPLOAD_PDF_ACTIVE_CONTENT',
    'invalid',
    'The PDF contains scripts, launch actions, XFA forms or embedded files; it is refused rather than altered.',
    key('UPLOAD_PDF_ACTIVE_CONTENT'),
  ),
  pdfTooManyPages: defineError('UPLOAD_PDF_TOO_MANY_PAGES', 'invalid', 'The PDF has more pages than this document allows.', key('UPLOAD_PDF_TOO_MANY_PAGES')),
  imageMalformed: defineError(
    'UPLOAD_IMAGE_MALFORMED',
    'invalid',
    'The JPEG or PNG image is damaged or incomplete and cannot be read.',
    key('UPLOAD_IMAGE_MALFORMED'),
  ),
  imageDimensions: defineError(
    'UPLOAD_IMAGE_DIMENSIONS',
    'invalid',
    'The image is too small to be legible or too large (in pixels) to be processed safely.',
    key('UPLOAD_IMAGE_DIMENSIONS'),
  ),
} as const;

export const DossierCodeErrors = {
  agencyCodeInvalid: defineError(
    'DOSSIER_CODE_AGENCY_INVALID',
    'invalid',
    'A dossier code needs the receiving agency’s e-identifier (Decision 20/2020/QĐ-TTg); this agency has none valid.',
    key('DOSSIER_CODE_AGENCY_INVALID'),
  ),
} as const;
