import type { PricedLine } from './order-lines';
import type { SubOrderStatus } from './sub-order-status';

/** What the rule needs to know of one seller's part of an order. */
export interface ReviewableSubOrder {
  customerId: string;
  status: SubOrderStatus;
  lines: PricedLine[];
}

export type ReviewEligibility =
  { eligible: true; line: PricedLine } | { eligible: false; reason: 'not-purchased' | 'not-delivered' };

/**
 * A buyer may review a product only once it reached them: the order is theirs, one of its parts holds the
 * product, and that part was delivered. Someone else's order reads as "not purchased", so order ids cannot
 * be probed through reviews.
 */
export function reviewEligibility(
  subOrders: ReviewableSubOrder[],
  buyerId: string,
  productId: string,
): ReviewEligibility {
  const holding = subOrders.filter(
    (sub) => sub.customerId === buyerId && sub.lines.some((line) => line.productId === productId),
  );
  const delivered = holding.find((sub) => sub.status === 'delivered');
  const line = delivered?.lines.find((l) => l.productId === productId);
  if (line) return { eligible: true, line };
  return { eligible: false, reason: holding.length > 0 ? 'not-delivered' : 'not-purchased' };
}
