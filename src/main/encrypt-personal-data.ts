import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../platform/db/database.js';
import type { Database as Schema } from '../platform/db/schema.js';
import { isSealed, normaliseForIndex, type FieldCipher } from '../platform/crypto/index.js';
import { sealPlainValues } from '../modules/dossiers/index.js';
import { contactUsername } from '../modules/identity/index.js';

/**
 * `motcua data:encrypt` (issue #8, Decree 13/2023/NĐ-CP): seals the identity and phone numbers that rows written
 * before encryption at rest still hold in plaintext, and fills their blind indexes — the same columns the
 * repositories seal on write (docs/architecture.md, "Identity and phone numbers are encrypted at rest").
 *
 * A one-off data migration over several modules' tables, so it lives here beside the CLI rather than in one module's
 * repository (like the SQL migrations, which no module owns either); it needs the keys, so it cannot be plain SQL.
 *
 * - Idempotent: each table is read through a predicate that only matches rows still holding plaintext (no `pd1.`
 *   prefix) or a missing blind index, and a row is written only when something changed; a second run writes nothing.
 * - Batched and resumable: keyset by primary key, `batchSize` rows a transaction; an interrupted run leaves every
 *   committed batch sealed and the next run skips them by the same predicate.
 * - Safe with several processes and with the application running: a batch takes its rows `for update skip locked`,
 *   so two runs share the work and never wait on each other or on a citizen's transaction; rows skipped because
 *   another transaction held them are taken again, waiting this time, once the table's pass is over (already sealed
 *   by then if the holder was another run: the predicate no longer matches them).
 */
export interface EncryptOptions {
  /** Rows a transaction (default 2,000). */
  batchSize?: number;
  /** Called after each committed batch: for progress output. */
  onBatch?: (table: string, changed: number) => void;
}

export interface TableOutcome {
  table: string;
  /** Rows rewritten (sealed, indexed or renamed). */
  changed: number;
  /** What could not be done, one line each (never the value itself). */
  notes: string[];
}

const DEFAULT_BATCH = 2_000;

/** The usual spellings of a phone number in a username (digits, +, spaces, dots, dashes, brackets). */
const PHONE_LIKE = '^[-+0-9 .()]{9,20}$';
/** A string in a jsonb document that could be a phone or an identity number (the exact test is in JavaScript). */
const JSON_PERSONAL_CANDIDATE = sql.lit(`$.** ? (@.type() == "string" && @ like_regex "${PHONE_LIKE}")`);
/** A blind index: HMAC-SHA256, base64url (envelope.ts). */
const BLIND_INDEX = '^[A-Za-z0-9_-]{43}$';

type Row = Record<string, unknown> & { pk: string };
type ColumnType = 'text' | 'jsonb' | 'timestamptz';

interface Target {
  table: string;
  key: string;
  keyType: 'integer' | 'bigint' | 'uuid';
  /** Columns read (besides the key). */
  read: string[];
  /** Columns a fix may write, with their types (every fixed row carries all of them; a timestamp only fills a null). */
  write: Record<string, ColumnType>;
  /** Rows that may still hold plaintext or lack a blind index. */
  pending: RawBuilder<unknown>;
  /** The columns to write, or null when the row needs nothing (a candidate that is not a phone after all). */
  fix(row: Row, batch: BatchContext): Promise<Record<string, unknown> | null>;
}

interface BatchContext {
  trx: Kysely<Schema>;
  notes: string[];
  /** Unique values this batch already gave out (two old accounts spelling one phone differently). */
  assigned: Set<string>;
}

function sealIfPlain(cipher: FieldCipher, value: unknown): Promise<unknown> {
  return typeof value === 'string' && value !== '' && !isSealed(value) ? cipher.seal(value) : Promise.resolve(value);
}

/** A phone's blind index, or failing that a Zalo user id's (what the outbox and subscriptions index by). */
async function addressIndex(cipher: FieldCipher, address: string): Promise<string | null> {
  return (await cipher.blindIndex('phone', address)) ?? cipher.blindIndex('zalo', address);
}

