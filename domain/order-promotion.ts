import { type Money, sum, times } from './money';
import type { PricedLine } from './order-lines';
import { type PromotionTerms, promotionDiscount, promotionOfTerms } from './promotions';

export type { PromotionTerms } from './promotions';

/** The cart's promo code as the order judged it: kept on the order whether it applied or not. */
export interface OrderPromo {
  code: string;
  valid: boolean;
  reason?: string;
  discount: Money;
}

/**
 * Judges the cart's promo code against the order's priced lines at `at`: in an order workflow the default
 * is the workflow's deterministic clock, in an activity the real one.
 */
export function promoAtCheckout(
  terms: PromotionTerms | undefined,
  lines: PricedLine[],
  at: Date = new Date(),
): OrderPromo | undefined {
  const first = lines[0];
  if (!terms || !first) return undefined;
  const subtotal = sum(
    lines.map((line) => times(line.unitPrice, line.quantity)),
    first.unitPrice.currency,
  );
  const outcome = promotionDiscount(promotionOfTerms(terms), subtotal, at);
  return outcome.valid
    ? { code: terms.code, valid: true, discount: outcome.discount }
    : { code: terms.code, valid: false, reason: outcome.reason, discount: outcome.discount };
}
