import { type Money, add, times } from '../domain/money';
import type { RequestedLine } from '../domain/order-lines';

/**
 * What the buyer's cart showed for these lines, for the order's summary in the Temporal UI before the
 * workflow has priced it; undefined when any line's cart price is unknown or currencies differ.
 */
export function estimateOf(lines: RequestedLine[], cartPrices: Record<string, Money>): Money | undefined {
  let total: Money | undefined;
  for (const line of lines) {
    const price = cartPrices[line.sku];
    if (!price || (total && total.currency !== price.currency)) return undefined;
    const amount = times(price, line.quantity);
    total = total ? add(total, amount) : amount;
  }
  return total;
}
