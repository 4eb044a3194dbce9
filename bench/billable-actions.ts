import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface BillableActions {
  /** Workflow starts: 1 for a run started by a client; 2 per child (start and execution). */
  starts: number;
  /** Activity attempts (each start or retry). */
  activities: number;
  /** Workflow tasks that recorded markers (local activities, patches): Temporal Cloud bills one per task. */
  markerTasks: number;
  timers: number;
  signals: number;
  updates: number;
  upserts: number;
  total: number;
}

/**
 * What Temporal Cloud bills for one run, read from its history as Temporal's "Temporal Cloud Actions" page
 * counts it. Signals are counted where they are received, so summing the histories of a parent and its
 * children counts each once. Activity heartbeats and queries leave no history and are not counted.
 */
export function billableActions(events: HistoryEvent[]): BillableActions {
  const markerTasks = new Set<string>();
  const counts = { starts: 0, activities: 0, timers: 0, signals: 0, updates: 0, upserts: 0 };
  for (const event of events) {
    const started = event.workflowExecutionStartedEventAttributes;
    // A child's start was billed (twice) in its parent's history.
    if (started && !started.parentWorkflowExecution) counts.starts += 1;
    if (event.startChildWorkflowExecutionInitiatedEventAttributes) counts.starts += 2;
    // One per activity scheduled, and one more for each retry its final attempt shows.
    if (event.activityTaskScheduledEventAttributes) counts.activities += 1;
    const attempt = event.activityTaskStartedEventAttributes?.attempt ?? 1;
    if (attempt > 1) counts.activities += attempt - 1;
    const marker = event.markerRecordedEventAttributes;
    if (marker) markerTasks.add(String(marker.workflowTaskCompletedEventId));
    if (event.timerStartedEventAttributes) counts.timers += 1;
    if (event.workflowExecutionSignaledEventAttributes) counts.signals += 1;
    if (event.workflowExecutionUpdateAcceptedEventAttributes) counts.updates += 1;
    if (event.upsertWorkflowSearchAttributesEventAttributes) counts.upserts += 1;
  }
  const total =
    counts.starts +
    counts.activities +
    markerTasks.size +
    counts.timers +
    counts.signals +
    counts.updates +
    counts.upserts;
  return { ...counts, markerTasks: markerTasks.size, total };
}

export function addActions(a: BillableActions, b: BillableActions): BillableActions {
  return {
    starts: a.starts + b.starts,
    activities: a.activities + b.activities,
    markerTasks: a.markerTasks + b.markerTasks,
    timers: a.timers + b.timers,
    signals: a.signals + b.signals,
    updates: a.updates + b.updates,
    upserts: a.upserts + b.upserts,
    total: a.total + b.total,
  };
}
