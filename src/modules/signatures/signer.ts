import { createPrivateKey, sign as rsaSign, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readPkcs12 } from './ca.js';

/**
 * The signing port: who holds a key and makes signatures with it. The PDF and CMS code only sees this interface, so
 * a key in a PKCS#12 file (here), a remote signing service (a licensed CA's "remote signing" API, the way Vietnamese
 * agencies sign from a server) or an HSM (PKCS#11) are interchangeable: implement `certificates` and `sign`.
 */
export interface SignerPort {
  /** DER certificates: the signer's first, then its chain (the root may be left out). */
  certificates(): Promise<readonly Uint8Array[]>;
  /** RSA PKCS#1 v1.5 signature with SHA-256 over `data`. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** Who signs: a leader in person, or an agency's seal. */
export type SignerIdentity = { kind: 'leader'; userId: number } | { kind: 'seal'; agencyCode: string };

/** Names for a certificate, should a key store issue one on demand (the demo's store does). */
export interface HolderNames {
  commonName: string;
  organization: string;
}

/** Finds the signer for a leader or a seal; null when no key is provisioned for them. */
export interface KeyStore {
  signerFor(identity: SignerIdentity, names?: HolderNames): Promise<SignerPort | null>;
}

/** A key and its certificates from a PKCS#12 file, held in memory; signs with node:crypto. */
export class Pkcs12Signer implements SignerPort {
  private readonly key: KeyObject;
  private readonly chain: readonly Uint8Array[];

  constructor(p12: Uint8Array, password: string) {
    const contents = readPkcs12(p12, password);
    this.key = createPrivateKey(contents.privateKeyPem);
    this.chain = contents.certificates;
  }

  async certificates(): Promise<readonly Uint8Array[]> {
    return this.chain;
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    return rsaSign('sha256', data, this.key);
  }

  /** The signer's certificate, parsed. */
  get certificate(): X509Certificate {
    return new X509Certificate(this.chain[0]!);
  }
}

/** File name of a leader's or seal's PKCS#12 file in a key directory. */
export function keyFileName(identity: SignerIdentity): string {
  return identity.kind === 'leader' ? `leader-${identity.userId}.p12` : `seal-${identity.agencyCode.replace(/[^A-Za-z0-9.-]/g, '_')}.p12`;
}

/**
 * PKCS#12 files in one directory (`leader-<user id>.p12`, `seal-<agency code>.p12`), one password for the
 * directory. Opened files are kept in memory: opening a PKCS#12 costs a key derivation.
 */
export class DirectoryKeyStore implements KeyStore {
  private readonly cache = new Map<string, Promise<SignerPort | null>>();

  constructor(
    private readonly dir: string,
    private readonly password: string,
  ) {}

  signerFor(identity: SignerIdentity): Promise<SignerPort | null> {
    const file = keyFileName(identity);
    let found = this.cache.get(file);
    if (!found) {
      found = readFile(join(this.dir, file)).then(
        (bytes) => new Pkcs12Signer(bytes, this.password),
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return null;
          throw error;
        },
      );
      // A missing key may be provisioned later: do not remember the absence.
      void found.then((s) => (s ? undefined : this.cache.delete(file))).catch(() => this.cache.delete(file));
      this.cache.set(file, found);
    }
    return found;
  }
}
