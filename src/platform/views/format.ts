import type { ViewContext } from '../http/context.js';

const dateTimeFormats = {
  vi: new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'medium', timeStyle: 'short' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'medium', timeStyle: 'short' }),
};

/** A moment as people in Vietnam read it, whatever the server's time zone; `empty` when there is none. */
export function formatDateTime(ctx: ViewContext, value: Date | null | undefined, empty = '–'): string {
  return value ? dateTimeFormats[ctx.locale].format(value) : empty;
}
