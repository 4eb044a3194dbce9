import { condition, patched } from '@temporalio/workflow';
import { advances } from '../domain/sub-order-status';
import { act } from './seller-fulfillment-controls';
import type { SubOrderInput, SubOrderState } from './seller-fulfillment-definitions';
import { FirstShapeSubOrder } from './seller-fulfillment-v1-progress';

/**
 * The first shape of a seller's part, kept for parts started by `orderWorkflowV1` (input without
 * `version`), so they replay and finish as they began: the same steps, in the same order, with the same
 * options. New parts run `sellerFulfillmentWorkflowV2`.
 */
export async function sellerFulfillmentWorkflowV1(input: SubOrderInput): Promise<SubOrderState> {
  const part = new FirstShapeSubOrder(input);
  const { state, pendingCarrier, skus } = part;
  part.listen();

  await act.recordSubOrder({
    orderId: input.orderId,
    sellerId: input.sellerId,
    customerId: input.customerId,
    lines: input.lines,
    total: input.total,
    paymentIntentId: input.paymentIntentId,
    acceptBy: state.acceptBy,
  });

  const accepted = await condition(
    () => state.status !== 'awaiting_acceptance' || !!part.cancelRequested,
    input.acceptWithinSeconds * 1000,
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

  if (part.cancelRequested) {
    state.cancelReason = part.cancelRequested;
    await act.releaseStock({ holdId: input.orderId, skus });
    await act.cancelPaymentAuthorization({
      paymentIntentId: input.paymentIntentId,
      idempotencyKey: `void-${input.paymentIntentId}`,
    });
    await part.moveTo('cancelled');
    return state;
  }

  // Shipped: the sale is final for this part. Capture exactly what shipped, and turn the hold into a sale.
  state.captured = await act.capturePayment({
    paymentIntentId: input.paymentIntentId,
    amount: input.total,
    idempotencyKey: `order-${input.orderId}-${input.sellerId}-capture`,
  });
  await act.commitStock({ holdId: input.orderId, skus });
  // The seller has earned it now (paid out only after the return window): sale, commission and shipping.
  if (patched('seller-ledger')) {
    await act.postSaleToLedger({ orderId: input.orderId, sellerId: input.sellerId });
  }
  // The carrier's events move the part forward only (a late or repeated one changes nothing).
  for (;;) {
    const next = pendingCarrier.shift();
    if (next && advances(state.status, next)) await part.moveTo(next);
    if (state.status === 'delivered') return state;
    await condition(() => pendingCarrier.length > 0);
  }
}
