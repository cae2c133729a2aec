import assert from 'node:assert/strict';
import { test } from 'node:test';
import { vndInWords } from './amount-words.js';

test('reads the amounts that fees usually have', () => {
  assert.equal(vndInWords(70_000), 'Bảy mươi nghìn đồng');
  assert.equal(vndInWords(150_000), 'Một trăm năm mươi nghìn đồng');
  assert.equal(vndInWords(35_000), 'Ba mươi lăm nghìn đồng');
  assert.equal(vndInWords(8_000), 'Tám nghìn đồng');
  assert.equal(vndInWords(1_250_000), 'Một triệu hai trăm năm mươi nghìn đồng');
});

test('reads zero and small numbers with mười, mốt, lăm and linh', () => {
  assert.equal(vndInWords(0), 'Không đồng');
  assert.equal(vndInWords(5), 'Năm đồng');
  assert.equal(vndInWords(10), 'Mười đồng');
  assert.equal(vndInWords(11), 'Mười một đồng');
  assert.equal(vndInWords(15), 'Mười lăm đồng');
  assert.equal(vndInWords(21), 'Hai mươi mốt đồng');
  assert.equal(vndInWords(24), 'Hai mươi bốn đồng');
  assert.equal(vndInWords(25), 'Hai mươi lăm đồng');
  assert.equal(vndInWords(101), 'Một trăm linh một đồng');
  assert.equal(vndInWords(105), 'Một trăm linh năm đồng');
  assert.equal(vndInWords(110), 'Một trăm mười đồng');
  assert.equal(vndInWords(115), 'Một trăm mười lăm đồng');
  assert.equal(vndInWords(211), 'Hai trăm mười một đồng');
});

test('reads inner groups in full and skips groups that are all zero', () => {
  assert.equal(vndInWords(1_005), 'Một nghìn không trăm linh năm đồng');
  assert.equal(vndInWords(1_050), 'Một nghìn không trăm năm mươi đồng');
  assert.equal(vndInWords(1_000_500), 'Một triệu năm trăm đồng');
  assert.equal(vndInWords(1_000_000), 'Một triệu đồng');
  assert.equal(vndInWords(2_015_000), 'Hai triệu không trăm mười lăm nghìn đồng');
  assert.equal(vndInWords(2_000_000_000), 'Hai tỷ đồng');
  assert.equal(vndInWords(3_000_000_021), 'Ba tỷ không trăm hai mươi mốt đồng');
  assert.equal(vndInWords(1_000_000_000_000), 'Một nghìn tỷ đồng');
  assert.equal(vndInWords(1_500_000_000_000), 'Một nghìn năm trăm tỷ đồng');
});

test('refuses amounts that are not whole đồng', () => {
  assert.throws(() => vndInWords(-1), RangeError);
  assert.throws(() => vndInWords(1.5), RangeError);
  assert.throws(() => vndInWords(Number.NaN), RangeError);
});
