import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import { openTestDatabase } from '../db/testing.js';
import { AUDIT_STREAMS, appendAudit, auditHash, auditStream, canonicalJson, recordAudit, verifyAuditChain } from './index.js';

let database: Database;
before(async () => {
  database = await openTestDatabase();
});
after(async () => {
  await database.close();
});

/** Edits the table the way someone with direct database access would: past the append-only trigger. */
async function tamper(statement: string): Promise<void> {
  await sql.raw('alter table audit_event disable trigger audit_event_no_update').execute(database.db);
  try {
    await sql.raw(statement).execute(database.db);
  } finally {
    await sql.raw('alter table audit_event enable trigger audit_event_no_update').execute(database.db);
  }
}

test('canonical JSON sorts keys at every level and is stable', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 'ư' }], c: null } }), '{"a":{"c":null,"d":[2,{"y":"ư","z":1}]},"b":1}');
  assert.equal(canonicalJson({ a: undefined, b: 2 }), '{"b":2}');
});

test('streams are stable and within range', () => {
  const s = auditStream('dossier', '42');
  assert.equal(s, auditStream('dossier', '42'));
  assert.ok(s >= 0 && s < AUDIT_STREAMS);
  const seen = new Set(Array.from({ length: 200 }, (_, i) => auditStream('dossier', String(i))));
  assert.ok(seen.size > AUDIT_STREAMS / 2, 'subjects spread over the streams');
});

test('events append in order per stream, survive concurrency, and the chain verifies', async () => {
  // Concurrent transactions on the same subject (same stream) and on others.
  await Promise.all(
    Array.from({ length: 40 }, (_, i) =>
      recordAudit(database.db, {
        actorUserId: i,
        actorKind: 'officer',
        action: 'dossier.read',
        subjectType: 'dossier',
        subjectId: i % 3 === 0 ? 'same' : `d${i}`,
        details: { i, note: 'Tiếp nhận hồ sơ', nested: { b: 2, a: [1, 'x'] } },
      }),
    ),
  );
  const same = await database.db.selectFrom('audit_event').select('seq').where('subject_id', '=', 'same').orderBy('seq').execute();
  assert.equal(same.length, 14);
  const report = await verifyAuditChain(database.db, { batchSize: 7 });
  assert.equal(report.ok, true, JSON.stringify(report.firstBreak));
  assert.equal(report.checked, 40);
  const seqs = await database.db.selectFrom('audit_event').select(['stream', 'seq']).orderBy('stream').orderBy('seq').execute();
  const byStream = new Map<number, number[]>();
  for (const r of seqs) byStream.set(r.stream, [...(byStream.get(r.stream) ?? []), Number(r.seq)]);
  for (const list of byStream.values()) assert.deepEqual(list, list.map((_, i) => i + 1), 'contiguous sequence per stream');
});

test('an event rolls back with the change it records', async () => {
  const before = await verifyAuditChain(database.db);
  await assert.rejects(
    database.db.transaction().execute(async (trx) => {
      await appendAudit(trx, { actorUserId: null, actorKind: 'system', action: 'test.rollback', subjectType: 'test', subjectId: 'r' });
      throw new Error('the change failed');
    }),
  );
  const afterReport = await verifyAuditChain(database.db);
  assert.equal(afterReport.checked, before.checked);
  assert.equal(afterReport.ok, true);
});

test('the trail refuses updates and deletes', async () => {
  await assert.rejects(sql`update audit_event set action = 'x'`.execute(database.db), /append-only/);
  await assert.rejects(sql`delete from audit_event`.execute(database.db), /append-only/);
});

test('verification finds a row edited directly in the database, and names the first broken link', async () => {
  const victim = await database.db.selectFrom('audit_event').select(['id', 'stream', 'seq']).where('subject_id', '=', 'same').orderBy('seq').offset(5).limit(1).executeTakeFirstOrThrow();
  await tamper(`update audit_event set details = '{"i": 999}'::jsonb where id = ${victim.id}`);
  const report = await verifyAuditChain(database.db);
  assert.equal(report.ok, false);
  assert.deepEqual(report.firstBreak, { stream: victim.stream, seq: Number(victim.seq), id: Number(victim.id), reason: 'content_hash_mismatch' });
});

test('re-hashing an edited row breaks the next link; deleting a row leaves a gap', async () => {
  const db2 = await openTestDatabase();
  try {
    for (let i = 0; i < 5; i++) {
      await recordAudit(db2.db, { actorUserId: 1, actorKind: 'officer', action: 'dossier.forward', subjectType: 'dossier', subjectId: 'x', details: { i } });
    }
    const rows = await db2.db.selectFrom('audit_event').selectAll().orderBy('seq').execute();
    const run = async (statement: string) => {
      await sql.raw('alter table audit_event disable trigger audit_event_no_update').execute(db2.db);
      await sql.raw(statement).execute(db2.db);
      await sql.raw('alter table audit_event enable trigger audit_event_no_update').execute(db2.db);
    };
    // An edit that recomputes the row's own hash still breaks the link after it.
    const edited = rows[1]!;
    const forged = auditHash(edited.prev_hash, {
      stream: edited.stream, seq: Number(edited.seq), at: new Date(edited.at), actor_user_id: edited.actor_user_id, actor_kind: edited.actor_kind,
      action: edited.action, subject_type: edited.subject_type, subject_id: edited.subject_id, agency_id: edited.agency_id, ip: edited.ip, details: { i: 99 },
    });
    await run(`update audit_event set details = '{"i": 99}'::jsonb, hash = '${forged}' where id = ${edited.id}`);
    let report = await verifyAuditChain(db2.db);
    assert.deepEqual(report.firstBreak, { stream: edited.stream, seq: 3, id: Number(rows[2]!.id), reason: 'previous_hash_mismatch' });
    await run(`update audit_event set details = '{"i": 1}'::jsonb, hash = '${edited.hash}' where id = ${edited.id}`);
    assert.equal((await verifyAuditChain(db2.db)).ok, true);
    await run(`delete from audit_event where id = ${rows[2]!.id}`);
    report = await verifyAuditChain(db2.db);
    assert.deepEqual(report.firstBreak, { stream: rows[0]!.stream, seq: 4, id: Number(rows[3]!.id), reason: 'sequence_gap' });
  } finally {
    await db2.close();
  }
});
