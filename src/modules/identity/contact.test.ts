import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { accountUsername, normaliseEmail, normalisePhone, parseContact } from './contact.js';

describe('normalisePhone', () => {
  const accepted: [string, string][] = [
    ['0912345678', '0912345678'],
    ['0912 345 678', '0912345678'],
    ['0912.345.678', '0912345678'],
    ['0912-345-678', '0912345678'],
    ['+84912345678', '0912345678'],
    ['+84 912 345 678', '0912345678'],
    ['(+84) 912 345 678', '0912345678'],
    ['84912345678', '0912345678'],
    ['0084912345678', '0912345678'],
    [' 0389 123 456 ', '0389123456'],
    ['0708123456', '0708123456'],
    ['0862123456', '0862123456'],
    ['0522123456', '0522123456'],
    ['0599123456', '0599123456'],
  ];
  for (const [input, expected] of accepted) {
    test(`does turn "${input}" into ${expected}`, () => assert.equal(normalisePhone(input), expected));
  }

  const refused = [
    '',
    '091234567', // nine digits
    '09123456789', // eleven digits
    '01234567890', // an old 11-digit number, converted in 2018
    '0212345678', // a landline area code
    '0312345678', // 031 is not a mobile prefix
    '0712345678', // 071 is not a mobile prefix
    '+85512345678', // another country
    '84 2 4 3825 3536', // a Hà Nội landline in international form
    '0912abc678',
    'không có',
  ];
  for (const input of refused) {
    test(`does refuse "${input}"`, () => assert.equal(normalisePhone(input), null));
  }
});

describe('normaliseEmail', () => {
  test('does lower-case and trim a valid address', () => assert.equal(normaliseEmail('  Lan.Nguyen@Example.VN '), 'lan.nguyen@example.vn'));
  test('does refuse addresses without a dotted domain, with spaces or two @', () => {
    for (const bad of ['lan@localhost', 'lan nguyen@example.vn', 'lan@@example.vn', '@example.vn', 'lan@example.', 'lan@-example.vn']) {
      assert.equal(normaliseEmail(bad), null, bad);
    }
  });
});

describe('parseContact and accountUsername', () => {
  test('does tell a phone number from an e-mail address', () => {
    assert.deepEqual(parseContact('+84 912 345 678'), { kind: 'phone', value: '0912345678' });
    assert.deepEqual(parseContact('Lan@Example.vn'), { kind: 'email', value: 'lan@example.vn' });
    assert.equal(parseContact('hoalu.desk'), null);
  });

  test('does keep an officer login as typed when it is neither', () => {
    assert.equal(accountUsername(' hoalu.desk '), 'hoalu.desk');
    assert.equal(accountUsername('+84912345678'), '0912345678');
  });
});
