-- Fees and online payment: the fee a dossier owes (with any exemption the applicant claimed), payment orders through
-- the card gateway or a VietQR bank transfer, every notification received (forged ones too), the money actually
-- credited (exactly once per provider transaction), refunds, and the electronic receipts with their gapless numbers.

-- The fee statement the applicant confirmed for a dossier: lines from the catalogue with quantities, an exemption.
create table dossier_fee (
  dossier_id bigint primary key references dossier (id) on delete cascade,
  procedure_version_id integer not null references procedure_version (id),
  lines jsonb not null,                               -- [{ "label", "unitVnd", "quantity", "per", "amountVnd" }]
  exemption text,                                     -- category key (poor_household, disability, ...) or null
  exemption_note text,                                -- what the applicant declared about the exemption
  total_vnd bigint not null check (total_vnd >= 0),
  due_stage text not null check (due_stage in ('submission', 'before_result')),
  refundable boolean not null default true,           -- false when the catalogue says the fee is not returned
  confirmed_by integer references app_user (id),
  confirmed_at timestamptz not null default now()
);

-- One payment order: a reference the provider echoes back (gateway TxnRef, the transfer's purpose text).
create table payment (
  id bigserial primary key,
  dossier_id bigint not null references dossier (id) on delete cascade,
  reference text not null unique,                     -- 'MC' + 10 base-32 characters; unguessable
  method text not null check (method in ('gateway', 'vietqr')),
  amount_vnd bigint not null check (amount_vnd > 0),
  status text not null check (status in ('pending', 'paid', 'failed', 'cancelled', 'refunded')),
  created_by integer references app_user (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,                    -- money paid after this is refunded, never credited
  paid_at timestamptz,
  provider_transaction text,                          -- the gateway's transaction number or the bank's id
  updated_at timestamptz not null default now()
);
-- serves: a dossier's payments; and at most one open order per dossier (a new one cancels the old one).
create unique index payment_one_pending on payment (dossier_id) where status = 'pending';
-- serves: the backstop of exactly-once: a dossier is paid by at most one order, whatever the processes do.
create unique index payment_one_paid on payment (dossier_id) where status = 'paid';
-- serves: a dossier's payments newest first.
create index payment_dossier on payment (dossier_id, created_at desc);

-- Money received from a provider. One row per provider transaction (a replayed or duplicated notification finds the
-- row and credits nothing); only one row per payment may be 'applied'. Money that cannot be applied (late, wrong
-- amount, already paid) is recorded too, because it must be given back.
create table payment_credit (
  id bigserial primary key,
  payment_id bigint references payment (id) on delete cascade,  -- null when no order matches the reference
  provider text not null check (provider in ('gateway', 'bank')),
  provider_transaction text not null,
  amount_vnd bigint not null,
  paid_at timestamptz not null,                       -- when the provider says the money moved
  outcome text not null check (outcome in ('applied', 'late', 'amount_mismatch', 'surplus', 'unmatched')),
  created_at timestamptz not null default now(),
  unique (provider, provider_transaction)
);
-- serves: exactly-once crediting of a payment order.
create unique index payment_credit_applied on payment_credit (payment_id) where outcome = 'applied';

-- Every notification and attempt, as received, whatever became of it (append-only).
create table payment_attempt (
  id bigserial primary key,
  payment_id bigint references payment (id) on delete cascade,
  reference text,
  channel text not null check (channel in ('create', 'gateway_return', 'gateway_ipn', 'bank_notification', 'refund')),
  outcome text not null,                              -- created, credited, duplicate, forged, amount_mismatch, late, ...
  detail jsonb not null default '{}'::jsonb,
  remote_address text,
  received_at timestamptz not null default now()
);
-- serves: the officer's log of one payment and the attempts of a reference.
create index payment_attempt_payment on payment_attempt (payment_id, id);
create index payment_attempt_reference on payment_attempt (reference, id);

create or replace function payment_attempt_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'payment_attempt is append-only';
end $$;
create trigger payment_attempt_no_update before update or delete on payment_attempt
  for each row when (pg_trigger_depth() = 0) execute function payment_attempt_append_only();

-- Money to give back: one refund per credit.
create table payment_refund (
  id bigserial primary key,
  credit_id bigint not null unique references payment_credit (id) on delete cascade,
  payment_id bigint references payment (id) on delete cascade,
  amount_vnd bigint not null check (amount_vnd > 0),
  reason text not null check (reason in ('dossier_refused', 'late_payment', 'amount_mismatch', 'duplicate_payment', 'unmatched')),
  status text not null check (status in ('requested', 'completed')),
  requested_at timestamptz not null default now(),
  requested_by integer references app_user (id),
  completed_at timestamptz,
  completed_by integer references app_user (id),
  provider_reference text                             -- the refund transfer's reference, entered by finance
);
-- serves: refunds still to be paid out.
create index payment_refund_open on payment_refund (requested_at) where status = 'requested';

-- Receipt numbers: one row per (template, series), incremented in the crediting transaction, so numbers have no gaps
-- (a rolled-back credit gives its number back) and never repeat (the row lock serialises writers).
create table receipt_counter (
  template text not null,
  series text not null,
  last_number integer not null check (last_number > 0),
  -- serves: the insert ... on conflict do update that allocates the next number.
  primary key (template, series)
);

-- The electronic receipt ("biên lai điện tử") of a paid order; the PDF is rendered from this row.
create table e_receipt (
  id bigserial primary key,
  payment_id bigint not null unique references payment (id) on delete cascade,
  template text not null,                             -- ký hiệu mẫu biên lai
  series text not null,                               -- ký hiệu biên lai
  number integer not null,                            -- số biên lai
  verification_code text not null unique,             -- the public verification page's key (QR on the receipt)
  issued_at timestamptz not null,
  issuer_agency_id integer not null references agency (id),
  payer_name text not null,
  lines jsonb not null,
  amount_vnd bigint not null,
  method text not null,
  unique (template, series, number)
);
