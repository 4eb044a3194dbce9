import { proxyActivities } from '@temporalio/workflow';

// The floor an order workflow stands on: one workflow that runs one activity that does nothing, started and
// awaited through the same Temporal server. Nothing else is in this bundle.
export interface FloorActivities {
  nothing(): Promise<void>;
}

const { nothing } = proxyActivities<FloorActivities>({ startToCloseTimeout: '10 seconds' });

export async function floorWorkflow(): Promise<void> {
  await nothing();
}
