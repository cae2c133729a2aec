import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_POLICY, emptyCounts, scoreIndicators, validatePolicy, type IndicatorCounts } from './indicators.js';

// Worked by hand (see each line): an agency's month.
const month: IndicatorCounts = {
  ...emptyCounts(),
  procedures: 40, proceduresPublishedComplete: 36, //              36/40 = 0.9            → 9 × 0.9 = 8.1
  received: 200, receivedTrackedPublicly: 200, //                   200/200                → 9
  finished: 150, finishedEarly: 60, finishedOnTime: 75, finishedLate: 15, // 135/150 = 0.9 → 20 × 0.9 = 18
  proceduresOnline: 30, //                                          30/40 = 0.75, full at 0.8 → 4 × 0.9375 = 3.75
  proceduresOnlineWithDossiers: 24, //                              24/30 = 0.8            → 4 × 0.8 = 3.2
  receivedOnline: 80, receivedInPerson: 110, receivedByPost: 10, // 80/200 = 0.4, full at 0.5 → 4 × 0.8 = 3.2
  proceduresWithFee: 10, proceduresWithFeePayableOnline: 9, //       0.9 ≥ 0.8              → 5
  paid: 50, paidOnline: 20, //                                      0.4                    → 5 × 0.4 = 2
  complaints: 3, //                  satisfaction (150 − 15 − 3)/150 = 0.88, full at 0.9    → 18 × 0.88/0.9 = 17.6
  finishedWithElectronicResult: 120, //                             120/150 = 0.8          → 8 × 0.8 = 6.4
  receivedDigitised: 180, //                                        0.9 ≥ 0.8              → 7
  receivedReusingData: 100, //                                      0.5, full at 0.8       → 7 × 0.625 = 4.375 → 4.38
};

test('the default policy gives each group its weight from RULES.md', () => {
  assert.deepEqual(validatePolicy(DEFAULT_POLICY), []);
  assert.equal(DEFAULT_POLICY.reduce((s, d) => s + d.points, 0), 100);
  assert.match(validatePolicy([{ ...DEFAULT_POLICY[0]!, points: 10 }, ...DEFAULT_POLICY.slice(1)]).join(), /transparency: indicators add up to 19/);
});

test('every indicator, group and the total on a month worked out by hand', () => {
  const report = scoreIndicators(month);
  const score = Object.fromEntries(report.indicators.map((i) => [i.id, i.score]));
  assert.deepEqual(score, {
    'transparency.proceduresPublished': 8.1,
    'transparency.dossiersTracked': 9,
    'progress.onTime': 18,
    'online.proceduresOffered': 3.75,
    'online.proceduresUsed': 3.2,
    'online.dossiersOnline': 3.2,
    'payment.proceduresPayable': 5,
    'payment.dossiersPaidOnline': 2,
    satisfaction: 17.6,
    'digitisation.electronicResults': 6.4,
    'digitisation.digitised': 7,
    'digitisation.reuse': 4.38,
  });
  const groups = Object.fromEntries(report.groups.map((g) => [g.group, g.score]));
  assert.deepEqual(groups, { transparency: 17.1, progress: 18, onlineServices: 10.15, onlinePayment: 7, satisfaction: 17.6, digitisation: 17.78 });
  assert.equal(report.total, 87.63);
  assert.equal(report.maximum, 100);
  assert.equal(report.outOf100, 87.63);
});

test('late dossiers and complaints lower satisfaction; at or above 90 % it is full', () => {
  const perfect = scoreIndicators({ ...month, finishedLate: 10, complaints: 5 }); // (150 − 15)/150 = 0.9
  assert.equal(perfect.indicators.find((i) => i.id === 'satisfaction')!.score, 18);
  const worse = scoreIndicators({ ...month, finishedLate: 45, complaints: 15 }); // 90/150 = 0.6 → 18 × 0.6/0.9 = 12
  assert.equal(worse.indicators.find((i) => i.id === 'satisfaction')!.score, 12);
});

test('an indicator with nothing to measure is not applicable and leaves the maximum', () => {
  const noFees = scoreIndicators({ ...month, proceduresWithFee: 0, proceduresWithFeePayableOnline: 0, paid: 0, paidOnline: 0 });
  const payment = noFees.groups.find((g) => g.group === 'onlinePayment')!;
  assert.equal(payment.score, 0);
  assert.equal(payment.applicablePoints, 0);
  assert.equal(noFees.maximum, 90);
  assert.equal(noFees.total, 80.63);
  assert.equal(noFees.outOf100, 89.59); // 80.63 / 90
  const nothing = scoreIndicators(emptyCounts());
  assert.equal(nothing.maximum, 0);
  assert.equal(nothing.outOf100, null);
  assert.ok(nothing.indicators.every((i) => i.ratio === null && !i.applicable));
});

test('ratios are capped at 1 and never negative', () => {
  const odd = scoreIndicators({ ...month, receivedTrackedPublicly: 250, complaints: 500 });
  assert.equal(odd.indicators.find((i) => i.id === 'transparency.dossiersTracked')!.score, 9);
  assert.equal(odd.indicators.find((i) => i.id === 'satisfaction')!.score, 0);
});
