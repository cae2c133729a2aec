import { readFileSync } from 'node:fs';

/**
 * Message catalogues: Vietnamese first, English second. Every text a user reads lives in
 * `messages/<locale>.json` (flat keys); a test keeps the two catalogues' keys identical.
 * `{name}` placeholders are filled from params.
 */
export const locales = ['vi', 'en'] as const;
export type Locale = (typeof locales)[number];

export function isLocale(value: unknown): value is Locale {
  return value === 'vi' || value === 'en';
}

function load(locale: Locale): Record<string, string> {
  return JSON.parse(readFileSync(new URL(`./messages/${locale}.json`, import.meta.url), 'utf8')) as Record<string, string>;
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
