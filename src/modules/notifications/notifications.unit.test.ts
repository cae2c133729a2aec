import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { internationalPhone, isPermanentHttpStatus, nationalPhone } from './channels.js';
import { retryDelayMs } from './dispatcher.js';
import { parseInboundText } from './inbound.js';
import { redactMessage } from './notifications.service.js';

const code = 'H42.01.05-261123-0001';

describe('parseInboundText', () => {
  test('does read TRACUU with the code and four digits', () => {
    assert.deepEqual(parseInboundText(`TRACUU ${code} 5678`), { kind: 'lookup', code, check: '5678' });
  });

  test('does tolerate case, diacritics, a space in the keyword and extra spaces', () => {
    for (const text of [`tracuu ${code.toLowerCase()} 5678`, `Tra cứu   ${code}   5678 `, `  TRA CUU\t${code} 5678`, `Tra Cứu ${code} 5678`]) {
      assert.deepEqual(parseInboundText(text), { kind: 'lookup', code, check: '5678' }, text);
    }
  });

  test('does read DANGKY and HUY in their spellings', () => {
    assert.deepEqual(parseInboundText(`DANGKY ${code} 1234`), { kind: 'subscribe', code, check: '1234' });
    assert.deepEqual(parseInboundText(`Đăng ký ${code} 1234`), { kind: 'subscribe', code, check: '1234' });
    assert.deepEqual(parseInboundText(`huy ${code}`), { kind: 'unsubscribe', code });
    assert.deepEqual(parseInboundText(`Hủy đăng ký ${code}`), { kind: 'unsubscribe', code });
  });

  test('does answer anything else with help', () => {
    for (const text of ['', 'xin chào', `TRACUU ${code}`, `TRACUU ${code} 567`, `TRACUU ${code} 56789`, `TRACUU ${code} abcd`, 'TRACUU not-a-code 5678', `TRACUU ${code} 5678 extra`, `HUY`, `TRACUUX ${code} 5678`]) {
      assert.deepEqual(parseInboundText(text), { kind: 'help' }, JSON.stringify(text));
    }
  });
});

describe('retryDelayMs', () => {
  test('does double the wait for each failed attempt, within ±20 % jitter', () => {
    const mid = () => 0.5;
    assert.deepEqual([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000, 3_600_000, mid)), [1000, 2000, 4000, 8000]);
    assert.equal(retryDelayMs(1, 1000, 3_600_000, () => 0), 800);
    assert.equal(retryDelayMs(1, 1000, 3_600_000, () => 0.999999), 1200);
  });

  test('does not exceed the cap', () => {
    assert.equal(retryDelayMs(30, 30_000, 3_600_000, () => 0.5), 3_600_000);
  });
});

describe('phones and statuses', () => {
  test('does convert between national and international mobile numbers', () => {
    assert.equal(internationalPhone('0912345678'), '84912345678');
    assert.equal(internationalPhone('user-id-123'), 'user-id-123');
    assert.equal(nationalPhone('84912345678'), '0912345678');
    assert.equal(nationalPhone('+84 912 345 678'), '0912345678');
    assert.equal(nationalPhone('0912345678'), '0912345678');
    assert.equal(nationalPhone('12345'), null);
  });

  test('does treat client errors as permanent but not timeouts and rate limits', () => {
    assert.equal(isPermanentHttpStatus(400), true);
    assert.equal(isPermanentHttpStatus(401), true);
    assert.equal(isPermanentHttpStatus(408), false);
    assert.equal(isPermanentHttpStatus(429), false);
    assert.equal(isPermanentHttpStatus(503), false);
  });
});

describe('redactMessage', () => {
  test('does remove the secret params from subject, body and params', () => {
    const redacted = redactMessage({ subject: 'Mã 123456', body: 'Mã của bạn là 123456. Dùng trong 5 phút.', params: { code: '123456', minutes: 5 }, secret_params: ['code'] });
    assert.ok(redacted);
    assert.equal(redacted.subject, 'Mã ••••••');
    assert.equal(redacted.body, 'Mã của bạn là ••••••. Dùng trong 5 phút.');
    assert.deepEqual(JSON.parse(redacted.params), { code: '[redacted]', minutes: 5 });
  });

  test('does nothing to a message without secrets', () => {
    assert.equal(redactMessage({ subject: '', body: 'Hồ sơ 123456', params: { code: '123456' }, secret_params: [] }), null);
  });
});
