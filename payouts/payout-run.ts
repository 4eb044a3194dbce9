import type { PayoutDoc } from './documents';

// What one payout run is, named once for everyone who names it: the workflow that runs it, the schedule
// that starts it, the activities that record it and the API that reads it. Pure, so workflow code can
// import it too.

/** One payout per seller and period: the id is also the Stripe transfer's idempotency key. */
export function payoutWorkflowId(sellerId: string, period: string): string {
  return `payout-${sellerId}-${period}`;
}

/** The Temporal schedule that starts a seller's payout runs (visible and pausable in the Web UI). */
export function payoutScheduleId(sellerId: string): string {
  return `payout-schedule-${sellerId}`;
}

/** A run's period is the UTC day of its workflow time: a second run the same day finds the first's result. */
export function payoutPeriodOf(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export type PayoutFrequency = 'daily' | 'weekly';
export const payoutFrequencies: readonly PayoutFrequency[] = ['daily', 'weekly'];

/** The failure type of a transfer Stripe refused for good (activities/payouts.ts). */
export const transferRefusedType = 'TransferRefused';

export interface PayoutInput {
  sellerId: string;
  /** Defaults to the day of the run's workflow time (scheduled runs leave it out). */
  period?: string;
}

/** What a payout run reports: its record, named by payout id. */
export type PayoutOutcome = Omit<PayoutDoc, '_id' | 'asOf' | 'createdAt'> & { payoutId: string };
