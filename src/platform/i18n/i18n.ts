import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Message catalogues: Vietnamese first, English second. Every text a user reads lives in
 * `platform/i18n/messages/<locale>.json` or a module's own `modules/<module>/messages/<locale>.json` (flat keys,
 * unique across files); a test keeps the two languages' keys identical.
 * `{name}` placeholders are filled from params.
 */
export const locales = ['vi', 'en'] as const;
export type Locale = (typeof locales)[number];

export function isLocale(value: unknown): value is Locale {
  return value === 'vi' || value === 'en';
}

const modulesDir = fileURLToPath(new URL('../../modules/', import.meta.url));

/** The catalogue files of one language: the platform's, then each module's. */
export function catalogueFiles(locale: Locale): string[] {
  const files = [fileURLToPath(new URL(`./messages/${locale}.json`, import.meta.url))];
  for (const module of readdirSync(modulesDir).sort()) {
    const file = join(modulesDir, module, 'messages', `${locale}.json`);
    if (existsSync(file)) files.push(file);
  }
  return files;
}

function load(locale: Locale): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const file of catalogueFiles(locale)) {
    const messages = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    for (const [key, value] of Object.entries(messages)) {
      if (key in merged) throw new Error(`message key ${key} is defined twice (again in ${file})`);
      merged[key] = value;
    }
  }
  return merged;
}

const catalogues: Record<Locale, Record<string, string>> = { vi: load('vi'), en: load('en') };

export function catalogue(locale: Locale): Readonly<Record<string, string>> {
  return catalogues[locale];
}

export type Params = Record<string, string | number>;
export type Translate = (key: string, params?: Params) => string;

const numberFormats: Record<Locale, Intl.NumberFormat> = {
  vi: new Intl.NumberFormat('vi-VN'),
  en: new Intl.NumberFormat('en-GB'),
};

export function translator(locale: Locale): Translate {
  const messages = catalogues[locale];
  const fallback = catalogues.vi;
  return (key, params) => {
    const template = messages[key] ?? fallback[key];
    if (template === undefined) return key; // visible in the page and caught by the catalogue test
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = params[name];
      if (value === undefined) return `{${name}}`;
      return typeof value === 'number' ? numberFormats[locale].format(value) : value;
    });
  };
}

export function formatNumber(locale: Locale, value: number): string {
  return numberFormats[locale].format(value);
}
