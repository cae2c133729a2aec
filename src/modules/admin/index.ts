/**
 * The admin module: administrative units (versioned editions), the agency tree, user accounts, and the demo seed.
 * Other modules import only from here; repositories and rows stay inside the module.
 */
import type { Database } from '../../platform/db/database.js';
import { AgencyRepository } from './agency.repository.js';
import { AgencyService } from './agency.service.js';
import { UnitsRepository } from './units.repository.js';
import { UnitsService } from './units.service.js';
import { UsersRepository } from './users.repository.js';
import { UsersService, type PasswordHashParams } from './users.service.js';

export { AdminErrors } from './admin.errors.js';

export { UnitsService } from './units.service.js';
export type { AdministrativeUnitView, UnitEditionView } from './units.service.js';
export { importUnits, defaultUnitEdition } from './units.importer.js';
export type {
  ImportUnitsOptions,
  UnitEditionSpec,
  UnitsImportProgress,
  UnitsImportResult,
  UnitsSourceDifferences,
} from './units.importer.js';

export { AgencyService, agencyKinds, parseAgencyCode, isAgencyCode } from './agency.service.js';
export type {
  AgencyCodeParts,
  AgencyInput,
  AgencyKind,
  AgencyPatch,
  AgencyTreeNode,
  AgencyView,
  ListOptions,
  OfficeHours,
} from './agency.service.js';

export { UsersService, officerRoles } from './users.service.js';
export type { NewUser, OfficerRole, PasswordHashParams, UserKind, UserView } from './users.service.js';

export {
  seedDemoAgencies,
  seedDemoUsers,
  sectorDepartments,
  departmentCodeForSector,
  demoAgencyCodes,
  demoPassword,
  demoProvinceCode,
} from './demo-agencies.js';
export type { DemoAgency, DemoAccount } from './demo-agencies.js';

/** The units service over a database (the caller owns the database handle). */
export function createUnitsService(database: Database): UnitsService {
  return new UnitsService(new UnitsRepository(database.db));
}

export function createAgencyService(database: Database): AgencyService {
  return new AgencyService(new AgencyRepository(database.db), new UnitsRepository(database.db));
}

/** `hashParams` lowers the scrypt cost in tests; production keeps the default. */
export function createUsersService(database: Database, options: { hashParams?: PasswordHashParams } = {}): UsersService {
  return new UsersService(new UsersRepository(database.db), new AgencyRepository(database.db), options);
}

export interface AdminServices {
  units: UnitsService;
  agencies: AgencyService;
  users: UsersService;
}

export function createAdminServices(database: Database): AdminServices {
  return {
    units: createUnitsService(database),
    agencies: createAgencyService(database),
    users: createUsersService(database),
  };
}
