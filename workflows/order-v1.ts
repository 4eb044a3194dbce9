import { condition, isCancellation } from '@temporalio/workflow';
import { assessFraud } from '../domain/fraud';
import { OrderCancelled } from './order-controls';
import type { OrderState, PlaceOrderInput } from './order-definitions';
import { awaitFraudReview } from './order-fraud-review';
import { notifyBuyer } from './order-notifications';
import { OrderPayment } from './order-payment';
import { followPartsV1, splitV1, startPartsV1 } from './order-v1-parts';
import { FirstShapeOrder } from './order-v1-progress';
import {
  failureMessageV1,
  fraudSignalsV1,
  holdStockV1,
  priceAndRecordV1,
  takeOverFlashSaleHoldV1,
} from './order-v1-steps';
import { Saga } from './saga';

/**
 * The first shape of the order workflow, kept so that orders started before the lean shape (input without
 * `version`) replay and finish as they began: the same steps, in the same order, with the same options.
 * New orders run `orderWorkflowV2`.
 */
export async function orderWorkflowV1(input: PlaceOrderInput): Promise<OrderState> {
  const order = new FirstShapeOrder(input);
  const { state } = order;
  order.listen();
  const saga = new Saga();
  let payment: OrderPayment | undefined;
  try {
    // 0. A flash-sale hold is the order's already: take it over before it can expire.
    if (input.flashSale) await takeOverFlashSaleHoldV1(input.orderId, input.flashSale, saga);
    // 1. Validate against the live catalog, total it and record it.
    const totals = await priceAndRecordV1(order, input);
    // 2. Fraud screen; a risky order waits for a person.
    state.fraud = assessFraud(await fraudSignalsV1(input, totals));
    await awaitFraudReview(order, input.fraudReviewSeconds);
    // 3. Hold the stock for as long as payment may take.
    await holdStockV1(order, input, saga);
    // 4. Authorize: at once if the caller gave a payment method, else via the storefront's payment step,
    // whose handlers are in place before the order says it awaits payment.
    const pay = new OrderPayment(
      input.orderId,
      input.customerId,
      totals.bySeller,
      () => state.status === 'awaiting_payment',
    );
    payment = pay;
    saga.add(() => pay.voidAll());
    pay.listen((outcome) => (state.payment = outcome));
    await order.moveTo('awaiting_payment');
    if (input.paymentMethodId) state.payment = await pay.submit(input.paymentMethodId);
    const paid = await condition(() => pay.done() || !!order.cancelRequested, input.holdSeconds * 1000);
    order.stopIfCancelled();
    if (!paid) throw new OrderCancelled('payment was not completed before the stock hold expired');
    state.paymentIntentIds = { ...pay.authorized };
  } catch (error) {
    if (isCancellation(error)) throw error;
    await saga.compensate();
    const cancelled = error instanceof OrderCancelled;
    await order.moveTo(cancelled ? 'cancelled' : 'failed', { failureReason: failureMessageV1(error) });
    if (cancelled) await notifyBuyer(state, 'order-cancelled', input.shipTo.phone);
    return state;
  }

  // 5. From here each seller's part owns its stock and its authorization: split, confirm, and follow.
  const totals = splitV1(order, !!payment);
  const children = await startPartsV1(order, input, totals);
  await order.moveTo('confirmed');
  await notifyBuyer(state, 'order-confirmed', input.shipTo.phone);
  return followPartsV1(order, input, totals, children);
}
