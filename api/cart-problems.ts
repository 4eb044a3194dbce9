import type { AddToCartOutcome, ApplyPromoOutcome } from '../cart/cart-commands';
import { maxLinesPerCart, maxQuantityPerLine } from '../cart/cart-store';
import { HttpProblem } from './problem';

/** The problem a refused add answers with; undefined when the units were added (or already were). */
export function addProblem(outcome: AddToCartOutcome, sku: string): HttpProblem | undefined {
  switch (outcome.kind) {
    case 'sku-not-for-sale':
      return new HttpProblem(
        422,
        'sku-not-for-sale',
        'This SKU does not exist or is not for sale',
        undefined,
        {
          sku,
        },
      );
    case 'key-reused':
      return new HttpProblem(
        422,
        'idempotency-key-reused',
        'This Idempotency-Key was already used with a different request body',
      );
    case 'mixed-currency':
      return new HttpProblem(
        422,
        'mixed-currency',
        'All lines of a cart must be in one currency',
        undefined,
        {
          cartCurrency: outcome.cartCurrency,
        },
      );
    case 'quantity-limit':
      return new HttpProblem(
        422,
        'quantity-limit',
        `At most ${maxQuantityPerLine} units of a SKU per cart`,
        undefined,
        { maxQuantity: maxQuantityPerLine, inCart: outcome.quantity },
      );
    case 'line-limit':
      return new HttpProblem(422, 'line-limit', `At most ${maxLinesPerCart} lines per cart`, undefined, {
        maxLines: maxLinesPerCart,
      });
    default:
      return undefined;
  }
}

/** An unknown code is a 404; a code that gives nothing on this cart today a 422 naming why. */
export function promoProblem(outcome: ApplyPromoOutcome, code: string): HttpProblem | undefined {
  switch (outcome.kind) {
    case 'unknown-code':
      return new HttpProblem(404, 'promo-not-found', 'No such promo code');
    case 'not-applicable':
      return new HttpProblem(
        422,
        'promo-not-applicable',
        'This promo code does not apply to the cart',
        undefined,
        {
          code,
          reason: outcome.reason,
        },
      );
    default:
      return undefined;
  }
}

export const cartLineNotFound = () =>
  new HttpProblem(404, 'cart-line-not-found', 'The cart has no line for this SKU');
