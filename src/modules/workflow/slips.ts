import { catalogue, translator, type Locale, type Translate } from '../../platform/i18n/i18n.js';
import { formDateParts, labelled, PdfBuilder, standardFormHeading, type Run } from '../../platform/pdf/index.js';

/**
 * The standard documents of a dossier after reception (Circular 03/2025/TT-VPCP, annex I; RULES.md): 02 supplement
 * request, 03 refusal, 04 apology letter with a new due date, 05 stop notice and 06 control slip. Form 01 (receipt
 * slip) lives in the dossiers module; 07 (the tracking ledger) is a list with an Excel export (ledger.*).
 *
 * Each renderer is a pure function from typed data to PDF bytes: it never looks anything up, so what it prints is
 * exactly what the caller loaded (a snapshot of the dossier). The national header stays Vietnamese whatever the
 * locale, as the law writes it. PDFs are saved without object streams, ready for a later PAdES signature.
 */

export type SlipForm = '02' | '03' | '04' | '05' | '06';
export const slipForms: readonly SlipForm[] = ['02', '03', '04', '05', '06'];
/** Forms the applicant may download for their own dossier; 06 is the agencies' internal record. */
export const applicantSlipForms: readonly SlipForm[] = ['02', '03', '04', '05'];

export interface SlipAgency {
  /** Full name of the agency issuing the document, e.g. `Ủy ban nhân dân xã Hoa Lư`. */
  name: string;
  /** Governing body printed above the agency name (cơ quan chủ quản). */
  parentName?: string | null;
  /** Locality of the date line, e.g. `Ninh Bình`. */
  place: string;
}

/** What every form says about the dossier (a snapshot). */
export interface SlipDossier {
  code: string;
  procedure: { code: string; name: string };
  applicant: { fullName: string; address?: string | null; phone?: string | null };
  submittedAt: Date;
  receivedAt: Date | null;
  dueAt: Date | null;
}

interface SlipCommon {
  agency: SlipAgency;
  dossier: SlipDossier;
  /** Date of the date line (the moment of the decision the form records). */
  issuedAt: Date;
  /** The officer who made the decision (signature block), when known. */
  officer: string | null;
  /** The number in the agency's register ("Số: …"), when it numbers its documents. */
  number?: string | null;
  locale?: Locale;
}

/** Form 02: what is missing and why. */
export interface SupplementRequestData extends SlipCommon {
  items: readonly { name: string; reason: string }[];
  note?: string | null;
}

/** Form 03: the reasons for refusing the dossier. */
export interface RefusalData extends SlipCommon {
  reasons: string;
}

/** Form 04: the apology for a late dossier and the new due date. */
export interface ApologyLetterData extends SlipCommon {
  reason: string;
  previousDueAt: Date;
  newDueAt: Date;
}

/** Form 05: stopping the handling of the dossier. */
export interface StopNoticeData extends SlipCommon {
  reason: string;
}

export type Timing = 'early' | 'on_time' | 'late';

/** One hand-over on the control slip: from a unit and person to a unit and person. */
export interface ControlSlipEntry {
  at: Date;
  /** The event's action code (`received`, `forwarded`, `transferred`…), printed through the catalogue. */
  action: string;
  step: string | null;
  from: { unit: string | null; person: string | null };
  to: { unit: string | null; person: string | null };
  /** When the step had to be done; null when no step deadline applies. */
  stepDueAt: Date | null;
  timing: Timing | null;
  note: string | null;
}

/** Form 06: the record of who held the dossier and when. */
export interface ControlSlipData extends SlipCommon {
  entries: readonly ControlSlipEntry[];
}

export type SlipData =
  | ({ form: '02' } & SupplementRequestData)
  | ({ form: '03' } & RefusalData)
  | ({ form: '04' } & ApologyLetterData)
  | ({ form: '05' } & StopNoticeData)
  | ({ form: '06' } & ControlSlipData);

const k = (key: string) => `workflow.slips.${key}`;

