import { proxyActivities } from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';

const { reconcileStock } = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { maximumAttempts: 3 },
});

/** Run by the `stock-reconciliation` schedule: rebuilds lost Redis counters and reports drift. */
export async function stockReconciliationWorkflow() {
  return reconcileStock();
}
