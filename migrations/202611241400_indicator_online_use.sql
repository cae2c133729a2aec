-- "Online services that received dossiers" (Decision 766) counts the distinct online procedures with at least one
-- online dossier in a period, per agency and overall. A distinct count over months does not add up from monthly
-- counts, so it used to read every procedure-level row of every month of the period (months × agency × procedure
-- pairs, twice). This table keeps, per agency × procedure and year, the months with online dossiers as a bit set
-- (bit m − 1 = month m): a period reads at most one row per pair and year. Maintained by the monthly refresh
-- (ReportsRepository.refreshMonth sets or clears the month's bit of every pair, in the refresh's transaction).
create table indicator_online_use (
  year smallint not null,
  agency_id integer not null references agency (id),   -- the receiving agency
  procedure_id integer not null references procedure (id),
  months integer not null,                             -- bit m − 1 set: at least one online dossier received in month m
  -- serves: the dashboards' "procedures used online" of a period, every agency (year in (…)) or one agency
  -- (year in (…) and agency_id = x), as an index-only scan (months included); and the refresh's upsert and clearing
  -- of one year's bits.
  primary key (year, agency_id, procedure_id) include (months)
);
-- indicator_month_online (the partial index of online rows) now serves the refresh of this table: the month's
-- agency × procedure pairs with online dossiers.

-- Backfill from the monthly counts already materialised.
insert into indicator_online_use (year, agency_id, procedure_id, months)
select extract(year from month)::smallint, agency_id, procedure_id, bit_or(1 << (extract(month from month)::int - 1))
from indicator_month
where received_online > 0
group by 1, 2, 3;
