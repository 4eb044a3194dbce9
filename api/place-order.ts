import type { z } from 'zod';
import type { CartStore } from '../cart/cart-store';
import type { Env } from '../config/env';
import type { Collections } from '../integrations/collections';
import type { FlashSaleQueue } from '../integrations/flash-sale-queue';
import { cartTerms, checkoutLines, emptyOrderedCart } from '../orders/order-checkout';
import { estimateOf } from '../orders/order-estimate';
import { checkUnpaidOrder } from '../orders/unpaid-order-limits';
import { currentOrderVersion, type PlaceOrderInput } from '../workflows/order-definitions';
import type { Client } from '@temporalio/client';
import { flashSaleCheckout } from './flash-sale-checkout';
import { claimIdempotencyKey, fingerprint, priorClaim } from './idempotency';
import { newOrderId } from './order-ids';
import { orderWorkflowStarted, startOrderWorkflow } from './order-workflow';
import type { placeOrderBody } from './schemas-order-requests';

export interface PlaceOrderDeps {
  temporal: Client;
  collections: Collections;
  carts: CartStore;
  flashSales: FlashSaleQueue;
  env: Pick<
    Env,
    | 'TEMPORAL_TASK_QUEUE'
    | 'RESERVATION_HOLD_SECONDS'
    | 'UNPAID_ORDER_MAX_UNITS_PER_SKU'
    | 'UNPAID_ORDERS_PER_BUYER'
  >;
}

/**
 * A buyer's checkout becomes an order: its workflow is started under a new order id (or the flash-sale
 * hold's), once per Idempotency-Key. Answers the order id; the same key and body again answer the same order.
 */
export async function placeOrder(
  deps: PlaceOrderDeps,
  customerId: string,
  idempotencyKey: string,
  body: z.infer<typeof placeOrderBody>,
): Promise<string> {
  const { collections, env } = deps;
  const scope = `orders:${customerId}`;
  // The key is bound to the request as sent (not to the cart it read), and is checked before the cart:
  // a retry after the first call emptied the cart must answer that order, not "empty cart".
  const bodyPrint = fingerprint(body);
  const earlier = await priorClaim(collections, scope, idempotencyKey, bodyPrint);
  if (earlier && (await orderWorkflowStarted(deps.temporal, earlier))) return earlier;
  const flash = body.flashSale
    ? await flashSaleCheckout(deps.flashSales, customerId, body.flashSale, body.lines)
    : undefined;
  const { lines, cart } = await checkoutLines(deps.carts, customerId, flash?.lines ?? body.lines);
  if (!body.paymentMethodId && !flash) {
    await checkUnpaidOrder(collections, customerId, lines, {
      maxUnitsPerSku: env.UNPAID_ORDER_MAX_UNITS_PER_SKU,
      maxOpenPerBuyer: env.UNPAID_ORDERS_PER_BUYER,
    });
  }
  const { resourceId: orderId } = await claimIdempotencyKey(
    collections,
    scope,
    idempotencyKey,
    bodyPrint,
    flash?.orderId ?? newOrderId(),
  );
  const { cartPrices, promotion } = await cartTerms(collections, cart);
  const input: PlaceOrderInput = {
    version: currentOrderVersion,
    orderId,
    customerId,
    lines,
    cartPrices,
    shipTo: body.shipTo,
    ...(body.billingCountry ? { billingCountry: body.billingCountry } : {}),
    ...(body.paymentMethodId ? { paymentMethodId: body.paymentMethodId } : {}),
    ...(promotion ? { promotion } : {}),
    ...(body.flashSale ? { flashSale: body.flashSale } : {}),
    holdSeconds: env.RESERVATION_HOLD_SECONDS,
  };
  const started = await startOrderWorkflow(
    deps.temporal,
    env.TEMPORAL_TASK_QUEUE,
    input,
    estimateOf(lines, cartPrices),
  );
  // The cart has become the order, also when a retry is what started it (the first attempt claimed the
  // key and died before the start); a request that found its order already running leaves the cart alone.
  if (cart && started) await emptyOrderedCart(deps.carts, customerId);
  return orderId;
}
