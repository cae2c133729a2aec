import { defineError } from '../../platform/errors/errors.js';

export const CatalogueErrors = {
  procedureNotFound: defineError('PROCEDURE_NOT_FOUND', 'not_found', 'No published procedure has this national code.'),
  sectorNotFound: defineError('SECTOR_NOT_FOUND', 'not_found', 'No sector has this address.'),
  lifeEventNotFound: defineError('LIFE_EVENT_NOT_FOUND', 'not_found', 'No life event has this address.'),
  searchQueryTooLong: defineError('SEARCH_QUERY_TOO_LONG', 'invalid', 'A search is limited to 200 characters.'),
  catalogueFileUnreadable: defineError('CATALOGUE_FILE_UNREADABLE', 'invalid', 'The catalogue file to import cannot be read or is not gzip JSON lines.'),
};
