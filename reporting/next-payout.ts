import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { payoutScheduleId } from '../workflows/payout-definitions';

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
export async function nextPayout(temporal: Client, sellerId: string): Promise<NextPayout> {
  try {
    const handle = temporal.schedule.getHandle(payoutScheduleId(sellerId));
    const description = await temporal.withDeadline(Date.now() + describeTimeoutMs, () => handle.describe());
    if (description.state.paused) return { schedule: 'paused', nextPayoutAt: null };
    return { schedule: 'scheduled', nextPayoutAt: description.info.nextActionTimes[0] ?? null };
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return { schedule: 'none', nextPayoutAt: null };
    return { schedule: 'unavailable', nextPayoutAt: null };
  }
}
