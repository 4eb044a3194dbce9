import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/workflow';
import type { SubOrderTotals } from '../domain/order-totals';
import { db, dbUndo } from './order-activities';
import type { PlaceOrderInput } from './order-definitions';
import { OrderPayment } from './order-payment';
import type { StockAtCheckout } from './order-pricing';
import type { LeanOrder } from './order-progress';
import type { Saga } from './saga';

// The lean order's checkout steps, each registering its undo with the saga once it has succeeded.

export function failureMessage(error: unknown): string {
  const cause =
    error instanceof ActivityFailure || error instanceof ChildWorkflowFailure ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * A flash-sale hold is already reserved under this order's id: take it over before the sweep can expire
 * it; the reserve step then finds it held.
 */
export async function takeOverFlashSaleHold(
  orderId: string,
  flashSale: { sku: string; ticket: string },
  saga: Saga,
): Promise<void> {
  await db.claimFlashSaleHold({ ...flashSale, orderId });
  const flashSkus = [flashSale.sku];
  saga.add(() => dbUndo.releaseStock({ holdId: orderId, skus: flashSkus }));
}

/**
 * Hold the stock for as long as payment may take. The status lasts milliseconds: kept in memory (queries,
 * the cancel update), never written. Orders of version 3 usually held it in their first step already
 * (`atCheckout`), or learned there that it is gone; then this only takes the hold over for the saga.
 */
export async function holdStock(
  order: LeanOrder,
  input: PlaceOrderInput,
  saga: Saga,
  atCheckout?: StockAtCheckout,
): Promise<void> {
  const { state } = order;
  order.enter('reserving_stock');
  const skus = state.lines.map((line) => line.sku);
  // Refused lines were released (and tombstoned) by the step that refused them: nothing to undo.
  if (atCheckout?.kind === 'refused') {
    throw ApplicationFailure.nonRetryable(atCheckout.reason, atCheckout.failureType);
  }
  if (atCheckout?.kind !== 'held') await db.reserveStock({ holdId: input.orderId, lines: state.lines });
  saga.add(() => dbUndo.releaseStock({ holdId: input.orderId, skus }));
  state.holdExpiresAt = new Date(Date.now() + input.holdSeconds * 1000).toISOString();
}

/**
 * The payment step, open before the order says it awaits payment: every part is authorized at once, by the
 * caller's payment method or the storefront's payment updates; the saga voids what was authorized.
 */
export function openPayment(
  order: LeanOrder,
  version: PlaceOrderInput['version'],
  parts: SubOrderTotals[],
  saga: Saga,
): OrderPayment {
  const { state } = order;
  const pay = new OrderPayment(
    state.orderId,
    state.customerId,
    parts,
    () => state.status === 'awaiting_payment',
    version === 2 ? 'side-by-side' : 'in-one-step',
  );
  saga.add(() => pay.voidAll());
  pay.listen((outcome) => (state.payment = outcome));
  order.enter('awaiting_payment');
  return pay;
}
