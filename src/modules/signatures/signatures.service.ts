import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import { DomainError } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import type { Locale } from '../../platform/i18n/i18n.js';
import { translator } from '../../platform/i18n/i18n.js';
import { newStorageKey, type FileStorage } from '../../platform/storage/index.js';
import { noLookups, summarise, type FormDefinition, type FormLookups, type FormValues } from '../forms/index.js';
import { signPdf, verifyPdfSignatures, type PdfSignatureReport } from './pades.js';
import { groupedCode, renderResultDocument, resultTitle, type ResultTemplate } from './result-document.js';
import { SignatureErrors } from './signatures.errors.js';
import type { SignaturesRepository } from './signatures.repository.js';
import type { ResultSigner } from './signatures.tables.js';
import type { KeyStore, SignerPort } from './signer.js';

/** Where issued results go besides the dossier: the applicant's vault, in the same transaction as the result row. */
export interface ResultVaultPort {
  file(
    trx: Transaction<Schema>,
    document: {
      ownerUserId: number;
      kind: string;
      title: string;
      fileName: string;
      mime: string;
      size: number;
      pages: number | null;
      sha256: string;
      storageKey: string;
      sourceDossierId: number | null;
      dossierResultId: number | null;
      status: 'issued' | 'verified';
    },
  ): Promise<number>;
}

/** Reads data out of a scanned paper result (OCR, Circular 01/2023/TT-VPCP); none yet, so scans keep `extracted` null. */
export interface ExtractionPort {
  extract(file: { bytes: Uint8Array; mime: string; title: string }): Promise<Record<string, unknown> | null>;
}

export const noExtraction: ExtractionPort = { extract: async () => null };

export interface SignaturesPorts {
  storage: FileStorage;
  keys: KeyStore;
  forms: { definitionFor(code: string, versionId?: number): Promise<FormDefinition>; lookupsFor(d: FormDefinition, v: FormValues): Promise<FormLookups> };
  vault: ResultVaultPort;
  /** Root certificates (DER) trusted when checking a file uploaded to the verification page. */
  trustedRoots: () => Promise<readonly Uint8Array[]>;
  baseUrl: string;
  extraction?: ExtractionPort;
  clock?: () => Date;
}

export interface IssuedResult {
  resultId: number;
  verificationCode: string;
}

/** What the public verification page shows: issuer, signers, times and hash; never the applicant's data. */
export interface VerificationView {
  verificationCode: string;
  groupedCode: string;
  title: string;
  origin: 'signed' | 'scan';
  procedureName: string;
  issuer: { name: string; code: string };
  issuedAt: Date;
  sha256: string;
  size: number;
  signers: ResultSigner[];
}

export interface UploadCheck {
  /** The uploaded bytes are exactly the issued file (same SHA-256). */
  genuine: boolean;
  sha256: string;
  /** The signatures found in the uploaded file, each checked against the bytes it covers and the trusted roots. */
  signatures: PdfSignatureReport[];
}

const closedStatuses = new Set(['refused', 'withdrawn', 'stopped']);
const birthRegistrationCode = '1.001193';
/** Crockford's base32 without I, L, O, U: unambiguous when read aloud or typed from paper. */
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A random verification code of 16 characters (80 bits). */
export function newVerificationCode(): string {
  const bytes = randomBytes(16);
  return [...bytes].map((b) => alphabet[b % 32]).join('');
}

/** The code as typed by a person: case, spaces and dashes ignored; null when it cannot be one. */
export function normaliseVerificationCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return /^[0-9A-HJKMNP-TV-Z]{16}$/.test(code) ? code : null;
}

/**
 * Signed results: renders the result document of a dossier from its data, has the leader sign it and the
 * receiving agency seal it (two PAdES signatures, the second an incremental update that keeps the first valid),
 * stores it, records it with its hash and signers, and files it in the applicant's vault. Public verification by
 * code (and by uploading a file) and the applicant's download live here too, as does the digitisation of paper
 * results at the desk.
 */
export class SignaturesService {
  private readonly clock: () => Date;
  constructor(
    private readonly repository: SignaturesRepository,
    private readonly ports: SignaturesPorts,
  ) {
    this.clock = ports.clock ?? (() => new Date());
  }

  verificationUrl(code: string): string {
    return `${this.ports.baseUrl.replace(/\/+$/, '')}/xac-minh/${code}`;
  }

