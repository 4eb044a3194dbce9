export const reportingPeriodKinds = ['day', 'week', 'month'] as const;
export type ReportingPeriodKind = (typeof reportingPeriodKinds)[number];

/** How far back a dashboard may look per kind of period, so one request stays a bounded amount of work. */
export const maxPeriods: Record<ReportingPeriodKind, number> = { day: 90, week: 52, month: 24 };
export const defaultPeriods: Record<ReportingPeriodKind, number> = { day: 30, week: 12, month: 12 };

/** A half-open UTC interval [start, end). */
export interface ReportingPeriod {
  start: Date;
  end: Date;
}

function startOf(kind: ReportingPeriodKind, at: Date): Date {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  if (kind === 'day') return new Date(day);
  if (kind === 'month') return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  // ISO weeks start on Monday.
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
  return new Date(day - sinceMonday * 86_400_000);
}

function next(kind: ReportingPeriodKind, start: Date): Date {
  if (kind === 'month') return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  const days = kind === 'week' ? 7 : 1;
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() + days));
}

function previous(kind: ReportingPeriodKind, start: Date): Date {
  if (kind === 'month') return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - 1, 1));
  const days = kind === 'week' ? 7 : 1;
  return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate() - days));
}

/**
 * The last `count` calendar periods (UTC days, ISO weeks, calendar months) up to and including the one
 * that holds `until`, oldest first. The current period is included while it is still running.
 */
export function reportingPeriods(kind: ReportingPeriodKind, count: number, until: Date): ReportingPeriod[] {
  if (!Number.isInteger(count) || count < 1 || count > maxPeriods[kind]) {
    throw new RangeError(`between 1 and ${maxPeriods[kind]} ${kind} periods, got ${count}`);
  }
  let start = startOf(kind, until);
  const periods: ReportingPeriod[] = [];
  for (let i = 0; i < count; i += 1) {
    periods.unshift({ start, end: next(kind, start) });
    start = previous(kind, start);
  }
  return periods;
}
