/**
 * Signed results (kết quả giải quyết with digital signatures), their public verification, and the digitisation of
 * paper results. Other modules import only from here.
 */
import type { Database } from '../../platform/db/database.js';
import type { FileStorage } from '../../platform/storage/index.js';
import { ensureDemoKeys, ProvisioningKeyStore, trustedRootsIn } from './demo-keys.js';
import { DirectoryKeyStore, type KeyStore } from './signer.js';
import { demoKeyHoldersIn, SignaturesRepository } from './signatures.repository.js';
import { SignaturesService, type ExtractionPort, type ResultVaultPort, type SignaturesPorts } from './signatures.service.js';

export { SignaturesService, newVerificationCode, normaliseVerificationCode, noExtraction } from './signatures.service.js';
export type { ExtractionPort, IssuedResult, ResultVaultPort, SignaturesPorts, UploadCheck, VerificationView } from './signatures.service.js';
export { SignaturesRepository } from './signatures.repository.js';
export { SignatureErrors } from './signatures.errors.js';
export { signPdf, verifyPdfSignatures, pdfDate, type PdfSignatureReport, type SignOptions } from './pades.js';
export { DirectoryKeyStore, Pkcs12Signer, keyFileName, type HolderNames, type KeyStore, type SignerIdentity, type SignerPort } from './signer.js';
export { createRootCa, issueCertificate, toPkcs12, readPkcs12, pemToDer, type CaMaterial } from './ca.js';
export { ensureDemoKeys, loadOrCreateRootCa, trustedRootsIn, rootCertificateFile, ProvisioningKeyStore, type DemoKeyHolder } from './demo-keys.js';
export { renderResultDocument, groupedCode, resultTitle, type ResultDocumentData, type ResultTemplate } from './result-document.js';
export { signaturesRoutes, type SignaturesRouteDeps } from './signatures.routes.js';
export type { ResultSigner } from './signatures.tables.js';

/** The signatures service over a database, with keys and trusted roots from a key directory (SIGNING_KEYS_DIR). */
export function createSignaturesService(
  database: Database,
  deps: {
    storage: FileStorage;
    forms: SignaturesPorts['forms'];
    vault: ResultVaultPort;
    keysDir: string;
    keysPassword: string;
    baseUrl: string;
    keys?: KeyStore;
    /**
     * Issue a demo key from the directory's demo root CA when a leader or seal has none (demo and tests only; the
     * composition root turns it on outside production).
     */
    demoKeysOnDemand?: boolean;
    extraction?: ExtractionPort;
    clock?: () => Date;
  },
): SignaturesService {
  return new SignaturesService(new SignaturesRepository(database.db), {
    storage: deps.storage,
    keys:
      deps.keys ??
      (deps.demoKeysOnDemand
        ? new ProvisioningKeyStore(new DirectoryKeyStore(deps.keysDir, deps.keysPassword), deps.keysDir, deps.keysPassword)
        : new DirectoryKeyStore(deps.keysDir, deps.keysPassword)),
    forms: deps.forms,
    vault: deps.vault,
    trustedRoots: () => trustedRootsIn(deps.keysDir),
    baseUrl: deps.baseUrl,
    ...(deps.extraction ? { extraction: deps.extraction } : {}),
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
}

/**
 * Demo keys for every leader and every agency's seal in the database, issued by the demo root CA of `dir`
 * (created when missing). Used by the demo seed and `motcua ca:init`; returns the files written.
 */
export async function provisionDemoKeys(database: Database, dir: string, password: string): Promise<string[]> {
  const { leaders, agencies } = await demoKeyHoldersIn(database.db);
  return ensureDemoKeys(dir, password, [
    ...leaders.map((l) => ({ identity: { kind: 'leader' as const, userId: l.id }, commonName: l.display_name, organization: l.agency_name })),
    ...agencies.map((a) => ({ identity: { kind: 'seal' as const, agencyCode: a.code }, commonName: a.name, organization: a.name })),
  ]);
}
