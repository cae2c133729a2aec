-- Background jobs. The queue itself is pg-boss 10: it installs and upgrades its own schema (`pgboss`) when the
-- queue starts, under its own advisory lock, so its tables are not declared here (copying its DDL would freeze
-- one pg-boss version into our history). This migration holds what is ours: worker liveness.
-- Runs unchanged on PostgreSQL 15+ and on PGlite.

-- One row per worker process, refreshed by the `system.heartbeat` job (scheduled every minute). Readiness
-- reports the worker side alive when the newest beat is recent: it proves a worker is consuming the queue,
-- not merely that a process exists.
create table worker_heartbeat (
  worker_id text primary key,            -- hostname:pid:start time, unique per process run
  hostname text not null,
  pid integer not null,
  started_at timestamptz not null,
  beat_at timestamptz not null default now()
);
-- serves: readiness, "newest beat" (max(beat_at)), and pruning of rows of long-gone processes.
create index worker_heartbeat_beat_at on worker_heartbeat (beat_at);
