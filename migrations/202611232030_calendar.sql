-- Working-day calendar: each year's official table of public holidays, extra days off and swapped working days.
-- The government publishes the exact Tết and bridge schedule every year, so the table is data, not code: a new
-- notice adds a new version (edition) of the year's table, the latest active version of a year is in force, and
-- older versions stay for history. Years without any edition fall back to the holidays computed in code.

create table calendar_edition (
  id serial primary key,
  year integer not null check (year between 1900 and 2999),
  version integer not null check (version >= 1),
  status text not null default 'active' check (status in ('active', 'withdrawn')),
  legal_source text not null check (legal_source <> ''),  -- the notices this version follows
  note text,
  checksum text not null,                                  -- sha-256 of the days: recognises an identical republish
  created_by integer references app_user (id),             -- null: the system (official seed)
  created_at timestamptz not null default now(),
  withdrawn_by integer references app_user (id),
  withdrawn_at timestamptz,
  check ((status = 'withdrawn') = (withdrawn_at is not null)),
  -- serves: version numbering and "the latest active version of each year" (distinct on (year) ... order by
  -- year, version desc); also the target of calendar_day's (edition_id, year) reference.
  unique (year, version),
  unique (id, year)
);

create table calendar_day (
  edition_id integer not null,
  year integer not null,
  date date not null,
  kind text not null check (kind in (
    'holiday',      -- a public holiday (Labour Code 2019 art. 112(1)), wherever it falls
    'day_off',      -- an extra day off: compensatory day (art. 112(3)) or a weekday swapped for a worked Saturday
    'working_day'   -- a weekly rest day worked instead (swapped working day)
  )),
  name_vi text not null check (name_vi <> ''),
  name_en text not null check (name_en <> ''),
  legal_source text not null check (legal_source <> ''),
  verified boolean not null default true,                  -- false: the date is not yet confirmed by an official text
  foreign key (edition_id, year) references calendar_edition (id, year),
  check (extract(year from date) = year),
  -- serves: loading the days of the editions in force, and one entry per date in an edition.
  primary key (edition_id, date)
);
