import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';

// The lean order's activities, by how each kind of step may fail. Options are part of every scheduled
// step's command, so running orders depend on them: change them only behind `patched()`.

/** Database and Redis steps: one marker each in the order's history, run inside the workflow task. */
export const db = proxyLocalActivities<MarketplaceActivities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
  // Past this, an outage is treated as a failed step and the saga compensates.
  scheduleToCloseTimeout: '10 minutes',
});

/** Compensations and status writes must finish however long an outage lasts, or money or stock stays held. */
export const dbUndo = proxyLocalActivities<MarketplaceActivities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** The same, for the one compensation that calls Stripe (voiding an authorization). */
export const undo = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
