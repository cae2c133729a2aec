-- E-forms: declarative form definitions per procedure (see src/modules/forms/forms.schema.ts).
-- Runs unchanged on PostgreSQL 15+ and on PGlite.

create table form_definition (
  id serial primary key,
  procedure_code text not null check (procedure_code ~ '^[0-9][.][0-9]{6}$'),   -- national code, e.g. 1.001193
  version integer not null check (version > 0),
  title text not null,
  definition jsonb not null,
  source_hash text not null,       -- sha256 of the definition JSON: re-seeding identical content is a no-op
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- serves: the upsert by (procedure code, version), and "latest version of a procedure's form"
  -- (order by version desc limit 1 walks this index backwards).
  unique (procedure_code, version)
);
