import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, demoDataEncryptionKeys, loadConfig, redactedConfig } from './config.js';

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
  assert.doesNotThrow(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), DATA_ENCRYPTION_KEYS: productionKey }));
});

const productionKey = `k2026:${Buffer.alloc(32, 7).toString('base64')}`;

test('uses the labelled demo master key outside production when DATA_ENCRYPTION_KEYS is empty', () => {
  const config = loadConfig({});
  assert.deepEqual(config.dataEncryptionKeys.map((k) => k.id), ['demo']);
  assert.equal(config.dataEncryptionKeys, demoDataEncryptionKeys);
});

test('refuses the demo master key in production, empty or named', () => {
  const base = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) };
  assert.throws(() => loadConfig(base), /DATA_ENCRYPTION_KEYS/);
  assert.throws(() => loadConfig({ ...base, DATA_ENCRYPTION_KEYS: `demo:${Buffer.alloc(32, 1).toString('base64')}` }), /DATA_ENCRYPTION_KEYS/);
  const config = loadConfig({ ...base, DATA_ENCRYPTION_KEYS: `${productionKey}, old:${Buffer.alloc(32, 9).toString('base64')}` });
  assert.deepEqual(config.dataEncryptionKeys.map((k) => k.id), ['k2026', 'old']);
  assert.equal(config.dataEncryptionKeys[0]!.key.length, 32);
});

test('refuses a master key that is not 32 bytes of base64, or a repeated key id', () => {
  assert.throws(() => loadConfig({ DATA_ENCRYPTION_KEYS: `a:${Buffer.alloc(16).toString('base64')}` }), /DATA_ENCRYPTION_KEYS/);
  assert.throws(() => loadConfig({ DATA_ENCRYPTION_KEYS: 'no-colon' }), /DATA_ENCRYPTION_KEYS/);
  const k = Buffer.alloc(32, 3).toString('base64');
  assert.throws(() => loadConfig({ DATA_ENCRYPTION_KEYS: `a:${k},a:${k}` }), /twice/);
});

test('never shows secrets in the loggable copy', () => {
  const config = loadConfig({ DATABASE_URL: 'postgres://u:secret@db/x', DATA_ENCRYPTION_KEYS: productionKey });
  const shown = JSON.stringify(redactedConfig(config));
  assert.ok(!shown.includes(Buffer.alloc(32, 7).toString('base64')), 'the master key is not shown');
  assert.ok(!shown.includes('secret@'));
  assert.ok(shown.includes('[redacted]'));
});

test("does take the security keys' relying party from BASE_URL unless given", () => {
  const config = loadConfig({ BASE_URL: 'https://dichvucong.ninhbinh.gov.vn/portal' });
  assert.equal(config.webauthnRpId, 'dichvucong.ninhbinh.gov.vn');
  assert.equal(config.webauthnOrigin, 'https://dichvucong.ninhbinh.gov.vn');
  const local = loadConfig({ HOST: 'localhost', PORT: '3000' });
  assert.equal(local.webauthnOrigin, 'http://localhost:3000');
  const given = loadConfig({ BASE_URL: 'https://a.example', WEBAUTHN_RP_ID: 'example', WEBAUTHN_ORIGIN: 'https://login.example/' });
  assert.deepEqual([given.webauthnRpId, given.webauthnOrigin], ['example', 'https://login.example']);
  assert.throws(() => loadConfig({ WEBAUTHN_RP_ID: 'https://a.example' }), /WEBAUTHN_RP_ID/);
});
