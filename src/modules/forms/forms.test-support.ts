import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Locale } from '../../platform/i18n/i18n.js';
import { translator } from '../../platform/i18n/i18n.js';
import type { ViewContext } from '../../platform/http/context.js';
import type { FormLookups } from './forms.model.js';
import type { ProfileSource } from './forms.prefill.js';

/** Shared fixtures of the forms tests (not used by the application). */

export const catalogueFile = 'data/procedures/national-catalogue-2026-07.jsonl.gz';

/** Raw records of the shipped national catalogue for the given codes (first occurrence of each). */
export async function catalogueRecords(codes: string[]): Promise<Map<string, { ma_thu_tuc: string; ten_thu_tuc: string; [k: string]: unknown }>> {
  const wanted = new Set(codes);
  const found = new Map<string, { ma_thu_tuc: string; ten_thu_tuc: string; [k: string]: unknown }>();
  const lines = createInterface({ input: createReadStream(catalogueFile).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const code = /"ma_thu_tuc":\s*"([^"]+)"/.exec(line)?.[1];
    if (!code || !wanted.has(code) || found.has(code)) continue;
    found.set(code, JSON.parse(line) as { ma_thu_tuc: string; ten_thu_tuc: string });
    if (found.size === wanted.size) {
      lines.close();
      break;
    }
  }
  return found;
}

/** A mother born in 1992, registered in Hà Nội (001), female 20th century (1), year 92. */
export const motherProfile: ProfileSource = {
  personalId: '001192012345',
  fullName: 'Nguyễn Thị Lan',
  birthDate: '1992-05-14',
  sex: 'female',
  provinceCode: '01',
  communeCode: '00004',
  addressLine: 'Số 12 ngõ 34 phố Đội Cấn',
  phone: '0912345678',
  email: 'lan.nguyen@example.vn',
  organisations: [],
};

export const lookups: FormLookups = {
  provinces: [
    { code: '01', name: 'Thành phố Hà Nội', nameEn: 'Ha Noi City' },
    { code: '37', name: 'Tỉnh Ninh Bình', nameEn: 'Ninh Binh Province' },
  ],
  communes: {
    '01': [
      { code: '00004', name: 'Phường Ba Đình', nameEn: 'Ba Dinh Ward' },
      { code: '00070', name: 'Phường Hoàn Kiếm', nameEn: 'Hoan Kiem Ward' },
    ],
    '37': [{ code: '14329', name: 'Phường Hoa Lư', nameEn: 'Hoa Lu Ward' }],
  },
};

export const today = '2026-11-23';

export function viewContext(locale: Locale = 'vi'): ViewContext {
  return {
    locale,
    t: translator(locale),
    url: '/ho-so/nhap/abc',
    path: '/ho-so/nhap/abc',
    portal: { agencyCode: 'H37', agencyName: 'Ủy ban nhân dân tỉnh Ninh Bình' },
    requestId: 'test',
    user: null,
    csrfToken: 'csrf-from-context',
  };
}
