-- A dossier withdrawn by its applicant closes its open tasks (status 'cancelled', outcome 'withdrawn') in the
-- withdrawal's transaction, and the officers who held them get an in-app alert of kind 'withdrawn' (same table as the
-- deadline alerts: one per task and kind).
alter table dossier_task_alert drop constraint dossier_task_alert_kind_check;
alter table dossier_task_alert add constraint dossier_task_alert_kind_check check (kind in ('due_soon', 'overdue', 'withdrawn'));

-- Dossiers withdrawn before this change left their tasks open (in officers' inboxes and the deadline sweep): close
-- them now, at the moment of the withdrawal. No alert: the withdrawal is long past.
update dossier_task t
   set status = 'cancelled', outcome = 'withdrawn', finished_at = coalesce(d.completed_at, now()), row_version = t.row_version + 1
  from dossier d
 where d.id = t.dossier_id
   and d.status = 'withdrawn'
   and t.status in ('open', 'paused');
