import { configTable } from '../platform/config/config.js';
import { registeredErrors } from '../platform/errors/errors.js';
import { statusOfKind } from '../platform/http/errors.js';
import { catalogue as messages } from '../platform/i18n/i18n.js';
import './modules.js';

/** Generated reference documents; `npm run docs` writes them and a test fails when they drift from the code. */
export function errorsDocument(): string {
  const vi = messages('vi');
  const rows = registeredErrors().map(
    (e) => `| \`${e.code}\` | ${statusOfKind[e.kind]} | ${e.doc} | ${(vi[e.messageKey] ?? '').replace(/\|/g, '\\|')} |`,
  );
  return [
    '# Error catalogue',
    '',
    'Every failure a user or an API client can meet has a stable code. Pages show the code and the request id so',
    'that a help desk can find the case; the API returns `{ "error": { "code", "message", "requestId", "fields"? } }`.',
    'Generated from the code by `npm run docs`; a test fails when this file and the code disagree.',
    '',
    '| code | HTTP | meaning | message shown (vi) |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

export function configurationDocument(): string {
  return [
    '# Configuration',
    '',
    'Set by environment variables, validated when a process starts (it refuses to start on a bad value and',
    'says which), then frozen. Generated from `src/platform/config/config.ts` by `npm run docs`.',
    '',
    configTable(),
    '',
  ].join('\n');
}