  /**
   * Issues the dossier's result signed by `signer` (a leader of the agency that received or holds it) and sealed
   * by the receiving agency. Idempotent: a dossier that already has a signed result answers with it.
   * Runs outside any database transaction (rendering and signing take milliseconds; the embedded database has one
   * session); the result row and the vault entry are written together at the end, after the file is stored.
   */
  async issue(input: { dossierId: number; signer: SessionUser }): Promise<IssuedResult> {
    const { signer } = input;
    const dossier = await this.repository.dossierForResult({ id: input.dossierId });
    if (!dossier) throw new DomainError(SignatureErrors.dossierNotFound);
    if (signer.kind !== 'officer' || !signer.roles.includes('leader') || (signer.agencyId !== dossier.receiving_agency_id && signer.agencyId !== dossier.holder_agency_id)) {
      throw new DomainError(SignatureErrors.leaderRequired);
    }
    if (closedStatuses.has(dossier.status)) throw new DomainError(SignatureErrors.dossierClosed, { params: { code: dossier.code } });
    const existing = await this.repository.latestSignedResult(dossier.id);
    if (existing) return { resultId: existing.id, verificationCode: existing.verification_code };

    const [leaderKey, sealKey] = await Promise.all([
      this.ports.keys.signerFor({ kind: 'leader', userId: signer.id }, { commonName: signer.displayName, organization: dossier.agency_name }),
      this.ports.keys.signerFor({ kind: 'seal', agencyCode: dossier.agency_code }, { commonName: dossier.agency_name, organization: dossier.agency_name }),
    ]);
    if (!leaderKey || !sealKey) throw new DomainError(SignatureErrors.keyMissing, { params: { who: !leaderKey ? signer.displayName : dossier.agency_name } });

    const now = this.clock();
    const code = newVerificationCode();
    const template: ResultTemplate = dossier.procedure_code === birthRegistrationCode ? 'birthExtract' : 'generic';
    const t = translator('vi');
    const values = dossier.values as FormValues;
    const rows = await this.bodyRows(template, dossier, values, now);
    const unsigned = await renderResultDocument({
      template,
      agency: { name: dossier.agency_name, parentName: dossier.parent_agency_name, place: dossier.province_name ?? dossier.agency_short_name ?? dossier.agency_name },
      issuedAt: now,
      dossierCode: dossier.code,
      procedure: { code: dossier.procedure_code, name: dossier.procedure_name },
      applicantName: dossier.applicant.fullName,
      rows,
      leader: { name: signer.displayName, title: t('signatures.doc.leaderTitle') },
      verification: { code, url: this.verificationUrl(code) },
    });
    const location = dossier.province_name ?? dossier.agency_name;
    const signedByLeader = await signPdf(unsigned, leaderKey, { reason: t('signatures.reason.leader'), name: signer.displayName, location, signingTime: now });
    const sealedAt = this.clock();
    const sealed = await signPdf(signedByLeader, sealKey, { reason: t('signatures.reason.seal'), name: dossier.agency_name, location, signingTime: sealedAt });
    const signers = [await signerRecord('leader', leaderKey, now), await signerRecord('seal', sealKey, sealedAt)];
    // Self-check before anything is stored: both signatures must verify over the bytes we are about to keep.
    const own = verifyPdfSignatures(sealed, []);
    if (own.length !== 2 || own.some((s) => !s.digestMatches || !s.signatureValid || !s.signingCertificateBound)) throw new Error('result signature self-check failed');

    const title = resultTitle(template);
    const fileName = `${template === 'birthExtract' ? 'trich-luc-khai-sinh' : 'ket-qua'}-${dossier.code}.pdf`;
    const stored = await this.ports.storage.put(newStorageKey('results', now, 'pdf'), sealed, { contentType: 'application/pdf' });
    const resultId = await this.repository.transaction(async (trx) => {
      const id = await this.repository.insertResult(trx, {
        dossierId: dossier.id,
        origin: 'signed',
        verificationCode: code,
        title,
        fileKey: stored.key,
        fileName,
        mime: 'application/pdf',
        size: stored.size,
        sha256: stored.sha256,
        signers,
        issuerAgencyId: dossier.receiving_agency_id,
        issuedBy: signer.id,
        issuedAt: now,
      });
      if (dossier.applicant_user_id !== null) {
        await this.ports.vault.file(trx, {
          ownerUserId: dossier.applicant_user_id,
          kind: template === 'birthExtract' ? 'birthExtract' : 'result',
          title: `${title} – ${dossier.procedure_name}`,
          fileName,
          mime: 'application/pdf',
          size: stored.size,
          pages: null,
          sha256: stored.sha256,
          storageKey: stored.key,
          sourceDossierId: dossier.id,
          dossierResultId: id,
          status: 'issued',
        });
      }
      return id;
    });
    return { resultId, verificationCode: code };
  }

