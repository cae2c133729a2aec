import { resolve } from 'node:path';
import type { Config } from '../platform/config/config.js';
import type { Database } from '../platform/db/database.js';
import { importCatalogue, type ImportOutcome } from '../modules/catalogue/index.js';
import { seedDemoCatalogue } from '../modules/catalogue/catalogue.demo.js';
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
  const accounts = await seedDemoUsers(database, agencies);
  return { units: { provinces: units.provinces, communes: units.communes }, catalogue, agencies: agencies.length, accounts };
}
