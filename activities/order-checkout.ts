import { ApplicationFailure } from '@temporalio/activity';
import { type FraudSignals, assessFraud } from '../domain/fraud';
import type { RequestedLine } from '../domain/order-lines';
import type { FraudSignalsInput } from './fraud-signals';
import type { PriceAndRecordInput, PricedOrder } from './orders';

export interface CheckoutInput extends PriceAndRecordInput {
  /** The buyer's and card's side of the fraud signals; the total joins them once priced. */
  signals: Omit<FraudSignalsInput, 'orderId' | 'customerId' | 'orderTotalMinor' | 'currency'>;
}

export interface CheckedOutOrder extends PricedOrder {
  signals: FraudSignals;
  /**
   * What became of the stock: held in this step when the fraud screen lets the order through, left to a
   * later step when a person must look at it first, or refused (out of stock, a hold that ended), answered
   * rather than thrown so the order still knows what it costs when it fails.
   */
  stock:
    { kind: 'held' } | { kind: 'after_review' } | { kind: 'refused'; failureType: string; reason: string };
}

/**
 * The first step of a checkout, as one local activity (one marker in the order's history): price, total
 * and record the order while its fraud signals are read beside it, then hold its stock unless the screen
 * (domain/fraud, the rule the workflow applies to the same signals) sends it to a person first. Each part
 * is idempotent on its own ($setOnInsert for the order, a set of order ids for velocity, one hold per order
 * id in the stock counters), so a retry of the whole step changes nothing twice.
 */
export function createOrderCheckoutActivities(deps: {
  orders: { priceAndRecordOrder: (input: PriceAndRecordInput) => Promise<PricedOrder> };
  fraud: { fraudSignals: (input: FraudSignalsInput) => Promise<FraudSignals> };
  inventory: { reserveStock: (input: { holdId: string; lines: RequestedLine[] }) => Promise<unknown> };
}) {
  async function holdUnlessReviewed(
    orderId: string,
    priced: PricedOrder,
    signals: FraudSignals,
  ): Promise<CheckedOutOrder['stock']> {
    if (assessFraud(signals).needsReview) return { kind: 'after_review' };
    try {
      await deps.inventory.reserveStock({ holdId: orderId, lines: priced.lines });
      return { kind: 'held' };
    } catch (error) {
      if (!(error instanceof ApplicationFailure && error.nonRetryable)) throw error;
      return { kind: 'refused', failureType: error.type ?? 'OutOfStock', reason: error.message };
    }
  }

  return {
    async checkOutOrder(input: CheckoutInput): Promise<CheckedOutOrder> {
      const { signals: buyerSide, ...order } = input;
      // Both end before the step goes on or fails, so a retry never overlaps a half still running.
      const [pricing, reading] = await Promise.allSettled([
        deps.orders.priceAndRecordOrder(order),
        deps.fraud.fraudSignals({
          ...buyerSide,
          orderId: input.orderId,
          customerId: input.customerId,
          orderTotalMinor: 0,
          currency: '',
        }),
      ]);
      if (pricing.status === 'rejected') throw pricing.reason;
      if (reading.status === 'rejected') throw reading.reason;
      const priced = pricing.value;
      const { total } = priced.totals;
      const signals = { ...reading.value, orderTotalMinor: total.amount, currency: total.currency };
      return { ...priced, signals, stock: await holdUnlessReviewed(input.orderId, priced, signals) };
    },
  };
}
