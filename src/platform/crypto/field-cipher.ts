import { sql, type Kysely } from 'kysely';
import type { Database as Schema } from '../db/schema.js';
import { CryptoErrors, PersonalDataError } from './crypto.errors.js';
import {
  blindIndexOf,
  isSealed,
  newKey,
  normaliseForIndex,
  openField,
  parseSealed,
  sealField,
  unwrapKey,
  wrapKey,
  type IndexKind,
  type MasterKey,
} from './envelope.js';

// Any constant shared by every process: whoever holds it creates the first keys or rotates; the others wait.
const KEYS_LOCK_KEY = 7_406_117_013;

export interface FieldCipherOptions {
  /**
   * How long a process keeps using the current data key it read before checking whether another process rotated
   * it (milliseconds). 0: never re-read — the embedded database, whose only process is this one and which has a
   * single session (a read in the middle of a caller's transaction would wait for itself).
   */
  refreshMs?: number;
  now?: () => number;
}

/**
 * Envelope encryption of personal data (Decree 13/2023/NĐ-CP: identity numbers and phone numbers encrypted at
 * rest). Master keys (key-encryption keys) come from configuration; data keys and the blind-index key are random,
 * stored in `data_key` wrapped by a master key, and kept unwrapped in this process's memory once read.
 *
 * One instance per database handle (`Database.cipher`); the unwrapped keys belong to that database. Every method is
 * async because a value sealed by another process under a data key this one has not seen (after `keys:rotate`)
 * is read from the table on first sight.
 */
export class FieldCipher {
  private readonly masters: ReadonlyMap<string, MasterKey>;
  private readonly current: MasterKey;
  private readonly dataKeys = new Map<number, Buffer>();
  private readonly wrapped = new Map<number, WrappedKeyRow>();
  private indexKey: Buffer | null = null;
  private currentDataKeyId: number | null = null;
  private currentReadAt = 0;
  private loading: Promise<void> | null = null;
  private readonly refreshMs: number;
  private readonly now: () => number;

  constructor(
    private readonly db: Kysely<Schema>,
    masterKeys: readonly MasterKey[],
    options: FieldCipherOptions = {},
  ) {
    if (masterKeys.length === 0) throw new Error('at least one master key is needed');
    this.masters = new Map(masterKeys.map((k) => [k.id, k]));
    this.current = masterKeys[0]!;
    this.refreshMs = options.refreshMs ?? 0;
    this.now = options.now ?? Date.now;
  }

  /** The id of the master key that new data keys are wrapped with. */
  get masterKeyId(): string {
    return this.current.id;
  }

  /**
   * Reads the keys, creating the first data key and the index key when the database has none (under an advisory
   * lock, so concurrent first starts agree on one set). Call it outside any transaction; later calls are free.
   */
  async ready(): Promise<void> {
    if (this.currentDataKeyId !== null && this.indexKey) return;
    this.loading ??= this.load().finally(() => {
      this.loading = null;
    });
    await this.loading;
  }

  private async load(): Promise<void> {
    const rows = await this.db.transaction().execute(async (trx) => {
      let rows = await allKeys(trx);
      const complete = (list: typeof rows) => list.some((r) => r.purpose === 'data' && r.is_current) && list.some((r) => r.purpose === 'index');
      if (!complete(rows)) {
        await sql`select pg_advisory_xact_lock(${KEYS_LOCK_KEY})`.execute(trx);
        rows = await allKeys(trx);
        if (!rows.some((r) => r.purpose === 'data' && r.is_current)) {
          await trx.insertInto('data_key').values({ purpose: 'data', wrapped_key: wrapKey(this.current, newKey(), 'data'), master_key_id: this.current.id, is_current: true }).execute();
        }
        if (!rows.some((r) => r.purpose === 'index')) {
          await trx.insertInto('data_key').values({ purpose: 'index', wrapped_key: wrapKey(this.current, newKey(), 'index'), master_key_id: this.current.id, is_current: true }).execute();
        }
        rows = await allKeys(trx);
      }
      return rows;
    });
    // Every key is read (a few rows); the current data key and the index key are unwrapped now so that a wrong
    // master key fails at start, older data keys when a value sealed under them is first read.
    for (const row of rows) {
      if (row.purpose === 'index') this.indexKey = this.unwrap(row);
      else {
        this.wrapped.set(row.id, row);
        if (row.is_current) {
          this.dataKeys.set(row.id, this.unwrap(row));
          this.currentDataKeyId = row.id;
        }
      }
    }
    this.currentReadAt = this.now();
  }

  private unwrap(row: WrappedKeyRow): Buffer {
    const master = this.masters.get(row.master_key_id);
    if (!master) throw new PersonalDataError(CryptoErrors.keyMissing, `master key ${row.master_key_id} (of data key ${row.id}) is not in DATA_ENCRYPTION_KEYS`);
    return unwrapKey(master, row.wrapped_key, row.purpose);
  }

