import type { CheckedOutOrder } from '../activities/order-checkout';
import type { PricedOrder } from '../activities/orders';
import type { FraudSignals } from '../domain/fraud';
import { mergeLines } from '../domain/order-lines';
import type { CheckoutTotals } from '../domain/order-totals';
import { db } from './order-activities';
import type { PlaceOrderInput } from './order-definitions';
import type { LeanOrder } from './order-progress';

// The lean order's first step: what the order costs, recorded, and what the fraud screen reads about it.

/** Orders of version 3 on hold their stock in the first step unless a person must look at them first. */
export type StockAtCheckout = CheckedOutOrder['stock'];

/** Both steps run together; the first failure is reported only once both have ended, so none is left. */
async function together<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [first, second] = await Promise.allSettled([a, b]);
  if (first.status === 'rejected') throw first.reason;
  if (second.status === 'rejected') throw second.reason;
  return [first.value, second.value];
}

/**
 * Price, total and record the order, while the buyer's and card's fraud signals are read beside it; the
 * total joins the signals once known. Tells the buyer (in the state) which prices changed since the cart.
 * From version 3 it also answers what became of the stock (see `checkedOut`).
 */
export async function priceAndRecord(
  order: LeanOrder,
  input: PlaceOrderInput,
): Promise<{ totals: CheckoutTotals; signals: FraudSignals; stock?: StockAtCheckout }> {
  const { state } = order;
  const [priced, signals, stock] = await (input.version === 2
    ? pricedBesideSignals(input)
    : checkedOut(input));
  const { totals } = priced;
  Object.assign(state, { lines: priced.lines, totals, total: totals.total, promo: priced.promo });
  state.priceChanges = state.lines.flatMap((line) => {
    const was = input.cartPrices?.[line.sku];
    return was && was.amount !== line.unitPrice.amount ? [{ sku: line.sku, was, now: line.unitPrice }] : [];
  });
  return {
    totals,
    signals: { ...signals, orderTotalMinor: totals.total.amount, currency: totals.total.currency },
    ...(stock ? { stock } : {}),
  };
}

const checkoutOf = (input: PlaceOrderInput) => ({
  orderId: input.orderId,
  customerId: input.customerId,
  lines: mergeLines(input.lines),
  shipTo: input.shipTo,
  ...(input.promotion ? { promotion: input.promotion } : {}),
});

const buyerSignalsOf = (input: PlaceOrderInput) => ({
  ...(input.paymentMethodId ? { paymentMethodId: input.paymentMethodId } : {}),
  shippingCountry: input.shipTo.country,
  ...(input.billingCountry ? { billingCountry: input.billingCountry } : {}),
});

/**
 * Orders of version 3 on: one local activity prices, records, reads the signals and, when the screen lets
 * the order through, holds its stock (one marker).
 */
async function checkedOut(input: PlaceOrderInput): Promise<[PricedOrder, FraudSignals, StockAtCheckout]> {
  const { signals, stock, ...priced } = await db.checkOutOrder({
    ...checkoutOf(input),
    signals: buyerSignalsOf(input),
  });
  return [priced, signals, stock];
}

/** Orders of version 2: two local activities side by side (two markers), as they began. */
function pricedBesideSignals(input: PlaceOrderInput): Promise<[PricedOrder, FraudSignals, undefined?]> {
  return together(
    db.priceAndRecordOrder(checkoutOf(input)),
    db.fraudSignals({
      orderId: input.orderId,
      customerId: input.customerId,
      ...buyerSignalsOf(input),
      // Not priced yet: the signals are about the buyer and the card; the total joins them above.
      orderTotalMinor: 0,
      currency: '',
    }),
  );
}
