import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRootCa, issueCertificate, pemToDer, toPkcs12, type CaMaterial } from './ca.js';
import { keyFileName, type HolderNames, type KeyStore, type SignerIdentity, type SignerPort } from './signer.js';

/**
 * Demo signing keys in a key directory: `root-ca.pem` (+ `root-ca.key.pem`, the demo root's private key), and one
 * PKCS#12 file per leader and per agency seal, named as `DirectoryKeyStore` expects. Existing files are kept, so
 * running it again only adds what is missing. For the demo and tests; production keys come from a licensed CA.
 */
export const rootCertificateFile = 'root-ca.pem';
const rootKeyFile = 'root-ca.key.pem';

/** One root per directory even when two issues start at once (in this process). */
const rootCreation = new Map<string, Promise<CaMaterial>>();

export function loadOrCreateRootCa(dir: string): Promise<CaMaterial> {
  let pending = rootCreation.get(dir);
  if (!pending) {
    pending = readOrCreateRoot(dir);
    rootCreation.set(dir, pending);
    void pending.catch(() => rootCreation.delete(dir));
  }
  return pending;
}

async function readOrCreateRoot(dir: string): Promise<CaMaterial> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    const [certificatePem, privateKeyPem] = await Promise.all([readFile(join(dir, rootCertificateFile), 'utf8'), readFile(join(dir, rootKeyFile), 'utf8')]);
    return { certificatePem, privateKeyPem };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const ca = createRootCa();
  await writeFile(join(dir, rootKeyFile), ca.privateKeyPem, { mode: 0o600 });
  await writeFile(join(dir, rootCertificateFile), ca.certificatePem);
  return ca;
}

export interface DemoKeyHolder {
  identity: SignerIdentity;
  commonName: string;
  organization: string;
}

/** Issues a PKCS#12 for each holder that has none yet; returns the files written. */
export async function ensureDemoKeys(dir: string, password: string, holders: readonly DemoKeyHolder[]): Promise<string[]> {
  const ca = await loadOrCreateRootCa(dir);
  const written: string[] = [];
  for (const holder of holders) {
    const file = join(dir, keyFileName(holder.identity));
    try {
      await readFile(file);
      continue;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const material = issueCertificate(ca, { commonName: holder.commonName, organization: holder.organization, kind: holder.identity.kind === 'seal' ? 'seal' : 'person' });
    await writeFile(file, toPkcs12(material, [ca.certificatePem], password, holder.commonName), { mode: 0o600 });
    written.push(file);
  }
  return written;
}

/** The trusted root certificates of a key directory (DER): its `root-ca.pem`, when present. */
export async function trustedRootsIn(dir: string): Promise<Uint8Array[]> {
  try {
    const pem = await readFile(join(dir, rootCertificateFile), 'utf8');
    return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(pemToDer);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * A key store that issues a demo key from the directory's demo root CA when a leader or a seal has none yet, so the
 * demo and the tests sign without provisioning every key up front (RSA key generation takes about half a second
 * each). Never used in production (the composition root enables it only outside NODE_ENV=production).
 */
export class ProvisioningKeyStore implements KeyStore {
  private readonly issuing = new Map<string, Promise<unknown>>();

  constructor(
    private readonly inner: KeyStore,
    private readonly dir: string,
    private readonly password: string,
  ) {}

  async signerFor(identity: SignerIdentity, names?: HolderNames): Promise<SignerPort | null> {
    const found = await this.inner.signerFor(identity, names);
    if (found || !names) return found;
    const file = keyFileName(identity);
    let pending = this.issuing.get(file);
    if (!pending) {
      pending = ensureDemoKeys(this.dir, this.password, [{ identity, ...names }]);
      this.issuing.set(file, pending);
      void pending.finally(() => this.issuing.delete(file)).catch(() => undefined);
    }
    await pending;
    return this.inner.signerFor(identity, names);
  }
}
