import type { ColumnType, Generated } from 'kysely';
import type { AuditTables } from '../audit/audit.tables.js';
import type { CryptoTables } from '../crypto/crypto.tables.js';
import type { CalendarTables } from '../../modules/calendar/calendar.tables.js';
import type { DossiersTables } from '../../modules/dossiers/dossiers.tables.js';
import type { DeskEntryTables } from '../../modules/dossiers/desk-entry.tables.js';
import type { FormsTables } from '../../modules/forms/forms.tables.js';
import type { IdentityTables } from '../../modules/identity/identity.tables.js';
import type { NotificationsTables } from '../../modules/notifications/notifications.tables.js';
import type { PaymentsTables } from '../../modules/payments/payments.tables.js';
import type { WorkflowTables } from '../../modules/workflow/workflow.tables.js';
import type { ReportsTables } from '../../modules/reports/reports.tables.js';
import type { SignaturesTables } from '../../modules/signatures/signatures.tables.js';
import type { VaultTables } from '../../modules/vault/vault.tables.js';
import type { SatisfactionTables } from '../../modules/satisfaction/satisfaction.tables.js';

/**
 * Row types of every table, in step with migrations/ (a database test compares the two).
 * Repositories are the only code that sees these; services and views get presented objects.
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface AdministrativeUnitEditionTable {
  id: Generated<number>;
  name: string;
  legal_basis: string;
  source: string;
  effective_from: ColumnType<Date, string, string>;
  loaded_at: Generated<Date>;
  is_current: Generated<boolean>;
}

export interface AdministrativeUnitTable {
  edition_id: number;
  code: string;
  level: 'province' | 'commune';
  kind: string;
  name: string;
  full_name: string;
  name_en: string | null;
  full_name_en: string | null;
  parent_code: string | null;
}

export interface OfficeHours {
  day: number;
  open: string;
  close: string;
}

export type AgencyKind = 'ministry' | 'province_committee' | 'department' | 'service_centre' | 'commune_committee' | 'other';

export interface AgencyTable {
  id: Generated<number>;
  code: string;
  parent_id: number | null;
  kind: AgencyKind;
  name: string;
  name_en: string | null;
  short_name: string | null;
  province_code: string | null;
  commune_code: string | null;
  address: string | null;
  phone: string | null;
  email: string | null;
  office_hours: ColumnType<OfficeHours[], string | undefined, string>;
  active: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface SectorTable {
  id: Generated<number>;
  name: string;
  slug: string;
  name_folded: ColumnType<string, never, never>;
}

export interface ProcedureTable {
  id: Generated<number>;
  code: string;
  name: string;
  sector_id: number;
  levels: string[];
  online_offered: boolean;
  service_level: 'full' | 'partial' | null;
  status: Generated<'published' | 'draft'>;
  competent_agency: string;
  handling_agency: string;
  applicant_types: string[];
  min_duration_days: ColumnType<string | null, number | null, number | null>;
  has_fee: boolean | null;
  current_version_id: number | null;
  popularity: Generated<number>;
  name_folded: ColumnType<string, never, never>;
  search_vector: ColumnType<string, never, never>;
  updated_at: Generated<Date>;
}

export interface ProcedureVersionTable {
  id: Generated<number>;
  procedure_id: number;
  version: number;
  decision_number: string;
  effective_from: ColumnType<Date, string | undefined, string>;
  effective_to: ColumnType<Date | null, string | null | undefined, string | null>;
  content: Json<unknown>;
  raw: Json<unknown>;
  source_hash: string;
  created_at: Generated<Date>;
}

export interface ProcedureAgencyTable {
  procedure_id: number;
  agency_id: number;
}

export interface ProcedureGuideTable {
  procedure_id: number;
  locale: 'vi' | 'en';
  summary: string;
  body: string;
  video_url: string | null;
  image_urls: string[];
  life_event: string | null;
}

export interface AppUserTable {
  id: Generated<number>;
  kind: 'citizen' | 'officer';
  username: string;
  display_name: string;
  password_hash: string;
  agency_id: number | null;
  roles: string[];
  created_at: Generated<Date>;
}

/**
 * Every table. The foundation's tables are declared here; each later module declares its own in
 * `modules/<module>/<module>.tables.ts` (type-only imports), so modules do not edit one shared file.
 */
export interface Database extends IdentityTables, FormsTables, DossiersTables, DeskEntryTables, NotificationsTables, CalendarTables, WorkflowTables, AuditTables, CryptoTables, PaymentsTables, SignaturesTables, VaultTables, ReportsTables, SatisfactionTables {
  administrative_unit_edition: AdministrativeUnitEditionTable;
  administrative_unit: AdministrativeUnitTable;
  agency: AgencyTable;
  sector: SectorTable;
  procedure: ProcedureTable;
  procedure_version: ProcedureVersionTable;
  procedure_agency: ProcedureAgencyTable;
  procedure_guide: ProcedureGuideTable;
  app_user: AppUserTable;
}
