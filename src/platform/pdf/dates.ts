/**
 * Date and time fields as printed on administrative documents, always in Vietnam time (Asia/Ho_Chi_Minh), whatever
 * the server's time zone. The words around them ("ngày … tháng … năm …") live in the message catalogues.
 */
export interface FormDateParts {
  /** Day of month; two digits below 10 (`05`). */
  dd: string;
  /**
   * Month as Decree 30/2020/NĐ-CP (annex I, II.5) writes it: a leading zero only for January and February (`01`,
   * `02`, then `3` … `12`), so that a month cannot be altered into another by adding a digit.
   */
  mm: string;
  /** Month, always two digits. */
  MM: string;
  yyyy: string;
  /** Hour 00–23. */
  HH: string;
  /** Minutes 00–59. */
  mi: string;
}

const format = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Ho_Chi_Minh',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

export function formDateParts(date: Date): FormDateParts {
  if (Number.isNaN(date.getTime())) throw new RangeError('invalid date');
  const p = Object.fromEntries(format.formatToParts(date).map((x) => [x.type, x.value])) as Record<string, string>;
  const month = Number(p.month);
  return {
    dd: p.day!,
    mm: month <= 2 ? p.month! : String(month),
    MM: p.month!,
    yyyy: p.year!,
    HH: p.hour!,
    mi: p.minute!,
  };
}
