import { type Money, basisPoints, money, zero } from './money';

// A promo code is judged against the cart as it is now (current prices, today's date), every time the cart
// is shown and again at checkout, so a code that lapsed or a cart that shrank below the minimum never
// silently keeps its discount.

/**
 * What a promo code grants, written once. `At` is how its instants travel: a `Date` in memory and in the
 * database, an ISO string inside a workflow's input (which is JSON). Every other shape of a promotion (the
 * stored document, the order workflow's terms) is derived from this one, so none can drift.
 */
export interface PromotionTermsAt<At> {
  code: string;
  kind: 'percent' | 'fixed';
  /** For percent codes: the share of the subtotal, in basis points (1000 = 10 %). */
  percentBps?: number;
  /** For fixed codes: the amount taken off. */
  amount?: Money;
  /** Inclusive. */
  validFrom: At;
  /** Exclusive: at this instant the code has expired. */
  validUntil: At;
  /** Also fixes the currency the code is for. */
  minSubtotal: Money;
}

/** A promotion as the rules judge it. */
export type Promotion = PromotionTermsAt<Date>;

/** A promotion as plain data (instants as ISO strings), as a workflow input carries it. */
export type PromotionTerms = PromotionTermsAt<string>;

/** The plain-data form of a promotion, for a workflow's input. */
export function promotionTerms(promo: Promotion): PromotionTerms {
  return { ...promo, validFrom: promo.validFrom.toISOString(), validUntil: promo.validUntil.toISOString() };
}

/** A promotion again from its plain-data form. */
export function promotionOfTerms(terms: PromotionTerms): Promotion {
  return { ...terms, validFrom: new Date(terms.validFrom), validUntil: new Date(terms.validUntil) };
}

export const promoRejections = ['not-yet-valid', 'expired', 'currency-mismatch', 'below-minimum'] as const;
export type PromoRejection = (typeof promoRejections)[number];

export type PromoOutcome =
  { valid: true; discount: Money } | { valid: false; reason: PromoRejection; discount: Money };

export function promotionCurrency(promo: Promotion): string {
  return promo.minSubtotal.currency;
}

/** The discount a code gives on a subtotal at an instant: never negative and never more than the subtotal. */
export function promotionDiscount(promo: Promotion, subtotal: Money, at: Date): PromoOutcome {
  const none = zero(subtotal.currency);
  if (at.getTime() < promo.validFrom.getTime())
    return { valid: false, reason: 'not-yet-valid', discount: none };
  if (at.getTime() >= promo.validUntil.getTime()) return { valid: false, reason: 'expired', discount: none };
  const currency = promotionCurrency(promo);
  if (subtotal.currency !== currency || (promo.amount && promo.amount.currency !== currency)) {
    return { valid: false, reason: 'currency-mismatch', discount: none };
  }
  if (subtotal.amount < promo.minSubtotal.amount) {
    return { valid: false, reason: 'below-minimum', discount: none };
  }
  const raw =
    promo.kind === 'percent' ? basisPoints(subtotal, promo.percentBps ?? 0) : (promo.amount ?? none);
  const capped = Math.min(Math.max(raw.amount, 0), Math.max(subtotal.amount, 0));
  return { valid: true, discount: money(capped, subtotal.currency) };
}
