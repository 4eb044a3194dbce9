import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';

export const stockReconciliationScheduleId = 'stock-reconciliation';
export const boughtTogetherScheduleId = 'bought-together';

/**
 * Creates the marketplace's recurring jobs as Temporal schedules (visible, pausable and triggerable in the
 * Web UI), once: a second worker starting finds them already there.
 */
export async function ensureSchedules(client: Client, taskQueue: string): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: stockReconciliationScheduleId,
      spec: { intervals: [{ every: '5 minutes' }] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      action: {
        type: 'startWorkflow',
        workflowType: 'stockReconciliationWorkflow',
        workflowId: 'stock-reconciliation',
        taskQueue,
        staticSummary: 'Stock reconciliation: Redis counters against the stock ledger',
      },
      memo: { purpose: 'Rebuild Redis stock counters from the stock ledger and report drift' },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  try {
    await client.schedule.create({
      scheduleId: boughtTogetherScheduleId,
      spec: { intervals: [{ every: '1 hour' }] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
      action: {
        type: 'startWorkflow',
        workflowType: 'boughtTogetherWorkflow',
        workflowId: 'bought-together',
        taskQueue,
        staticSummary: 'Bought together: recommendations from confirmed orders',
      },
      memo: { purpose: 'Recompute "bought together" recommendations from confirmed orders' },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
}
