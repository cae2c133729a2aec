import type { FileStorage } from '../../platform/storage/index.js';
import type { DossierRepository } from './dossier.repository.js';

/**
 * Deletes drafts past their expiry (DRAFT_LIFETIME_DAYS of inactivity) with their uploaded files: files first,
 * so a crash half-way leaves drafts whose files are gone rather than files nobody can find. Submitted drafts are
 * never touched (their files belong to the dossier).
 */
export async function purgeExpiredDrafts(repository: DossierRepository, storage: FileStorage, now: Date): Promise<{ drafts: number; files: number }> {
  let files = 0;
  for (;;) {
    const uploads = await repository.expiredDraftUploads(now, 500);
    if (uploads.length === 0) break;
    for (const upload of uploads) {
      await storage.delete(upload.storage_key);
      files++;
    }
    await repository.deleteDraftUploads(uploads.map((u) => u.id));
  }
  const drafts = await repository.deleteExpiredDrafts(now);
  return { drafts, files };
}