const plainText = (column: string) => sql`(${sql.ref(column)} is not null and ${sql.ref(column)} <> '' and left(${sql.ref(column)}, 4) <> 'pd1.')`;
const plainJsonText = (column: string, field: string) =>
  sql`(jsonb_typeof(${sql.ref(column)} -> ${sql.lit(field)}) = 'string' and ${sql.ref(column)} ->> ${sql.lit(field)} <> '' and left(${sql.ref(column)} ->> ${sql.lit(field)}, 4) <> 'pd1.')`;
const valuesPending = sql`jsonb_path_exists(${sql.ref('values')}, ${JSON_PERSONAL_CANDIDATE}::jsonpath)`;

function changedAny(before: Row, after: Record<string, unknown>): boolean {
  return Object.entries(after).some(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k]));
}

function targets(cipher: FieldCipher): Target[] {
  return [
    {
      // The profile: identity number and phone sealed, with their blind indexes.
      table: 'citizen_profile',
      key: 'user_id',
      keyType: 'integer',
      read: ['personal_id', 'personal_id_index', 'phone', 'phone_index'],
      write: { personal_id: 'text', personal_id_index: 'text', phone: 'text', phone_index: 'text' },
      pending: sql`(${plainText('personal_id')} or ${plainText('phone')}
        or (personal_id is not null and personal_id <> '' and personal_id_index is null)
        or (phone is not null and phone <> '' and phone_index is null))`,
      async fix(row) {
        const personalId = row.personal_id as string | null;
        const phone = row.phone as string | null;
        const after = {
          personal_id: await sealIfPlain(cipher, personalId),
          personal_id_index: row.personal_id_index ?? (await cipher.blindIndex('personalId', personalId)),
          phone: await sealIfPlain(cipher, phone),
          phone_index: row.phone_index ?? (await cipher.blindIndex('phone', phone)),
        };
        return changedAny(row, after) ? after : null;
      },
    },
    {
      // Accounts named by a phone number: renamed `phone.<hex of its blind index>` (contactUsername), the name
      // sign-in by phone computes. One that would take a name already in use is left (sign-in still finds it by the
      // plain number) and reported.
      table: 'app_user',
      key: 'id',
      keyType: 'integer',
      read: ['username'],
      write: { username: 'text' },
      pending: sql`username ~ ${PHONE_LIKE}`,
      async fix(row, batch) {
        const phone = normaliseForIndex('phone', row.username as string);
        if (phone === null) return null;
        const username = await contactUsername(cipher, { kind: 'phone', value: phone });
        const taken = batch.assigned.has(username) ? { id: 'of this batch' } : await batch.trx.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirst();
        if (taken) {
          batch.notes.push(`account ${row.pk} kept its phone username: account ${taken.id} already has the blind-index name`);
          return null;
        }
        batch.assigned.add(username);
        return { username };
      },
    },
    {
      // One-time codes sent by SMS name the phone.
      table: 'one_time_code',
      key: 'id',
      keyType: 'bigint',
      read: ['recipient'],
      write: { recipient: 'text' },
      pending: sql`channel = 'sms' and ${plainText('recipient')}`,
      async fix(row) {
        return { recipient: await cipher.seal(row.recipient as string) };
      },
    },
    {
      // The applicant snapshot and the e-form answers of dossiers.
      table: 'dossier',
      key: 'id',
      keyType: 'bigint',
      read: ['applicant', 'values'],
      write: { applicant: 'jsonb', values: 'jsonb' },
      pending: sql`((applicant is not null and (${plainJsonText('applicant', 'personalId')} or ${plainJsonText('applicant', 'phone')})) or ${valuesPending})`,
      async fix(row) {
        const applicant = row.applicant as Record<string, unknown> | null;
        const after = {
          applicant: applicant && typeof applicant === 'object' ? { ...applicant, personalId: await sealIfPlain(cipher, applicant.personalId), phone: await sealIfPlain(cipher, applicant.phone) } : applicant,
          values: await sealPlainValues(cipher, row.values),
        };
        if (applicant && typeof applicant === 'object') {
          // Keep the snapshot's own shape: a key it did not have stays absent.
          const a = after.applicant as Record<string, unknown>;
          if (!('personalId' in applicant)) delete a.personalId;
          if (!('phone' in applicant)) delete a.phone;
        }
        return changedAny(row, after) ? after : null;
      },
    },
    {
      // Drafts (online and desk-entry): the e-form answers.
      table: 'dossier_draft',
      key: 'id',
      keyType: 'uuid',
      read: ['values'],
      write: { values: 'jsonb' },
      pending: valuesPending,
      async fix(row) {
        const after = { values: await sealPlainValues(cipher, row.values) };
        return changedAny(row, after) ? after : null;
      },
    },
    {
      // SMS and Zalo messages: the recipient sealed, its blind index beside it (e-mail addresses stay plain).
      table: 'notification_outbox',
      key: 'id',
      keyType: 'bigint',
      read: ['recipient', 'recipient_index'],
      write: { recipient: 'text', recipient_index: 'text' },
      pending: sql`channel in ('sms', 'zalo') and (${plainText('recipient')} or recipient_index is null)`,
      async fix(row) {
        const recipient = row.recipient as string;
        const after = { recipient: await sealIfPlain(cipher, recipient), recipient_index: row.recipient_index ?? (await addressIndex(cipher, recipient)) };
        return changedAny(row, after) ? after : null;
      },
    },
    {
      // Followers ("DANGKY"): the address sealed and indexed. One live subscription per dossier, channel and index:
      // an old plaintext row whose address has since subscribed again (a sealed row) is cancelled, not duplicated.
      table: 'notification_subscription',
      key: 'id',
      keyType: 'bigint',
      read: ['dossier_id', 'channel', 'address', 'address_index', 'cancelled_at'],
      write: { address: 'text', address_index: 'text', cancelled_at: 'timestamptz' },
      pending: sql`(${plainText('address')} or address_index is null)`,
      async fix(row, batch) {
        const address = row.address as string;
        const index = (row.address_index as string | null) ?? (await addressIndex(cipher, address));
        // Written only when set here (the update keeps a stored cancellation time as it is).
        let cancelledAt: string | null = null;
        if (row.cancelled_at === null && index !== null) {
          const live = await batch.trx
            .selectFrom('notification_subscription')
            .select('id')
            .where('dossier_id', '=', row.dossier_id as number)
            .where('channel', '=', row.channel as 'sms' | 'zalo')
            .where('address_index', '=', index)
            .where('cancelled_at', 'is', null)
            .where('id', '!=', Number(row.pk))
            .executeTakeFirst();
          const key = `subscription ${row.dossier_id}/${row.channel}/${index}`;
          if (live || batch.assigned.has(key)) {
            cancelledAt = new Date().toISOString();
            batch.notes.push(`subscription ${row.pk} cancelled: subscription ${live?.id ?? 'of this batch'} follows the same dossier at the same address`);
          } else batch.assigned.add(key);
        }
        const after = { address: await sealIfPlain(cipher, address), address_index: index };
        return cancelledAt !== null || changedAny(row, after) ? { ...after, cancelled_at: cancelledAt } : null;
      },
    },
    {
      // Texts received: only the sender's blind index is kept (the rate limit per sender needs nothing more).
      table: 'notification_inbound',
      key: 'id',
      keyType: 'bigint',
      read: ['sender'],
      write: { sender: 'text' },
      pending: sql`sender !~ ${BLIND_INDEX}`,
      async fix(row) {
        const index = await addressIndex(cipher, row.sender as string);
        return index === null ? null : { sender: index };
      },
    },
  ];
}