/** Opens a document with the form number, the national header and the numbered title. */
async function begin(form: SlipForm, data: SlipCommon): Promise<{ pdf: PdfBuilder; t: Translate }> {
  if (!data.dossier.code) throw new RangeError('a form needs the dossier code');
  if (Number.isNaN(data.issuedAt.getTime())) throw new RangeError('a form needs its date');
  const t = translator(data.locale ?? 'vi');
  const pdf = await PdfBuilder.create({
    title: t(k('pdfTitle'), { title: t(k(`${form}.title`)), code: data.dossier.code }),
    subject: t(k(`${form}.title`)),
    author: data.agency.name,
    keywords: [data.dossier.code, data.dossier.procedure.code, t(k('formNumber'), { n: form })],
    createdAt: data.issuedAt,
    language: data.locale === 'en' ? 'en' : 'vi-VN',
    fontSize: 12,
    pageNumbers: 'decree30',
  });
  standardFormHeading(pdf, {
    formNumber: t(k('formNumber'), { n: form }),
    header: {
      parentAgency: data.agency.parentName ?? null,
      agency: data.agency.name,
      numberLine: data.number ? t(k('number'), { number: data.number }) : null,
      placeDate: t(k('placeDate'), { place: data.agency.place, ...formDateParts(data.issuedAt) }),
    },
    title: t(k(`${form}.title`)),
  });
  pdf.space(8);
  return { pdf, t };
}

function moment(t: Translate, at: Date): string {
  return t('workflow.dateTime', { ...formDateParts(at) });
}

/** "Kính gửi: Ông/bà …", the address and phone, then the dossier's code and procedure. */
function addressee(pdf: PdfBuilder, t: Translate, d: SlipDossier): void {
  pdf.paragraph(labelled(t(k('to')), [{ text: t(k('toApplicant'), { name: d.applicant.fullName }), bold: true }]), { spaceAfter: 2 });
  if (d.applicant.address) pdf.paragraph(labelled(t(k('address')), d.applicant.address));
  if (d.applicant.phone) pdf.paragraph(labelled(t(k('phone')), d.applicant.phone));
}

function dossierLines(pdf: PdfBuilder, t: Translate, d: SlipDossier, options: { received?: boolean; due?: boolean } = {}): void {
  pdf.paragraph(labelled(t(k('code')), [{ text: d.code, bold: true }]));
  pdf.paragraph(labelled(t(k('procedure')), [{ text: d.procedure.name, bold: true }, { text: ` ${t(k('procedureCode'), { code: d.procedure.code })}` }]));
  pdf.paragraph(labelled(t(k('submittedAt')), moment(t, d.submittedAt)));
  if (options.received !== false && d.receivedAt) pdf.paragraph(labelled(t(k('receivedAt')), moment(t, d.receivedAt)));
  if (options.due && d.dueAt) pdf.paragraph(labelled(t(k('dueAt')), [{ text: moment(t, d.dueAt), bold: true }]));
}

/** A multi-line text given by an officer: each line its own paragraph, so line breaks typed in the form survive. */
function block(pdf: PdfBuilder, text: string, options: { left?: number } = {}): void {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  for (const line of lines) pdf.paragraph(line, { align: 'justify', left: options.left ?? 16 });
}

function signature(pdf: PdfBuilder, t: Translate, form: SlipForm, officer: string | null): void {
  pdf.space(10);
  // One block on the right half (the applicant does not sign these forms).
  pdf.signatures([{ title: '' }, { title: t(k(`${form}.sign`)), note: t(k(`${form}.signNote`)), name: officer }], { size: 12, signingSpace: 54 });
}

/** Form 02 — "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ": what is missing and why; the clock waits for the applicant. */
export async function renderSupplementRequest(data: SupplementRequestData): Promise<Uint8Array> {
  if (data.items.length === 0) throw new RangeError('a supplement request lists at least one item');
  const { pdf, t } = await begin('02', data);
  addressee(pdf, t, data.dossier);
  pdf.space(4);
  pdf.paragraph(t(k('02.intro'), { agency: data.agency.name, procedure: data.dossier.procedure.name }), { align: 'justify', indent: 24 });
  dossierLines(pdf, t, data.dossier);
  pdf.paragraph(labelled(t(k('02.requestedAt')), moment(t, data.issuedAt)));
  pdf.paragraph(t(k('02.lead')), { align: 'justify', indent: 24, spaceBefore: 4, spaceAfter: 4 });
  pdf.table(
    [
      { header: t(k('col.no')), width: 0.8, align: 'center' },
      { header: t(k('02.col.item')), width: 4.6 },
      { header: t(k('02.col.reason')), width: 4.6 },
    ],
    data.items.map((item, i) => [String(i + 1), item.name, item.reason]),
    { size: 11, spaceAfter: 6 },
  );
  if (data.note) {
    pdf.paragraph(t(k('02.note')), { bold: true });
    block(pdf, data.note);
  }
  pdf.paragraph(t(k('02.paused')), { align: 'justify', indent: 24, spaceBefore: 4 });
  pdf.paragraph(t(k('02.howTo')), { align: 'justify', indent: 24 });
  if (data.officer) pdf.paragraph(t(k('02.contact'), { officer: data.officer }), { align: 'justify', indent: 24 });
  signature(pdf, t, '02', data.officer);
  return pdf.save();
}

