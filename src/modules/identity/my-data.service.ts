import JSZip from 'jszip';
import type { Kysely } from 'kysely';
import { appendAudit } from '../../platform/audit/index.js';
import type { Database as Schema } from '../../platform/db/schema.js';
import { DomainError } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import { AuthErrors } from '../../platform/http/auth.js';
import type { FileStorage } from '../../platform/storage/index.js';
import { IdentityErrors } from './identity.errors.js';
import type { MyDataRepository } from './my-data.repository.js';

/** One module's share of a person's data: records (JSON) and the stored files that go with them. */
export interface PersonalDataSection {
  /** Folder and key in the archive, e.g. "dossiers". */
  name: string;
  records: unknown;
  files: { path: string; storageKey: string }[];
}

/** A module that holds personal data contributes its section (dossiers, payments, vault...). */
export type PersonalDataSource = (userId: number) => Promise<PersonalDataSection>;

export interface MyDataPorts {
  sources: readonly PersonalDataSource[];
  /** The ids and codes of the dossiers the person applied for (for the access log). */
  dossiersOf(userId: number): Promise<{ id: number; code: string }[]>;
  storage: FileStorage;
  clock?: () => Date;
}

export interface AccessLogEntry {
  at: Date;
  /** The audit action, e.g. dossier.read, dossier.receive. */
  action: string;
  dossierCode: string;
  officerName: string | null;
  agencyName: string | null;
}

const ACCESS_LOG_LIMIT = 500;

/**
 * The data subject's rights of Decree 13/2023/NĐ-CP on one page: who (which officer, of which agency) read or acted on
 * my dossiers and when; a copy of everything the portal holds about me (JSON + my files, one archive); erasure of
 * what the law does not require to keep. Citizens only, and only their own data.
 */
export class MyDataService {
  private readonly clock: () => Date;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly repository: MyDataRepository,
    private readonly ports: MyDataPorts,
  ) {
    this.clock = ports.clock ?? (() => new Date());
  }

  async accessLog(actor: SessionUser): Promise<AccessLogEntry[]> {
    const user = citizen(actor);
    const dossiers = await this.ports.dossiersOf(user.id);
    const codes = new Map(dossiers.map((d) => [String(d.id), d.code]));
    const rows = await this.repository.officerAccess(dossiers.map((d) => d.id), ACCESS_LOG_LIMIT);
    return rows.map((r) => ({ at: new Date(r.at), action: r.action, dossierCode: codes.get(r.subject_id) ?? '', officerName: r.officer_name, agencyName: r.agency_name }));
  }

  /** Everything about the person as one ZIP: `my-data.json` and the files under `files/<section>/`. */
  async exportArchive(actor: SessionUser): Promise<{ fileName: string; bytes: Uint8Array }> {
    const user = citizen(actor);
    const [account, profile, consents, organisations, sessions, externalIdentities] = await Promise.all([
      this.repository.account(user.id),
      this.repository.profile(user.id),
      this.repository.consents(user.id),
      this.repository.organisations(user.id),
      this.repository.sessions(user.id),
      this.repository.externalIdentities(user.id),
    ]);
    const sections: PersonalDataSection[] = [
      { name: 'account', records: { account, profile: profile ?? null, consents, organisations, sessions, externalIdentities }, files: [] },
    ];
    for (const source of this.ports.sources) sections.push(await source(user.id));
    const exportedAt = this.clock();
    const zip = new JSZip();
    const manifest: Record<string, unknown> = { exportedAt: exportedAt.toISOString(), legalBasis: 'Nghị định 13/2023/NĐ-CP, Điều 9 (quyền của chủ thể dữ liệu)' };
    for (const section of sections) {
      const files: { path: string; sha256?: string; missing?: boolean }[] = [];
      for (const file of section.files) {
        const path = `files/${section.name}/${file.path}`;
        try {
          zip.file(path, await this.ports.storage.getBytes(file.storageKey));
          files.push({ path });
        } catch {
          files.push({ path, missing: true }); // a file gone from storage is reported, never silently dropped
        }
      }
      manifest[section.name] = { records: section.records, files };
    }
    zip.file('my-data.json', JSON.stringify(manifest, null, 2));
    const bytes = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE' });
    await this.db.transaction().execute((trx) =>
      appendAudit(trx, { actorUserId: user.id, actorKind: 'citizen', action: 'user.export_data', subjectType: 'user', subjectId: user.id, details: { bytes: bytes.length } }),
    );
    const day = exportedAt.toISOString().slice(0, 10);
    return { fileName: `du-lieu-cua-toi-${day}.zip`, bytes };
  }

  /**
   * Erasure: refused while a dossier is still being processed (its data is needed to decide it); otherwise the
   * profile, organisations, open drafts and their files, sessions and codes go, consents are withdrawn and the account
   * becomes anonymous. Finished dossiers stay for the archive period the law sets.
   */
  async erase(actor: SessionUser, confirmed: boolean): Promise<void> {
    const user = citizen(actor);
    if (!confirmed) throw new DomainError(IdentityErrors.erasureNotConfirmed, { fields: [{ field: 'confirm', messageKey: 'identity.error.ERASURE_NOT_CONFIRMED' }] });
    const inProgress = await this.repository.dossiersInProgress(user.id);
    if (inProgress > 0) throw new DomainError(IdentityErrors.erasureBlocked, { params: { count: String(inProgress) } });
    const files = await this.repository.draftFiles(user.id);
    const now = this.clock();
    await this.db.transaction().execute(async (trx) => {
      await this.repository.erase(trx, user.id, now);
      await appendAudit(trx, { actorUserId: user.id, actorKind: 'citizen', action: 'user.erase', subjectType: 'user', subjectId: user.id, at: now, details: { draftFiles: files.length } });
    });
    for (const key of files) await this.ports.storage.delete(key).catch(() => false);
  }
}

function citizen(actor: SessionUser): SessionUser {
  if (actor.kind !== 'citizen') throw new DomainError(AuthErrors.forbidden);
  return actor;
}
