export { CatalogueService } from './catalogue.service.js';
export type { SearchInput, SearchResult, SectorView } from './catalogue.service.js';
export { CatalogueRepository } from './catalogue.repository.js';
export { importCatalogue, type ImportOutcome } from './catalogue.importer.js';
export { catalogueRoutes } from './catalogue.routes.js';
export { CatalogueErrors } from './catalogue.errors.js';
export { demoPopularCodes, lifeEvents } from './life-events.js';
export type { ProcedureSummary, ProcedureDetail } from './catalogue.presenter.js';
