import { translator, type Locale, type Translate } from '../../platform/i18n/i18n.js';
import { formDateParts, formTitle, labelled, PdfBuilder } from '../../platform/pdf/index.js';
import type { DossierChannel, ResultDelivery } from './dossiers.tables.js';

/**
 * The receipt and appointment slip ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"): standard document 01 of Circular
 * 03/2025/TT-VPCP, annex I (RULES.md). Given to the applicant when a dossier is submitted or received; kept with the
 * dossier as a PDF (saved without object streams, so it can be signed later).
 */
export interface ReceiptSlipData {
  /** The dossier code, e.g. `000.00.30.H42-261008-0975`. */
  code: string;
  /** The lookup secret (second factor for public lookup), printed on the slip and carried in the QR link. */
  lookupSecret: string;
  /** Public address of the portal (BASE_URL); the QR code opens `{baseUrl}/tra-cuu/{code}?s={lookupSecret}`. */
  baseUrl: string;
  /** The receiving agency. */
  agency: {
    /** Full name, e.g. `Trung tâm Phục vụ hành chính công tỉnh Hà Tĩnh`. */
    name: string;
    /** Governing body printed above the agency name (cơ quan chủ quản), e.g. `Ủy ban nhân dân tỉnh Hà Tĩnh`. */
    parentName?: string | null;
    /** Locality of the date line, e.g. `Hà Tĩnh` in "Hà Tĩnh, ngày 08 tháng 10 năm 2026". */
    place: string;
  };
  /** The slip's number in the agency's register ("Số: …"), when the agency numbers its slips. */
  slipNumber?: string | null;
  /** The applicant as submitted (a snapshot; the slip never looks anything up). */
  applicant: {
    fullName: string;
    address?: string | null;
    phone?: string | null;
    email?: string | null;
  };
  procedure: {
    /** National procedure code, e.g. `1.001193`. */
    code: string;
    name: string;
  };
  /** The documents submitted, in the order of the procedure's requirements. */
  documents: readonly {
    name: string;
    /** Number of originals (bản chính). */
    originals: number;
    /** Number of copies (bản sao), certified or not. */
    copies: number;
    /** Printed in italics under the name, e.g. `Bản điện tử, 3 trang`. */
    note?: string | null;
  }[];
  /** Number of sets (bộ) of the dossier; default 1. */
  sets?: number;
  channel: DossierChannel;
  /** When the applicant submitted (for an online dossier: when it arrived on the portal). */
  submittedAt: Date;
  /** When the desk received the dossier; null while an online dossier awaits reception ("Chờ tiếp nhận"). */
  receivedAt: Date | null;
  /** The legal processing time of the procedure, when it has one. */
  statutoryDuration: { amount: number; unit: 'working_days' | 'working_hours' | 'days' } | null;
  /** The appointment for the result; null while awaiting reception or when not computed yet. */
  dueAt: Date | null;
  /** Name of the officer who received the dossier, when received at a desk or by an officer online. */
  receivingOfficer: string | null;
  resultDelivery: ResultDelivery;
  /** Postal address of the result when `resultDelivery` is `post`. */
  deliveryAddress?: string | null;
  /** Date of the date line; default `receivedAt`, else `submittedAt`. */
  issuedAt?: Date;
  /** Language of the labels (default `vi`; the national header stays Vietnamese, as the law writes it). */
  locale?: Locale;
}

