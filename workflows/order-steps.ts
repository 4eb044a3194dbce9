import { ActivityFailure, ChildWorkflowFailure } from '@temporalio/workflow';
import type { FraudSignals } from '../domain/fraud';
import { mergeLines } from '../domain/order-lines';
import type { CheckoutTotals, SubOrderTotals } from '../domain/order-totals';
import { db, dbUndo } from './order-activities';
import type { PlaceOrderInput } from './order-definitions';
import { OrderPayment } from './order-payment';
import type { LeanOrder } from './order-progress';
import type { Saga } from './saga';

// The lean order's checkout steps, each registering its undo with the saga once it has succeeded.

export function failureMessage(error: unknown): string {
  const cause =
    error instanceof ActivityFailure || error instanceof ChildWorkflowFailure ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Both steps run together; the first failure is reported only once both have ended, so none is left. */
async function together<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [first, second] = await Promise.allSettled([a, b]);
  if (first.status === 'rejected') throw first.reason;
  if (second.status === 'rejected') throw second.reason;
  return [first.value, second.value];
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
 * Price, total and record the order, while the buyer's and card's fraud signals are read beside it; the
 * total joins the signals once known. Tells the buyer (in the state) which prices changed since the cart.
 */
export async function priceAndRecord(
  order: LeanOrder,
  input: PlaceOrderInput,
): Promise<{ totals: CheckoutTotals; signals: FraudSignals }> {
  const { state } = order;
  const [priced, signals] = await together(
    db.priceAndRecordOrder({
      orderId: input.orderId,
      customerId: input.customerId,
      lines: mergeLines(input.lines),
      shipTo: input.shipTo,
      ...(input.promotion ? { promotion: input.promotion } : {}),
    }),
    db.fraudSignals({
      orderId: input.orderId,
      customerId: input.customerId,
      ...(input.paymentMethodId ? { paymentMethodId: input.paymentMethodId } : {}),
      // Not priced yet: the signals are about the buyer and the card; the total joins them below.
      orderTotalMinor: 0,
      currency: '',
      shippingCountry: input.shipTo.country,
      ...(input.billingCountry ? { billingCountry: input.billingCountry } : {}),
    }),
  );
  const { totals } = priced;
  Object.assign(state, { lines: priced.lines, totals, total: totals.total, promo: priced.promo });
  state.priceChanges = state.lines.flatMap((line) => {
    const was = input.cartPrices?.[line.sku];
    return was && was.amount !== line.unitPrice.amount ? [{ sku: line.sku, was, now: line.unitPrice }] : [];
  });
  return {
    totals,
    signals: { ...signals, orderTotalMinor: totals.total.amount, currency: totals.total.currency },
  };
}

/**
 * Hold the stock for as long as payment may take. The status lasts milliseconds: kept in memory (queries,
 * the cancel update), never written.
 */
export async function holdStock(order: LeanOrder, input: PlaceOrderInput, saga: Saga): Promise<void> {
  const { state } = order;
  order.enter('reserving_stock');
  const skus = state.lines.map((line) => line.sku);
  await db.reserveStock({ holdId: input.orderId, lines: state.lines });
  saga.add(() => dbUndo.releaseStock({ holdId: input.orderId, skus }));
  state.holdExpiresAt = new Date(Date.now() + input.holdSeconds * 1000).toISOString();
}

/**
 * The payment step, open before the order says it awaits payment: every part is authorized at once, by the
 * caller's payment method or the storefront's payment updates; the saga voids what was authorized.
 */
export function openPayment(order: LeanOrder, parts: SubOrderTotals[], saga: Saga): OrderPayment {
  const { state } = order;
  const pay = new OrderPayment(
    state.orderId,
    state.customerId,
    parts,
    () => state.status === 'awaiting_payment',
    true,
  );
  saga.add(() => pay.voidAll());
  pay.listen((outcome) => (state.payment = outcome));
  order.enter('awaiting_payment');
  return pay;
}
