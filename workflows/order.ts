import {
  ApplicationFailure,
  ActivityFailure,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import { orderTotals, mergeLines } from '../domain/order-lines';
import type { OrderStatus } from '../domain/order-status';
import { type OrderState, type PlaceOrderInput, orderStateQuery } from './order-definitions';
import { Saga } from './saga';
import { MarketplaceStatus, OrderTotal, SellerIds } from './search-attributes';

const act = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  // Past this, an outage is treated as a failed step and the saga compensates.
  scheduleToCloseTimeout: '10 minutes',
});

// Compensations must finish however long an outage lasts, or money or stock would stay held.
const undo = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

function failureMessage(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Places one order: price, record, hold stock, authorize payment, confirm; any failure undoes it all. */
export async function orderWorkflow(input: PlaceOrderInput): Promise<OrderState> {
  const state: OrderState = {
    orderId: input.orderId,
    customerId: input.customerId,
    status: 'received',
    lines: [],
  };
  setHandler(orderStateQuery, () => state);

  const moveTo = async (
    status: OrderStatus,
    extra: { paymentIntentId?: string; failureReason?: string } = {},
  ) => {
    Object.assign(state, extra, { status });
    upsertSearchAttributes([{ key: MarketplaceStatus, value: status }]);
    await undo.setOrderStatus({ orderId: input.orderId, status, ...extra });
  };

  const saga = new Saga();
  try {
    state.lines = await act.priceLines({ lines: mergeLines(input.lines) });
    const totals = orderTotals(state.lines);
    state.total = totals.total;
    upsertSearchAttributes([
      { key: SellerIds, value: Object.keys(totals.bySeller) },
      { key: OrderTotal, value: totals.total.amount },
    ]);
    await act.recordOrder({
      orderId: input.orderId,
      customerId: input.customerId,
      lines: state.lines,
      subtotal: totals.subtotal,
      total: totals.total,
      status: 'reserving_stock',
    });
    await moveTo('reserving_stock');

    const skus = state.lines.map((line) => line.sku);
    await act.reserveStock({ holdId: input.orderId, lines: state.lines });
    saga.add(() => undo.releaseStock({ holdId: input.orderId, skus }));
    await moveTo('awaiting_payment');

    const payment = await act.authorizePayment({
      orderId: input.orderId,
      customerId: input.customerId,
      amount: totals.total,
      paymentMethodId: input.paymentMethodId,
      idempotencyKey: `order-${input.orderId}-authorize`,
    });
    if (payment.kind !== 'authorized') {
      if (payment.paymentIntentId) {
        const paymentIntentId = payment.paymentIntentId;
        saga.add(() =>
          undo.cancelPaymentAuthorization({ paymentIntentId, idempotencyKey: `order-${input.orderId}-void` }),
        );
      }
      throw ApplicationFailure.nonRetryable(
        payment.kind === 'declined' ? payment.reason : 'payment needs customer action',
        'PaymentNotAuthorized',
      );
    }
    saga.add(() =>
      undo.cancelPaymentAuthorization({
        paymentIntentId: payment.paymentIntentId,
        idempotencyKey: `order-${input.orderId}-void`,
      }),
    );
    state.paymentIntentId = payment.paymentIntentId;
    await moveTo('confirmed', { paymentIntentId: payment.paymentIntentId });
    return state;
  } catch (error) {
    if (isCancellation(error)) throw error;
    await saga.compensate();
    await moveTo('failed', { failureReason: failureMessage(error) });
    return state;
  }
}