/** Form 03 — "Phiếu từ chối tiếp nhận giải quyết hồ sơ": the reasons. */
export async function renderRefusal(data: RefusalData): Promise<Uint8Array> {
  if (data.reasons.trim() === '') throw new RangeError('a refusal states its reasons');
  const { pdf, t } = await begin('03', data);
  addressee(pdf, t, data.dossier);
  pdf.space(4);
  pdf.paragraph(t(k('03.intro'), { agency: data.agency.name, procedure: data.dossier.procedure.name }), { align: 'justify', indent: 24 });
  dossierLines(pdf, t, data.dossier);
  pdf.paragraph(labelled(t(k('03.refusedAt')), moment(t, data.issuedAt)));
  pdf.paragraph(t(k('03.lead'), { agency: data.agency.name }), { align: 'justify', indent: 24, spaceBefore: 4 });
  block(pdf, data.reasons);
  pdf.paragraph(t(k('03.closing')), { align: 'justify', indent: 24, spaceBefore: 4 });
  signature(pdf, t, '03', data.officer);
  return pdf.save();
}

/** Form 04 — "Phiếu xin lỗi và hẹn lại ngày trả kết quả": issued before the due date of a dossier that will be late. */
export async function renderApologyLetter(data: ApologyLetterData): Promise<Uint8Array> {
  if (data.reason.trim() === '') throw new RangeError('an apology letter states the reason of the delay');
  if (data.newDueAt.getTime() <= data.previousDueAt.getTime()) throw new RangeError('the new due date comes after the previous one');
  const { pdf, t } = await begin('04', data);
  addressee(pdf, t, data.dossier);
  pdf.space(4);
  pdf.paragraph(t(k('04.intro'), { agency: data.agency.name, procedure: data.dossier.procedure.name }), { align: 'justify', indent: 24 });
  dossierLines(pdf, t, { ...data.dossier, dueAt: null });
  pdf.paragraph(labelled(t(k('04.previousDue')), [{ text: moment(t, data.previousDueAt), bold: true }]));
  pdf.paragraph(t(k('04.lead'), { agency: data.agency.name }), { align: 'justify', indent: 24, spaceBefore: 4 });
  block(pdf, data.reason);
  pdf.paragraph(labelled(t(k('04.apology'), { agency: data.agency.name }), [{ text: moment(t, data.newDueAt), bold: true }]), { align: 'justify', indent: 24, spaceBefore: 4 });
  pdf.paragraph(t(k('04.closing')), { align: 'justify', indent: 24 });
  signature(pdf, t, '04', data.officer);
  return pdf.save();
}

/** Form 05 — stop notice ("Thông báo dừng giải quyết hồ sơ"): the handling stops, with the reason. */
export async function renderStopNotice(data: StopNoticeData): Promise<Uint8Array> {
  if (data.reason.trim() === '') throw new RangeError('a stop notice states the reason');
  const { pdf, t } = await begin('05', data);
  addressee(pdf, t, data.dossier);
  pdf.space(4);
  pdf.paragraph(t(k('05.intro'), { agency: data.agency.name, procedure: data.dossier.procedure.name }), { align: 'justify', indent: 24 });
  dossierLines(pdf, t, data.dossier, { due: true });
  pdf.paragraph(labelled(t(k('05.stoppedAt')), [{ text: moment(t, data.issuedAt), bold: true }]));
  pdf.paragraph(t(k('05.lead')), { align: 'justify', indent: 24, spaceBefore: 4 });
  block(pdf, data.reason);
  pdf.paragraph(t(k('05.closing')), { align: 'justify', indent: 24, spaceBefore: 4 });
  signature(pdf, t, '05', data.officer);
  return pdf.save();
}

function actionLabel(t: Translate, locale: Locale, action: string): string {
  const key = `dossiers.action.${action}`;
  return key in catalogue(locale) || key in catalogue('vi') ? t(key) : action;
}

