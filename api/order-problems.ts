import { z } from 'zod';
import { EmptyCartError } from '../orders/order-checkout';
import { SkuNotForSaleError, SoldOutError } from '../orders/stock-at-checkout';
import { TooManyUnpaidOrdersError, UnpaidQuantityLimitError } from '../orders/unpaid-order-limits';
import { problemSchema } from './openapi-registry';
import { HttpProblem } from './problem';

/**
 * The order capability's refusals as the storefront reads them: nothing to order, a SKU not for sale and an
 * unpaid order past its bound are the buyer's to fix (422); sold out and too many open unpaid orders are
 * conflicts with the shop's state, which may change (409).
 */
export function orderProblem(error: unknown): unknown {
  if (error instanceof EmptyCartError) return new HttpProblem(422, 'empty-cart', error.message);
  if (error instanceof SoldOutError) {
    return new HttpProblem(
      409,
      'out-of-stock',
      'Not enough stock for this order',
      'No order was placed and the cart is unchanged; order what is available, or retry later with the same Idempotency-Key',
      { skus: error.short },
    );
  }
  if (error instanceof SkuNotForSaleError) {
    return new HttpProblem(
      422,
      'sku-not-for-sale',
      'A SKU of this order does not exist or is not for sale',
      undefined,
      { skus: error.skus },
    );
  }
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

/** The 409 a checkout can answer, documented with the fields a storefront reads off an `out-of-stock`. */
export const checkoutConflict = problemSchema
  .extend({
    skus: z
      .array(
        z
          .object({
            sku: z.string(),
            requested: z.number().int().describe('Units the order asked for (all its lines of this SKU)'),
            available: z
              .number()
              .int()
              .describe(
                'Units available to this checkout when it was refused: in stock, less those of checkouts ahead of it whose orders have not reserved yet',
              ),
          })
          .strict(),
      )
      .optional()
      .describe('out-of-stock: every SKU the order asked more of than is available'),
    maxOpenUnpaidOrders: z.number().int().optional().describe('too-many-unpaid-orders: the bound'),
  })
  .openapi('CheckoutConflict');
