import { createHash, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

/**
 * A software WebAuthn authenticator for tests: an ES256 key pair (node:crypto) that answers registration options
 * with a 'none' attestation and request options with a signed assertion, byte for byte as WebAuthn Level 2 §6.1
 * and §6.5 lay them out, so that @simplewebauthn/server verifies them for real. It plays the browser too (it writes
 * clientDataJSON), so a test can make it claim another origin. Test support only.
 */

// ---- A tiny CBOR encoder (RFC 8949): unsigned and negative integers, byte and text strings, maps. ----

type Cbor = number | string | Uint8Array | Map<Cbor, Cbor>;

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) {
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(n, 1);
    return b;
  }
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}

export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error('cbor: integers only');
    return value >= 0 ? head(0, value) : head(1, -1 - value);
  }
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  const parts: Buffer[] = [head(5, value.size)];
  for (const [k, v] of value) parts.push(cbor(k), cbor(v));
  return Buffer.concat(parts);
}

// ---- The authenticator ----

const b64url = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString('base64url');
const sha256 = (bytes: Uint8Array | string): Buffer => createHash('sha256').update(bytes).digest();

/** Authenticator data flags (WebAuthn §6.1). */
const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

export interface SoftAuthenticatorOptions {
  /** The origin written into clientDataJSON (what the browser would report). */
  origin: string;
  /** false: an authenticator without a signature counter (always 0). Default true: counts up from 1. */
  counts?: boolean;
}

export class SoftAuthenticator {
  readonly credentialId = randomBytes(16);
  /** The signature counter the next assertion carries (incremented before each one when counting). */
  signCount = 0;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly counts: boolean;
  origin: string;

  constructor(options: SoftAuthenticatorOptions) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    this.publicKey = pair.publicKey;
    this.origin = options.origin;
    this.counts = options.counts ?? true;
  }

  get id(): string {
    return b64url(this.credentialId);
  }

  /** The COSE_Key of the public key (RFC 9053: kty EC2, alg ES256, crv P-256, x, y). */
  private coseKey(): Buffer {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return cbor(
      new Map<Cbor, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
  }

  private authData(rpId: string, flags: number, withCredential: boolean): Buffer {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.signCount, 0);
    const parts = [sha256(rpId), Buffer.from([flags]), counter];
    if (withCredential) {
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(this.credentialId.length, 0);
      parts.push(Buffer.alloc(16) /* AAGUID: none */, idLength, this.credentialId, this.coseKey());
    }
    return Buffer.concat(parts);
  }

  private clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
  }

  /** Answers navigator.credentials.create(): a new credential with a 'none' attestation. */
  create(options: PublicKeyCredentialCreationOptionsJSON, override: { origin?: string; rpId?: string } = {}): RegistrationResponseJSON {
    const clientDataJSON = this.clientData('webauthn.create', options.challenge, override.origin ?? this.origin);
    const authData = this.authData(override.rpId ?? options.rp.id ?? '', UP | UV | AT, true);
    const attestationObject = cbor(
      new Map<Cbor, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ['internal'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** Answers navigator.credentials.get(): an assertion signed over authenticatorData ‖ SHA-256(clientDataJSON). */
  get(options: PublicKeyCredentialRequestOptionsJSON, override: { origin?: string; rpId?: string } = {}): AuthenticationResponseJSON {
    if (this.counts) this.signCount += 1;
    const clientDataJSON = this.clientData('webauthn.get', options.challenge, override.origin ?? this.origin);
    const authData = this.authData(override.rpId ?? options.rpId ?? '', UP | UV, false);
    const signature = createSign('SHA256').update(Buffer.concat([authData, sha256(clientDataJSON)])).sign(this.privateKey); // DER
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authData), signature: b64url(signature) },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}
