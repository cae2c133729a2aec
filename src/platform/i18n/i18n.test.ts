import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { catalogue, translator } from './i18n.js';
import { fold, slugify } from './fold.js';

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

test('the Vietnamese and English catalogues have the same keys', () => {
  const vi = Object.keys(catalogue('vi')).sort();
  const en = Object.keys(catalogue('en')).sort();
  assert.deepEqual(
    vi.filter((k) => !en.includes(k)),
    [],
    'keys missing in en.json',
  );
  assert.deepEqual(
    en.filter((k) => !vi.includes(k)),
    [],
    'keys missing in vi.json',
  );
});

test('every literal message key used in the code exists in the catalogue', () => {
  const vi = catalogue('vi');
  const missing: string[] = [];
  for (const file of sourceFiles('src')) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) {
      if (!(m[1]! in vi)) missing.push(`${file}: ${m[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('translator fills parameters and formats numbers per locale', () => {
  assert.equal(translator('vi')('sector.count', { n: 1234 }), '1.234 thủ tục');
  assert.equal(translator('en')('sector.count', { n: 1234 }), '1,234 procedures');
});

test('translator falls back to Vietnamese, then to the key, when a message is missing', () => {
  assert.equal(translator('en')('no.such.key'), 'no.such.key');
});

test('fold removes diacritics and đ so searches match without accents', () => {
  assert.equal(fold('Đăng ký  khai sinh'), 'dang ky khai sinh');
  assert.equal(fold('CẤP LẠI THẺ CĂN CƯỚC'), 'cap lai the can cuoc');
  // Decomposed input (combining marks) folds the same as composed input.
  assert.equal(fold('Đăng ký'.normalize('NFD')), 'dang ky');
  assert.equal(slugify('Đăng ký, quản lý cư trú'), 'dang-ky-quan-ly-cu-tru');
});
