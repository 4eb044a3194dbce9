import type { PricedOrder } from '../activities/orders';
import type { FraudSignals } from '../domain/fraud';
import { mergeLines } from '../domain/order-lines';
import type { CheckoutTotals } from '../domain/order-totals';
import { db } from './order-activities';
import type { PlaceOrderInput } from './order-definitions';
import type { LeanOrder } from './order-progress';

// The lean order's first step: what the order costs, recorded, and what the fraud screen reads about it.

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
 */
export async function priceAndRecord(
  order: LeanOrder,
  input: PlaceOrderInput,
): Promise<{ totals: CheckoutTotals; signals: FraudSignals }> {
  const { state } = order;
  const [priced, signals] = await (input.version === 2
    ? pricedBesideSignals(input)
    : pricedWithSignals(input));
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

/** Orders of version 3 on: one local activity prices, records and reads the signals (one marker). */
async function pricedWithSignals(input: PlaceOrderInput): Promise<[PricedOrder, FraudSignals]> {
  const { signals, ...priced } = await db.priceAndRecordOrderWithSignals({
    ...checkoutOf(input),
    signals: buyerSignalsOf(input),
  });
  return [priced, signals];
}

/** Orders of version 2: two local activities side by side (two markers), as they began. */
function pricedBesideSignals(input: PlaceOrderInput): Promise<[PricedOrder, FraudSignals]> {
  return together(
    db.priceAndRecordOrder(checkoutOf(input)),
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
}
