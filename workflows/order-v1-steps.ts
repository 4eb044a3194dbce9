import { ActivityFailure, upsertSearchAttributes } from '@temporalio/workflow';
import type { FraudSignals } from '../domain/fraud';
import { mergeLines } from '../domain/order-lines';
import { promoAtCheckout } from '../domain/order-promotion';
import { type CheckoutTotals, checkoutTotals } from '../domain/order-totals';
import type { PlaceOrderInput } from './order-definitions';
import { act, undo } from './order-v1-activities';
import type { FirstShapeOrder } from './order-v1-progress';
import type { Saga } from './saga';
import { OrderTotal, SellerIds } from './search-attributes';

// The first order shape's checkout steps, one full activity after another, as its histories recorded them.

export function failureMessageV1(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * A flash-sale hold is already reserved under this order's id: take it over before the sweep can expire
 * it; the reserve step then finds it held. (Absent on older orders, so replay is unchanged.)
 */
export async function takeOverFlashSaleHoldV1(
  orderId: string,
  flashSale: { sku: string; ticket: string },
  saga: Saga,
): Promise<void> {
  await act.claimFlashSaleHold({ ...flashSale, orderId });
  const flashSkus = [flashSale.sku];
  saga.add(() => undo.releaseStock({ holdId: orderId, skus: flashSkus }));
}

/** Validate against the live catalog, total it (the promo judged at the workflow's clock), record it. */
export async function priceAndRecordV1(
  order: FirstShapeOrder,
  input: PlaceOrderInput,
): Promise<CheckoutTotals> {
  const { state } = order;
  state.lines = await act.priceLines({ lines: mergeLines(input.lines) });
  state.priceChanges = state.lines.flatMap((line) => {
    const was = input.cartPrices?.[line.sku];
    return was && was.amount !== line.unitPrice.amount ? [{ sku: line.sku, was, now: line.unitPrice }] : [];
  });
  state.promo = promoAtCheckout(input.promotion, state.lines);
  const totals = checkoutTotals(
    state.lines,
    input.shipTo,
    state.promo?.valid ? state.promo.discount.amount : 0,
  );
  Object.assign(state, { totals, total: totals.total });
  upsertSearchAttributes([
    { key: SellerIds, value: totals.bySeller.map((s) => s.sellerId) },
    { key: OrderTotal, value: totals.total.amount },
  ]);
  await act.recordOrder({
    orderId: input.orderId,
    customerId: input.customerId,
    lines: state.lines,
    subtotal: totals.subtotal,
    discount: totals.discount,
    shipping: totals.shipping,
    tax: totals.tax,
    total: totals.total,
    shipTo: input.shipTo,
    sellerIds: totals.bySeller.map((s) => s.sellerId),
    ...(state.promo?.valid ? { promoCode: state.promo.code } : {}),
    status: 'received',
  });
  return totals;
}

/** The buyer's and card's fraud signals, with the order's total (not async: read in the order's own step). */
export function fraudSignalsV1(input: PlaceOrderInput, totals: CheckoutTotals): Promise<FraudSignals> {
  return act.fraudSignals({
    orderId: input.orderId,
    customerId: input.customerId,
    ...(input.paymentMethodId ? { paymentMethodId: input.paymentMethodId } : {}),
    orderTotalMinor: totals.total.amount,
    currency: totals.total.currency,
    shippingCountry: input.shipTo.country,
    ...(input.billingCountry ? { billingCountry: input.billingCountry } : {}),
  });
}

/** Hold the stock for as long as payment may take. */
export async function holdStockV1(order: FirstShapeOrder, input: PlaceOrderInput, saga: Saga): Promise<void> {
  const { state } = order;
  await order.moveTo('reserving_stock');
  const skus = state.lines.map((line) => line.sku);
  await act.reserveStock({ holdId: input.orderId, lines: state.lines });
  saga.add(() => undo.releaseStock({ holdId: input.orderId, skus }));
  state.holdExpiresAt = new Date(Date.now() + input.holdSeconds * 1000).toISOString();
}
