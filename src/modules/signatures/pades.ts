import { createHash, X509Certificate } from 'node:crypto';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf, Signer } from '@signpdf/signpdf';
import { SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import { buildCadesSignature, checkCades, parseCades } from './cms.js';
import type { SignerPort } from './signer.js';

/**
 * PAdES baseline (B-B) signatures on PDFs: each signature is an incremental update (a new signature field and
 * dictionary appended after the previous end of file), so a second signature — the agency's seal after the leader's
 * personal signature — leaves the bytes the first one covers untouched and both stay valid.
 *
 * The placeholder and the byte-range arithmetic come from @signpdf (placeholder-plain appends the incremental
 * update to any classic-xref PDF; pdf-lib documents are saved without object streams for that); the CMS inside is
 * ours (cms.ts), because PAdES needs the signing-certificate-v2 attribute that @signpdf's default signer lacks.
 */

export interface SignOptions {
  /** Why the document is signed (the /Reason entry), e.g. "Phê duyệt" or "Đóng dấu". */
  reason: string;
  /** Signer's name for the /Name entry (readers show the certificate's name anyway). */
  name: string;
  location: string;
  contactInfo?: string;
  /** The claimed signing time (/M); PAdES puts it there instead of a signing-time attribute. */
  signingTime?: Date;
}

/** Room for the CMS in the placeholder, in bytes (a 2048-bit signature with a two-certificate chain is ~3 KB; a
 * national CA chain of three certificates stays under 6 KB). */
const signatureLength = 8_192;

/** CAdES signer for @signpdf: receives the bytes of the byte ranges and returns the DER CMS. */
class CadesSigner extends Signer {
  constructor(private readonly port: SignerPort) {
    super();
  }

  override async sign(pdfBuffer: Buffer): Promise<Buffer> {
    const contentDigest = createHash('sha256').update(pdfBuffer).digest();
    const certificates = await this.port.certificates();
    return Buffer.from(await buildCadesSignature({ contentDigest, certificates, sign: (data) => this.port.sign(data) }));
  }
}

/** Adds one PAdES signature to `pdf` (which may already carry signatures) and returns the signed file. */
export async function signPdf(pdf: Uint8Array, signer: SignerPort, options: SignOptions): Promise<Uint8Array> {
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: Buffer.from(pdf),
    reason: options.reason,
    contactInfo: options.contactInfo ?? '',
    name: options.name,
    location: options.location,
    signingTime: options.signingTime ?? new Date(),
    signatureLength,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    appName: 'Motcua',
  });
  const signed = await new SignPdf().sign(withPlaceholder, new CadesSigner(signer));
  return new Uint8Array(signed.buffer, signed.byteOffset, signed.byteLength);
}

// ---------------------------------------------------------------------------------------------------------------
// Verification (our own check; tests also use poppler's pdfsig and openssl as independent verifiers)

export interface PdfSignatureReport {
  /** 1-based, in file order (the leader's first, then the seal). */
  index: number;
  byteRange: [number, number, number, number];
  /** The signed ranges reach the end of the file: nothing was appended after this signature. */
  coversWholeFile: boolean;
  /** The ranges are well formed and exclude exactly the /Contents hex string. */
  rangesSound: boolean;
  digestMatches: boolean;
  signatureValid: boolean;
  signingCertificateBound: boolean;
  /** The signer's certificate chains to one of the trusted roots and was valid at the claimed signing time. */
  trusted: boolean;
  subFilter: string | null;
  signedAt: Date | null;
  signerName: string | null;
  signerOrganization: string | null;
  certificateSerial: string | null;
  certificateSha256: string | null;
  /** All the checks above except `coversWholeFile` hold. */
  valid: boolean;
}

