/**
 * The service-quality indicators of Decision 766/QĐ-TTg (2022), 100 points in six groups (RULES.md):
 * transparency 18 · processing progress 20 · online services 12 · online payment 10 · satisfaction 18 ·
 * digitisation 22. Each indicator is a ratio of two counts with a threshold at which it earns its full points;
 * below the threshold the points are prorated (ratio / threshold × points).
 *
 * RULES.md gives the group weights and the thresholds quoted below; how a group's points split between its
 * indicators is not given there, so the split is configuration (`IndicatorPolicy`) with these defaults, shown on
 * the dashboard. An indicator whose denominator is zero (nothing to measure, e.g. no fee-bearing procedure) is
 * "not applicable": it scores nothing and its points leave the maximum, so the total is also given over 100.
 *
 * Pure: counts in, scores out. The counts come from materialised monthly aggregates (reports.repository).
 */

export type IndicatorGroup = 'transparency' | 'progress' | 'onlineServices' | 'onlinePayment' | 'satisfaction' | 'digitisation';

export const GROUP_POINTS: Readonly<Record<IndicatorGroup, number>> = {
  transparency: 18,
  progress: 20,
  onlineServices: 12,
  onlinePayment: 10,
  satisfaction: 18,
  digitisation: 22,
};

/** Counts over one scope (agency, sector, procedure) and period. Dossiers count in the period they were received
 * (received), finished (finished*) or paid (paid*). */
export interface IndicatorCounts {
  /** Procedures in scope, those whose public record is complete (duration, fee, documents, legal basis). */
  procedures: number;
  proceduresPublishedComplete: number;
  /** Procedures offered as an online service; of those, the ones that received at least one online dossier. */
  proceduresOnline: number;
  proceduresOnlineWithDossiers: number;
  /** Fee-bearing procedures; of those, the ones payable online. */
  proceduresWithFee: number;
  proceduresWithFeePayableOnline: number;
  /** Dossiers received, by channel (1 in person, 2 online, 3 post). */
  received: number;
  receivedOnline: number;
  receivedInPerson: number;
  receivedByPost: number;
  /** Dossiers whose status history the applicant can follow publicly (lookup by code, QR, SMS). */
  receivedTrackedPublicly: number;
  /** Dossiers finished (result returned, or refused/stopped after reception) and how: supplement time excluded
   * from the deadline; more than one supplement request counts as late. early + onTime + late = finished. */
  finished: number;
  finishedEarly: number;
  finishedOnTime: number;
  finishedLate: number;
  /** Finished dossiers whose result is an electronic (digitally signed) document. */
  finishedWithElectronicResult: number;
  /** Dossiers with fees paid, and those paid online. */
  paid: number;
  paidOnline: number;
  /** Received dossiers whose documents are digitised (data, not only images), and those reusing digitised data
   * (vault documents or data prefilled from registries/earlier dossiers). */
  receivedDigitised: number;
  receivedReusingData: number;
  /**
   * Finished dossiers (those counted in `finished`) about which at least one complaint has been received, whenever
   * it was filed (before or after the dossier finished), counted in the period the dossier finished, at its receiving
   * agency. A dossier with two complaints counts once: the indicator is a share of dossiers.
   */
  complaints: number;
}

export type MetricRatio = (c: IndicatorCounts) => { numerator: number; denominator: number };

export interface IndicatorDefinition {
  id: string;
  group: IndicatorGroup;
  points: number;
  /** Ratio (0–1) at which the indicator earns its full points. */
  fullAt: number;
  ratio: MetricRatio;
}

export type IndicatorPolicy = readonly IndicatorDefinition[];

const r = (numerator: number, denominator: number) => ({ numerator, denominator });

