import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.js';
import type { SessionUser } from '../../platform/http/auth.js';

/**
 * Factories for payment tests (test support only): an agency, a fee-bearing procedure whose parsed content is shaped
 * like the catalogue parser's, users and online dossiers.
 */
export const feeContent = {
  requirements: [{ name: 'Tờ khai', originals: 1, copies: 0 }],
  channels: [
    {
      channel: 'online',
      durations: [{ value: 3, unit: 'working_day' }],
      feeStatus: 'stated',
      feeText: '8,000 Việt Nam Đồng(…)',
      feeNote: '8.000 đồng/bản. Miễn lệ phí cho người thuộc hộ nghèo; người khuyết tật.',
      fees: [{ amountVnd: 8000, label: 'Lệ phí cấp bản sao trích lục', per: 'bản', source: 'cell', inferred: null }],
      foreignFees: [],
      feeMarkedFree: false,
    },
  ],
};

export interface PaymentFixture {
  agencyId: number;
  procedureId: number;
  versionId: number;
  citizen: SessionUser;
  desk: SessionUser;
  otherDesk: SessionUser;
  dossier(options?: { email?: string | null }): Promise<{ id: number; code: string }>;
}

let sequence = 0;

export async function buildPaymentFixture(database: Database, content: unknown = feeContent): Promise<PaymentFixture> {
  sequence += 1;
  const n = String(sequence).padStart(2, '0');
  const agency = await database.db
    .insertInto('agency')
    .values({ code: `000.00.${n}.H98`, kind: 'commune_committee', name: `Ủy ban nhân dân xã Thử Nghiệm ${n}`, office_hours: JSON.stringify([]) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const other = await database.db
    .insertInto('agency')
    .values({ code: `000.00.${n}.H97`, kind: 'commune_committee', name: `Ủy ban nhân dân xã Khác ${n}`, office_hours: JSON.stringify([]) })
    .returning('id')
    .executeTakeFirstOrThrow();
  const sector = await database.db.insertInto('sector').values({ name: `Lĩnh vực ${n}`, slug: `linh-vuc-thanh-toan-${n}` }).returning('id').executeTakeFirstOrThrow();
  const procedure = await database.db
    .insertInto('procedure')
    .values({ code: `9.99${n}01`, name: 'Cấp bản sao trích lục hộ tịch (thử nghiệm)', sector_id: sector.id, levels: ['commune'], online_offered: true, applicant_types: [], has_fee: true, competent_agency: '', handling_agency: '' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const version = await database.db
    .insertInto('procedure_version')
    .values({ procedure_id: procedure.id, version: 1, decision_number: '', content: JSON.stringify(content), raw: JSON.stringify({}), source_hash: `pay-${n}` })
    .returning('id')
    .executeTakeFirstOrThrow();
  const user = async (kind: 'citizen' | 'officer', agencyId: number | null, roles: string[]): Promise<SessionUser> => {
    const username = `${kind}-${n}-${agencyId ?? 0}-${roles.join('')}@pay.test`;
    const row = await database.db.insertInto('app_user').values({ kind, username, display_name: username, password_hash: 'x', agency_id: agencyId, roles }).returning('id').executeTakeFirstOrThrow();
    return { id: row.id, kind, displayName: username, agencyId, roles };
  };
  const citizen = await user('citizen', null, []);
  const desk = await user('officer', agency.id, ['desk']);
  const otherDesk = await user('officer', other.id, ['desk']);
  let count = 0;
  return {
    agencyId: agency.id,
    procedureId: procedure.id,
    versionId: version.id,
    citizen,
    desk,
    otherDesk,
    async dossier(options = {}) {
      count += 1;
      const code = `000.00.${n}.H98-261124-${String(count).padStart(4, '0')}`;
      const row = await database.db
        .insertInto('dossier')
        .values({
          code,
          lookup_secret: `S${count}`,
          procedure_id: procedure.id,
          procedure_version_id: version.id,
          form_version: '1',
          applicant_user_id: citizen.id,
          applicant: JSON.stringify({ fullName: 'Nguyễn Văn An', personalId: null, phone: null, email: options.email === undefined ? 'an@example.vn' : options.email, address: null }),
          receiving_agency_id: agency.id,
          holder_agency_id: agency.id,
          channel: 'online',
          status: 'awaiting_reception',
          values: JSON.stringify({}),
          result_delivery: 'online',
          phone_last4: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { id: Number(row.id), code };
    },
  };
}

let seeded = 0;

/**
 * An online dossier of `procedureCode` (its current catalogue version) filed by the existing account `username`,
 * awaiting reception at the first active agency that receives the procedure (or any active agency): what the
 * payment journeys start from, without going through the e-form wizard again (the citizen journey covers it).
 */
export async function seedDossierFor(database: Database, username: string, procedureCode: string): Promise<{ id: number; code: string }> {
  seeded += 1;
  const user = await database.db.selectFrom('app_user').select(['id', 'display_name']).where('username', '=', username).executeTakeFirstOrThrow();
  const procedure = await database.db.selectFrom('procedure').select(['id', 'current_version_id']).where('code', '=', procedureCode).executeTakeFirstOrThrow();
  const agency =
    (await database.db
      .selectFrom('procedure_agency as pa')
      .innerJoin('agency as a', 'a.id', 'pa.agency_id')
      .select(['a.id', 'a.code'])
      .where('pa.procedure_id', '=', procedure.id)
      .where('a.active', '=', true)
      // An agency with a desk officer first, so journeys can continue at the desk.
      .orderBy((eb) => eb.exists(eb.selectFrom('app_user as u').select('u.id').whereRef('u.agency_id', '=', 'a.id').where(sql<boolean>`'desk' = any(u.roles)`)), 'desc')
      .orderBy('a.id')
      .executeTakeFirst()) ?? (await database.db.selectFrom('agency').select(['id', 'code']).where('active', '=', true).orderBy('id').executeTakeFirstOrThrow());
  const code = `${agency.code}-261124-${String(9000 + seeded)}`;
  const row = await database.db
    .insertInto('dossier')
    .values({
      code,
      lookup_secret: `PAY${seeded}SECRET`,
      procedure_id: procedure.id,
      procedure_version_id: procedure.current_version_id!,
      form_version: '1',
      applicant_user_id: user.id,
      applicant: JSON.stringify({ fullName: user.display_name, personalId: null, phone: null, email: username.includes('@') ? username : null, address: null }),
      receiving_agency_id: agency.id,
      holder_agency_id: agency.id,
      channel: 'online',
      status: 'awaiting_reception',
      values: JSON.stringify({}),
      result_delivery: 'online',
      phone_last4: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await database.db.insertInto('dossier_event').values({ dossier_id: row.id, actor_user_id: user.id, actor_kind: 'citizen', action: 'submitted', from_status: null, to_status: 'awaiting_reception', to_agency_id: agency.id }).execute();
  return { id: Number(row.id), code };
}
