import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { ResultSigner } from './signatures.tables.js';

type Db = Kysely<Schema> | Transaction<Schema>;

export interface NewResult {
  dossierId: number;
  origin: 'signed' | 'scan';
  verificationCode: string;
  title: string;
  fileKey: string;
  fileName: string;
  mime: string;
  size: number;
  sha256: string;
  signers: ResultSigner[];
  issuerAgencyId: number;
  issuedBy: number | null;
  issuedAt: Date;
  metadata?: Record<string, string>;
}

/** The SQL of signed results and scans; nothing else in the module touches the database. */
export class SignaturesRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** What a result document needs from a dossier: the dossier, its procedure and its receiving agency. */
  async dossierForResult(where: { id: number } | { code: string }) {
    let query = this.db
      .selectFrom('dossier as d')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .innerJoin('agency as a', 'a.id', 'd.receiving_agency_id')
      .leftJoin('agency as parent', 'parent.id', 'a.parent_id')
      .select([
        'd.id',
        'd.code',
        'd.status',
        'd.values',
        'd.applicant',
        'd.applicant_user_id',
        'd.receiving_agency_id',
        'd.holder_agency_id',
        'd.procedure_version_id',
        'd.received_at',
        'd.submitted_at',
        'p.code as procedure_code',
        'p.name as procedure_name',
        'a.code as agency_code',
        'a.name as agency_name',
        'a.short_name as agency_short_name',
        'parent.name as parent_agency_name',
        // The province's name for the date line ("Ninh Bình, ngày …"), from the current edition of the units.
        sql<string | null>`(select u.name from administrative_unit u join administrative_unit_edition e on e.id = u.edition_id and e.is_current
          where u.code = a.province_code limit 1)`.as('province_name'),
      ]);
    query = 'id' in where ? query.where('d.id', '=', where.id) : query.where('d.code', '=', where.code);
    return query.executeTakeFirst();
  }

  async latestSignedResult(dossierId: number) {
    return this.db
      .selectFrom('dossier_result')
      .selectAll()
      .where('dossier_id', '=', dossierId)
      .where('origin', '=', 'signed')
      .orderBy('issued_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async resultsOfDossier(dossierId: number) {
    return this.db.selectFrom('dossier_result').selectAll().where('dossier_id', '=', dossierId).orderBy('issued_at', 'desc').execute();
  }

  async insertResult(trx: Db, r: NewResult): Promise<number> {
    const row = await trx
      .insertInto('dossier_result')
      .values({
        dossier_id: r.dossierId,
        origin: r.origin,
        verification_code: r.verificationCode,
        title: r.title,
        file_key: r.fileKey,
        file_name: r.fileName,
        mime: r.mime,
        size_bytes: r.size,
        sha256: r.sha256,
        signers: JSON.stringify(r.signers),
        issuer_agency_id: r.issuerAgencyId,
        issued_by: r.issuedBy,
        issued_at: r.issuedAt,
        metadata: JSON.stringify(r.metadata ?? {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** A result with what the public verification page shows (no personal data of the applicant). */
  async resultByCode(verificationCode: string) {
    return this.db
      .selectFrom('dossier_result as r')
      .innerJoin('dossier as d', 'd.id', 'r.dossier_id')
      .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
      .innerJoin('agency as a', 'a.id', 'r.issuer_agency_id')
      .select([
        'r.id',
        'r.origin',
        'r.verification_code',
        'r.title',
        'r.file_key',
        'r.file_name',
        'r.mime',
        'r.size_bytes',
        'r.sha256',
        'r.signers',
        'r.issued_at',
        'r.metadata',
        'd.code as dossier_code',
        'd.applicant_user_id',
        'p.name as procedure_name',
        'a.name as issuer_name',
        'a.code as issuer_code',
      ])
      .where('r.verification_code', '=', verificationCode)
      .executeTakeFirst();
  }

  /** The applicant's own result file (download), by dossier code. */
  async resultForApplicant(dossierCode: string, resultId: number) {
    return this.db
      .selectFrom('dossier_result as r')
      .innerJoin('dossier as d', 'd.id', 'r.dossier_id')
      .select(['r.id', 'r.file_key', 'r.file_name', 'r.mime', 'd.applicant_user_id'])
      .where('d.code', '=', dossierCode)
      .where('r.id', '=', resultId)
      .executeTakeFirst();
  }

  async resultsForApplicant(dossierCode: string) {
    return this.db
      .selectFrom('dossier_result as r')
      .innerJoin('dossier as d', 'd.id', 'r.dossier_id')
      .select(['r.id', 'r.title', 'r.origin', 'r.verification_code', 'r.issued_at', 'r.file_name', 'd.applicant_user_id'])
      .where('d.code', '=', dossierCode)
      .orderBy('r.issued_at', 'desc')
      .execute();
  }

  async transaction<T>(fn: (trx: Transaction<Schema>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(fn);
  }
}

/** Leaders (officers with the `leader` role) and active agencies: who gets demo signing keys. */
export async function demoKeyHoldersIn(db: Kysely<Schema>) {
  const leaders = await db
    .selectFrom('app_user as u')
    .innerJoin('agency as a', 'a.id', 'u.agency_id')
    .select(['u.id', 'u.display_name', 'a.name as agency_name'])
    .where('u.kind', '=', 'officer')
    .where(sql<boolean>`'leader' = any(u.roles)`)
    .orderBy('u.id')
    .execute();
  const agencies = await db.selectFrom('agency').select(['code', 'name']).where('active', '=', true).orderBy('id').execute();
  return { leaders, agencies };
}
