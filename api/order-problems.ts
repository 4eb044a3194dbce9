import { EmptyCartError } from '../orders/order-checkout';
import { TooManyUnpaidOrdersError, UnpaidQuantityLimitError } from '../orders/unpaid-order-limits';
import { HttpProblem } from './problem';

/**
 * The order capability's refusals as the storefront reads them: nothing to order and an unpaid order past
 * its bound are the buyer's to fix (422), too many open unpaid orders waits on the buyer's own orders (409).
 */
export function orderProblem(error: unknown): unknown {
  if (error instanceof EmptyCartError) return new HttpProblem(422, 'empty-cart', error.message);
  if (error instanceof UnpaidQuantityLimitError) {
    return new HttpProblem(
      422,
      'unpaid-quantity-limit',
      error.message,
      'Send paymentMethodId to pay at once, or order fewer units',
      { maxUnitsPerSku: error.maxUnitsPerSku, skus: error.skus },
    );
  }
  if (error instanceof TooManyUnpaidOrdersError) {
    return new HttpProblem(
      409,
      'too-many-unpaid-orders',
      error.message,
      'Pay or cancel an open order first, or send paymentMethodId to pay at once',
      { maxOpenUnpaidOrders: error.maxOpenPerBuyer },
    );
  }
  return error;
}