  private async currentDataKey(): Promise<{ id: number; key: Buffer }> {
    await this.ready();
    if (this.refreshMs > 0 && this.now() - this.currentReadAt > this.refreshMs) {
      const row = await this.db.selectFrom('data_key').select(['id']).where('purpose', '=', 'data').where('is_current', '=', true).executeTakeFirst();
      if (row) this.currentDataKeyId = row.id;
      this.currentReadAt = this.now();
    }
    const id = this.currentDataKeyId!;
    return { id, key: await this.dataKey(id) };
  }

  private async dataKey(id: number): Promise<Buffer> {
    const cached = this.dataKeys.get(id);
    if (cached) return cached;
    const known = this.wrapped.get(id);
    if (known) {
      const key = this.unwrap(known);
      this.dataKeys.set(id, key);
      return key;
    }
    if (this.refreshMs === 0) throw new PersonalDataError(CryptoErrors.keyMissing, `data key ${id} is not in this database`);
    const row = await this.db.selectFrom('data_key').select(['id', 'purpose', 'wrapped_key', 'master_key_id']).where('id', '=', id).where('purpose', '=', 'data').executeTakeFirst();
    if (!row) throw new PersonalDataError(CryptoErrors.keyMissing, `data key ${id} is not in this database`);
    const key = this.unwrap(row);
    this.dataKeys.set(id, key);
    return key;
  }

  /** The value encrypted under the current data key (a fresh IV each time: equal values give different strings). */
  async seal(plaintext: string): Promise<string> {
    const { id, key } = await this.currentDataKey();
    return sealField(id, key, plaintext);
  }

  async sealOptional(plaintext: string | null | undefined): Promise<string | null> {
    return plaintext === null || plaintext === undefined || plaintext === '' ? (plaintext ?? null) : this.seal(plaintext);
  }

  /** The plaintext of a sealed value; a value without the `pd1.` prefix is old plaintext, returned as it is. */
  async open(stored: string): Promise<string> {
    if (!isSealed(stored)) return stored;
    await this.ready();
    const parsed = parseSealed(stored);
    return openField(await this.dataKey(parsed.keyId), parsed);
  }

  async openOptional(stored: string | null | undefined): Promise<string | null> {
    return stored === null || stored === undefined ? null : this.open(stored);
  }

  /** The blind index of a value for equality lookups, or null when the value is not a phone / identity number. */
  async blindIndex(kind: IndexKind, value: string | null | undefined): Promise<string | null> {
    if (value === null || value === undefined) return null;
    const normalised = normaliseForIndex(kind, isSealed(value) ? await this.open(value) : value);
    if (normalised === null) return null;
    await this.ready();
    return blindIndexOf(this.indexKey!, kind, normalised);
  }

  /**
   * `keys:rotate`: a new random data key becomes current; the old ones stay to decrypt what they sealed. Other
   * processes on PostgreSQL take it within `refreshMs`. Returns the new key's id.
   */
  async rotate(): Promise<number> {
    await this.ready();
    const id = await this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${KEYS_LOCK_KEY})`.execute(trx);
      await trx.updateTable('data_key').set({ is_current: false }).where('purpose', '=', 'data').where('is_current', '=', true).execute();
      const key = newKey();
      const row = await trx
        .insertInto('data_key')
        .values({ purpose: 'data', wrapped_key: wrapKey(this.current, key, 'data'), master_key_id: this.current.id, is_current: true })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { id: row.id, key };
    });
    this.dataKeys.set(id.id, id.key);
    this.currentDataKeyId = id.id;
    this.currentReadAt = this.now();
    return id.id;
  }

  /**
   * `keys:rewrap`: every data key and the index key not wrapped by the current master key is unwrapped with its old
   * master key (still listed in DATA_ENCRYPTION_KEYS) and wrapped again with the current one. Data is untouched.
   * Afterwards the old master key may be removed from the configuration. Returns how many keys were rewrapped.
   */
  async rewrap(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${KEYS_LOCK_KEY})`.execute(trx);
      const rows = await trx.selectFrom('data_key').select(['id', 'purpose', 'wrapped_key', 'master_key_id']).where('master_key_id', '!=', this.current.id).orderBy('id').forUpdate().execute();
      for (const row of rows) {
        const key = this.unwrap(row);
        await trx
          .updateTable('data_key')
          .set({ wrapped_key: wrapKey(this.current, key, row.purpose), master_key_id: this.current.id, rewrapped_at: sql<Date>`now()` })
          .where('id', '=', row.id)
          .execute();
      }
      return rows.length;
    });
  }
}

interface WrappedKeyRow {
  id: number;
  purpose: 'data' | 'index';
  wrapped_key: string;
  master_key_id: string;
}

function allKeys(db: Kysely<Schema>) {
  return db.selectFrom('data_key').select(['id', 'purpose', 'wrapped_key', 'master_key_id', 'is_current']).orderBy('id').execute();
}
