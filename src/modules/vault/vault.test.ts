import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase } from '../../platform/db/testing.js';
import { DomainError } from '../../platform/errors/errors.js';
import type { SessionUser } from '../../platform/http/auth.js';
import { LocalFileStorage } from '../../platform/storage/index.js';
import { createSubmissionService, DossierRepository, purgeExpiredDrafts, type SubmissionService } from '../dossiers/index.js';
import { createFormsService } from '../forms/index.js';
import { createNotificationService } from '../notifications/index.js';
import { createVaultService, vaultFiling, type VaultService } from './index.js';

/*
 * The vault against a real database and real files: documents are the owner's only, and a vault document used in a
 * new application is a reference to the same stored file (source 'vault') that survives the draft's purge and
 * becomes a dossier document with source 'vault'.
 */

let database: Database;
let storage: LocalFileStorage;
let work: string;
let vault: VaultService;
let submission: SubmissionService;
let repository: DossierRepository;
let owner: SessionUser;
let other: SessionUser;
let agencyId = 0;
const agencyCode = '000.00.41.H42';
let now = new Date('2026-11-24T02:00:00Z');

async function buildUser(username: string, kind: 'citizen' | 'officer'): Promise<SessionUser> {
  const row = await database.db.insertInto('app_user').values({ kind, username, display_name: username, password_hash: 'x', agency_id: null, roles: [] }).returning('id').executeTakeFirstOrThrow();
  return { id: row.id, kind, displayName: username, agencyId: null, roles: [] };
}

/** A document in `user`'s vault, its bytes stored under a fresh key. */
async function fileInVault(user: SessionUser, mime = 'application/pdf', title = 'Trích lục khai sinh'): Promise<{ id: number; key: string }> {
  const key = `results/2026/11/test${Math.random().toString(36).slice(2)}.pdf`;
  const stored = await storage.put(key, Buffer.from('%PDF-1.7\n% a result\n%%EOF\n'), { contentType: mime });
  const id = await database.db.transaction().execute((trx) =>
    vaultFiling(database).file(trx, {
      ownerUserId: user.id,
      kind: 'birthExtract',
      title,
      fileName: 'trich-luc.pdf',
      mime,
      size: stored.size,
      pages: 1,
      sha256: stored.sha256,
      storageKey: key,
      sourceDossierId: null,
      dossierResultId: null,
      status: 'issued',
    }),
  );
  return { id, key };
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof DomainError && error.code === code);
}

