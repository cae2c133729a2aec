import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import { children, content, contextConstructed, decodeOid, derNull, integer, octetString, oid, readTlv, sequence, setOf, Tag, whole, type Tlv } from './der.js';

/**
 * CMS SignedData for PDF signatures (RFC 5652) in the CAdES form that PAdES baseline requires
 * (ETSI EN 319 142-1, SubFilter ETSI.CAdES.detached):
 * - detached: the encapsulated content is absent; the message digest covers the PDF's signed byte ranges;
 * - signed attributes: content-type (id-data), message-digest, and signing-certificate-v2 (RFC 5035) binding the
 *   signer's certificate (its SHA-256 and issuer/serial) into what is signed, so the certificate cannot be swapped;
 * - no signing-time attribute: PAdES puts the claimed signing time in the signature dictionary's /M entry instead;
 * - the signer's certificate and its chain (without the root) are included.
 * The signature itself is made by a `sign` callback over the DER of the signed attributes, so the private key may
 * live anywhere (a PKCS#12 file in memory, a remote signing service, an HSM).
 */

export const Oids = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
} as const;

export interface CertificateIds {
  /** The issuer Name, DER. */
  issuer: Uint8Array;
  /** The serial number INTEGER, whole TLV. */
  serial: Uint8Array;
}

/** Issuer and serial number of a DER certificate. */
export function certificateIds(certificate: Uint8Array): CertificateIds {
  const cert = readTlv(certificate);
  const tbs = children(certificate, cert)[0]!;
  const fields = children(certificate, tbs);
  const offset = fields[0]!.tag === 0xa0 ? 1 : 0; // [0] version is optional (v1 certificates)
  return { serial: whole(certificate, fields[offset]!), issuer: whole(certificate, fields[offset + 2]!) };
}

const sha256 = (bytes: Uint8Array): Uint8Array => createHash('sha256').update(bytes).digest();

function attribute(type: string, value: Uint8Array): Uint8Array {
  return sequence(oid(type), setOf(value));
}

/** The signed attributes as the SET OF that is signed (tag 0x31; in the SignerInfo it is re-tagged [0]). */
export function signedAttributes(contentDigest: Uint8Array, signerCertificate: Uint8Array): Uint8Array {
  const ids = certificateIds(signerCertificate);
  // ESSCertIDv2 with the default hash algorithm (SHA-256) omitted, as DER requires for a DEFAULT value.
  const issuerSerial = sequence(sequence(contextConstructed(4, ids.issuer)), ids.serial);
  const essCertIdV2 = sequence(octetString(sha256(signerCertificate)), issuerSerial);
  return setOf(
    attribute(Oids.contentType, oid(Oids.data)),
    attribute(Oids.messageDigest, octetString(contentDigest)),
    attribute(Oids.signingCertificateV2, sequence(sequence(essCertIdV2))),
  );
}

