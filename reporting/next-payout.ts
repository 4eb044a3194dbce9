import type { Client } from '@temporalio/client';
import { createPayoutSchedules } from '../payouts/payout-schedules';
import type { Collections } from '../integrations/collections';

export interface NextPayout {
  /** scheduled: runs at nextPayoutAt; paused by ops; none: the seller has no payout schedule yet. */
  schedule: 'scheduled' | 'paused' | 'none' | 'unavailable';
  nextPayoutAt: Date | null;
}

const describeTimeoutMs = 3_000;

/**
 * When the seller's payout schedule next fires, read from Temporal itself (the schedule is the truth, and
 * ops may pause or retime it in the UI). If Temporal cannot be reached the dashboard still answers, saying
 * so, rather than failing over one field.
 */
export async function nextPayout(
  deps: { collections: Collections; temporal: Client; taskQueue: string },
  sellerId: string,
): Promise<NextPayout> {
  const schedules = createPayoutSchedules(deps);
  try {
    const view = await deps.temporal.withDeadline(Date.now() + describeTimeoutMs, () =>
      schedules.describePayoutSchedule(sellerId),
    );
    if (!view) return { schedule: 'none', nextPayoutAt: null };
    if (view.paused) return { schedule: 'paused', nextPayoutAt: null };
    return { schedule: 'scheduled', nextPayoutAt: view.nextPayoutAt ? new Date(view.nextPayoutAt) : null };
  } catch {
    return { schedule: 'unavailable', nextPayoutAt: null };
  }
}
