export { LookupService, LookupErrors, type PublicDossierView } from './lookup.service.js';
export { lookupRoutes } from './lookup.routes.js';
