import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeNext } from './layout.js';

test('safeNext keeps local paths and refuses other places', () => {
  assert.equal(safeNext('/thu-tuc?q=khai%20sinh'), '/thu-tuc?q=khai%20sinh');
  for (const bad of ['https://evil.example', '//evil.example', '/\\evil.example', 'thu-tuc', '', undefined, 42, ['/a']]) {
    assert.equal(safeNext(bad), '/', String(bad));
  }
});

test('safeNext percent-encodes what a Location header cannot carry, so it neither breaks the header nor redirects away', () => {
  assert.equal(safeNext('/thu-tuc?q=khai sinh'), '/thu-tuc?q=khai%20sinh');
  assert.equal(safeNext('/tìm?q=¿\'"('), "/t%C3%ACm?q=%C2%BF'\"(");
  assert.equal(safeNext('/a\r\nSet-Cookie: x=1'), '/a%0D%0ASet-Cookie:%20x=1');
  // Browsers drop tabs and newlines inside URLs: unencoded, "/\t/evil" would become "//evil".
  assert.equal(safeNext('/\t/evil.example'), '/%09/evil.example');
  assert.equal(safeNext('/\ud800'), '/');
});
