import type { ColumnType, Generated } from 'kysely';

/** Row types of the payments module's tables (migrations/202611240400_payments.sql). */
type Json<T> = ColumnType<T, string, string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** bigint money columns (whole đồng); both drivers return them as numbers (they fit below 2^53). */
type BigMoney = number;

export type PaymentMethod = 'gateway' | 'vietqr';
export type PaymentStatus = 'pending' | 'paid' | 'failed' | 'cancelled' | 'refunded';
export type CreditOutcome = 'applied' | 'late' | 'amount_mismatch' | 'surplus' | 'unmatched';
export type RefundReason = 'dossier_refused' | 'late_payment' | 'amount_mismatch' | 'duplicate_payment' | 'unmatched';
export type AttemptChannel = 'create' | 'gateway_return' | 'gateway_ipn' | 'bank_notification' | 'refund';
export type DueStage = 'submission' | 'before_result';

/** One line of a confirmed fee statement. */
export interface FeeLineRow {
  label: string;
  unitVnd: number;
  quantity: number;
  per: string | null;
  amountVnd: number;
}

export interface DossierFeeTable {
  dossier_id: number;
  procedure_version_id: number;
  lines: Json<FeeLineRow[]>;
  exemption: string | null;
  exemption_note: string | null;
  total_vnd: BigMoney;
  due_stage: DueStage;
  refundable: Generated<boolean>;
  confirmed_by: number | null;
  confirmed_at: Generated<Date>;
}

export interface PaymentTable {
  id: Generated<number>;
  dossier_id: number;
  reference: string;
  method: PaymentMethod;
  amount_vnd: BigMoney;
  status: PaymentStatus;
  created_by: number | null;
  created_at: Generated<Date>;
  expires_at: Timestamp;
  paid_at: NullableTimestamp;
  provider_transaction: string | null;
  updated_at: Generated<Date>;
}

export interface PaymentCreditTable {
  id: Generated<number>;
  payment_id: number | null;
  provider: 'gateway' | 'bank';
  provider_transaction: string;
  amount_vnd: BigMoney;
  paid_at: Timestamp;
  outcome: CreditOutcome;
  created_at: Generated<Date>;
}

export interface PaymentAttemptTable {
  id: Generated<number>;
  payment_id: number | null;
  reference: string | null;
  channel: AttemptChannel;
  outcome: string;
  detail: Json<Record<string, unknown>>;
  remote_address: string | null;
  received_at: Generated<Date>;
}

export interface PaymentRefundTable {
  id: Generated<number>;
  credit_id: number;
  payment_id: number | null;
  amount_vnd: BigMoney;
  reason: RefundReason;
  status: 'requested' | 'completed';
  requested_at: Generated<Date>;
  requested_by: number | null;
  completed_at: NullableTimestamp;
  completed_by: number | null;
  provider_reference: string | null;
}

export interface ReceiptCounterTable {
  template: string;
  series: string;
  last_number: number;
}

export interface EReceiptTable {
  id: Generated<number>;
  payment_id: number;
  template: string;
  series: string;
  number: number;
  verification_code: string;
  issued_at: Timestamp;
  issuer_agency_id: number;
  payer_name: string;
  lines: Json<FeeLineRow[]>;
  amount_vnd: BigMoney;
  method: string;
}

export interface PaymentsTables {
  dossier_fee: DossierFeeTable;
  payment: PaymentTable;
  payment_credit: PaymentCreditTable;
  payment_attempt: PaymentAttemptTable;
  payment_refund: PaymentRefundTable;
  receipt_counter: ReceiptCounterTable;
  e_receipt: EReceiptTable;
}
