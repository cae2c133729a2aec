import { vietnamDateOf, type WorkingCalendar } from '../calendar/index.js';
import type { ProcessStep } from './process.model.js';
import type { Timing } from './workflow.tables.js';

/**
 * The deadline rules of the internal process, pure (a calendar in, instants out): each step's planned due moment from
 * its share of the statutory duration, early / on time / late, moving due moments by a supplement pause.
 */

export interface PlannedStep {
  position: number;
  kind: ProcessStep['kind'];
  role: ProcessStep['role'];
  agencyId: number;
  sharePercent: number;
  name: string;
  nameEn: string | null;
  /** Null when the dossier has no due moment (the catalogue states no duration). */
  dueAt: Date | null;
}

/**
 * Resolves the steps of a process for a dossier received at `receivingAgencyId` and plans their due moments: step k
 * is due when the cumulative share of steps 1..k of the working time from reception to the dossier's due moment has
 * passed (Circular 03/2025/TT-VPCP: the internal process divides the statutory duration among the steps). The last
 * step is due exactly at the dossier's due moment; a step finished early leaves its time to the next ones.
 * Shares that do not add up to 100 are scaled so that they do (a definition is checked when saved; this keeps an old
 * one safe).
 */
export function planSteps(calendar: WorkingCalendar, steps: readonly ProcessStep[], receivingAgencyId: number, receivedAt: Date, dueAt: Date | null): PlannedStep[] {
  const ordered = [...steps].sort((a, b) => a.position - b.position);
  const totalShare = ordered.reduce((sum, s) => sum + Math.max(0, s.sharePercent), 0);
  const totalHours = dueAt ? Math.max(0, calendar.workingTimeBetween(receivedAt, dueAt).hours) : 0;
  let cumulative = 0;
  return ordered.map((step, index) => {
    cumulative += Math.max(0, step.sharePercent);
    const last = index === ordered.length - 1;
    const fraction = totalShare > 0 ? cumulative / totalShare : (index + 1) / ordered.length;
    const stepDue = dueAt === null ? null : last ? dueAt : minDate(dueAt, calendar.addWorkingHours(receivedAt, totalHours * fraction));
    return {
      position: step.position,
      kind: step.kind,
      role: step.role,
      agencyId: step.agencyMode === 'fixed' && step.agencyId !== null ? step.agencyId : receivingAgencyId,
      sharePercent: step.sharePercent,
      name: step.name,
      nameEn: step.nameEn,
      dueAt: stepDue,
    };
  });
}

function minDate(a: Date, b: Date): Date {
  return a.getTime() <= b.getTime() ? a : b;
}

/**
 * How a hand-over or a dossier finished against its due moment (Circular 03/2025/TT-VPCP, forms 06–07: early / on
 * time / late; RULES.md, Deadlines): after the due moment → late; on the due day (Vietnam time) and not after it → on
 * time; on an earlier day → early. Null without a due moment. The ledger filters by the same rule in SQL
 * (ledger.repository.ts, `timingExpression`); ledger.test.ts checks that the two agree.
 */
export function timingOf(finishedAt: Date, dueAt: Date | null): Timing | null {
  if (dueAt === null) return null;
  if (finishedAt.getTime() > dueAt.getTime()) return 'late';
  return vietnamDateOf(finishedAt) < vietnamDateOf(dueAt) ? 'early' : 'on_time';
}

/**
 * The timing the indicators count (Decision 766/QĐ-TTg, as RULES.md states it): a dossier whose applicant was asked
 * for supplements more than once counts as late, whatever its own timing.
 */
export function indicatorTimingOf(timing: Timing | null, supplementCount: number): Timing | null {
  if (supplementCount > 1) return 'late';
  return timing;
}

/** Working hours the clock was paused: from the request to the applicant's answer, office time only. */
export function pausedWorkingHours(calendar: WorkingCalendar, pausedAt: Date, resumedAt: Date): number {
  return Math.max(0, calendar.workingTimeBetween(pausedAt, resumedAt).hours);
}

/** A due moment moved by a pause of `hours` working hours (null stays null). */
export function shiftDue(calendar: WorkingCalendar, dueAt: Date | null, hours: number): Date | null {
  if (dueAt === null || hours <= 0) return dueAt;
  return calendar.addWorkingHours(dueAt, hours);
}

/**
 * Re-plans the remaining steps after an apology letter (form 04) sets a new due moment: the steps from `fromPosition`
 * on share the working time from `now` to the new due moment by their shares; earlier steps keep their moments.
 */
export function replanRemaining(
  calendar: WorkingCalendar,
  steps: readonly { position: number; sharePercent: number; dueAt: Date | null }[],
  fromPosition: number,
  now: Date,
  newDueAt: Date,
): Map<number, Date> {
  const remaining = steps.filter((s) => s.position >= fromPosition).sort((a, b) => a.position - b.position);
  const total = remaining.reduce((sum, s) => sum + Math.max(0, s.sharePercent), 0);
  const hours = Math.max(0, calendar.workingTimeBetween(now, newDueAt).hours);
  const result = new Map<number, Date>();
  let cumulative = 0;
  remaining.forEach((s, i) => {
    cumulative += Math.max(0, s.sharePercent);
    const last = i === remaining.length - 1;
    const fraction = total > 0 ? cumulative / total : (i + 1) / remaining.length;
    result.set(s.position, last ? newDueAt : minDate(newDueAt, calendar.addWorkingHours(now, hours * fraction)));
  });
  return result;
}

/** Urgency of an open task at `now`: overdue, due within `soonHours` working hours, or fine. */
export type Urgency = 'overdue' | 'due_soon' | 'normal' | 'none';

export function urgencyOf(calendar: WorkingCalendar, dueAt: Date | null, now: Date, soonHours: number): Urgency {
  if (dueAt === null) return 'none';
  if (now.getTime() > dueAt.getTime()) return 'overdue';
  return calendar.workingTimeBetween(now, dueAt).hours <= soonHours ? 'due_soon' : 'normal';
}

/** The built-in process when no definition exists: receive → handle → approve → return at the receiving agency. */
export function builtInSteps(): ProcessStep[] {
  const step = (position: number, kind: ProcessStep['kind'], role: ProcessStep['role'], sharePercent: number, name: string, nameEn: string): ProcessStep => ({
    id: 0,
    position,
    kind,
    role,
    agencyMode: 'receiving',
    agencyId: null,
    sharePercent,
    name,
    nameEn,
  });
  return [
    step(1, 'receive', 'desk', 10, 'Tiếp nhận hồ sơ', 'Receive the dossier'),
    step(2, 'handle', 'handler', 60, 'Thẩm định, xử lý hồ sơ', 'Examine and handle the dossier'),
    step(3, 'approve', 'leader', 20, 'Phê duyệt kết quả', 'Approve the result'),
    step(4, 'return', 'desk', 10, 'Trả kết quả', 'Return the result'),
  ];
}
