import { defineError } from '../../platform/errors/errors.js';

export const ReportsErrors = {
  notAllowed: defineError(
    'REPORTS_NOT_ALLOWED',
    'forbidden',
    'Indicators are for leaders and agency administrators (their agency) and system administrators (any agency).',
    'reports.error.REPORTS_NOT_ALLOWED',
  ),
  badPeriod: defineError('REPORTS_PERIOD_INVALID', 'invalid', 'The period must be months YYYY-MM, from before to, at most 60 months.', 'reports.error.REPORTS_PERIOD_INVALID'),
} as const;