/** Seals what is still plaintext in every table; returns the rows changed per table, in a fixed order. */
export async function encryptPersonalData(database: Database, options: EncryptOptions = {}): Promise<TableOutcome[]> {
  await database.cipher.ready();
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  // Raw rows: the handle's plugin would open the `values` and `applicant` columns this command must see as stored.
  const db = database.db.withoutPlugins();
  const outcomes: TableOutcome[] = [];
  for (const target of targets(database.cipher)) {
    outcomes.push(await sweep(db, target, batchSize, options.onBatch));
  }
  return outcomes;
}

async function sweep(db: Kysely<Schema>, target: Target, batchSize: number, onBatch?: (table: string, changed: number) => void): Promise<TableOutcome> {
  const outcome: TableOutcome = { table: target.table, changed: 0, notes: [] };
  const skipped: string[] = [];
  let after: string | null = null;
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      const rows = await selectRows(trx, target, sql`${after === null ? sql`true` : sql`${sql.ref(target.key)} > ${after}::${sql.raw(target.keyType)}`}`, batchSize, 'skip locked');
      // Rows in the range this batch covered that another transaction held: taken again at the end of the pass.
      const upper = rows.length === batchSize ? rows[rows.length - 1]!.pk : null;
      const held = await sql<{ pk: string }>`
        select ${sql.ref(target.key)}::text as pk from ${sql.table(target.table)}
        where ${target.pending}
          ${after === null ? sql`` : sql`and ${sql.ref(target.key)} > ${after}::${sql.raw(target.keyType)}`}
          ${upper === null ? sql`` : sql`and ${sql.ref(target.key)} <= ${upper}::${sql.raw(target.keyType)}`}
          and ${sql.ref(target.key)}::text not in (select jsonb_array_elements_text(${JSON.stringify(rows.map((r) => r.pk))}::jsonb))`.execute(trx);
      skipped.push(...held.rows.map((r) => r.pk));
      const changed = await fixRows(trx, target, rows, outcome.notes);
      return { changed, last: upper };
    });
    outcome.changed += batch.changed;
    if (batch.changed > 0) onBatch?.(target.table, batch.changed);
    if (batch.last === null) break;
    after = batch.last;
  }
  // The held rows, waiting for their holders this time (a citizen's transaction is short; another run's batch too,
  // after which the predicate no longer matches what it sealed).
  for (let i = 0; i < skipped.length; i += batchSize) {
    const chunk = skipped.slice(i, i + batchSize);
    const changed = await db.transaction().execute(async (trx) => {
      const rows = await selectRows(trx, target, sql`${sql.ref(target.key)}::text in (select jsonb_array_elements_text(${JSON.stringify(chunk)}::jsonb))`, batchSize, 'wait');
      return fixRows(trx, target, rows, outcome.notes);
    });
    outcome.changed += changed;
    if (changed > 0) onBatch?.(target.table, changed);
  }
  return outcome;
}

