import type { Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';

/**
 * The dossiers' share of a citizen's data export (Decree 13/2023, the "my data" page): every dossier they applied
 * for with its answers, history, messages, supplement requests and documents (files included), and their open
 * drafts with uploads. Read-only; the identity module assembles the archive.
 */
export function dossierPersonalData(db: Kysely<Schema>) {
  return {
    async dossiersOf(userId: number): Promise<{ id: number; code: string }[]> {
      const rows = await db.selectFrom('dossier').select(['id', 'code']).where('applicant_user_id', '=', userId).execute();
      return rows.map((r) => ({ id: Number(r.id), code: r.code }));
    },

    async section(userId: number) {
      const dossiers = await db
        .selectFrom('dossier as d')
        .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
        .select([
          'd.id', 'd.code', 'p.code as procedure_code', 'p.name as procedure_name', 'd.status', 'd.channel', 'd.applicant', 'd.on_behalf_of',
          'd.values', 'd.result_delivery', 'd.submitted_at', 'd.received_at', 'd.due_at', 'd.completed_at',
        ])
        .where('d.applicant_user_id', '=', userId)
        .orderBy('d.submitted_at')
        .execute();
      const ids = dossiers.map((d) => d.id);
      const [events, messages, supplements, documents] = ids.length === 0
        ? [[], [], [], []]
        : await Promise.all([
            db.selectFrom('dossier_event').select(['dossier_id', 'at', 'action', 'from_status', 'to_status', 'reason']).where('dossier_id', 'in', ids).orderBy('id').execute(),
            db.selectFrom('dossier_message').select(['dossier_id', 'author_kind', 'body', 'created_at']).where('dossier_id', 'in', ids).orderBy('id').execute(),
            db.selectFrom('supplement_request').select(['dossier_id', 'requested_at', 'items', 'note', 'answered_at', 'answer_note']).where('dossier_id', 'in', ids).execute(),
            db.selectFrom('dossier_document').select(['id', 'dossier_id', 'requirement_name', 'file_name', 'mime', 'size_bytes', 'sha256', 'pages', 'source', 'storage_key', 'created_at']).where('dossier_id', 'in', ids).orderBy('id').execute(),
          ]);
      const drafts = await db
        .selectFrom('dossier_draft as d')
        .innerJoin('procedure as p', 'p.id', 'd.procedure_id')
        .select(['d.id', 'p.code as procedure_code', 'p.name as procedure_name', 'd.values', 'd.created_at', 'd.updated_at', 'd.expires_at'])
        .where('d.owner_user_id', '=', userId)
        .where('d.submitted_dossier_id', 'is', null)
        .execute();
      const uploads = drafts.length === 0
        ? []
        : await db.selectFrom('draft_upload').select(['id', 'draft_id', 'requirement_name', 'file_name', 'mime', 'size_bytes', 'sha256', 'storage_key']).where('draft_id', 'in', drafts.map((d) => d.id)).execute();
      const codeOf = new Map(dossiers.map((d) => [d.id, d.code]));
      const safe = (name: string) => name.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 120) || 'file';
      const files = [
        ...documents.map((f) => ({ path: `${codeOf.get(f.dossier_id)}/${f.id}-${safe(f.file_name)}`, storageKey: f.storage_key })),
        ...uploads.map((f) => ({ path: `drafts/${f.draft_id}/${f.id}-${safe(f.file_name)}`, storageKey: f.storage_key })),
      ];
      const strip = <T extends { storage_key: string }>({ storage_key: _key, ...rest }: T) => rest;
      return {
        name: 'dossiers',
        records: {
          dossiers: dossiers.map((d) => ({
            ...d,
            history: events.filter((e) => e.dossier_id === d.id),
            messages: messages.filter((m) => m.dossier_id === d.id),
            supplementRequests: supplements.filter((s) => s.dossier_id === d.id),
            documents: documents.filter((f) => f.dossier_id === d.id).map(strip),
          })),
          drafts: drafts.map((d) => ({ ...d, uploads: uploads.filter((u) => u.draft_id === d.id).map(strip) })),
        },
        files,
      };
    },
  };
}
