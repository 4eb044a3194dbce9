import { refundPostings, type SalePostings } from './ledger-postings';
import { type Money, money } from './money';

// What a dispute writes to the seller ledger. A lost dispute is a refund the buyer's bank forced: it takes
// back at most what the seller was credited for the sub-order less what returns already refunded, and
// gives back the matching share of the commission, exactly as a return's refund would. So a return and a
// dispute can never both take the same money from the seller.

export interface DisputeExposure {
  /** Negative: what losing would take from the seller (before Stripe's fee). */
  chargeback: Money;
  /** Positive: commission the marketplace would give back. */
  commissionRefund: Money;
}

export function disputeExposure(input: {
  posted: SalePostings;
  /** Positive totals already taken back on the sub-order by refunds and earlier chargebacks. */
  refundedBefore: Money;
  commissionRefundedBefore: Money;
  disputed: Money;
}): DisputeExposure {
  const postings = refundPostings({
    posted: input.posted,
    refundedBefore: input.refundedBefore,
    commissionRefundedBefore: input.commissionRefundedBefore,
    refund: input.disputed,
  });
  return { chargeback: postings.refund, commissionRefund: postings.commissionRefund };
}

/** The hold: what losing would cost the seller net of commission, so payouts keep exactly that back. */
export function disputeHold(exposure: DisputeExposure): Money {
  const net = exposure.chargeback.amount + exposure.commissionRefund.amount;
  return money(Math.min(0, net), exposure.chargeback.currency);
}
