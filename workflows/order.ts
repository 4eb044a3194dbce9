import { condition, isCancellation } from '@temporalio/workflow';
import { assessFraud } from '../domain/fraud';
import { OrderCancelled } from './order-controls';
import type { OrderState, PlaceOrderInput } from './order-definitions';
import { awaitFraudReview } from './order-fraud-review';
import { notifyBuyerInBackground } from './order-notifications';
import { followParts, recordConfirmation, splitIntoParts, startParts } from './order-parts';
import { LeanOrder } from './order-progress';
import { priceAndRecord } from './order-pricing';
import { failureMessage, holdStock, openPayment, takeOverFlashSaleHold } from './order-steps';
import { orderWorkflowV1 } from './order-v1';
import { Saga } from './saga';

/**
 * One order from checkout to delivery. The input's `version` picks the shape it runs for its whole life:
 * orders started before the lean shape keep the first one (`orderWorkflowV1`).
 */
export async function orderWorkflow(input: PlaceOrderInput): Promise<OrderState> {
  return input.version ? leanOrderWorkflow(input) : orderWorkflowV1(input);
}

/**
 * The lean order: price, record and screen it, hold the stock, authorize every seller's part at once, then
 * confirm and split it into one seller-fulfillment child per seller and follow them to the end. Database
 * steps are local activities, statuses that last milliseconds are never written, and buyer messages go out
 * beside the order, never in its way. A failure before the split undoes everything done so far.
 */
async function leanOrderWorkflow(input: PlaceOrderInput): Promise<OrderState> {
  const order = new LeanOrder(input);
  const { state } = order;
  order.listen();
  const saga = new Saga();
  try {
    // 0. A flash-sale hold is the order's already: take it over before it can expire.
    if (input.flashSale) await takeOverFlashSaleHold(input.orderId, input.flashSale, saga);
    // 1. Price, total and record it, reading the buyer's and card's fraud signals beside it (from version
    // 3, in the same step, the stock is held too when the screen lets the order through).
    const { totals, signals, stock } = await priceAndRecord(order, input);
    state.fraud = assessFraud(signals);
    // A hold taken (or refused) with the price is settled now: the saga must own a hold before anything else
    // may fail.
    const stockSettled = stock !== undefined && stock.kind !== 'after_review';
    if (stockSettled) await holdStock(order, input, saga, stock);
    // 2. Fraud screen; a risky order waits for a person.
    await awaitFraudReview(order, input.fraudReviewSeconds);
    // 3. Hold the stock for as long as payment may take.
    if (!stockSettled) await holdStock(order, input, saga);
    // 4. Authorize every part at once if the caller gave a payment method; otherwise (or if that card was
    // declined) the order says it awaits payment, with the storefront's payment handlers already in place.
    const pay = openPayment(order, input.version, totals.bySeller, saga);
    if (input.paymentMethodId) state.payment = await pay.submit(input.paymentMethodId);
    if (!pay.done()) await order.moveTo('awaiting_payment');
    const paid =
      pay.done() || (await condition(() => pay.done() || !!order.cancelRequested, input.holdSeconds * 1000));
    order.stopIfCancelled();
    if (!paid) throw new OrderCancelled('payment was not completed before the stock hold expired');
    state.paymentIntentIds = { ...pay.authorized };
  } catch (error) {
    if (isCancellation(error)) throw error;
    await saga.compensate();
    const cancelled = error instanceof OrderCancelled;
    await order.moveTo(cancelled ? 'cancelled' : 'failed', { failureReason: failureMessage(error) });
    // The order ends here, so waiting for its last message delays nothing.
    if (cancelled) await notifyBuyerInBackground(state, 'order-cancelled', input.shipTo.phone);
    return state;
  }

  // 5. Confirm and split: each seller's part now owns its stock and its authorization. The confirmation is
  // recorded once every part's workflow runs, so a seller who sees its sub-order can act on it at once.
  // Version 2 sends the message with the children's start; from version 3 it is sent in the task that
  // records the confirmation.
  const { parts, acceptBy } = splitIntoParts(order, input);
  const firstLean = input.version === 2;
  if (firstLean) order.tellBuyer('order-confirmed');
  const children = await startParts(input, parts);
  await recordConfirmation(order, parts, acceptBy);
  if (!firstLean) order.tellBuyerInTask('order-confirmed');
  // 6. Follow the parts to their ends; the order's status follows theirs.
  return followParts(order, parts, children);
}
