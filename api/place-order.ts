import type { z } from 'zod';
import type { CartStore } from '../cart/cart-store';
import type { Env } from '../config/env';
import type { Collections } from '../integrations/collections';
import type { FlashSaleQueue } from '../integrations/flash-sale-queue';
import type { CheckoutsInFlight } from '../inventory/checkouts-in-flight';
import { orderEvents } from '../observability/business-metrics';
import { type CheckoutLines, cartTerms, checkoutLines, emptyOrderedCart } from '../orders/order-checkout';
import { estimateOf } from '../orders/order-estimate';
import { SoldOutError, refuseWhatIsSoldOut } from '../orders/stock-at-checkout';
import { checkUnpaidOrder, openUnpaidOrders } from '../orders/unpaid-order-limits';
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
  inFlight: CheckoutsInFlight;
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

type PlaceOrderBody = z.infer<typeof placeOrderBody>;

/**
 * A buyer's checkout becomes an order: its workflow is started under a new order id (or the flash-sale
 * hold's), once per Idempotency-Key. Answers the order id; the same key and body again answer the same order.
 *
 * The common case costs one database read and one write before the start: the cart, the buyer's open
 * unpaid orders and the stock at the door (one Redis script per SKU) are read side by side, then the key
 * is claimed with a single insert, and the earlier claim is read only when that insert finds one. A refusal
 * (empty cart, sold out, unpaid bounds) claims nothing, so the key stays usable; but a retry of a checkout
 * that did become an order is refused by what that order changed (the cart it emptied, the stock it
 * holds), so every refusal first asks whether the key already names a started order.
 */
export async function placeOrder(
  deps: PlaceOrderDeps,
  customerId: string,
  idempotencyKey: string,
  body: PlaceOrderBody,
): Promise<string> {
  const scope = `orders:${customerId}`;
  // The key is bound to the request as sent, not to the cart it read.
  const bodyPrint = fingerprint(body);
  let checkout: Checkout;
  try {
    checkout = await checkoutToOrder(deps, customerId, body);
  } catch (refusal) {
    // Answers `idempotency-key-reused` before the refusal, as a first request under a used key would.
    const earlier = await priorClaim(deps.collections, scope, idempotencyKey, bodyPrint);
    if (earlier && (await orderWorkflowStarted(deps.temporal, earlier))) return earlier;
    if (refusal instanceof SoldOutError) orderEvents.inc({ event: 'refused', reason: 'out_of_stock' });
    throw refusal;
  }
  try {
    return await startCheckedOut(deps, customerId, { scope, idempotencyKey, bodyPrint }, body, checkout);
  } catch (error) {
    // The checkout was let through the door but did not become an order: its units stop counting at once
    // (or, should Redis not answer now, when their time runs out).
    await checkout.withdraw().catch(() => undefined);
    throw error;
  }
}

async function startCheckedOut(
  deps: PlaceOrderDeps,
  customerId: string,
  key: { scope: string; idempotencyKey: string; bodyPrint: string },
  body: PlaceOrderBody,
  { lines, cart, orderId: proposedId, withdraw }: Checkout,
): Promise<string> {
  const [{ resourceId: orderId }, { cartPrices, promotion }] = await Promise.all([
    claimIdempotencyKey(deps.collections, key.scope, key.idempotencyKey, key.bodyPrint, proposedId),
    cartTerms(deps.collections, cart),
  ]);
  // A retry under an earlier claim starts (or finds) that claim's order, not the one let through now.
  if (orderId !== proposedId) await withdraw();
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
    holdSeconds: deps.env.RESERVATION_HOLD_SECONDS,
  };
  const started = await startOrderWorkflow(
    deps.temporal,
    deps.env.TEMPORAL_TASK_QUEUE,
    input,
    estimateOf(lines, cartPrices),
  );
  // The cart has become the order, also when a retry is what started it (the first attempt claimed the
  // key and died before the start); a request that found its order already running leaves the cart alone.
  if (cart && started) await emptyOrderedCart(deps.carts, customerId);
  return orderId;
}

interface Checkout extends CheckoutLines {
  /** The id the order gets unless the key already names one; a flash-sale checkout's is its hold's. */
  orderId: string;
  /** Takes back what the door counted for this checkout, should it not become an order. */
  withdraw: () => Promise<void>;
}

/**
 * The lines to order, once every check before an order passed. The cart (or the lines sent), the buyer's
 * open unpaid orders and the stock at the door (as soon as the lines are known) are read side by side;
 * their refusals are raised in one fixed order (empty cart, unpaid bounds, sold out), so the answer never
 * depends on which read finished first, and a checkout the door let through but another check refused is
 * withdrawn there and then.
 */
async function checkoutToOrder(
  deps: PlaceOrderDeps,
  customerId: string,
  body: PlaceOrderBody,
): Promise<Checkout> {
  const { env } = deps;
  const flash = body.flashSale
    ? await flashSaleCheckout(deps.flashSales, customerId, body.flashSale, body.lines)
    : undefined;
  const limits = {
    maxUnitsPerSku: env.UNPAID_ORDER_MAX_UNITS_PER_SKU,
    maxOpenPerBuyer: env.UNPAID_ORDERS_PER_BUYER,
  };
  const unpaid = !body.paymentMethodId && !flash;
  const orderId = flash?.orderId ?? newOrderId();
  const linesRead = checkoutLines(deps.carts, customerId, flash?.lines ?? body.lines);
  const [read, open, door] = await Promise.allSettled([
    linesRead,
    unpaid ? openUnpaidOrders(deps.collections, customerId, limits) : Promise.resolve(0),
    // A flash-sale checkout's units are already held by its ticket: there is nothing left to count.
    flash
      ? Promise.resolve({ withdraw: () => Promise.resolve() })
      : linesRead.then(({ lines }) => refuseWhatIsSoldOut(deps, orderId, lines)),
  ]);
  try {
    const { lines, cart } = settledValue(read);
    if (unpaid) checkUnpaidOrder(lines, settledValue(open), limits);
    const { withdraw } = settledValue(door);
    return { lines, orderId, withdraw, ...(cart ? { cart } : {}) };
  } catch (refusal) {
    // The door let this checkout through while another check refused it: its units stop counting.
    if (door.status === 'fulfilled') await door.value.withdraw().catch(() => undefined);
    throw refusal;
  }
}

function settledValue<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}
