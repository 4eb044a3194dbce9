import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import type { Money } from '../domain/money';
import { type PayoutOutcome, transferRefusedType } from './payout-definitions';

export const act = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** Which run, for which seller and period, as of which workflow time. */
export interface PayoutRun {
  sellerId: string;
  payoutId: string;
  period: string;
  asOf: string;
}

/** Stripe's reason when it refused the transfer for good; undefined for any other failure. */
export function refusalOf(error: unknown): string | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  return cause instanceof ApplicationFailure && cause.type === transferRefusedType
    ? cause.message
    : undefined;
}

/** A refused transfer: the run is recorded failed with Stripe's reason, and ops are mailed. */
export async function recordRefusal(run: PayoutRun, amount: Money, refusal: string): Promise<PayoutOutcome> {
  const failed = await act.recordFailedPayout({ ...run, reason: refusal, amount });
  const ops = await act.opsContact();
  await act.sendEmail({
    to: ops.email,
    template: 'payout-failed',
    data: { payoutId: run.payoutId, sellerId: run.sellerId, amount, reason: refusal },
    idempotencyKey: `${run.payoutId}-failed-ops`,
  });
  return failed;
}

/** The seller's statement of what was paid this period. */
export async function mailStatement(run: PayoutRun, email: string, amount: Money): Promise<void> {
  await act.sendEmail({
    to: email,
    template: 'payout-statement',
    data: { period: run.period, amount },
    idempotencyKey: `${run.payoutId}-statement`,
  });
}
