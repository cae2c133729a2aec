import type { Kysely } from 'kysely';
import type { Database as Schema } from '../../platform/db/schema.js';

export interface OrganisationRecord {
  id: number;
  userId: number;
  taxCode: string;
  name: string;
  address: string;
  createdAt: Date;
}

const columns = ['id', 'user_id', 'tax_code', 'name', 'address', 'created_at'] as const;

/** SQL for citizen_organisation. */
export class OrganisationRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Served by the unique index (user_id, tax_code). */
  async listForUser(userId: number): Promise<OrganisationRecord[]> {
    const rows = await this.db.selectFrom('citizen_organisation').select(columns).where('user_id', '=', userId).orderBy('name').orderBy('id').execute();
    return rows.map(present);
  }

  /** The organisation when this user acts for it; served by the primary key. */
  async findForUser(userId: number, id: number): Promise<OrganisationRecord | undefined> {
    const row = await this.db
      .selectFrom('citizen_organisation')
      .select(columns)
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row ? present(row) : undefined;
  }

  async findByTaxCode(userId: number, taxCode: string): Promise<OrganisationRecord | undefined> {
    const row = await this.db
      .selectFrom('citizen_organisation')
      .select(columns)
      .where('user_id', '=', userId)
      .where('tax_code', '=', taxCode)
      .executeTakeFirst();
    return row ? present(row) : undefined;
  }

  async insert(fields: { userId: number; taxCode: string; name: string; address: string }): Promise<OrganisationRecord> {
    const row = await this.db
      .insertInto('citizen_organisation')
      .values({ user_id: fields.userId, tax_code: fields.taxCode, name: fields.name, address: fields.address })
      .returning(columns)
      .executeTakeFirstOrThrow();
    return present(row);
  }
}

function present(row: { id: number; user_id: number; tax_code: string; name: string; address: string; created_at: Date }): OrganisationRecord {
  return { id: row.id, userId: row.user_id, taxCode: row.tax_code, name: row.name, address: row.address, createdAt: new Date(row.created_at) };
}
