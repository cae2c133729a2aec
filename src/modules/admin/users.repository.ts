import type { Kysely, Selectable } from 'kysely';
import type { AppUserTable, Database as Schema } from '../../platform/db/schema.js';

export type UserRow = Selectable<AppUserTable>;

export interface UserFields {
  kind: 'citizen' | 'officer';
  username: string;
  display_name: string;
  password_hash: string;
  agency_id: number | null;
  roles: string[];
}

const columns = ['id', 'kind', 'username', 'display_name', 'password_hash', 'agency_id', 'roles', 'created_at'] as const;

/** SQL for accounts (app_user). */
export class UsersRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(fields: UserFields): Promise<UserRow> {
    return this.db.insertInto('app_user').values(fields).returning(columns).executeTakeFirstOrThrow();
  }

  /** Served by the unique index on username; usernames are stored lower-cased, so equality is enough. */
  async findByUsername(username: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('app_user').select(columns).where('username', '=', username).executeTakeFirst();
  }

  async findById(id: number): Promise<UserRow | undefined> {
    return this.db.selectFrom('app_user').select(columns).where('id', '=', id).executeTakeFirst();
  }
}
