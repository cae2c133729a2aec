/**
 * Folds Vietnamese text for matching: lower case, no diacritics, đ → d, single spaces.
 * Must agree with the SQL function search_fold() (migrations/202611231900_foundation.sql); a test checks both.
 */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** URL slug from Vietnamese text: "Hộ tịch" → "ho-tich". */
export function slugify(text: string): string {
  return fold(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
}
