// Loads every module's public surface so that registries (error codes) are complete in tools and tests.
import '../modules/catalogue/index.js';
import '../modules/admin/index.js';
import '../modules/calendar/index.js';