before(async () => {
  database = await openTestDatabase();
  work = mkdtempSync(join(tmpdir(), 'motcua-vault-'));
  storage = await new LocalFileStorage(join(work, 'files')).init();
  agencyId = (await database.db.insertInto('agency').values({ code: agencyCode, kind: 'commune_committee', name: 'Ủy ban nhân dân xã Thử Nghiệm', office_hours: '[]' }).returning('id').executeTakeFirstOrThrow()).id;
  const sector = await database.db.insertInto('sector').values({ name: 'Thử nghiệm', slug: 'thu-nghiem' }).returning('id').executeTakeFirstOrThrow();
  const procedure = await database.db
    .insertInto('procedure')
    .values({ code: '9.999003', name: 'Thủ tục dùng lại giấy tờ', sector_id: sector.id, levels: ['commune'], online_offered: true, applicant_types: [], has_fee: false, competent_agency: '', handling_agency: '' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const content = { requirements: [{ name: 'Trích lục khai sinh của người yêu cầu', originals: 0, copies: 1, group: null, formTemplate: null }], channels: [{ channel: 'online', durations: [{ value: 3, unit: 'working_day' }] }] };
  const version = await database.db
    .insertInto('procedure_version')
    .values({ procedure_id: procedure.id, version: 1, decision_number: '', content: JSON.stringify(content), raw: JSON.stringify({}), source_hash: 'vault' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await database.db.updateTable('procedure').set({ current_version_id: version.id }).where('id', '=', procedure.id).execute();
  await database.db.insertInto('procedure_agency').values({ procedure_id: procedure.id, agency_id: agencyId }).execute();
  owner = await buildUser('owner@example.vn', 'citizen');
  other = await buildUser('other@example.vn', 'citizen');
  const forms = createFormsService(database);
  submission = createSubmissionService(database, { forms, notifications: createNotificationService(database), draftLifetimeDays: 30, clock: () => now });
  vault = createVaultService(database, { drafts: submission, forms });
  repository = new DossierRepository(database.db, database.cipher);
});

after(async () => {
  await database?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the vault', () => {
  test('lists only the owner’s documents, and serves their files to the owner only', async () => {
    const mine = await fileInVault(owner);
    const theirs = await fileInVault(other, 'application/pdf', 'Giấy tờ của người khác');
    const list = await vault.documents(owner);
    assert.ok(list.some((d) => d.id === mine.id));
    assert.ok(!list.some((d) => d.id === theirs.id));
    assert.equal((await vault.documentFile(owner, mine.id)).storageKey, mine.key);
    await rejectsWith(vault.documentFile(owner, theirs.id), 'VAULT_DOCUMENT_NOT_FOUND');
    await rejectsWith(vault.documentFile({ ...owner, kind: 'officer' }, mine.id), 'ACCESS_DENIED');
  });

  test('a chosen document becomes a draft upload pointing to the same file; a choice beyond the field’s limit replaces the oldest', async () => {
    const draft = await submission.startDraft(owner, '9.999003');
    const first = await fileInVault(owner);
    const second = await fileInVault(owner);
    const choices = await vault.choicesFor(owner, draft.id, 'document1');
    assert.ok(choices.documents.some((d) => d.id === first.id));
    assert.equal(choices.field.maxFiles, 2);
    await vault.attachToDraft(owner, draft.id, 'document1', first.id);
    await vault.attachToDraft(owner, draft.id, 'document1', second.id);
    const third = await fileInVault(owner);
    await vault.attachToDraft(owner, draft.id, 'document1', third.id);
    const uploads = await database.db.selectFrom('draft_upload').selectAll().where('draft_id', '=', draft.id).orderBy('id').execute();
    // Two files at most: the oldest reference made room for the third.
    assert.deepEqual(uploads.map((u) => [u.source, u.storage_key]), [
      ['vault', second.key],
      ['vault', third.key],
    ]);
    const view = await submission.draft(owner, draft.id);
    assert.deepEqual(view.uploads.map((u) => u.source), ['vault', 'vault']);
  });

  test('refuses another citizen’s document, an unknown field and a file type the field does not take', async () => {
    const draft = await submission.startDraft(owner, '9.999003');
    const theirs = await fileInVault(other);
    await rejectsWith(vault.attachToDraft(owner, draft.id, 'document1', theirs.id), 'VAULT_DOCUMENT_NOT_FOUND');
    await rejectsWith(vault.attachToDraft(owner, draft.id, 'applicantName', theirs.id), 'VAULT_FIELD_NOT_REUSABLE');
    const odd = await fileInVault(owner, 'image/gif');
    await rejectsWith(vault.attachToDraft(owner, draft.id, 'document1', odd.id), 'VAULT_TYPE_NOT_ACCEPTED');
    await rejectsWith(vault.attachToDraft(other, draft.id, 'document1', theirs.id), 'DRAFT_NOT_FOUND');
  });

  test('the purge of an expired draft keeps the vault’s file, and submission keeps the source', async () => {
    now = new Date('2026-11-24T02:00:00Z');
    const expiring = await submission.startDraft(other, '9.999003');
    const doc = await fileInVault(other);
    await vault.attachToDraft(other, expiring.id, 'document1', doc.id);
    const purged = await purgeExpiredDrafts(repository, storage, new Date('2027-06-01T00:00:00Z'));
    assert.ok(purged.drafts >= 1);
    assert.equal(await storage.exists(doc.key), true, 'the vault file survives the draft');
    assert.equal((await database.db.selectFrom('draft_upload').select('id').where('draft_id', '=', expiring.id).execute()).length, 0);

    // Submission copies each draft upload with its source into the dossier's documents (one-statement submit).
    const draft = await submission.startDraft(owner, '9.999003');
    const chosen = await fileInVault(owner);
    await vault.attachToDraft(owner, draft.id, 'document1', chosen.id);
    await submission.chooseReception(owner, draft.id, agencyId, 'online');
    const context = (await repository.draftWithContext(draft.id))!;
    const created = await database.db.transaction().execute((trx) =>
      repository.submitDraft(trx, {
        draftId: draft.id,
        ownerUserId: owner.id,
        draftVersion: context.version,
        code: `${agencyCode}-261124-0001`,
        lookupSecret: 'SECRET',
        procedureId: context.procedure_id,
        procedureVersionId: context.procedure_version_id,
        formVersion: context.form_version,
        applicant: { fullName: 'Chủ Sở Hữu', personalId: null, phone: null, email: null, address: null },
        receivingAgencyId: agencyId,
        resultDelivery: 'online',
        phoneLast4: null,
      }),
    );
    assert.ok(created);
    const documents = await database.db.selectFrom('dossier_document').selectAll().where('dossier_id', '=', created.id).execute();
    assert.deepEqual(documents.map((d) => [d.source, d.storage_key]), [['vault', chosen.key]]);
  });
});
