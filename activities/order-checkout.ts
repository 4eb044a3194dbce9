import type { FraudSignals } from '../domain/fraud';
import type { FraudSignalsInput } from './fraud-signals';
import type { PriceAndRecordInput, PricedOrder } from './orders';

export interface CheckoutInput extends PriceAndRecordInput {
  /** The buyer's and card's side of the fraud signals; the total joins them once priced. */
  signals: Omit<FraudSignalsInput, 'orderId' | 'customerId' | 'orderTotalMinor' | 'currency'>;
}

/**
 * The first step of a checkout, as one local activity: price, total and record the order while its fraud
 * signals are read beside it. The two always run together, so one step (one marker in the order's history)
 * does both; each part is idempotent on its own ($setOnInsert for the order, a set of order ids for
 * velocity), so a retry of the whole step changes nothing twice.
 */
export function createOrderCheckoutActivities(deps: {
  orders: { priceAndRecordOrder(input: PriceAndRecordInput): Promise<PricedOrder> };
  fraud: { fraudSignals(input: FraudSignalsInput): Promise<FraudSignals> };
}) {
  return {
    async priceAndRecordOrderWithSignals(
      input: CheckoutInput,
    ): Promise<PricedOrder & { signals: FraudSignals }> {
      const { signals: buyerSide, ...order } = input;
      // Both end before the step answers or fails, so a retry never overlaps a half still running.
      const [priced, signals] = await Promise.allSettled([
        deps.orders.priceAndRecordOrder(order),
        deps.fraud.fraudSignals({
          ...buyerSide,
          orderId: input.orderId,
          customerId: input.customerId,
          orderTotalMinor: 0,
          currency: '',
        }),
      ]);
      if (priced.status === 'rejected') throw priced.reason;
      if (signals.status === 'rejected') throw signals.reason;
      const { total } = priced.value.totals;
      return {
        ...priced.value,
        signals: { ...signals.value, orderTotalMinor: total.amount, currency: total.currency },
      };
    },
  };
}
