import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feeScheduleFor, feeStatement, payableOnline, type FeeStatement } from './fees.js';

/** Content shaped as the catalogue parser stores it in procedure_version.content (channels[] of one procedure). */
const extract = {
  channels: [
    {
      channel: 'online',
      feeStatus: 'stated',
      feeText: '8.000 đồng(...)',
      // 2.002516 as published: a charge per document, three exempt groups.
      feeNote: '8.000 đồng/Văn bản xác nhận về một việc hộ tịch của cá nhân đã đăng ký. Miễn lệ phí cho người thuộc gia đình có công với cách mạng; người thuộc hộ nghèo; người khuyết tật.',
      fees: [{ amountVnd: 8000, label: 'Phí, lệ phí', per: 'Văn bản xác nhận về một việc h', source: 'cell', inferred: null }],
      foreignFees: [],
    },
    { channel: 'in_person', feeStatus: 'stated', feeText: '', feeNote: '', fees: [{ amountVnd: 10000, label: 'Lệ phí', per: null, source: 'cell' }], foreignFees: [] },
  ],
};

const marriage = {
  channels: [
    {
      channel: 'online',
      feeStatus: 'free',
      feeNote: 'Miễn lệ phí. Phí cấp bản sao Trích lục kết hôn (nếu có yêu cầu) 8.000 đồng/bản.',
      fees: [{ amountVnd: 8000, label: 'Phí cấp bản sao Trích lục kết hôn', per: 'bản', source: 'note' }],
      foreignFees: [],
    },
  ],
};

const business = {
  channels: [
    {
      channel: 'online',
      feeStatus: 'stated',
      feeNote: 'Lệ phí đăng ký hộ kinh doanh không được hoàn trả cho hộ kinh doanh trong trường hợp hộ kinh doanh không được cấp đăng ký.',
      fees: [{ amountVnd: 150000, label: 'Phí, lệ phí', per: null, source: 'cell' }],
      foreignFees: [],
    },
  ],
};

test('takes the fee of the dossier’s own channel and the exemptions the catalogue names', () => {
  const online = feeScheduleFor(extract, 'online');
  assert.equal(online.items.length, 1);
  assert.equal(online.items[0]!.unitVnd, 8000);
  assert.equal(online.items[0]!.required, true);
  assert.deepEqual(online.exemptions, ['meritorious', 'poor_household', 'disability']);
  assert.equal(feeScheduleFor(extract, 'in_person').items[0]!.unitVnd, 10000);
  assert.equal(feeScheduleFor(extract, 'post').status, 'not_stated');
  assert.equal(payableOnline(feeScheduleFor(extract, 'post')), false);
});

test('a required fixed fee is due at submission; an exemption makes the total 0 and is kept', () => {
  const schedule = feeScheduleFor(extract, 'online');
  const plain = feeStatement(schedule, { quantities: {}, exemption: null }) as FeeStatement;
  assert.equal(plain.totalVnd, 8000);
  assert.equal(plain.dueStage, 'submission');
  const exempt = feeStatement(schedule, { quantities: {}, exemption: 'poor_household' }) as FeeStatement;
  assert.equal(exempt.totalVnd, 0);
  assert.equal(exempt.grossVnd, 8000);
  assert.equal(exempt.exemption, 'poor_household');
});

test('refuses an exemption the catalogue does not name and a quantity on a fixed fee', () => {
  const schedule = feeScheduleFor(extract, 'online');
  assert.deepEqual(feeStatement(schedule, { quantities: {}, exemption: 'child' }), [{ field: 'exemption', problem: 'exemption' }]);
  assert.deepEqual(feeStatement(schedule, { quantities: { r0: 3 }, exemption: null }), [{ field: 'qty-r0', problem: 'quantity' }]);
  assert.deepEqual(feeStatement(schedule, { quantities: { r0: 0 }, exemption: null }), [{ field: 'qty-r0', problem: 'quantity' }]);
});

test('optional per-copy charges from the note are chosen by quantity and due before the result', () => {
  const schedule = feeScheduleFor(marriage, 'online');
  assert.equal(schedule.status, 'free');
  assert.equal(schedule.items[0]!.perCopy, true);
  assert.equal(schedule.items[0]!.required, false);
  const copies = feeStatement(schedule, { quantities: { o0: 3 }, exemption: null }) as FeeStatement;
  assert.equal(copies.totalVnd, 24000);
  assert.equal(copies.lines[0]!.quantity, 3);
  assert.equal(copies.dueStage, 'before_result');
  assert.deepEqual(feeStatement(schedule, { quantities: {}, exemption: null }), [{ field: 'qty-o0', problem: 'empty' }]);
  assert.deepEqual(feeStatement(schedule, { quantities: { o0: 21 }, exemption: null }), [{ field: 'qty-o0', problem: 'quantity' }]);
});

test('a fee the catalogue says is not returned is marked not refundable', () => {
  assert.equal(feeScheduleFor(business, 'online').refundable, false);
  assert.equal(feeScheduleFor(extract, 'online').refundable, true);
});
