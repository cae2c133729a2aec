import type { Transaction } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import { DomainError } from '../../platform/errors/errors.js';
import { AuthErrors, type SessionUser } from '../../platform/http/auth.js';
import { fileFields, type FileField, type FormDefinition } from '../forms/index.js';
import { VaultErrors } from './vault.errors.js';
import type { NewVaultDocument, VaultRepository } from './vault.repository.js';

/** What the vault needs of drafts (the dossiers module's submission service satisfies it). */
export interface VaultDraftPort {
  draft(
    actor: SessionUser,
    draftId: string,
  ): Promise<{ id: string; procedure: { code: string; name: string }; procedureVersionId: number; submittedDossierId: number | null; uploads: { id: number; fieldId: string }[] }>;
  addUpload(
    actor: SessionUser,
    draftId: string,
    upload: { fieldId: string; requirementName: string; storageKey: string; fileName: string; mime: string; size: number; sha256: string; pages: number | null; source: 'vault' },
  ): Promise<number>;
  removeUpload(actor: SessionUser, draftId: string, uploadId: number): Promise<void>;
}

export interface VaultFormsPort {
  definitionFor(procedureCode: string, procedureVersionId?: number): Promise<FormDefinition>;
}

export interface VaultDocumentView {
  id: number;
  kind: string;
  title: string;
  fileName: string;
  mime: string;
  size: number;
  pages: number | null;
  sha256: string;
  status: 'issued' | 'verified';
  createdAt: Date;
  dossierCode: string | null;
  verificationCode: string | null;
}

const kindOfMime: Record<string, 'pdf' | 'jpeg' | 'png'> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpeg', 'image/png': 'png' };

/**
 * The citizen's vault (kho dữ liệu điện tử của cá nhân, Decree 45/2020/NĐ-CP art. 15-16): results issued to them
 * and documents an officer verified, each with its hash; reusable in a later dossier by reference, so the applicant
 * does not upload the same paper again. Only the owner sees their documents.
 */
export class VaultService {
  constructor(
    private readonly repository: VaultRepository,
    private readonly ports: { drafts: VaultDraftPort; forms: VaultFormsPort },
  ) {}

  private citizen(actor: SessionUser): number {
    if (actor.kind !== 'citizen') throw new DomainError(AuthErrors.forbidden);
    return actor.id;
  }

  /** Files a document in its owner's vault, in the caller's transaction (e.g. with the result it comes from). */
  async file(trx: Transaction<Schema>, document: NewVaultDocument): Promise<number> {
    return this.repository.insert(trx, document);
  }

  async documents(actor: SessionUser): Promise<VaultDocumentView[]> {
    const rows = await this.repository.ofOwner(this.citizen(actor));
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      title: r.title,
      fileName: r.file_name,
      mime: r.mime,
      size: r.size_bytes,
      pages: r.pages,
      sha256: r.sha256,
      status: r.status,
      createdAt: r.created_at,
      dossierCode: r.dossier_code,
      verificationCode: r.verification_code,
    }));
  }

  /** The stored file of one of the citizen's documents (for download). */
  async documentFile(actor: SessionUser, documentId: number): Promise<{ storageKey: string; fileName: string; mime: string }> {
    const row = Number.isSafeInteger(documentId) ? await this.repository.byIdForOwner(documentId, this.citizen(actor)) : undefined;
    if (!row) throw new DomainError(VaultErrors.documentNotFound);
    return { storageKey: row.storage_key, fileName: row.file_name, mime: row.mime };
  }

  private async reusableField(actor: SessionUser, draftId: string, fieldId: string) {
    const draft = await this.ports.drafts.draft(actor, draftId);
    const definition = await this.ports.forms.definitionFor(draft.procedure.code, draft.procedureVersionId);
    const field = fileFields(definition).find((f) => f.id === fieldId);
    if (!field || !field.vaultReusable) throw new DomainError(VaultErrors.fieldNotReusable);
    return { draft, definition, field };
  }

  /** The citizen's documents a draft's file field may take (type accepted by the field), for "choose from my vault". */
  async choicesFor(actor: SessionUser, draftId: string, fieldId: string): Promise<{ draftId: string; procedureName: string; field: FileField; sectionId: string; documents: VaultDocumentView[] }> {
    const { draft, definition, field } = await this.reusableField(actor, draftId, fieldId);
    const sectionId = definition.sections.find((s) => s.fields.some((f) => f.id === field.id))!.id;
    const documents = (await this.documents(actor)).filter((d) => accepts(field, d.mime));
    return { draftId: draft.id, procedureName: draft.procedure.name, field, sectionId, documents };
  }

  /**
   * Attaches a vault document to a draft's file field by reference: a draft upload row pointing to the same stored
   * file, marked source 'vault' (it becomes a dossier document with source 'vault' on submission, and is never
   * deleted with the draft). A single-file field's previous file is replaced, as a new upload would replace it.
   */
  async attachToDraft(actor: SessionUser, draftId: string, fieldId: string, documentId: number): Promise<{ uploadId: number; sectionId: string }> {
    const ownerId = this.citizen(actor);
    const { draft, definition, field } = await this.reusableField(actor, draftId, fieldId);
    const doc = Number.isSafeInteger(documentId) ? await this.repository.byIdForOwner(documentId, ownerId) : undefined;
    if (!doc) throw new DomainError(VaultErrors.documentNotFound);
    if (!accepts(field, doc.mime)) throw new DomainError(VaultErrors.typeNotAccepted);
    const existing = draft.uploads.filter((u) => u.fieldId === field.id);
    if (existing.length >= (field.maxFiles ?? 1)) {
      for (const u of (field.maxFiles ?? 1) === 1 ? existing : existing.slice(0, 1)) await this.ports.drafts.removeUpload(actor, draft.id, u.id);
    }
    const uploadId = await this.ports.drafts.addUpload(actor, draft.id, {
      fieldId: field.id,
      requirementName: field.requirementName,
      storageKey: doc.storage_key,
      fileName: doc.file_name,
      mime: doc.mime,
      size: doc.size_bytes,
      sha256: doc.sha256,
      pages: doc.pages,
      source: 'vault',
    });
    const sectionId = definition.sections.find((s) => s.fields.some((f) => f.id === field.id))!.id;
    return { uploadId, sectionId };
  }
}

function accepts(field: FileField, mime: string): boolean {
  const kind = kindOfMime[mime];
  return kind !== undefined && field.accept.includes(kind);
}
