import assert from 'node:assert/strict';
import type { TestBrowser } from '../identity/testing.js';

/*
 * Test support for HTTP tests through app.inject() (imported by *.test.ts files only): read a page's form as a
 * browser would send it, and apply online for a procedure page by page.
 */

const unescape = (text: string) => text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** The fields a browser sends for the first post form inside <main> (or the one whose action contains `actionContains`):
 * hidden, checked and filled-in inputs, textareas and selected options. */
export function postedFields(page: string, actionContains?: string): { action: string; fields: Record<string, string> } {
  const main = page.slice(Math.max(0, page.indexOf('<main')));
  const forms = [...main.matchAll(/<form([^>]*method="post"[^>]*)>([\s\S]*?)<\/form>/g)];
  const form = forms.find((f) => !actionContains || (/action="([^"]*)"/.exec(f[1]!)?.[1] ?? '').includes(actionContains));
  assert.ok(form, `a post form${actionContains ? ` to …${actionContains}` : ''} on the page`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input([^>]*)>/g)) {
    const attrs = input[1]!;
    const name = /name="([^"]+)"/.exec(attrs)?.[1];
    const type = /type="([^"]+)"/.exec(attrs)?.[1] ?? 'text';
    if (!name || name === '_action' || type === 'file') continue;
    if ((type === 'radio' || type === 'checkbox') && !/\schecked/.test(attrs)) continue;
    fields[name] = unescape(/value="([^"]*)"/.exec(attrs)?.[1] ?? '');
  }
  for (const area of form[2]!.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g)) fields[area[1]!] = unescape(area[2]!);
  for (const select of form[2]!.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const chosen = /<option[^>]*value="([^"]*)"[^>]*selected/.exec(select[2]!)?.[1];
    if (chosen !== undefined) fields[select[1]!] = chosen;
  }
  return { action: unescape(/action="([^"]*)"/.exec(form[1]!)?.[1] ?? ''), fields };
}

/** Answers for the residence confirmation (1.010041) e-form, by section. */
export const residenceConfirmationAnswers: Record<string, Record<string, string>> = {
  request: { contents: 'permanent', purpose: 'Bổ sung hồ sơ xin việc', declaration: 'yes' },
  'noi-nop': { resultDelivery: 'online' },
};

/**
 * A signed-in citizen applies online for `procedureCode`, page by page, with the prefilled values plus `answers`
 * per section; returns the new dossier's code. Defaults: the residence confirmation (1.010041).
 */
export async function submitOnline(b: TestBrowser, procedureCode = '1.010041', answers = residenceConfirmationAnswers): Promise<string> {
  let location = String((await b.get(`/thu-tuc/${procedureCode}/nop-truc-tuyen`)).headers.location);
  for (let step = 0; step < 12 && !location.endsWith('/kiem-tra'); step++) {
    const res = await b.get(location);
    if (res.statusCode === 303) {
      location = String(res.headers.location);
      continue;
    }
    assert.equal(res.statusCode, 200, location);
    const { action, fields } = postedFields(res.body);
    const posted = await b.post(action, { ...fields, ...(answers[location.split('/').pop()!] ?? {}) }, { csrf: fields._csrf ?? null });
    assert.equal(posted.statusCode, 303, `${location}: ${/error-summary[\s\S]{0,400}/.exec(posted.body)?.[0] ?? posted.statusCode}`);
    location = String(posted.headers.location);
  }
  assert.ok(location.endsWith('/kiem-tra'), 'reached the check page');
  await b.get(location);
  const submitted = await b.post(`${location.slice(0, -'/kiem-tra'.length)}/nop`, {});
  assert.equal(submitted.statusCode, 303);
  return /\/ho-so\/([^?]+)/.exec(String(submitted.headers.location))![1]!;
}
