import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTsQuery, editDistance, queryTokens, Vocabulary } from './search-query.js';

const vocabulary = new Vocabulary(['thu', 'tuc', 'dang', 'ki', 'khai', 'sinh', 'ket', 'hon', 'cap', 'lai', 'the', 'can', 'cuoc', 'giai', 'quiet']);

test('folds diacritics, đ and y→i into search tokens', () => {
  assert.deepEqual(queryTokens('Đăng ký  KẾT HÔN!'), ['dang', 'ki', 'ket', 'hon']);
  assert.deepEqual(queryTokens('1.001193'), ['1', '001193']);
});

test('measures edits, counting a swap of neighbours as one', () => {
  assert.equal(editDistance('sinh', 'snih', 2), 1);
  assert.equal(editDistance('khai', 'khia', 2), 1);
  assert.equal(editDistance('cuoc', 'cuoc', 1), 0);
  assert.equal(editDistance('abc', 'xyz', 1), 2, 'gives up beyond the limit');
});

test('keeps known words and corrects unknown ones to their nearest neighbours', () => {
  assert.equal(buildTsQuery(['dang', 'ki'], vocabulary), 'dang & (ki | ki:*)');
  assert.equal(buildTsQuery(['khai', 'snh', 'lai'], vocabulary), 'khai & (snh | sinh) & (lai | lai:*)');
});

test('lets the last word match as a prefix while the citizen is still typing', () => {
  assert.equal(buildTsQuery(['can', 'cuo'], vocabulary), 'can & (cuo | cuoc | cuo:*)');
});

test('returns nothing to search for when there are no words', () => {
  assert.equal(buildTsQuery([], vocabulary), null);
});
