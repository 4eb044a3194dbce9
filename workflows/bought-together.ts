import { proxyActivities } from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';

const { computeBoughtTogether } = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '10 minutes',
  retry: { maximumAttempts: 3 },
});

/** Run by the `bought-together` schedule: recomputes "bought together" recommendations from orders. */
export async function boughtTogetherWorkflow() {
  return computeBoughtTogether();
}
