import { type Money, money } from '../domain/money';
import type { ReturnPolicy } from '../domain/return-window';
import { ledgerEntryKeys, newlySettledSubOrders, sellerBalances } from '../domain/seller-ledger';
import { canBePaid } from '../domain/seller-standing';
import type { Collections } from '../integrations/collections';
import { payoutOutcomeOf } from './payout-records';
import type { PayoutOutcome } from './payout-run';
import { readSettlementView } from './seller-balances';

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

/** What this run may pay: only settled money, only to a seller in good standing, never twice a period. */
export async function planPayout(
  deps: { collections: Collections; policy: ReturnPolicy },
  input: PlanPayoutInput,
): Promise<PayoutPlan> {
  const { collections } = deps;
  const done = await collections.payouts.findOne({ _id: input.payoutId });
  if (done) return { kind: 'done', outcome: payoutOutcomeOf(done) };
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
}