/** The public lookup link carried by the slip's QR code. */
export function receiptSlipLookupUrl(baseUrl: string, code: string, lookupSecret: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/tra-cuu/${encodeURIComponent(code)}?s=${encodeURIComponent(lookupSecret)}`;
}

const qrSize = 92;

/** Renders the slip as a PDF (A4, usually one page; a long document list continues on the next). */
export async function renderReceiptSlip(data: ReceiptSlipData): Promise<Uint8Array> {
  checkData(data);
  const t = translator(data.locale ?? 'vi');
  const issuedAt = data.issuedAt ?? data.receivedAt ?? data.submittedAt;
  const awaiting = data.receivedAt === null;
  const pdf = await PdfBuilder.create({
    title: t('dossiers.slip.pdfTitle', { code: data.code }),
    subject: t('dossiers.slip.pdfSubject'),
    author: data.agency.name,
    keywords: [data.code, data.procedure.code],
    createdAt: issuedAt,
    language: data.locale === 'en' ? 'en' : 'vi-VN',
    fontSize: 12,
    pageNumbers: 'decree30',
  });

  pdf.nationalHeader({
    parentAgency: data.agency.parentName ?? null,
    agency: data.agency.name,
    numberLine: data.slipNumber ? t('dossiers.slip.number', { number: data.slipNumber }) : null,
    placeDate: t('dossiers.slip.placeDate', { place: data.agency.place, ...formDateParts(issuedAt) }),
  });

  formTitle(pdf, t('dossiers.slip.title'), awaiting ? t('dossiers.slip.awaitingSubtitle') : null);

  // Code and lookup secret on the left, the QR code on the right of the same band.
  pdf.space(8);
  const bandTop = pdf.y;
  const url = receiptSlipLookupUrl(data.baseUrl, data.code, data.lookupSecret);
  pdf.qrCode(url, { x: pdf.right - qrSize, top: bandTop + 4, size: qrSize, quietZone: 4 });
  const inset = { right: qrSize + 8 };
  pdf.paragraph(labelled(t('dossiers.slip.code'), [{ text: data.code, bold: true }]), { ...inset, size: 13 });
  pdf.paragraph(labelled(t('dossiers.slip.secret'), [{ text: data.lookupSecret, bold: true }]), { ...inset, size: 13 });
  const lookupPage = `${data.baseUrl.replace(/\/+$/, '')}/tra-cuu`;
  pdf.paragraph(t('dossiers.slip.lookupHint', { url: lookupPage }), { ...inset, size: 10, italic: true });
  pdf.y = Math.min(pdf.y, bandTop - qrSize + 4) - 6;

  pdf.paragraph(labelled(t('dossiers.slip.agency'), [{ text: data.agency.name }]));
  pdf.paragraph(labelled(t('dossiers.slip.applicant'), [{ text: data.applicant.fullName, bold: true }]));
  if (data.applicant.address) pdf.paragraph(labelled(t('dossiers.slip.address'), [{ text: data.applicant.address }]));
  if (data.applicant.phone) pdf.paragraph(labelled(t('dossiers.slip.phone'), [{ text: data.applicant.phone }]));
  if (data.applicant.email) pdf.paragraph(labelled(t('dossiers.slip.email'), [{ text: data.applicant.email }]));
  pdf.paragraph(
    labelled(t('dossiers.slip.procedure'), [
      { text: data.procedure.name, bold: true },
      { text: ` ${t('dossiers.slip.procedureCode', { code: data.procedure.code })}` },
    ]),
    { spaceAfter: 4 },
  );

  pdf.paragraph(t('dossiers.slip.documents'), { bold: true, spaceAfter: 2 });
  pdf.table(
    [
      { header: t('dossiers.slip.col.no'), width: 0.8, align: 'center' },
      { header: t('dossiers.slip.col.name'), width: 6.4 },
      { header: t('dossiers.slip.col.originals'), width: 1.4, align: 'center' },
      { header: t('dossiers.slip.col.copies'), width: 1.4, align: 'center' },
    ],
    data.documents.length === 0
      ? [['', [{ text: t('dossiers.slip.noDocuments'), italic: true }], '', '']]
      : data.documents.map((d, i) => [
          String(i + 1),
          d.note ? [{ text: `${d.name}\n` }, { text: d.note, italic: true }] : d.name,
          String(d.originals),
          String(d.copies),
        ]),
    { size: 11, spaceAfter: 6 },
  );

  pdf.paragraph(t('dossiers.slip.sets', { sets: data.sets ?? 1 }));
  pdf.paragraph(labelled(t('dossiers.slip.channel'), [{ text: t(`dossiers.slip.channel.${data.channel}`) }]));
  pdf.paragraph(labelled(t('dossiers.slip.duration'), [{ text: durationText(t, data.statutoryDuration), bold: true }]));
  pdf.paragraph(
    labelled(t('dossiers.slip.receivedAt'), [
      awaiting
        ? { text: t('dossiers.slip.awaitingReception', { submitted: dateTime(t, data.submittedAt) }), bold: true }
        : { text: dateTime(t, data.receivedAt!), bold: true },
    ]),
  );
  pdf.paragraph(
    labelled(t('dossiers.slip.dueAt'), [
      {
        text: awaiting ? t('dossiers.slip.dueAwaiting') : data.dueAt ? dateTime(t, data.dueAt) : t('dossiers.slip.dueUnknown'),
        bold: true,
      },
    ]),
  );
  const delivery = t(`dossiers.slip.delivery.${data.resultDelivery}`);
  const to = data.resultDelivery === 'post' && data.deliveryAddress ? ` ${t('dossiers.slip.deliveryTo', { address: data.deliveryAddress })}` : '';
  pdf.paragraph(labelled(t('dossiers.slip.delivery'), [{ text: delivery + to }]), { spaceAfter: 8 });

  if (data.channel === 'online') {
    // No handwritten signatures on an online slip: it is issued electronically, naming the officer once received.
    if (data.receivingOfficer && !awaiting) pdf.paragraph(labelled(t('dossiers.slip.officerLine'), [{ text: data.receivingOfficer, bold: true }]));
    pdf.paragraph(t('dossiers.slip.electronicNote'), { italic: true, size: 11 });
  } else {
    pdf.space(6);
    pdf.signatures(
      [
        { title: t('dossiers.slip.signApplicant'), note: t('dossiers.slip.signNote'), name: data.applicant.fullName },
        { title: t('dossiers.slip.signOfficer'), note: t('dossiers.slip.signNote'), name: data.receivingOfficer },
      ],
      { size: 12, signingSpace: 54 },
    );
  }
  pdf.paragraph(t('dossiers.slip.secretNote'), { italic: true, size: 10, spaceBefore: 10 });
  return pdf.save();
}

function dateTime(t: Translate, at: Date): string {
  return t('dossiers.slip.dateTime', { ...formDateParts(at) });
}

function durationText(t: Translate, d: ReceiptSlipData['statutoryDuration']): string {
  if (!d) return t('dossiers.slip.duration.unknown');
  return t(`dossiers.slip.duration.${d.unit}`, { n: d.amount });
}

function checkData(data: ReceiptSlipData): void {
  for (const d of data.documents) {
    if (!Number.isInteger(d.originals) || d.originals < 0 || !Number.isInteger(d.copies) || d.copies < 0) {
      throw new RangeError(`document counts must be whole numbers ≥ 0 (${d.name})`);
    }
  }
  if (data.sets !== undefined && (!Number.isInteger(data.sets) || data.sets < 1)) throw new RangeError('sets must be a whole number ≥ 1');
  if (!data.code || !data.lookupSecret) throw new RangeError('a slip needs the dossier code and the lookup secret');
}
