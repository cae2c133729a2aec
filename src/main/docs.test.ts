import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { registeredErrors } from '../platform/errors/errors.js';
import { catalogue } from '../platform/i18n/i18n.js';
import { configurationDocument, errorsDocument } from './docs.js';

test('docs/errors.md lists exactly the registered error codes (run `npm run docs` when this fails)', () => {
  assert.equal(readFileSync('docs/errors.md', 'utf8'), errorsDocument());
});

test('docs/configuration.md matches the configuration schema (run `npm run docs` when this fails)', () => {
  assert.equal(readFileSync('docs/configuration.md', 'utf8'), configurationDocument());
});

test('every error code has a message in both languages', () => {
  for (const locale of ['vi', 'en'] as const) {
    const messages = catalogue(locale);
    const missing = registeredErrors().filter((e) => !messages[e.messageKey]).map((e) => e.code);
    assert.deepEqual(missing, [], `${locale} lacks messages for ${missing.join(', ')}`);
  }
});
