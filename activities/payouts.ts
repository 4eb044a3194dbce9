import type Stripe from 'stripe';
import { type Money, money } from '../domain/money';
import type { ReturnPolicy } from '../domain/return-window';
import { canBePaid } from '../domain/seller-standing';
import { ledgerEntryKeys, newlySettledSubOrders, sellerBalances } from '../domain/seller-ledger';
import { type Collections, isDuplicateKeyError } from '../integrations/collections';
import type { PayoutDoc } from '../payouts/documents';
import { stripeFailure } from '../integrations/stripe-errors';
import { type PayoutOutcome, transferRefusedType } from '../payouts/payout-run';
import { readSettlementView } from '../payouts/seller-balances';
import { postLedgerEntry } from '../payouts/ledger-entries';

export interface PlanPayoutInput {
  sellerId: string;
  payoutId: string;
  period: string;
  /** The workflow's time, never the wall clock: eligibility must follow workflow time. */
  asOf: string;
}

export type PayoutPlan =
  | { kind: 'done'; outcome: PayoutOutcome }
  | { kind: 'skip'; reason: string; amount: Money }
  | { kind: 'pay'; amount: Money; subOrderIds: string[]; destination: string; email: string };

function outcomeOf(doc: PayoutDoc): PayoutOutcome {
  return {
    payoutId: doc._id,
    sellerId: doc.sellerId,
    period: doc.period,
    status: doc.status,
    amount: doc.amount,
    subOrderIds: doc.subOrderIds,
    ...(doc.reason ? { reason: doc.reason } : {}),
    ...(doc.transferId ? { transferId: doc.transferId } : {}),
  };
}

export function createPayoutActivities(deps: {
  collections: Collections;
  stripe: Stripe;
  policy: ReturnPolicy;
  now: () => Date;
}) {
  const { collections, stripe } = deps;

  async function record(doc: Omit<PayoutDoc, 'createdAt'>): Promise<PayoutOutcome> {
    try {
      await collections.payouts.insertOne({ ...doc, createdAt: deps.now() });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const stored = await collections.payouts.findOne({ _id: doc._id });
    return outcomeOf(stored ?? { ...doc, createdAt: deps.now() });
  }

  return {
    /** What this run may pay: only settled money, only to a seller in good standing, never twice a period. */
    async planPayout(input: PlanPayoutInput): Promise<PayoutPlan> {
      const done = await collections.payouts.findOne({ _id: input.payoutId });
      if (done) return { kind: 'done', outcome: outcomeOf(done) };
      const seller = await collections.sellers.findOne({ _id: input.sellerId });
      const view = await readSettlementView(collections, input.sellerId, new Date(input.asOf), deps.policy);
      const { available } = sellerBalances(view.entries, view.payable);
      const transferred = view.entries.find((e) => e._id === ledgerEntryKeys.transfer(input.payoutId));
      if (transferred) {
        // The transfer went out but the run stopped before recording it: finish that one, not a new one.
        return {
          kind: 'pay',
          amount: money(-transferred.amount.amount, transferred.amount.currency),
          subOrderIds: transferred.subOrderIds ?? [],
          destination: seller?.stripeAccountId ?? '',
          email: seller?.email ?? '',
        };
      }
      if (!seller) return { kind: 'skip', reason: 'unknown seller', amount: available };
      if (!canBePaid(seller)) {
        return {
          kind: 'skip',
          reason: `seller is ${seller.status}/${seller.approval}; money waits`,
          amount: available,
        };
      }
      if (!seller.stripeAccountId) return { kind: 'skip', reason: 'no Stripe account', amount: available };
      if (available.amount <= 0) {
        const reason =
          available.amount < 0 ? 'negative balance carried into the next payout' : 'nothing settled to pay';
        return { kind: 'skip', reason, amount: available };
      }
      return {
        kind: 'pay',
        amount: available,
        subOrderIds: newlySettledSubOrders(view.entries, view.payable),
        destination: seller.stripeAccountId,
        email: seller.email,
      };
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
      return record({
        _id: input.payoutId,
        sellerId: input.sellerId,
        period: input.period,
        status: 'paid',
        amount: input.amount,
        transferId: transfer.id,
        subOrderIds: input.subOrderIds,
        asOf: new Date(input.asOf),
      });
    },

    /** A run that paid nothing says why (restricted seller, nothing settled, negative balance). */
    /**
     * A run whose transfer Stripe refused for good: recorded as failed with Stripe's reason, so ops see it
     * and a second run of the period finds it. Nothing was posted to the ledger, so the money stays
     * available and the next period's run pays it once the cause (say, the connected account) is fixed.
     */
    async recordFailedPayout(input: {
      sellerId: string;
      payoutId: string;
      period: string;
      asOf: string;
      reason: string;
      amount: Money;
    }): Promise<PayoutOutcome> {
      return record({
        _id: input.payoutId,
        sellerId: input.sellerId,
        period: input.period,
        status: 'failed',
        amount: input.amount,
        reason: input.reason,
        subOrderIds: [],
        asOf: new Date(input.asOf),
      });
    },

    async recordSkippedPayout(input: {
      sellerId: string;
      payoutId: string;
      period: string;
      asOf: string;
      reason: string;
      amount: Money;
    }): Promise<PayoutOutcome> {
      return record({
        _id: input.payoutId,
        sellerId: input.sellerId,
        period: input.period,
        status: 'skipped',
        amount: input.amount,
        reason: input.reason,
        subOrderIds: [],
        asOf: new Date(input.asOf),
      });
    },
  };
}
