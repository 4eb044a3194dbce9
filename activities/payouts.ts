import type Stripe from 'stripe';
import { type Money, money } from '../domain/money';
import type { ReturnPolicy } from '../domain/return-window';
import { ledgerEntryKeys } from '../domain/seller-ledger';
import type { Collections } from '../integrations/collections';
import { stripeFailure } from '../integrations/stripe-errors';
import { postLedgerEntry } from '../payouts/ledger-entries';
import { type PayoutPlan, type PlanPayoutInput, planPayout } from '../payouts/payout-plan';
import { recordPayout } from '../payouts/payout-records';
import { type PayoutOutcome, transferRefusedType } from '../payouts/payout-run';

/** A run that paid nothing, and why: Stripe's refusal, or the reason it was skipped. */
export interface UnpaidPayoutInput {
  sellerId: string;
  payoutId: string;
  period: string;
  asOf: string;
  reason: string;
  amount: Money;
}

export function createPayoutActivities(deps: {
  collections: Collections;
  stripe: Stripe;
  policy: ReturnPolicy;
  now: () => Date;
}) {
  const { collections, stripe } = deps;

  /** Nothing was posted to the ledger, so the money stays available for the next period's run. */
  function recordUnpaid(status: 'failed' | 'skipped', input: UnpaidPayoutInput): Promise<PayoutOutcome> {
    const { payoutId, sellerId, period, reason, amount } = input;
    const doc = { _id: payoutId, sellerId, period, status, amount, reason, subOrderIds: [] };
    return recordPayout(collections, { ...doc, asOf: new Date(input.asOf) }, deps.now);
  }

  return {
    planPayout(input: PlanPayoutInput): Promise<PayoutPlan> {
      return planPayout(deps, input);
    },

    /** Moves the money to the seller's connected account once (the payout id is the idempotency key). */
    async payOutToSeller(input: {
      sellerId: string;
      payoutId: string;
      period: string;
      asOf: string;
      amount: Money;
      subOrderIds: string[];
      destination: string;
    }): Promise<PayoutOutcome> {
      const transfer = await stripe.transfers
        .create(
          {
            amount: input.amount.amount,
            currency: input.amount.currency.toLowerCase(),
            destination: input.destination,
            transfer_group: input.payoutId,
            metadata: { sellerId: input.sellerId, payoutId: input.payoutId },
          },
          { idempotencyKey: input.payoutId },
        )
        .catch((error: unknown) => {
          // A refusal ends this run as failed (the workflow decides); an outage is retried.
          throw stripeFailure(error, { declined: transferRefusedType, refused: transferRefusedType });
        });
      await postLedgerEntry(collections, {
        _id: ledgerEntryKeys.transfer(input.payoutId),
        sellerId: input.sellerId,
        kind: 'transfer',
        amount: money(-input.amount.amount, input.amount.currency),
        payoutId: input.payoutId,
        subOrderIds: input.subOrderIds,
        note: `Payout ${input.period}: Stripe transfer ${transfer.id}`,
        createdAt: deps.now(),
      });
      return recordPayout(
        collections,
        {
          _id: input.payoutId,
          sellerId: input.sellerId,
          period: input.period,
          status: 'paid',
          amount: input.amount,
          transferId: transfer.id,
          subOrderIds: input.subOrderIds,
          asOf: new Date(input.asOf),
        },
        deps.now,
      );
    },

    /**
     * A run whose transfer Stripe refused for good: recorded as failed with Stripe's reason, so ops see it
     * and a second run of the period finds it. The next period's run pays the money once the cause (say,
     * the connected account) is fixed.
     */
    recordFailedPayout(input: UnpaidPayoutInput): Promise<PayoutOutcome> {
      return recordUnpaid('failed', input);
    },

    /** A run that paid nothing says why (restricted seller, nothing settled, negative balance). */
    recordSkippedPayout(input: UnpaidPayoutInput): Promise<PayoutOutcome> {
      return recordUnpaid('skipped', input);
    },
  };
}