async function selectRows(trx: Kysely<Schema>, target: Target, where: RawBuilder<unknown>, limit: number, lock: 'skip locked' | 'wait'): Promise<Row[]> {
  const columns = sql.join(target.read.map((c) => sql.ref(c)));
  const result = await sql<Row>`
    select ${sql.ref(target.key)}::text as pk, ${columns} from ${sql.table(target.table)}
    where ${target.pending} and ${where}
    order by ${sql.ref(target.key)}
    limit ${limit}
    for update ${lock === 'skip locked' ? sql`skip locked` : sql``}`.execute(trx);
  return result.rows;
}

/** Writes the fixed rows of a batch in one statement; returns how many changed. */
async function fixRows(trx: Kysely<Schema>, target: Target, rows: Row[], notes: string[]): Promise<number> {
  const fixed: Record<string, unknown>[] = [];
  const assigned = new Set<string>();
  for (const row of rows) {
    const set = await target.fix(row, { trx, notes, assigned });
    if (set) fixed.push({ ...set, pk: row.pk });
  }
  if (fixed.length === 0) return 0;
  const columns = Object.keys(target.write);
  const definitions = sql.raw([`pk ${target.keyType}`, ...columns.map((c) => `"${c}" ${target.write[c]}`)].join(', '));
  await sql`
    update ${sql.table(target.table)} as t
    set ${sql.join(columns.map((c) => (target.write[c] === 'timestamptz' ? sql`${sql.ref(c)} = coalesce(t.${sql.ref(c)}, v.${sql.ref(c)})` : sql`${sql.ref(c)} = v.${sql.ref(c)}`)))}
    from jsonb_to_recordset(${JSON.stringify(fixed)}::jsonb) as v(${definitions})
    where t.${sql.ref(target.key)} = v.pk`.execute(trx);
  return fixed.length;
}