  private async bodyRows(
    template: ResultTemplate,
    dossier: NonNullable<Awaited<ReturnType<SignaturesRepository['dossierForResult']>>>,
    values: FormValues,
    now: Date,
  ): Promise<{ label: string; value: string }[]> {
    const t = translator('vi');
    const common = [
      { label: t('signatures.doc.dossierCode'), value: dossier.code },
      { label: t('signatures.doc.applicant'), value: dossier.applicant.fullName },
    ];
    if (template === 'generic') {
      return [
        ...common,
        { label: t('signatures.doc.procedure'), value: dossier.procedure_name },
        { label: t('signatures.doc.receivedAt'), value: dateText(dossier.received_at ?? dossier.submitted_at) },
        { label: t('signatures.doc.outcome'), value: t('signatures.doc.outcomeApproved') },
      ];
    }
    // Birth registration extract: the child's and the parents' details as declared on the e-form.
    const definition = await this.ports.forms.definitionFor(dossier.procedure_code, dossier.procedure_version_id);
    // Unit names for addresses; without a loaded edition of the units, addresses print from their codes' text.
    const lookups = await this.ports.forms.lookupsFor(definition, values).catch(() => noLookups);
    const answers = new Map(summarise(definition, values, 'vi', lookups).map((r) => [r.fieldId.replace(/\.province$/, ''), r.value]));
    const pick = (field: string, key: string) => (answers.has(field) ? [{ label: t(`signatures.doc.birth.${key}`), value: answers.get(field)!.replace(/\n/g, ', ') }] : []);
    return [
      ...pick('childName', 'childName'),
      ...pick('childBirthDate', 'childBirthDate'),
      ...pick('childSex', 'childSex'),
      ...pick('childEthnicity', 'childEthnicity'),
      ...pick('childNationality', 'childNationality'),
      ...(answers.has('birthFacility') ? pick('birthFacility', 'birthPlace') : pick('birthPlace', 'birthPlace')),
      ...pick('childHometown', 'childHometown'),
      ...pick('motherName', 'motherName'),
      ...pick('motherBirthDate', 'motherBirthDate'),
      ...pick('motherEthnicity', 'motherEthnicity'),
      ...pick('motherNationality', 'motherNationality'),
      ...pick('motherAddress', 'motherAddress'),
      ...pick('fatherName', 'fatherName'),
      ...pick('fatherBirthDate', 'fatherBirthDate'),
      ...pick('fatherEthnicity', 'fatherEthnicity'),
      ...pick('fatherNationality', 'fatherNationality'),
      ...pick('fatherAddress', 'fatherAddress'),
      { label: t('signatures.doc.birth.registrant'), value: dossier.applicant.fullName },
      { label: t('signatures.doc.birth.registeredAt'), value: `${dossier.agency_name}, ${dateText(now)}` },
      { label: t('signatures.doc.dossierCode'), value: dossier.code },
    ];
  }

  // ---- public verification ----

  async verification(codeInput: string): Promise<VerificationView> {
    const code = normaliseVerificationCode(codeInput);
    const row = code ? await this.repository.resultByCode(code) : undefined;
    if (!row) throw new DomainError(SignatureErrors.resultNotFound);
    return {
      verificationCode: row.verification_code,
      groupedCode: groupedCode(row.verification_code),
      title: row.title,
      origin: row.origin,
      procedureName: row.procedure_name,
      issuer: { name: row.issuer_name, code: row.issuer_code },
      issuedAt: row.issued_at,
      sha256: row.sha256,
      size: row.size_bytes,
      signers: row.signers,
    };
  }

  /** Is `bytes` the genuine file of result `code`? Compares the hash, and reports the file's own signatures. */
  async checkUpload(codeInput: string, bytes: Uint8Array): Promise<UploadCheck> {
    const view = await this.verification(codeInput);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const isPdf = Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-';
    const signatures = isPdf ? verifyPdfSignatures(bytes, await this.ports.trustedRoots()) : [];
    return { genuine: sha256 === view.sha256, sha256, signatures };
  }

  // ---- the applicant ----

  /** The results of the applicant's own dossier (others get "not found"). */
  async resultsForApplicant(actor: SessionUser, dossierCode: string) {
    const rows = await this.repository.resultsForApplicant(dossierCode);
    return rows.filter((r) => actor.kind === 'citizen' && r.applicant_user_id === actor.id).map((r) => ({ id: r.id, title: r.title, origin: r.origin, verificationCode: r.verification_code, issuedAt: r.issued_at, fileName: r.file_name }));
  }

