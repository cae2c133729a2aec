-- serves: an officer's deadline alerts above the inbox (WHERE recipients @> ARRAY[officer id]), on every inbox load;
-- without it the alerts of the whole country would be scanned.
create index dossier_task_alert_recipients on dossier_task_alert using gin (recipients);