function party(t: Translate, role: 'from' | 'to', p: { unit: string | null; person: string | null }): Run[] {
  const who = [p.unit, p.person].filter((x): x is string => !!x).join(' – ');
  return [{ text: `${t(k(`06.${role}`))} `, bold: true }, { text: who || t(k('06.nobody')) }];
}

/**
 * Form 06 — "Phiếu kiểm soát quá trình giải quyết hồ sơ": every hand-over in order, from/to unit and person, the
 * time ("HH giờ mm phút, ngày dd tháng MM năm yyyy") and whether it was early, on time or late against the step's
 * share of the deadline. The table continues on the next pages under its header.
 */
export async function renderControlSlip(data: ControlSlipData): Promise<Uint8Array> {
  const locale = data.locale ?? 'vi';
  const { pdf, t } = await begin('06', data);
  pdf.paragraph(labelled(t(k('06.agency')), data.agency.name));
  pdf.paragraph(labelled(t(k('06.applicant')), [{ text: data.dossier.applicant.fullName, bold: true }]));
  dossierLines(pdf, t, data.dossier, { due: true });
  pdf.space(6);
  pdf.table(
    [
      { header: t(k('col.no')), width: 0.7, align: 'center' },
      { header: t(k('06.col.handover')), width: 4.6 },
      { header: t(k('06.col.time')), width: 2.4 },
      { header: t(k('06.col.timing')), width: 1.5, align: 'center' },
      { header: t(k('06.col.note')), width: 1.8 },
    ],
    data.entries.length === 0
      ? [['', [{ text: t(k('06.none')), italic: true }], '', '', '']]
      : data.entries.map((e, i) => {
          const handover: Run[] = [
            { text: `${actionLabel(t, locale, e.action)}${e.step ? ` – ${e.step}` : ''}\n`, italic: true },
            ...party(t, 'from', e.from),
            { text: '\n' },
            ...party(t, 'to', e.to),
          ];
          const note: Run[] = [];
          if (e.stepDueAt) note.push({ text: t(k('06.stepDue'), { at: moment(t, e.stepDueAt) }) });
          if (e.note) note.push({ text: `${note.length > 0 ? '\n' : ''}${e.note}` });
          return [String(i + 1), handover, moment(t, e.at), e.timing ? t(k(`06.timing.${e.timing}`)) : '', note.length > 0 ? note : ''];
        }),
    { size: 10, spaceAfter: 8 },
  );
  pdf.signatures([{ title: '' }, { title: t(k('06.sign')), note: t(k('06.signNote')), name: data.officer }], { size: 12, signingSpace: 48 });
  return pdf.save();
}

/** Renders any of the forms from its tagged data. */
export function renderSlip(data: SlipData): Promise<Uint8Array> {
  switch (data.form) {
    case '02':
      return renderSupplementRequest(data);
    case '03':
      return renderRefusal(data);
    case '04':
      return renderApologyLetter(data);
    case '05':
      return renderStopNotice(data);
    case '06':
      return renderControlSlip(data);
  }
}

/**
 * The forms a dossier has, read from its history as the pages already hold it: 01 for officers once received, 02 after a supplement request, 03
 * after a refusal, 04 after an apology letter, 05 after a stop; 06 for officers always. The service checks again
 * when the form is opened (SLIP_NOT_AVAILABLE).
 */
export function slipFormsFromHistory(history: readonly { action: string; toStatus: string | null }[], forOfficer: boolean): (SlipForm | '01')[] {
  const has = (test: (e: { action: string; toStatus: string | null }) => boolean) => history.some(test);
  const forms: (SlipForm | '01')[] = [];
  // Form 01 for officers once received (the applicant has their own copy on "my dossiers").
  if (forOfficer && has((e) => e.action === 'received')) forms.push('01');
  if (has((e) => e.action === 'supplement_requested')) forms.push('02');
  if (has((e) => e.toStatus === 'refused')) forms.push('03');
  if (has((e) => e.action.startsWith('apology'))) forms.push('04');
  if (has((e) => e.toStatus === 'stopped')) forms.push('05');
  if (forOfficer) forms.push('06');
  return forms;
}

/** Where each side opens a form. */
export const slipPaths = {
  officer: (code: string, form: SlipForm | '01') => `/can-bo/ho-so/${encodeURIComponent(code)}/phieu/${form}`,
  applicant: (code: string, form: SlipForm) => `/ho-so/${encodeURIComponent(code)}/phieu/${form}`,
};
