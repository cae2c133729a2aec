import type { JobQueue } from '../../platform/jobs/queue.js';
import type { Logger } from '../../platform/logging/logger.js';
import type { TaskService } from './tasks.service.js';

/** The deadline sweep of the workflow engine: reminders (due soon) and escalations (overdue) of open tasks. */
export const DEADLINE_SWEEP_JOB = 'workflow.deadline-sweep';
/** Every five minutes: an alert is at most five minutes late, and a sweep with nothing to do costs two index probes. */
export const DEADLINE_SWEEP_CRON = '*/5 * * * *';

/**
 * Registers the sweep's worker and schedule. The sweep is idempotent (alerts are keyed by task and kind), so the
 * queue's at-least-once delivery and overlapping workers never send an alert twice.
 */
export async function registerDeadlineJobs(queue: JobQueue, deps: { tasks: TaskService; logger: Logger }): Promise<void> {
  await queue.work(DEADLINE_SWEEP_JOB, async () => {
    const outcome = await deps.tasks.sweepDeadlines();
    if (outcome.dueSoon + outcome.overdue + outcome.resumed > 0) deps.logger.info({ action: 'workflow.deadline_sweep', ...outcome }, 'deadline alerts sent');
  });
  // A sweep that missed its slot is replaced by the next one: few retries, a lease shorter than the period.
  await queue.schedule(DEADLINE_SWEEP_JOB, DEADLINE_SWEEP_CRON, {}, { retryLimit: 1, expireInSeconds: 240 });
}
