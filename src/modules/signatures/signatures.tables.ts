import type { ColumnType, Generated } from 'kysely';

/** Row types of the signatures module's tables; platform/db/schema.ts composes them into the Database. */
type Json<T> = ColumnType<T, string, string>;

export interface ResultSigner {
  /** `leader`: the competent person's signature; `seal`: the issuing organisation's seal. */
  role: 'leader' | 'seal';
  name: string;
  organization: string | null;
  certificateSerial: string;
  certificateSha256: string;
  /** ISO time of the signature (the /M entry). */
  signedAt: string;
}

export interface DossierResultTable {
  id: Generated<number>;
  dossier_id: number;
  origin: 'signed' | 'scan';
  verification_code: string;
  title: string;
  file_key: string;
  file_name: string;
  mime: string;
  size_bytes: number;
  sha256: string;
  signers: ColumnType<ResultSigner[], string | undefined, string>;
  issuer_agency_id: number;
  issued_by: number | null;
  issued_at: Generated<Date>;
  metadata: ColumnType<Record<string, string>, string | undefined, string>;
  extracted: Json<Record<string, unknown> | null> | null;
}

export interface SignaturesTables {
  dossier_result: DossierResultTable;
}
