import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface ActivityRecord {
  activityType: string;
  /** The attempt that finished it: above 1 means it was retried (a lost worker, a timeout). */
  attempt: number;
  completed: boolean;
}

/** Every activity a workflow run scheduled, in order, read back from the server's recorded history. */
export async function activitiesOf(client: Client, workflowId: string): Promise<ActivityRecord[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events: HistoryEvent[] = history.events ?? [];
  const byScheduledId = new Map<string, ActivityRecord>();
  for (const event of events) {
    const id = String(event.eventId);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      byScheduledId.set(id, {
        activityType: scheduled.activityType?.name ?? '',
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
