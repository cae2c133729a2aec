/**
 * Life events group the procedures a person meets at one moment of life ("having a baby", "getting married"),
 * the way citizens think, rather than by the ministries' sectors. Codes are national procedure codes.
 * Titles and descriptions live in the message catalogues under `lifeEvent.<key>.*`.
 */
export interface LifeEvent {
  key: string;
  slug: string;
  codes: string[];
}

export const lifeEvents: readonly LifeEvent[] = [
  // Birth: registration, residence entry for the child, first identity card, copies of the extract.
  { key: 'birth', slug: 'sinh-con', codes: ['1.001193', '1.003583', '1.000689', '1.004222', '1.014062', '2.000635'] },
  { key: 'marriage', slug: 'ket-hon', codes: ['1.000894', '1.004873', '2.000806', '1.000593'] },
  { key: 'residence', slug: 'cu-tru', codes: ['1.004222', '1.004194', '1.002755', '1.010041', '1.003197', '1.010028'] },
  { key: 'identity', slug: 'giay-to-tuy-than', codes: ['1.014061', '1.014063', '1.014064', '1.014062', '1.001456', '2.000815'] },
  { key: 'business', slug: 'kinh-doanh', codes: ['1.001612', '2.000720', '1.001266', '1.011022', '1.009824'] },
  { key: 'housing', slug: 'xay-nha', codes: ['1.013225', '1.013226', '1.013227', '1.013228', '1.013229'] },
  { key: 'death', slug: 'khai-tu', codes: ['1.000656', '1.000419', '1.005461', '2.001019', '2.001406'] },
];

/** The procedures shown as "popular" on the home page until real dossier counts rank them. */
export const demoPopularCodes = [
  '1.001193',
  '1.000894',
  '1.004222',
  '1.010041',
  '1.001612',
  '1.013225',
  '2.000815',
  '1.014064',
  '1.004873',
  '1.000656',
];
