/** The citizen's vault of issued results and verified documents (Decree 45/2020/NĐ-CP). */
import type { Database } from '../../platform/db/database.js';
import { VaultRepository } from './vault.repository.js';
import { VaultService, type VaultDraftPort, type VaultFormsPort } from './vault.service.js';

export { VaultService } from './vault.service.js';
export type { VaultDocumentView, VaultDraftPort, VaultFormsPort } from './vault.service.js';
export { VaultRepository, type NewVaultDocument } from './vault.repository.js';
export { VaultErrors } from './vault.errors.js';
export { vaultRoutes, type VaultRouteDeps } from './vault.routes.js';

/** Files documents in citizens' vaults (the port the signatures module writes issued results through). */
export function vaultFiling(database: Database): { file: VaultService['file'] } {
  const repository = new VaultRepository(database.db);
  return { file: (trx, document) => repository.insert(trx, document) };
}

export function createVaultService(database: Database, deps: { drafts: VaultDraftPort; forms: VaultFormsPort }): VaultService {
  return new VaultService(new VaultRepository(database.db), deps);
}
