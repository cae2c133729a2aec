import { resolve } from 'node:path';
import type { Config } from '../platform/config/config.js';
import type { Database } from '../platform/db/database.js';
import { importCatalogue, type ImportOutcome } from '../modules/catalogue/index.js';
import { seedDemoCatalogue } from '../modules/catalogue/catalogue.demo.js';
import { seedForms } from '../modules/forms/index.js';
import { seedOfficialCalendar } from '../modules/calendar/index.js';
import { createIdentityServices, seedDemoAuthenticators } from '../modules/identity/index.js';
import { createNotificationService } from '../modules/notifications/index.js';
import { seedDemoProcesses } from '../modules/workflow/index.js';
import { createUsersService } from '../modules/admin/index.js';
import { importUnits, seedDemoAgencies, seedDemoUsers, sectorDepartments, type DemoAccount } from '../modules/admin/index.js';

export interface DemoData {
  units: { provinces: number; communes: number };
  catalogue: ImportOutcome;
  agencies: number;
  accounts: DemoAccount[];
}

export interface LoadOptions {
  quiet?: boolean;
  /** Receives progress lines (the CLI prints them). */
  log?: (line: string) => void;
  onCatalogueProgress?: (done: number) => void;
}

/**
 * Everything the demo needs on a migrated database: the official units and catalogue (idempotent imports) and
 * the demo province's agencies and accounts. Runs in seconds when the data is already there.
 */
export async function loadDemoData(database: Database, config: Config, options: LoadOptions = {}): Promise<DemoData> {
  const log = options.quiet ? () => undefined : (options.log ?? ((line: string) => console.log(line)));
  const units = await importUnits(database, { dir: resolve(config.unitsDir) });
  log(`administrative units: ${units.provinces} provinces, ${units.communes} communes (edition ${units.edition})`);
  const catalogue = await importCatalogue(database.db, {
    file: resolve(config.catalogueFile),
    ...(options.onCatalogueProgress ? { onProgress: options.onCatalogueProgress } : {}),
  });
  log(
    `catalogue: ${catalogue.read} records read, ${catalogue.created} new, ${catalogue.updated} updated, ${catalogue.unchanged} unchanged (${catalogue.millis} ms)`,
  );
  const agencies = await seedDemoAgencies(database);
  const links = await seedDemoCatalogue(
    database.db,
    agencies.map((a) => ({ id: a.id, kind: a.kind, code: a.code })),
    sectorDepartments,
  );
  log(`demo province: ${agencies.length} agencies, ${links.links} procedure–agency links, ${links.guides} guides`);
  await seedOfficialCalendar(database);
  const forms = await seedForms(database.db);
  log(`e-forms: ${forms.created} new, ${forms.updated} updated, ${forms.unchanged} unchanged`);
  const processes = await seedDemoProcesses(database, agencies);
  log(`internal processes: ${processes.created} new, ${processes.unchanged} unchanged`);
  const accounts = await seedDemoUsers(database, agencies);
  await seedDemoCitizenProfile(database, config, accounts);
  // Demo officers share a known TOTP secret (printed by `npm start`) so the demo and tests pass the second factor.
  await seedDemoAuthenticators(database, config.sessionSecret, accounts.filter((a) => a.role !== 'citizen').map((a) => a.username));
  return { units: { provinces: units.provinces, communes: units.communes }, catalogue, agencies: agencies.length, accounts };
}

/**
 * The demo citizen's profile, as the national population database would supply it, so that e-forms show
 * prefilling ("once only"). Fictitious person; the identity number follows the legal layout (province of birth
 * registration 037 = Ninh Bình, 1 = female born in the 20th century, 96 = 1996).
 */
async function seedDemoCitizenProfile(database: Database, config: Config, accounts: DemoAccount[]): Promise<void> {
  const citizen = accounts.find((a) => a.role === 'citizen');
  if (!citizen) return;
  const user = await createUsersService(database).getByUsername(citizen.username);
  const identity = createIdentityServices(database, { notifications: createNotificationService(database), secret: config.sessionSecret });
  const actor = { id: user.id, kind: 'citizen' as const, displayName: user.displayName, agencyId: null, roles: [] };
  const existing = await identity.profiles.get(user.id);
  if (existing?.personalId) return;
  await identity.profiles.update(actor, {
    personalId: '037196001234',
    fullName: 'Nguyễn Thị Hương',
    birthDay: '14',
    birthMonth: '5',
    birthYear: '1996',
    sex: 'female',
    provinceCode: '37',
    communeCode: '14329',
    addressLine: 'Số 12, đường Trần Hưng Đạo',
    phone: '0912345678',
    email: citizen.username,
  });
}
