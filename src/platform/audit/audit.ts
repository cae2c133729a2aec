import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database as Schema } from '../db/schema.js';
import type { AuditActorKind } from './audit.tables.js';

/**
 * The audit trail: append-only (a trigger refuses updates and deletes) and hash-chained, so that a row edited,
 * deleted or inserted directly in the database is found by `verifyAuditChain` (CLI: `motcua audit:verify`).
 *
 * Events are chained per stream: the subject picks one of `AUDIT_STREAMS` streams, and appending takes a
 * transaction-scoped advisory lock on that stream only, so that the chain stays a chain with several processes
 * writing while unrelated changes do not wait for one another. Always append inside the transaction of the change
 * it records: the event commits or rolls back with it.
 */
export const AUDIT_STREAMS = 16;
const LOCK_CLASS = 727_100;

export interface AuditInput {
  actorUserId: number | null;
  actorKind: AuditActorKind;
  /** What happened, `<subject>.<verb>`: dossier.receive, dossier.read, process.publish, user.sign_in... */
  action: string;
  subjectType: string;
  subjectId: string | number;
  agencyId?: number | null;
  ip?: string | null;
  /** Facts worth keeping (from/to status, reason...). Never personal data beyond ids: the trail is kept for years. */
  details?: Record<string, unknown>;
  /** The moment; default now. */
  at?: Date;
}

/** The stream of a subject: stable, spreads subjects evenly. */
export function auditStream(subjectType: string, subjectId: string): number {
  return createHash('sha256').update(`${subjectType}:${subjectId}`).digest().readUInt16BE(0) % AUDIT_STREAMS;
}

/** JSON with object keys sorted at every level: the same value always hashes the same (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface ChainedContent {
  stream: number;
  seq: number;
  at: Date;
  actor_user_id: number | null;
  actor_kind: AuditActorKind;
  action: string;
  subject_type: string;
  subject_id: string;
  agency_id: number | null;
  ip: string | null;
  details: Record<string, unknown>;
}

/** SHA-256 (hex) of the previous hash and the canonical content of an event. */
export function auditHash(prevHash: string, content: ChainedContent): string {
  const body = canonicalJson({ ...content, at: content.at.toISOString() });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

/** Appends one event to the trail, in the caller's transaction. */
export async function appendAudit(trx: Transaction<Schema>, input: AuditInput): Promise<void> {
  const subjectId = String(input.subjectId);
  const stream = auditStream(input.subjectType, subjectId);
  await sql`select pg_advisory_xact_lock(${LOCK_CLASS}::int4, ${stream}::int4)`.execute(trx);
  const last = await trx
    .selectFrom('audit_event')
    .select(['seq', 'hash'])
    .where('stream', '=', stream)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const content: ChainedContent = {
    stream,
    seq: (last ? Number(last.seq) : 0) + 1,
    // Whole milliseconds: what JavaScript dates hold, and what comes back from timestamptz unchanged.
    at: new Date(Math.floor((input.at ?? new Date()).getTime())),
    actor_user_id: input.actorUserId,
    actor_kind: input.actorKind,
    action: input.action,
    subject_type: input.subjectType,
    subject_id: subjectId,
    agency_id: input.agencyId ?? null,
    ip: input.ip ?? null,
    details: input.details ?? {},
  };
  const prevHash = last?.hash ?? '';
  await trx
    .insertInto('audit_event')
    .values({ ...content, details: JSON.stringify(content.details), prev_hash: prevHash, hash: auditHash(prevHash, content) })
    .execute();
}

/** Appends one event in a transaction of its own (for events that are not part of another change: sign-in, reads). */
export async function recordAudit(db: Kysely<Schema>, input: AuditInput): Promise<void> {
  await db.transaction().execute((trx) => appendAudit(trx, input));
}

export interface ChainBreak {
  stream: number;
  seq: number;
  id: number;
  /** What is wrong at this link. */
  reason: 'sequence_gap' | 'previous_hash_mismatch' | 'content_hash_mismatch';
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  /** The first broken link (lowest id among the streams' first breaks), if any. */
  firstBreak: ChainBreak | null;
  /** First break per stream. */
  breaks: ChainBreak[];
}

/**
 * Walks every stream in order and recomputes each link. An edited row breaks its own content hash; a deleted row
 * leaves a sequence gap; an inserted or re-hashed row breaks the next link's previous hash.
 */
export async function verifyAuditChain(db: Kysely<Schema>, options: { batchSize?: number } = {}): Promise<ChainReport> {
  const batchSize = options.batchSize ?? 5_000;
  let checked = 0;
  const breaks: ChainBreak[] = [];
  for (let stream = 0; stream < AUDIT_STREAMS; stream++) {
    let prevHash = '';
    let expectedSeq = 1;
    let after = 0;
    let broken: ChainBreak | null = null;
    while (!broken) {
      const rows = await db
        .selectFrom('audit_event')
        .selectAll()
        .where('stream', '=', stream)
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(batchSize)
        .execute();
      if (rows.length === 0) break;
      for (const row of rows) {
        checked++;
        const seq = Number(row.seq);
        const link = { stream, seq, id: Number(row.id) };
        const content: ChainedContent = {
          stream,
          seq,
          at: new Date(row.at),
          actor_user_id: row.actor_user_id,
          actor_kind: row.actor_kind,
          action: row.action,
          subject_type: row.subject_type,
          subject_id: row.subject_id,
          agency_id: row.agency_id,
          ip: row.ip,
          details: typeof row.details === 'string' ? JSON.parse(row.details) : row.details,
        };
        if (seq !== expectedSeq) broken = { ...link, reason: 'sequence_gap' };
        else if (row.prev_hash !== prevHash) broken = { ...link, reason: 'previous_hash_mismatch' };
        else if (row.hash !== auditHash(prevHash, content)) broken = { ...link, reason: 'content_hash_mismatch' };
        if (broken) break;
        prevHash = row.hash;
        expectedSeq = seq + 1;
        after = seq;
      }
    }
    if (broken) breaks.push(broken);
  }
  const firstBreak = breaks.reduce<ChainBreak | null>((first, b) => (first === null || b.id < first.id ? b : first), null);
  return { ok: breaks.length === 0, checked, firstBreak, breaks };
}
