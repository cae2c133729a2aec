import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { birthRegistrationProvinceCodes, normalisePersonalId, parsePersonalId, validatePersonalId, type PersonalIdFacts, type PersonalIdProblem } from './personal-id.js';

const today = new Date('2026-11-23T10:00:00+07:00');

describe('validatePersonalId', () => {
  const cases: { name: string; id: string; facts?: PersonalIdFacts; problems: PersonalIdProblem[] }[] = [
    { name: 'a man born 1990 in Hà Nội', id: '001090012345', facts: { birthDate: '1990-03-27', sex: 'male' }, problems: [] },
    { name: 'a woman born 1985 in Hồ Chí Minh City', id: '079185000001', facts: { birthDate: '1985-12-31', sex: 'female' }, problems: [] },
    { name: 'a boy born 2005 in Ninh Bình', id: '037205123456', facts: { birthDate: '2005-01-01', sex: 'male' }, problems: [] },
    { name: 'a girl born 2024 in Cà Mau', id: '096324999999', facts: { birthDate: '2024-06-15', sex: 'female' }, problems: [] },
    { name: 'a man born 1900, the first year of the 20th century code', id: '001000000001', facts: { birthDate: '1900-01-01', sex: 'male' }, problems: [] },
    { name: 'no birth date or sex given (format and code only)', id: '001090012345', problems: [] },
    { name: 'eleven digits', id: '00109001234', problems: ['format'] },
    { name: 'thirteen digits', id: '0010900123456', problems: ['format'] },
    { name: 'a letter inside', id: '00109001234A', problems: ['format'] },
    { name: 'spaces not removed', id: '001 090 012345', problems: ['format'] },
    { name: 'empty', id: '', problems: ['format'] },
    { name: 'registration code 000', id: '000090012345', problems: ['registrationCode'] },
    { name: 'registration code 003 (not in Annex I)', id: '003090012345', problems: ['registrationCode'] },
    { name: 'registration code 097 (after Cà Mau 096)', id: '097090012345', problems: ['registrationCode'] },
    { name: 'a woman whose number says male', id: '001090012345', facts: { birthDate: '1990-03-27', sex: 'female' }, problems: ['sexMismatch'] },
    { name: 'a man whose number says female', id: '001190012345', facts: { sex: 'male' }, problems: ['sexMismatch'] },
    { name: 'born 2005 but the number says 1905', id: '001005123456', facts: { birthDate: '2005-01-01' }, problems: ['birthYearMismatch'] },
    { name: 'born 1990 but the number says 1991', id: '001091012345', facts: { birthDate: '1990-03-27' }, problems: ['birthYearMismatch'] },
    { name: 'a 21st-century code for a birth year still to come', id: '001299012345', problems: ['birthYearInFuture'] },
    { name: 'a 22nd-century code', id: '001400012345', problems: ['birthYearInFuture'] },
    {
      name: 'several problems at once',
      id: '003190012345',
      facts: { birthDate: '1991-05-05', sex: 'male' },
      problems: ['registrationCode', 'birthYearMismatch', 'sexMismatch'],
    },
    { name: 'a birth registered abroad, when its country code is configured', id: '300090012345', facts: { extraRegistrationCodes: new Set(['300']) }, problems: [] },
  ];
  for (const c of cases) {
    test(`does report [${c.problems.join(', ')}] for ${c.name}`, () => {
      assert.deepEqual(validatePersonalId(c.id, { today, ...c.facts }), c.problems);
    });
  }

  test('does accept a Date as the birth date', () => {
    assert.deepEqual(validatePersonalId('001090012345', { birthDate: new Date(Date.UTC(1990, 2, 27)), today }), []);
  });
});

describe('parsePersonalId', () => {
  test('does decode the century and sex digit for every century the circular defines', () => {
    const expected = [
      [0, 'male', 1900],
      [1, 'female', 1900],
      [2, 'male', 2000],
      [3, 'female', 2000],
      [4, 'male', 2100],
      [5, 'female', 2100],
      [6, 'male', 2200],
      [7, 'female', 2200],
      [8, 'male', 2300],
      [9, 'female', 2300],
    ] as const;
    for (const [digit, sex, base] of expected) {
      const parts = parsePersonalId(`001${digit}42123456`);
      assert.equal(parts?.sex, sex, `digit ${digit}`);
      assert.equal(parts?.birthYear, base + 42, `digit ${digit}`);
    }
  });

  test('does split the registration code and the random range', () => {
    assert.deepEqual(parsePersonalId('079185000001'), { registrationCode: '079', sex: 'female', century: 20, birthYear: 1985, serial: '000001' });
    assert.equal(parsePersonalId('79185000001'), null);
  });
});

test('normalisePersonalId does remove the spaces and dots people type between groups', () => {
  assert.equal(normalisePersonalId(' 001 090.012345 '), '001090012345');
});

test('the birth-registration table does hold the 63 provinces of Annex I', () => {
  assert.equal(birthRegistrationProvinceCodes.size, 63);
  assert.equal(birthRegistrationProvinceCodes.get('001'), 'Hà Nội');
  assert.equal(birthRegistrationProvinceCodes.get('096'), 'Cà Mau');
});
