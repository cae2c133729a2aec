import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { pino } from 'pino';
import { LazyChildLogger, loggerOptions } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino(loggerOptions('info'), stream), lines };
}

test('redacts personal data and secrets wherever modules log them', () => {
  const { logger, lines } = capture();
  logger.info({ personalId: '001203004567', applicant: { phone: '0912345678', email: 'a@b.vn', fullName: 'Nguyễn Văn A' }, password: 'x' }, 'applicant');
  const out = lines.join('');
  for (const secret of ['001203004567', '0912345678', 'a@b.vn', 'Nguyễn Văn A', '"password":"x"']) assert.ok(!out.includes(secret), `${secret} leaked`);
  assert.match(out, /\[redacted\]/);
});

test('logs the request path without its query string', () => {
  const { logger, lines } = capture();
  logger.info({ req: { id: 'r1', method: 'GET', url: '/tra-cuu?code=H56-261123-0001&phone=0912345678' } }, 'request');
  assert.ok(!lines.join('').includes('0912345678'));
  assert.match(lines.join(''), /"path":"\/tra-cuu"/);
});

test('redacts message addresses, inbound senders and e-form answers (issue #8)', () => {
  const { logger, lines } = capture();
  logger.info({ recipient: '0912345678', message: { recipient: '0987000002' }, sender: '0912000001', row: { personal_id: '037196001234' }, draft: { values: { personalId: '001085012345' } } }, 'outbox');
  const out = lines.join('');
  for (const secret of ['0912345678', '0987000002', '0912000001', '037196001234', '001085012345']) assert.ok(!out.includes(secret), `${secret} leaked`);
});

test("a request's lazy logger makes its child only when it writes at an enabled level, with the request id and redaction", () => {
  const { logger, lines } = capture();
  let children = 0;
  const parent = Object.assign(Object.create(logger) as typeof logger, {
    child: (bindings: Record<string, unknown>, options?: Record<string, unknown>) => {
      children++;
      return logger.child(bindings, options);
    },
  });
  const lazy = new LazyChildLogger(parent, { reqId: 'req-42' }, {});
  lazy.debug('below the level');
  assert.equal(children, 0, 'nothing written, no child made');
  assert.equal(lazy.level, 'info');
  assert.equal(lines.length, 0);
  lazy.warn({ phone: '0912345678' }, 'something to see');
  lazy.info('again');
  assert.equal(children, 1, 'one child, made on the first write and kept');
  assert.equal(lines.length, 2);
  const first = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.equal(first.reqId, 'req-42');
  assert.equal(first.phone, '[redacted]');
  assert.equal(first.msg, 'something to see');
  assert.equal(lazy.bindings().reqId, 'req-42');
});
