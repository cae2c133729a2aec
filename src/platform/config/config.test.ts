import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig, redactedConfig } from './config.js';

test('loads defaults and freezes the result', () => {
  const config = loadConfig({});
  assert.equal(config.port, 3000);
  assert.equal(config.defaultLocale, 'vi');
  assert.equal(config.databaseUrl, '');
  assert.equal(config.baseUrl, 'http://127.0.0.1:3000');
  assert.ok(Object.isFrozen(config));
});

test('refuses a bad value and names the variable', () => {
  assert.throws(() => loadConfig({ PORT: 'eighty' }), (e: unknown) => e instanceof ConfigError && e.message.includes('PORT'));
  assert.throws(() => loadConfig({ DEFAULT_LOCALE: 'fr' }), /DEFAULT_LOCALE/);
});

test('refuses the demo session secret in production', () => {
  assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /SESSION_SECRET/);
  assert.doesNotThrow(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) }));
});

test('never shows secrets in the loggable copy', () => {
  const config = loadConfig({ DATABASE_URL: 'postgres://u:secret@db/x' });
  const shown = JSON.stringify(redactedConfig(config));
  assert.ok(!shown.includes('secret@'));
  assert.ok(shown.includes('[redacted]'));
});
