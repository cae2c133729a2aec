// Loads every module's public surface so that registries (error codes) are complete in tools and tests.
import '../modules/catalogue/index.js';
import '../modules/admin/index.js';
import '../modules/calendar/index.js';
import '../modules/identity/index.js';
import '../modules/notifications/index.js';
import '../modules/lookup/index.js';
import '../modules/dossiers/submission.errors.js';
import '../modules/dossiers/dossiers.errors.js';
import '../modules/forms/index.js';
import '../modules/workflow/index.js';
import '../modules/payments/index.js';
import '../modules/signatures/index.js';
import '../modules/vault/index.js';
import '../modules/reports/index.js';
import '../modules/satisfaction/index.js';