export interface CadesInput {
  /** SHA-256 of the signed content (for a PDF: the bytes of its /ByteRange). */
  contentDigest: Uint8Array;
  /** DER certificates: the signer's first, then the intermediate and (optionally) root certificates. */
  certificates: readonly Uint8Array[];
  /** RSA PKCS#1 v1.5 with SHA-256 over `data` (the DER of the signed attributes). */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** A detached CAdES-B signature (ContentInfo with SignedData), DER. */
export async function buildCadesSignature(input: CadesInput): Promise<Uint8Array> {
  const signer = input.certificates[0];
  if (!signer) throw new Error('no signer certificate');
  const attrs = signedAttributes(input.contentDigest, signer);
  const signature = await input.sign(attrs);
  const ids = certificateIds(signer);
  const sha256Algorithm = sequence(oid(Oids.sha256));
  const signerInfo = sequence(
    integer(1),
    sequence(ids.issuer, ids.serial),
    sha256Algorithm,
    // [0] IMPLICIT SignedAttributes: the same content as the signed SET, with the context tag.
    contextConstructed(0, content(attrs, readTlv(attrs))),
    sequence(oid(Oids.sha256WithRsa), derNull()),
    octetString(signature),
  );
  const signedData = sequence(
    integer(1),
    setOf(sha256Algorithm),
    sequence(oid(Oids.data)),
    contextConstructed(0, ...input.certificates),
    setOf(signerInfo),
  );
  return sequence(oid(Oids.signedData), contextConstructed(0, signedData));
}

// ---------------------------------------------------------------------------------------------------------------
// Reading and checking

export interface ParsedCades {
  certificates: Uint8Array[];
  /** The signer's certificate (matched by issuer and serial), or null when it is not included. */
  signerCertificate: Uint8Array | null;
  digestAlgorithm: string;
  /** The signed attributes re-encoded as the SET that was signed. */
  signedAttributes: Uint8Array;
  messageDigest: Uint8Array | null;
  /** SHA-256 of the certificate named by signing-certificate-v2, or null when the attribute is absent. */
  signingCertificateHash: Uint8Array | null;
  signature: Uint8Array;
}

/** Reads a CMS SignedData with one signer (as in a PDF signature); trailing zero padding is ignored. */
export function parseCades(bytes: Uint8Array): ParsedCades {
  const contentInfo = readTlv(bytes);
  const [typeTlv, explicit] = children(bytes, contentInfo);
  if (!typeTlv || decodeOid(content(bytes, typeTlv)) !== Oids.signedData || !explicit) throw new Error('not a CMS SignedData');
  const signedData = children(bytes, explicit)[0]!;
  const parts = children(bytes, signedData);
  const certificates: Uint8Array[] = [];
  const certs = parts.find((p) => p.tag === 0xa0);
  if (certs) for (const c of children(bytes, certs)) certificates.push(whole(bytes, c));
  const signerInfos = parts[parts.length - 1]!;
  if (signerInfos.tag !== Tag.set) throw new Error('CMS: no signer infos');
  const infos = children(bytes, signerInfos);
  if (infos.length !== 1) throw new Error('CMS: exactly one signer expected');
  const info = children(bytes, infos[0]!);
  const sid = info[1]!;
  const [issuer, serial] = children(bytes, sid);
  const signer =
    issuer && serial
      ? (certificates.find((c) => {
          const ids = certificateIds(c);
          return Buffer.from(ids.issuer).equals(whole(bytes, issuer)) && Buffer.from(ids.serial).equals(whole(bytes, serial));
        }) ?? null)
      : null;
  const digestAlgorithm = decodeOid(content(bytes, children(bytes, info[2]!)[0]!));
  const attrsTlv = info[3]!;
  if (attrsTlv.tag !== 0xa0) throw new Error('CMS: signed attributes missing');
  const attrs = Buffer.concat([Uint8Array.of(Tag.set), whole(bytes, attrsTlv).subarray(1)]);
  let messageDigest: Uint8Array | null = null;
  let signingCertificateHash: Uint8Array | null = null;
  for (const attr of children(bytes, attrsTlv)) {
    const [type, values] = children(bytes, attr);
    const value = children(bytes, values!)[0]!;
    const name = decodeOid(content(bytes, type!));
    if (name === Oids.messageDigest) messageDigest = content(bytes, value);
    if (name === Oids.signingCertificateV2) {
      const firstCertId = children(bytes, children(bytes, value)[0]!)[0]!;
      const hash = children(bytes, firstCertId).find((t: Tlv) => t.tag === Tag.octetString);
      signingCertificateHash = hash ? content(bytes, hash) : null;
    }
  }
  const signatureTlv = info.find((t, i) => i > 3 && t.tag === Tag.octetString)!;
  return { certificates, signerCertificate: signer, digestAlgorithm, signedAttributes: attrs, messageDigest, signingCertificateHash, signature: content(bytes, signatureTlv) };
}

export interface CadesCheck {
  /** The message digest equals the digest of the content. */
  digestMatches: boolean;
  /** The signature over the signed attributes verifies with the signer's certificate. */
  signatureValid: boolean;
  /** signing-certificate-v2 is present and names the signer's certificate. */
  signingCertificateBound: boolean;
  signer: X509Certificate | null;
}

/** Checks a parsed CMS against the digest of the content it signs (trust in the certificate is checked apart). */
export function checkCades(parsed: ParsedCades, contentDigest: Uint8Array): CadesCheck {
  const signer = parsed.signerCertificate ? new X509Certificate(parsed.signerCertificate) : null;
  const digestMatches = parsed.digestAlgorithm === Oids.sha256 && parsed.messageDigest !== null && Buffer.from(parsed.messageDigest).equals(contentDigest);
  let signatureValid = false;
  if (signer) {
    try {
      signatureValid = verifySignature('sha256', parsed.signedAttributes, signer.publicKey, parsed.signature);
    } catch {
      signatureValid = false;
    }
  }
  const signingCertificateBound =
    parsed.signerCertificate !== null && parsed.signingCertificateHash !== null && Buffer.from(parsed.signingCertificateHash).equals(sha256(parsed.signerCertificate));
  return { digestMatches, signatureValid, signingCertificateBound, signer };
}
