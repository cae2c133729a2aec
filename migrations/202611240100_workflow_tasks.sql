-- The workflow engine (issue #4): each received dossier gets a snapshot of its internal process (dossier_step) and
-- tasks (dossier_task), one per activation of a step at an agency; deadline alerts sent once per task and kind; and
-- the completion record (early / on time / late, supplement count) for the indicators of Decision 766/QĐ-TTg.

-- The process steps as they were when the dossier was received: later edits of the definition never change dossiers
-- in progress. agency_id is resolved (the receiving agency for "receiving" steps). due_at is the planned due moment
-- of the step: reception + the cumulative share of the statutory duration, moved by supplement pauses and apologies.
create table dossier_step (
  dossier_id bigint not null references dossier (id) on delete cascade,
  position integer not null,
  kind text not null check (kind in ('receive', 'handle', 'consult', 'approve', 'sign', 'return')),
  role text not null check (role in ('desk', 'handler', 'leader')),
  agency_id integer not null references agency (id),
  share_percent numeric(5, 2) not null,
  name text not null,
  name_en text,
  due_at timestamptz,
  primary key (dossier_id, position)
);

-- One task = one step being worked on at one agency by one role (an inbox row). A return to an earlier step, a
-- transfer or a consultation opens a new task; finished tasks stay as the record of who held the dossier and when.
create table dossier_task (
  id bigserial primary key,
  dossier_id bigint not null references dossier (id) on delete cascade,
  position integer not null,                          -- the step (dossier_step.position) this task works on
  kind text not null check (kind in ('receive', 'handle', 'consult', 'approve', 'sign', 'return')),
  role text not null check (role in ('desk', 'handler', 'leader')),
  agency_id integer not null references agency (id),
  step_name text not null,
  assignee_id integer references app_user (id),
  status text not null check (status in ('open', 'paused', 'done', 'cancelled')),
  started_at timestamptz not null,
  due_at timestamptz,                                 -- null when the procedure states no duration
  finished_at timestamptz,
  paused_at timestamptz,                              -- set while the applicant supplements (clock paused)
  outcome text,                                       -- forwarded, returned, transferred, consulted, answered, approved, declined, supplement_requested, stopped, result_returned
  timing text check (timing in ('early', 'on_time', 'late')),
  consulted_from bigint references dossier_task (id), -- a consultation task: the task that asked (it comes back there)
  draft_note text,                                    -- the handler's draft result (text; files go with the dossier)
  row_version integer not null default 1,             -- optimistic concurrency: two officers, one task, one winner
  created_at timestamptz not null default now()
);
-- serves: the inbox of an agency and role, most urgent first (WHERE agency_id = ? AND role = ANY(?) AND status =
-- 'open' ORDER BY due_at, id LIMIT n). Partial: only open tasks, a small fraction of all tasks at 10M dossiers.
create index dossier_task_inbox on dossier_task (agency_id, role, due_at, id) where status = 'open';
-- serves: "assigned to me" (WHERE assignee_id = ? AND status = 'open' ORDER BY due_at, id).
create index dossier_task_assignee on dossier_task (assignee_id, due_at, id) where status = 'open';
-- serves: a dossier's tasks (its open task, the control slip, "was this agency ever involved").
create index dossier_task_dossier on dossier_task (dossier_id, id);
-- serves: the deadline sweep (open tasks due before a moment: WHERE status = 'open' AND due_at < ?).
create index dossier_task_due on dossier_task (due_at) where status = 'open';
-- serves: resuming tasks once the applicant has supplemented (WHERE status = 'paused').
create index dossier_task_paused on dossier_task (dossier_id) where status = 'paused';

-- Deadline alerts: at most one per task and kind, whatever the retries and the number of workers (the primary key
-- is the unique key; the alert and its messages are written in one transaction).
create table dossier_task_alert (
  task_id bigint not null references dossier_task (id) on delete cascade,
  kind text not null check (kind in ('due_soon', 'overdue')),
  sent_at timestamptz not null default now(),
  recipients integer[] not null default '{}',         -- the officers told (assignee or role holders; leaders for overdue)
  primary key (task_id, kind)
);
-- serves: a leader's escalations (WHERE kind = 'overdue' AND ? = ANY(recipients)) — small table, scanned by time.
create index dossier_task_alert_sent on dossier_task_alert (sent_at);

-- How a dossier finished (RULES.md, Deadlines): early / on time / late against its due moment, and the number of
-- supplement requests (more than one counts as late for the indicators, Decision 766/QĐ-TTg).
create table dossier_completion (
  dossier_id bigint primary key references dossier (id) on delete cascade,
  completed_at timestamptz not null,
  due_at timestamptz,
  outcome text not null check (outcome in ('result_returned', 'stopped')),
  timing text check (timing in ('early', 'on_time', 'late')),
  supplement_count integer not null default 0,
  indicator_timing text check (indicator_timing in ('early', 'on_time', 'late'))
);
