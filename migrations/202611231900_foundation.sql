-- Foundation: search helpers, administrative units, agencies, the procedure catalogue, users.
-- Runs unchanged on PostgreSQL 15+ and on PGlite (PostgreSQL 18 in WebAssembly).

create extension if not exists pg_trgm;
create extension if not exists unaccent;

-- unaccent() is only stable; this wrapper names the dictionary so it can be declared immutable and indexed.
-- It also folds case and the Vietnamese đ, so "dang ky khai sinh" matches "Đăng ký khai sinh".
create or replace function search_fold(value text) returns text
  language sql immutable parallel safe strict
  as $$ select lower(public.unaccent('public.unaccent'::regdictionary, replace(replace(value, 'đ', 'd'), 'Đ', 'D'))) $$;

-- Administrative units are loaded as editions: a new resolution is a new edition, not a code change.
create table administrative_unit_edition (
  id serial primary key,
  name text not null,
  legal_basis text not null,
  source text not null,
  effective_from date not null,
  loaded_at timestamptz not null default now(),
  is_current boolean not null default false
);
-- serves: "the current edition" (at most one).
create unique index administrative_unit_edition_current on administrative_unit_edition (is_current) where is_current;

create table administrative_unit (
  edition_id integer not null references administrative_unit_edition (id) on delete cascade,
  code text not null,
  level text not null check (level in ('province', 'commune')),
  kind text not null,            -- Thành phố, Tỉnh, Phường, Xã, Đặc khu
  name text not null,            -- short name, e.g. "Ba Đình"
  full_name text not null,       -- e.g. "Phường Ba Đình"
  name_en text,
  full_name_en text,
  parent_code text,              -- province code of a commune
  primary key (edition_id, code)
);
-- serves: communes of a province (address pickers) in name order.
create index administrative_unit_parent on administrative_unit (edition_id, parent_code, full_name);

-- Agencies form a tree: province People's Committee → departments, service centres, commune People's Committees.
create table agency (
  id serial primary key,
  code text not null unique check (length(code) <= 35),   -- electronic identifier (Decision 20/2020/QĐ-TTg)
  parent_id integer references agency (id),
  kind text not null check (kind in ('ministry', 'province_committee', 'department', 'service_centre', 'commune_committee', 'other')),
  name text not null,
  name_en text,
  short_name text,
  province_code text,
  commune_code text,
  address text,
  phone text,
  email text,
  -- office hours per weekday (1 = Monday): [{"day":1,"open":"07:30","close":"11:30"}, ...]
  office_hours jsonb not null default '[]'::jsonb,
  active boolean not null default true,
  created_at timestamptz not null default now()
);
-- serves: children of an agency (tree browse).
create index agency_parent on agency (parent_id);

create table sector (
  id serial primary key,
  name text not null unique,
  slug text not null unique,
  name_folded text generated always as (search_fold(name)) stored
);

-- One row per procedure (national code); its legal content lives in versions.
create table procedure (
  id serial primary key,
  code text not null unique,                      -- national code, e.g. 1.001193
  name text not null,
  sector_id integer not null references sector (id),
  levels text[] not null default '{}',            -- ministry / province / commune / other
  online_offered boolean not null default false,
  service_level text check (service_level in ('full', 'partial')),   -- Decree 42/2022/NĐ-CP art. 11
  status text not null default 'published' check (status in ('published', 'draft')),
  competent_agency text not null default '',
  handling_agency text not null default '',
  applicant_types text[] not null default '{}',
  min_duration_days numeric,                      -- shortest stated duration (working days) over channels
  has_fee boolean,                                -- null: not stated
  current_version_id integer,
  popularity integer not null default 0,          -- dossiers filed; ranks "popular procedures"
  name_folded text generated always as (search_fold(name)) stored,
  updated_at timestamptz not null default now()
);
-- serves: typo-tolerant, diacritic-insensitive name search (word_similarity and ilike on the folded name).
create index procedure_name_trgm on procedure using gin (name_folded gin_trgm_ops);
-- serves: sector browse and the sector filter.
create index procedure_sector on procedure (sector_id, name);
-- serves: popular procedures on the home page.
create index procedure_popularity on procedure (popularity desc) where status = 'published';

create table procedure_version (
  id serial primary key,
  procedure_id integer not null references procedure (id) on delete cascade,
  version integer not null,
  decision_number text not null default '',
  effective_from date not null default current_date,
  effective_to date,
  content jsonb not null,        -- parsed fields (channels, requirements, steps, legal bases, results ...)
  raw jsonb not null,            -- the record as published, kept beside the parsed fields
  source_hash text not null,     -- sha256 of the raw record: re-import of the same text is a no-op
  created_at timestamptz not null default now(),
  unique (procedure_id, version)
);

alter table procedure add constraint procedure_current_version_fk
  foreign key (current_version_id) references procedure_version (id) deferrable initially deferred;

-- Which local agencies carry out a procedure (e.g. every commune committee for a commune-level procedure).
create table procedure_agency (
  procedure_id integer not null references procedure (id) on delete cascade,
  agency_id integer not null references agency (id) on delete cascade,
  primary key (procedure_id, agency_id)
);
-- serves: agency browse ("procedures this agency handles").
create index procedure_agency_agency on procedure_agency (agency_id);

-- Citizen-facing guides beside the legal text: plain-language steps, pictures and a video.
create table procedure_guide (
  procedure_id integer not null references procedure (id) on delete cascade,
  locale text not null check (locale in ('vi', 'en')),
  summary text not null,
  body text not null default '',
  video_url text,
  image_urls text[] not null default '{}',
  life_event text,               -- e.g. 'birth', 'marriage', 'business', 'housing', 'residence', 'identity'
  primary key (procedure_id, locale)
);

create table app_user (
  id serial primary key,
  kind text not null check (kind in ('citizen', 'officer')),
  username text not null unique,                  -- e-mail or phone for citizens, staff login for officers
  display_name text not null,
  password_hash text not null,
  agency_id integer references agency (id),
  roles text[] not null default '{}',             -- desk, handler, leader, agency_admin, system_admin
  created_at timestamptz not null default now(),
  check (kind = 'citizen' or agency_id is not null or 'system_admin' = any (roles))
);