/** Reads every signature in the PDF and checks each against the bytes it covers and the trusted roots. */
export function verifyPdfSignatures(pdf: Uint8Array, trustedRoots: readonly Uint8Array[]): PdfSignatureReport[] {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  const roots = trustedRoots.map((r) => new X509Certificate(r));
  const reports: PdfSignatureReport[] = [];
  for (const match of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const range = match.slice(1, 5).map(Number) as [number, number, number, number];
    const [a, b, c, d] = range;
    const rangesSound = a === 0 && b > 0 && c > b + 1 && c + d <= pdf.length && text[b] === '<' && text[c - 1] === '>' && /^[0-9a-fA-F]*$/.test(text.slice(b + 1, c - 1));
    const objectStart = text.lastIndexOf(' obj', match.index);
    const objectEnd = text.indexOf('endobj', match.index);
    const dict = text.slice(objectStart, objectEnd < 0 ? undefined : objectEnd);
    const subFilter = /\/SubFilter\s*\/([A-Za-z0-9.]+)/.exec(dict)?.[1] ?? null;
    const signedAt = pdfDate(/\/M\s*\(([^)]*)\)/.exec(dict)?.[1]);
    const report: PdfSignatureReport = {
      index: reports.length + 1,
      byteRange: range,
      coversWholeFile: rangesSound && c + d === pdf.length,
      rangesSound,
      digestMatches: false,
      signatureValid: false,
      signingCertificateBound: false,
      trusted: false,
      subFilter,
      signedAt,
      signerName: null,
      signerOrganization: null,
      certificateSerial: null,
      certificateSha256: null,
      valid: false,
    };
    reports.push(report);
    if (!rangesSound) continue;
    try {
      const cms = parseCades(Buffer.from(text.slice(b + 1, c - 1), 'hex'));
      const digest = createHash('sha256').update(pdf.subarray(a, a + b)).update(pdf.subarray(c, c + d)).digest();
      const check = checkCades(cms, digest);
      report.digestMatches = check.digestMatches;
      report.signatureValid = check.signatureValid;
      report.signingCertificateBound = check.signingCertificateBound;
      if (check.signer) {
        report.signerName = subjectField(check.signer, 'CN');
        report.signerOrganization = subjectField(check.signer, 'O');
        report.certificateSerial = check.signer.serialNumber.toLowerCase();
        report.certificateSha256 = createHash('sha256').update(check.signer.raw).digest('hex');
        report.trusted = chainsToRoot(check.signer, cms.certificates.map((x) => new X509Certificate(x)), roots, signedAt ?? new Date());
      }
    } catch {
      // An unreadable CMS is simply not valid.
    }
    report.valid = report.rangesSound && report.digestMatches && report.signatureValid && report.signingCertificateBound && report.trusted;
  }
  return reports;
}

function chainsToRoot(leaf: X509Certificate, pool: X509Certificate[], roots: X509Certificate[], at: Date): boolean {
  const validAt = (c: X509Certificate) => new Date(c.validFrom) <= at && at <= new Date(c.validTo);
  let current = leaf;
  for (let depth = 0; depth < 5; depth++) {
    if (!validAt(current)) return false;
    const root = roots.find((r) => current.checkIssued(r) && current.verify(r.publicKey));
    if (root) return validAt(root);
    const next = pool.find((p) => p !== current && p.fingerprint256 !== current.fingerprint256 && current.checkIssued(p) && current.verify(p.publicKey));
    if (!next) return false;
    current = next;
  }
  return false;
}

function subjectField(cert: X509Certificate, key: string): string | null {
  for (const line of cert.subject.split('\n')) {
    const eq = line.indexOf('=');
    if (line.slice(0, eq) === key) return line.slice(eq + 1);
  }
  return null;
}

/** A PDF date `D:YYYYMMDDHHmmSSOHH'mm'` as a Date (null when absent or malformed). */
export function pdfDate(value: string | undefined): Date | null {
  const m = value ? /^D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|([+-])(\d{2})'?(\d{2})'?)?/.exec(value) : null;
  if (!m) return null;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const offset = m[8] ? (m[8] === '-' ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10])) : 0;
  return new Date(utc - offset * 60_000);
}