/** The defaults. Thresholds from RULES.md where it gives one; otherwise full points at 100 %. */
export const DEFAULT_POLICY: IndicatorPolicy = [
  { id: 'transparency.proceduresPublished', group: 'transparency', points: 9, fullAt: 1, ratio: (c) => r(c.proceduresPublishedComplete, c.procedures) },
  { id: 'transparency.dossiersTracked', group: 'transparency', points: 9, fullAt: 1, ratio: (c) => r(c.receivedTrackedPublicly, c.received) },
  // "share of dossiers finished early or on time (supplement time excluded)"
  { id: 'progress.onTime', group: 'progress', points: 20, fullAt: 1, ratio: (c) => r(c.finishedEarly + c.finishedOnTime, c.finished) },
  // "share of procedures offered online (full score at ≥ 80 %)"
  { id: 'online.proceduresOffered', group: 'onlineServices', points: 4, fullAt: 0.8, ratio: (c) => r(c.proceduresOnline, c.procedures) },
  { id: 'online.proceduresUsed', group: 'onlineServices', points: 4, fullAt: 1, ratio: (c) => r(c.proceduresOnlineWithDossiers, c.proceduresOnline) },
  // "share of dossiers submitted online (full at ≥ 50 %)"
  { id: 'online.dossiersOnline', group: 'onlineServices', points: 4, fullAt: 0.5, ratio: (c) => r(c.receivedOnline, c.received) },
  // "share of fee-bearing procedures payable online (≥ 80 %) and of dossiers paid online"
  { id: 'payment.proceduresPayable', group: 'onlinePayment', points: 5, fullAt: 0.8, ratio: (c) => r(c.proceduresWithFeePayableOnline, c.proceduresWithFee) },
  { id: 'payment.dossiersPaidOnline', group: 'onlinePayment', points: 5, fullAt: 1, ratio: (c) => r(c.paidOnline, c.paid) },
  // "satisfaction = 100 % − (late % + complaint %), full at ≥ 90 %"
  { id: 'satisfaction', group: 'satisfaction', points: 18, fullAt: 0.9, ratio: (c) => r(Math.max(0, c.finished - c.finishedLate - c.complaints), c.finished) },
  // "share of dossiers with electronic results; share digitised (≥ 80 %) and reusing digitised data (≥ 80 %)"
  { id: 'digitisation.electronicResults', group: 'digitisation', points: 8, fullAt: 1, ratio: (c) => r(c.finishedWithElectronicResult, c.finished) },
  { id: 'digitisation.digitised', group: 'digitisation', points: 7, fullAt: 0.8, ratio: (c) => r(c.receivedDigitised, c.received) },
  { id: 'digitisation.reuse', group: 'digitisation', points: 7, fullAt: 0.8, ratio: (c) => r(c.receivedReusingData, c.received) },
];

export interface IndicatorScore {
  id: string;
  group: IndicatorGroup;
  numerator: number;
  denominator: number;
  /** numerator / denominator, or null when not applicable (denominator 0). */
  ratio: number | null;
  points: number;
  fullAt: number;
  /** Points earned (2 decimals), 0 when not applicable. */
  score: number;
  applicable: boolean;
}

export interface GroupScore {
  group: IndicatorGroup;
  points: number;
  /** Points of the group's applicable indicators. */
  applicablePoints: number;
  score: number;
}

export interface IndicatorReport {
  indicators: IndicatorScore[];
  groups: GroupScore[];
  /** Sum of earned points. */
  total: number;
  /** Sum of applicable points (100 when everything is measurable). */
  maximum: number;
  /** total / maximum × 100, or null when nothing is measurable. */
  outOf100: number | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Checks a policy: every group's indicator points add up to the group's weight. */
export function validatePolicy(policy: IndicatorPolicy): string[] {
  const problems: string[] = [];
  for (const group of Object.keys(GROUP_POINTS) as IndicatorGroup[]) {
    const sum = policy.filter((d) => d.group === group).reduce((s, d) => s + d.points, 0);
    if (Math.abs(sum - GROUP_POINTS[group]) > 1e-9) problems.push(`${group}: indicators add up to ${sum}, the group is worth ${GROUP_POINTS[group]}`);
  }
  for (const d of policy) if (!(d.fullAt > 0 && d.fullAt <= 1)) problems.push(`${d.id}: threshold ${d.fullAt} is not in (0, 1]`);
  return problems;
}

export function scoreIndicators(counts: IndicatorCounts, policy: IndicatorPolicy = DEFAULT_POLICY): IndicatorReport {
  const indicators = policy.map((d): IndicatorScore => {
    const { numerator, denominator } = d.ratio(counts);
    const applicable = denominator > 0;
    const ratio = applicable ? Math.min(1, Math.max(0, numerator / denominator)) : null;
    const score = ratio === null ? 0 : round2(d.points * Math.min(1, ratio / d.fullAt));
    return { id: d.id, group: d.group, numerator, denominator, ratio, points: d.points, fullAt: d.fullAt, score, applicable };
  });
  const groups = (Object.keys(GROUP_POINTS) as IndicatorGroup[]).map((group): GroupScore => {
    const mine = indicators.filter((i) => i.group === group);
    return {
      group,
      points: GROUP_POINTS[group],
      applicablePoints: mine.filter((i) => i.applicable).reduce((s, i) => s + i.points, 0),
      score: round2(mine.reduce((s, i) => s + i.score, 0)),
    };
  });
  const total = round2(groups.reduce((s, g) => s + g.score, 0));
  const maximum = groups.reduce((s, g) => s + g.applicablePoints, 0);
  return { indicators, groups, total, maximum, outOf100: maximum > 0 ? round2((total / maximum) * 100) : null };
}

/** All-zero counts, to add to. */
export function emptyCounts(): IndicatorCounts {
  return {
    procedures: 0, proceduresPublishedComplete: 0, proceduresOnline: 0, proceduresOnlineWithDossiers: 0, proceduresWithFee: 0,
    proceduresWithFeePayableOnline: 0, received: 0, receivedOnline: 0, receivedInPerson: 0, receivedByPost: 0, receivedTrackedPublicly: 0,
    finished: 0, finishedEarly: 0, finishedOnTime: 0, finishedLate: 0, finishedWithElectronicResult: 0, paid: 0, paidOnline: 0,
    receivedDigitised: 0, receivedReusingData: 0, complaints: 0,
  };
}
