import { type CommissionRule, commissionFor } from './commission';
import { type Money, money, sum, times } from './money';
import type { PricedLine } from './order-lines';

// What a captured sub-order and a refunded return write to the seller ledger. The buyer's tax is the
// marketplace's to remit and never reaches the seller; the shipping the buyer paid is the seller's, who
// ships the parcel. A promotion's discount is borne by the seller's goods, as checkout allocated it.

export interface SalePostings {
  sale: Money;
  commission: Money;
  shipping: Money;
}

/** Commission is taken line by line, so each line's category rule applies to it; it is never negative. */
export function salePostings(input: {
  sellerId: string;
  lines: PricedLine[];
  discount: Money;
  shipping: Money;
  rules: CommissionRule[];
}): SalePostings {
  const currency = input.shipping.currency;
  const goods = sum(
    input.lines.map((line) => times(line.unitPrice, line.quantity)),
    currency,
  );
  const commission = sum(
    input.lines.map((line) =>
      commissionFor(
        times(line.unitPrice, line.quantity),
        line.quantity,
        input.sellerId,
        line.category ?? '',
        input.rules,
      ),
    ),
    currency,
  );
  const sale = money(goods.amount - input.discount.amount, currency);
  return {
    sale,
    commission: money(-Math.min(commission.amount, Math.max(sale.amount, 0)), currency),
    shipping: input.shipping,
  };
}

export interface RefundPostings {
  /** Negative: what the seller gives back. */
  refund: Money;
  /** Positive: the commission the marketplace returns on the refunded goods. */
  commissionRefund: Money;
}

/**
 * A refund takes back at most what the seller was credited for the sub-order (sale + shipping) less earlier
 * refunds, and returns the matching share of the commission; the last refund returns all that is left, so
 * rounding never strands a cent.
 */
export function refundPostings(input: {
  posted: SalePostings;
  /** Positive totals of earlier refunds and commission refunds on the same sub-order. */
  refundedBefore: Money;
  commissionRefundedBefore: Money;
  refund: Money;
}): RefundPostings {
  const { posted } = input;
  const currency = posted.sale.currency;
  const credited = posted.sale.amount + posted.shipping.amount;
  const room = Math.max(0, credited - input.refundedBefore.amount);
  const debit = Math.min(Math.max(0, input.refund.amount), room);
  const commissionTaken = -posted.commission.amount;
  const commissionLeft = Math.max(0, commissionTaken - input.commissionRefundedBefore.amount);
  const refundedAfter = input.refundedBefore.amount + debit;
  // Commission is due on goods only, so refunds count against the goods first, then the shipping.
  const owedBackSoFar =
    refundedAfter >= credited
      ? commissionTaken
      : Math.round(
          (commissionTaken * Math.min(refundedAfter, posted.sale.amount)) / Math.max(posted.sale.amount, 1),
        );
  const share = Math.min(commissionLeft, owedBackSoFar - input.commissionRefundedBefore.amount);
  return {
    refund: money(debit === 0 ? 0 : -debit, currency),
    commissionRefund: money(Math.max(0, share), currency),
  };
}
