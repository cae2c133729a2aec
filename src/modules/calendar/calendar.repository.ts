import { sql, type Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';
import type { CalendarDayKind, CalendarEditionStatus } from './calendar.tables.js';

/** An edition as read back (without its days). */
export interface EditionRow {
  id: number;
  year: number;
  version: number;
  status: CalendarEditionStatus;
  legal_source: string;
  note: string | null;
  checksum: string;
  created_by: number | null;
  created_at: Date;
  withdrawn_by: number | null;
  withdrawn_at: Date | null;
  day_count: number;
}

export interface DayRow {
  edition_id: number;
  /** YYYY-MM-DD, read as text so no time zone shifts it. */
  date: string;
  kind: CalendarDayKind;
  name_vi: string;
  name_en: string;
  legal_source: string;
  verified: boolean;
}

export interface NewEdition {
  year: number;
  legal_source: string;
  note: string | null;
  checksum: string;
  created_by: number | null;
  days: Array<Omit<DayRow, 'edition_id'>>;
}

// Any constant, distinct from the other advisory locks (migrations ...001, units import ...002): publishers of one
// year's table take it combined with the year (key × 10,000 + year, a bigint), so version numbers are handed out
// one at a time per year.
const CALENDAR_PUBLISH_LOCK_KEY = 7_406_117_003;

/** The only place with SQL for the calendar tables. */
export class CalendarRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Runs `fn` in one transaction with a repository bound to it. */
  async transaction<T>(fn: (repository: CalendarRepository) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new CalendarRepository(trx)));
  }

  /** Serialises publications for one year until the surrounding transaction ends. */
  async lockYear(year: number): Promise<void> {
    const key = CALENDAR_PUBLISH_LOCK_KEY * 10_000 + year;
    await sql`select pg_advisory_xact_lock(${String(key)}::bigint)`.execute(this.db);
  }

  /**
   * The edition in force for each year: the latest active version (served by unique (year, version)). Small: one
   * row per year with a table; the service compares the ids to its cache on every call.
   */
  async activeEditionIds(): Promise<Array<{ id: number; year: number; version: number }>> {
    const result = await sql<{ id: number; year: number; version: number }>`
      select distinct on (year) id, year, version
      from calendar_edition
      where status = 'active'
      order by year, version desc`.execute(this.db);
    return result.rows;
  }

  /** Days of several editions, by edition then date (served by the primary key (edition_id, date)). */
  async daysOf(editionIds: readonly number[]): Promise<DayRow[]> {
    if (editionIds.length === 0) return [];
    return this.days().where('edition_id', 'in', editionIds).orderBy('edition_id').orderBy('date').execute();
  }

  async listEditions(year?: number): Promise<EditionRow[]> {
    let query = this.editions();
    if (year !== undefined) query = query.where('e.year', '=', year);
    return query.orderBy('e.year').orderBy('e.version').execute();
  }

  async findEdition(year: number, version: number): Promise<EditionRow | undefined> {
    return this.editions().where('e.year', '=', year).where('e.version', '=', version).executeTakeFirst();
  }

  async latestActiveEdition(year: number): Promise<EditionRow | undefined> {
    return this.editions()
      .where('e.year', '=', year)
      .where('e.status', '=', 'active')
      .orderBy('e.version', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** Inserts an edition as the next version of its year; call under {@link lockYear} in a transaction. */
  async insertEdition(edition: NewEdition): Promise<{ id: number; version: number }> {
    const previous = await this.db
      .selectFrom('calendar_edition')
      .select((eb) => eb.fn.max('version').as('version'))
      .where('year', '=', edition.year)
      .executeTakeFirst();
    const version = Number(previous?.version ?? 0) + 1;
    const row = await this.db
      .insertInto('calendar_edition')
      .values({
        year: edition.year,
        version,
        legal_source: edition.legal_source,
        note: edition.note,
        checksum: edition.checksum,
        created_by: edition.created_by,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (edition.days.length > 0) {
      // A year has a few dozen entries at most: one statement.
      await this.db
        .insertInto('calendar_day')
        .values(edition.days.map((d) => ({ ...d, edition_id: row.id, year: edition.year })))
        .execute();
    }
    return { id: row.id, version };
  }

  /** Marks an active edition withdrawn; false when it was not active (already withdrawn or missing). */
  async withdrawEdition(id: number, by: number | null): Promise<boolean> {
    const result = await this.db
      .updateTable('calendar_edition')
      .set({ status: 'withdrawn', withdrawn_by: by, withdrawn_at: sql<Date>`now()` })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  private editions() {
    return this.db
      .selectFrom('calendar_edition as e')
      .select([
        'e.id',
        'e.year',
        'e.version',
        'e.status',
        'e.legal_source',
        'e.note',
        'e.checksum',
        'e.created_by',
        'e.created_at',
        'e.withdrawn_by',
        'e.withdrawn_at',
        (eb) =>
          eb
            .selectFrom('calendar_day as d')
            .select((inner) => inner.fn.countAll<number>().as('n'))
            .whereRef('d.edition_id', '=', 'e.id')
            .as('day_count'),
      ])
      .$narrowType<{ day_count: number }>();
  }

  private days() {
    return this.db
      .selectFrom('calendar_day')
      .select([
        'edition_id',
        sql<string>`to_char(date, 'YYYY-MM-DD')`.as('date'),
        'kind',
        'name_vi',
        'name_en',
        'legal_source',
        'verified',
      ]);
  }
}
