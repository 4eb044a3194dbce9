import { sum, times } from '../domain/money';
import type { PricedLine } from '../domain/order-lines';
import { promotionDiscount } from '../domain/promotions';
import type { OrderState, PromotionTerms } from './order-definitions';

/** Judges the cart's promo code against the order's priced lines at the workflow's (deterministic) clock. */
export function promoAtCheckout(terms: PromotionTerms | undefined, lines: PricedLine[]): OrderState['promo'] {
  const first = lines[0];
  if (!terms || !first) return undefined;
  const subtotal = sum(
    lines.map((line) => times(line.unitPrice, line.quantity)),
    first.unitPrice.currency,
  );
  const outcome = promotionDiscount(
    { ...terms, validFrom: new Date(terms.validFrom), validUntil: new Date(terms.validUntil) },
    subtotal,
    new Date(),
  );
  return outcome.valid
    ? { code: terms.code, valid: true, discount: outcome.discount }
    : { code: terms.code, valid: false, reason: outcome.reason, discount: outcome.discount };
}
