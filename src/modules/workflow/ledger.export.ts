import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Translate } from '../../platform/i18n/i18n.js';
import { formDateParts } from '../../platform/pdf/index.js';
import type { LedgerRow } from './ledger.service.js';

/**
 * The exports of the tracking ledger (form 07) with its official column set: no., code, applicant, address,
 * procedure, received at, due at, transferred to, result at, delivered, note. Both write row batches as they come
 * (an export of a million rows never sits in memory): Excel through exceljs's streaming workbook writer, CSV as
 * UTF-8 with a byte-order mark so that Excel opens Vietnamese text correctly.
 */
export const ledgerColumns = ['no', 'code', 'applicant', 'address', 'procedure', 'receivedAt', 'dueAt', 'transferredTo', 'resultAt', 'delivered', 'note'] as const;

const widths: Record<(typeof ledgerColumns)[number], number> = {
  no: 6,
  code: 26,
  applicant: 24,
  address: 34,
  procedure: 40,
  receivedAt: 17,
  dueAt: 17,
  transferredTo: 24,
  resultAt: 17,
  delivered: 22,
  note: 30,
};

/** Excel has no time zones: dates are written as Vietnam wall-clock time (UTC+7, no summer time). */
const vietnamWallClock = (at: Date) => new Date(at.getTime() + 7 * 3_600_000);

function shortMoment(at: Date | null): string {
  if (!at) return '';
  const p = formDateParts(at);
  return `${p.HH}:${p.mi} ${p.dd}/${p.MM}/${p.yyyy}`;
}

/** The cells of one row, as text or dates (dates stay dates in Excel, so officers can sort and filter them). */
function cells(t: Translate, row: LedgerRow, index: number) {
  const address = [row.applicant.address, row.applicant.phone].filter(Boolean).join(' – ');
  const delivered = row.status === 'result_returned' ? t(`workflow.ledger.delivered.${row.resultDelivery}`) : '';
  const note = [t(`dossiers.status.${row.status}`), row.timing ? t(`workflow.ledger.timing.${row.timing}`) : null, t(`workflow.channel.${row.channel}`)].filter(Boolean).join('; ');
  return {
    no: index,
    code: row.code,
    applicant: row.applicant.fullName,
    address,
    procedure: `${row.procedure.name} (${row.procedure.code})`,
    receivedAt: row.receivedAt,
    dueAt: row.dueAt,
    transferredTo: row.transferredTo ?? '',
    resultAt: row.completedAt,
    delivered: row.returnedAt ? `${delivered} ${shortMoment(row.returnedAt)}`.trim() : delivered,
    note,
  };
}

export interface LedgerExportMeta {
  agencyName: string;
  /** When the export was made (printed under the title). */
  exportedAt: Date;
}

/** Streams the ledger as an .xlsx workbook: title rows, the header row, then one row per dossier. */
export async function writeLedgerXlsx(out: Writable, batches: AsyncIterable<LedgerRow[]>, t: Translate, meta: LedgerExportMeta): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Motcua';
  workbook.created = meta.exportedAt;
  const sheet = workbook.addWorksheet(t('workflow.ledger.sheet'), { views: [{ state: 'frozen', ySplit: 4 }] });
  sheet.columns = ledgerColumns.map((key) => ({ key, width: widths[key] }));
  sheet.addRow([meta.agencyName.toUpperCase()]).commit();
  const title = sheet.addRow([t('workflow.ledger.title').toUpperCase()]);
  title.font = { bold: true, size: 14 };
  title.commit();
  sheet.addRow([t('workflow.ledger.exportedAt', { at: shortMoment(meta.exportedAt) })]).commit();
  const header = sheet.addRow(ledgerColumns.map((c) => t(`workflow.ledger.col.${c}`)));
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle' };
  header.commit();
  let n = 0;
  for await (const batch of batches) {
    for (const row of batch) {
      n++;
      const c = cells(t, row, n);
      const added = sheet.addRow({
        ...c,
        receivedAt: c.receivedAt ? vietnamWallClock(c.receivedAt) : null,
        dueAt: c.dueAt ? vietnamWallClock(c.dueAt) : null,
        resultAt: c.resultAt ? vietnamWallClock(c.resultAt) : null,
      });
      for (const key of ['receivedAt', 'dueAt', 'resultAt'] as const) added.getCell(key).numFmt = 'hh:mm dd/mm/yyyy';
      added.commit();
    }
  }
  sheet.commit();
  await workbook.commit();
  return n;
}

/** A CSV cell: quoted when needed; text that a spreadsheet would run as a formula is prefixed with an apostrophe. */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n;]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Streams the ledger as CSV (UTF-8 with BOM, CRLF line ends, header row). */
export async function writeLedgerCsv(out: Writable, batches: AsyncIterable<LedgerRow[]>, t: Translate): Promise<number> {
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', resolve)));
  await write(`\uFEFF${ledgerColumns.map((c) => csvCell(t(`workflow.ledger.col.${c}`))).join(',')}\r\n`);
  let n = 0;
  for await (const batch of batches) {
    const lines = batch.map((row) => {
      n++;
      const c = cells(t, row, n);
      return ledgerColumns
        .map((key) => {
          const v = c[key];
          return csvCell(v instanceof Date ? shortMoment(v) : v === null ? '' : v);
        })
        .join(',');
    });
    await write(`${lines.join('\r\n')}\r\n`);
  }
  out.end();
  return n;
}
