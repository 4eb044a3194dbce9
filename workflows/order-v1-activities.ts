import { proxyActivities } from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';

// The first order shape's activities: every step a full activity. Options are part of each scheduled
// step's command, which the histories of orders of this shape recorded: never change them.

export const act = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  // Past this, an outage is treated as a failed step and the saga compensates.
  scheduleToCloseTimeout: '10 minutes',
});

/** Compensations and status writes must finish however long an outage lasts, or money or stock stays held. */
export const undo = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
