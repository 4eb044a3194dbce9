import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface ActivityRecord {
  activityType: string;
  /** Run inside a workflow task and recorded as a marker, rather than scheduled on a task queue. */
  local: boolean;
  /** The attempt that finished it: above 1 means it was retried (a lost worker, a timeout). */
  attempt: number;
  completed: boolean;
}

interface LocalActivityMarker {
  activity_type?: string;
  attempt?: number;
}

/** A local activity's marker names its type and attempt in the first payload of its `data` detail. */
function localActivityOf(event: HistoryEvent): ActivityRecord | undefined {
  const marker = event.markerRecordedEventAttributes;
  if (marker?.markerName !== 'core_local_activity') return undefined;
  const data = marker.details?.data?.payloads?.[0]?.data;
  if (!data) return undefined;
  const parsed = JSON.parse(Buffer.from(data).toString('utf8')) as LocalActivityMarker;
  return {
    activityType: parsed.activity_type ?? '',
    local: true,
    attempt: parsed.attempt ?? 0,
    completed: !marker.failure,
  };
}

/**
 * Every activity a workflow run scheduled or ran locally, in order, read back from the server's recorded
 * history.
 */
export async function activitiesOf(client: Client, workflowId: string): Promise<ActivityRecord[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events: HistoryEvent[] = history.events ?? [];
  const byScheduledId = new Map<string, ActivityRecord>();
  for (const event of events) {
    const id = String(event.eventId);
    const local = localActivityOf(event);
    if (local) byScheduledId.set(id, local);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      byScheduledId.set(id, {
        activityType: scheduled.activityType?.name ?? '',
        local: false,
        attempt: 0,
        completed: false,
      });
    }
    const started = event.activityTaskStartedEventAttributes;
    const startedFor = byScheduledId.get(String(started?.scheduledEventId));
    if (started && startedFor) startedFor.attempt = started.attempt ?? 0;
    const completed = event.activityTaskCompletedEventAttributes;
    const completedFor = byScheduledId.get(String(completed?.scheduledEventId));
    if (completed && completedFor) completedFor.completed = true;
  }
  return [...byScheduledId.values()];
}

/** How many workflow tasks of a run timed out or failed: a worker lost mid-task shows up here. */
export async function lostWorkflowTasks(client: Client, workflowId: string): Promise<number> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter(
    (event) => event.workflowTaskTimedOutEventAttributes || event.workflowTaskFailedEventAttributes,
  ).length;
}
