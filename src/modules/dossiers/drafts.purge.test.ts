import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../platform/config/config.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { createStorage, type FileStorage } from '../../platform/storage/index.js';
import { importCatalogue } from '../catalogue/index.js';
import { DossierRepository } from './dossier.repository.js';
import { purgeExpiredDrafts } from './drafts.purge.js';

let database: Database;
let storage: FileStorage;

before(async () => {
  database = await openTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent' }, { dataDir: mkdtempSync(join(tmpdir(), 'motcua-purge-')) });
  storage = await createStorage(config);
  await importCatalogue(database.db, { file: config.catalogueFile });
});

after(async () => {
  await database.close();
});

test('deletes expired drafts and their files, and keeps live drafts', async () => {
  const repository = new DossierRepository(database.db, database.cipher);
  const user = await database.db.insertInto('app_user').values({ kind: 'citizen', username: 'purge@test.vn', display_name: 'P', password_hash: 'x', roles: [] }).returning('id').executeTakeFirstOrThrow();
  const procedure = await database.db.selectFrom('procedure').select(['id', 'current_version_id']).where('code', '=', '1.010041').executeTakeFirstOrThrow();
  const make = async (id: string, expiresAt: Date) => {
    await repository.insertDraft({ id, ownerUserId: user.id, procedureId: procedure.id, procedureVersionId: procedure.current_version_id!, formVersion: '1', values: {}, onBehalfOf: null, expiresAt });
    const stored = await storage.put(`uploads/test/${id}.pdf`, new TextEncoder().encode('%PDF-1.4 test'), { contentType: 'application/pdf' });
    await repository.insertDraftUpload({ draftId: id, fieldId: 'f', requirementName: 'r', storageKey: stored.key, fileName: 'a.pdf', mime: 'application/pdf', size: stored.size, sha256: stored.sha256, pages: 1 });
    return stored.key;
  };
  const now = new Date('2026-11-23T10:00:00Z');
  const oldKey = await make('00000000-0000-4000-8000-000000000001', new Date('2026-11-01T00:00:00Z'));
  const liveKey = await make('00000000-0000-4000-8000-000000000002', new Date('2026-12-20T00:00:00Z'));
  const outcome = await purgeExpiredDrafts(repository, storage, now);
  assert.deepEqual(outcome, { drafts: 1, files: 1 });
  assert.equal(await storage.exists(oldKey), false);
  assert.equal(await storage.exists(liveKey), true);
  assert.equal(await repository.draft('00000000-0000-4000-8000-000000000001'), undefined);
  assert.ok(await repository.draft('00000000-0000-4000-8000-000000000002'));
});