  /** The stored file of a result of the applicant's own dossier. */
  async resultFileForApplicant(actor: SessionUser, dossierCode: string, resultId: number): Promise<{ storageKey: string; fileName: string; mime: string }> {
    const row = Number.isSafeInteger(resultId) ? await this.repository.resultForApplicant(dossierCode, resultId) : undefined;
    if (!row || actor.kind !== 'citizen' || row.applicant_user_id !== actor.id) throw new DomainError(SignatureErrors.resultNotFound);
    return { storageKey: row.file_key, fileName: row.file_name, mime: row.mime };
  }

  // ---- digitisation of paper results ----

  /**
   * Stores the scan of a paper result for an older dossier with its details (Circular 01/2023/TT-VPCP): a result
   * row of origin 'scan' (no digital signature; the officer vouches for the copy), and a verified document in the
   * applicant's vault. The extraction port may fill structured data (none yet).
   */
  async digitize(
    actor: SessionUser,
    input: {
      dossierCode: string;
      title: string;
      documentNumber: string;
      signedOn: string;
      signerName: string;
      note: string;
      file: { bytes: Uint8Array; fileName: string; mime: string; pages: number | null; kind: 'pdf' | 'jpeg' | 'png' };
    },
  ): Promise<IssuedResult & { dossierCode: string }> {
    if (actor.kind !== 'officer' || !(actor.roles.includes('desk') || actor.roles.includes('leader'))) throw new DomainError(SignatureErrors.digitizeRoleRequired);
    const dossier = await this.repository.dossierForResult({ code: input.dossierCode.trim() });
    if (!dossier || (actor.agencyId !== dossier.receiving_agency_id && actor.agencyId !== dossier.holder_agency_id)) throw new DomainError(SignatureErrors.dossierNotFound);
    if (input.title.trim().length < 3 || !/^\d{4}-\d{2}-\d{2}$/.test(input.signedOn)) throw new DomainError(SignatureErrors.scanInvalid);
    const now = this.clock();
    const code = newVerificationCode();
    const stored = await this.ports.storage.put(newStorageKey('scans', now, input.file.kind === 'jpeg' ? 'jpg' : input.file.kind), input.file.bytes, { contentType: input.file.mime });
    const extracted = await (this.ports.extraction ?? noExtraction).extract({ bytes: input.file.bytes, mime: input.file.mime, title: input.title });
    const metadata = { documentNumber: input.documentNumber.trim(), signedOn: input.signedOn, signerName: input.signerName.trim(), note: input.note.trim(), digitizedBy: actor.displayName };
    const resultId = await this.repository.transaction(async (trx) => {
      const id = await this.repository.insertResult(trx, {
        dossierId: dossier.id,
        origin: 'scan',
        verificationCode: code,
        title: input.title.trim(),
        fileKey: stored.key,
        fileName: input.file.fileName,
        mime: input.file.mime,
        size: stored.size,
        sha256: stored.sha256,
        signers: [],
        issuerAgencyId: dossier.receiving_agency_id,
        issuedBy: actor.id,
        issuedAt: now,
        metadata,
      });
      if (extracted) await trx.updateTable('dossier_result').set({ extracted: JSON.stringify(extracted) }).where('id', '=', id).execute();
      if (dossier.applicant_user_id !== null) {
        await this.ports.vault.file(trx, {
          ownerUserId: dossier.applicant_user_id,
          kind: 'result',
          title: input.title.trim(),
          fileName: input.file.fileName,
          mime: input.file.mime,
          size: stored.size,
          pages: input.file.pages,
          sha256: stored.sha256,
          storageKey: stored.key,
          sourceDossierId: dossier.id,
          dossierResultId: id,
          status: 'verified',
        });
      }
      return id;
    });
    return { resultId, verificationCode: code, dossierCode: dossier.code };
  }
}

async function signerRecord(role: 'leader' | 'seal', port: SignerPort, at: Date): Promise<ResultSigner> {
  const [der] = await port.certificates();
  const cert = new X509Certificate(der!);
  const field = (key: string) => cert.subject.split('\n').find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1) ?? null;
  return {
    role,
    name: field('CN') ?? '',
    organization: field('O'),
    certificateSerial: cert.serialNumber.toLowerCase(),
    certificateSha256: createHash('sha256').update(cert.raw).digest('hex'),
    signedAt: at.toISOString(),
  };
}

function dateText(at: Date, locale: Locale = 'vi'): string {
  return new Intl.DateTimeFormat(locale === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).format(at);
}
