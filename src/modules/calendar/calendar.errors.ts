import { defineError } from '../../platform/errors/errors.js';

/** Domain errors of the calendar module; messages live in this module's catalogue (`calendar.error.<CODE>`). */
export const CalendarErrors = {
  tableInvalid: defineError(
    'CALENDAR_TABLE_INVALID',
    'invalid',
    "A year's calendar table has a malformed or duplicate date, a date outside the year, an unknown kind, a swapped working day on a normal weekday, or a missing name or legal source; each field says which.",
    'calendar.error.CALENDAR_TABLE_INVALID',
  ),
  editionNotFound: defineError(
    'CALENDAR_EDITION_NOT_FOUND',
    'not_found',
    'No version of the calendar table exists for this year and version number.',
    'calendar.error.CALENDAR_EDITION_NOT_FOUND',
  ),
  editionConflict: defineError(
    'CALENDAR_EDITION_CONFLICT',
    'conflict',
    "Another version of this year's calendar table was published or withdrawn at the same moment, or the version is already withdrawn; reload and retry.",
    'calendar.error.CALENDAR_EDITION_CONFLICT',
  ),
  officeHoursInvalid: defineError(
    'CALENDAR_OFFICE_HOURS_INVALID',
    'invalid',
    'Office hours given to the working calendar need a weekday 1–7 and HH:MM times with opening before closing.',
    'calendar.error.CALENDAR_OFFICE_HOURS_INVALID',
  ),
  forbidden: defineError(
    'CALENDAR_FORBIDDEN',
    'forbidden',
    'Only a system administrator may publish or withdraw a version of the national calendar table.',
    'calendar.error.CALENDAR_FORBIDDEN',
  ),
} as const;
