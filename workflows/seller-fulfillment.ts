import { condition } from '@temporalio/workflow';
import { advances } from '../domain/sub-order-status';
import { act } from './seller-fulfillment-controls';
import type { SubOrderInput, SubOrderState } from './seller-fulfillment-definitions';
import { refusal, SubOrderPart } from './seller-fulfillment-progress';
import { sellerFulfillmentWorkflowV1 } from './seller-fulfillment-v1';

/**
 * One seller's part of an order. The input's `version` picks the shape it runs for its whole life: parts
 * started by the first shape of the order keep the first one (`sellerFulfillmentWorkflowV1`).
 */
export async function sellerFulfillmentWorkflow(input: SubOrderInput): Promise<SubOrderState> {
  return input.version === 2 ? sellerFulfillmentWorkflowV2(input) : sellerFulfillmentWorkflowV1(input);
}

/**
 * The seller accepts within a deadline, picks, packs and buys a label; the carrier's events move it to
 * shipped (the payment for this part is captured then, and only then) and delivered. What never ships is
 * released: stock back, authorization voided. A capture the bank refuses releases the part the same way.
 * The order is told only what can change the order (see `changesOrder`), not every warehouse step.
 */
async function sellerFulfillmentWorkflowV2(input: SubOrderInput): Promise<SubOrderState> {
  const acceptBy = input.authorizedAt + input.acceptWithinSeconds * 1000;
  const part = new SubOrderPart(input, acceptBy);
  const { state, pendingCarrier } = part;
  part.listen();

  // The order recorded this sub-order as it confirmed; the part starts by waiting for its seller.
  const accepted = await condition(
    () => state.status !== 'awaiting_acceptance' || !!part.cancelRequested,
    Math.max(acceptBy - Date.now(), 1),
  );
  if (!accepted) part.cancelRequested = 'the seller did not accept in time';

  // Everything must ship before the card authorization lapses; what has not shipped by then is released.
  const captureDeadlineMs = input.authorizedAt + input.captureWithinSeconds * 1000 - Date.now();
  const shippedInTime =
    !part.cancelRequested &&
    (await condition(
      () => pendingCarrier.length > 0 || !!part.cancelRequested,
      Math.max(captureDeadlineMs, 1),
    ));
  if (!shippedInTime && !part.cancelRequested)
    part.cancelRequested = 'not shipped before the payment authorization would lapse';
  if (part.cancelRequested) return part.release(part.cancelRequested);

  // Shipped: the sale is final for this part. Capture exactly what shipped, and turn the hold into a sale.
  try {
    state.captured = await act.capturePayment({
      paymentIntentId: input.paymentIntentId,
      amount: input.total,
      idempotencyKey: `order-${input.orderId}-${input.sellerId}-capture`,
    });
  } catch (error) {
    // The bank refused the capture (the authorization lapsed or was revoked): no money moved, so the
    // part is released like one that never shipped, and the order hears it is cancelled.
    const refused = refusal(error);
    if (!refused) throw error;
    return part.release(`payment capture was refused: ${refused.message}`);
  }
  // The money is taken and the parcel is on its way: a refusal below is kept for ops (see `settle`).
  await part.settle(() => part.commitStock());
  await part.settle(() => part.postSale());
  // The carrier's events move the part forward only (a late or repeated one changes nothing).
  for (;;) {
    const next = pendingCarrier.shift();
    if (next && advances(state.status, next)) await part.moveTo(next);
    if (state.status === 'delivered') return state;
    await condition(() => pendingCarrier.length > 0);
  }
}
