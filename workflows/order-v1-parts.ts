import {
  ApplicationFailure,
  type ChildWorkflowHandle,
  ParentClosePolicy,
  condition,
  patched,
  startChild,
} from '@temporalio/workflow';
import type { CheckoutTotals } from '../domain/order-totals';
import { deriveOrderStatus, hasShipped } from '../domain/sub-order-status';
import type { OrderState, PlaceOrderInput } from './order-definitions';
import { notifyBuyer } from './order-notifications';
import { undo } from './order-v1-activities';
import type { FirstShapeOrder } from './order-v1-progress';
import { subOrderSearchAttributes } from './search-attributes';
import { sellerFulfillmentWorkflowId } from './seller-fulfillment-definitions';
import type { sellerFulfillmentWorkflowV1 } from './seller-fulfillment-v1';

// The first order shape after payment: one seller-fulfillment child per seller (the first shape of the
// part, which records its own sub-order), followed until every part has ended.

const day = 24 * 3600;

type PartHandle = ChildWorkflowHandle<typeof sellerFulfillmentWorkflowV1>;

/** From here each seller's part owns its stock and its authorization; a cancel goes to the parts. */
export function splitV1(order: FirstShapeOrder, hasPayment: boolean): CheckoutTotals {
  const { state } = order;
  order.split = true;
  const totals = state.totals;
  if (!totals || !hasPayment)
    throw ApplicationFailure.nonRetryable('order confirmed without totals or payment');
  order.followParts();
  state.subOrders = totals.bySeller.map((part) => ({
    sellerId: part.sellerId,
    status: 'awaiting_acceptance' as const,
    total: part.total,
    paymentIntentId: state.paymentIntentIds[part.sellerId] ?? '',
  }));
  return totals;
}

/** Each part's workflow, started together (not async: the order awaits exactly this promise). */
export function startPartsV1(
  order: FirstShapeOrder,
  input: PlaceOrderInput,
  totals: CheckoutTotals,
): Promise<PartHandle[]> {
  const { state } = order;
  const authorizedAt = Date.now();
  const started = Promise.all(
    totals.bySeller.map((part) =>
      // By type name: the child type recorded in these histories is `sellerFulfillmentWorkflow`.
      startChild<typeof sellerFulfillmentWorkflowV1>('sellerFulfillmentWorkflow', {
        workflowId: sellerFulfillmentWorkflowId(input.orderId, part.sellerId),
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: subOrderSearchAttributes({
          ...input,
          sellerId: part.sellerId,
          total: part.total,
        }),
        args: [
          {
            orderId: input.orderId,
            sellerId: part.sellerId,
            customerId: input.customerId,
            lines: state.lines.filter((line) => line.sellerId === part.sellerId),
            total: part.total,
            paymentIntentId: state.paymentIntentIds[part.sellerId] ?? '',
            shipTo: input.shipTo,
            authorizedAt,
            acceptWithinSeconds: input.sellerAcceptSeconds ?? 2 * day,
            captureWithinSeconds: input.captureWithinSeconds ?? 6 * day,
          },
        ],
      }),
    ),
  );
  return started.then((handles) => {
    order.partsRunning = true;
    return handles;
  });
}

/**
 * Follow the parts until all have ended; the order's status follows theirs, and the buyer hears of each
 * milestone. A part that failed is undone here (behind the patch that brought it).
 */
export async function followPartsV1(
  order: FirstShapeOrder,
  input: PlaceOrderInput,
  totals: CheckoutTotals,
  children: PartHandle[],
): Promise<OrderState> {
  const { state } = order;
  // A child that failed used to be an unhandled rejection, which fails every workflow task (a loop). Each
  // result is handled here and issues no command, so it replays the same; what a failure decides is behind
  // the patch below.
  const failedSellers: string[] = [];
  let open = children.length;
  let ended = open === 0;
  const partEnded = () => {
    open -= 1;
    ended = open === 0;
  };
  children.forEach((child, i) => {
    child.result().then(partEnded, () => {
      failedSellers.push(totals.bySeller[i]?.sellerId ?? '');
      partEnded();
    });
  });
  for (;;) {
    await condition(() => order.changed || ended);
    order.changed = false;
    if (ended && failedSellers.length > 0 && patched('order-seller-part-failed')) {
      // Inline, as this shape ran it: a failed part that had not shipped gives its stock back and voids
      // its authorization, one after another.
      for (const sellerId of failedSellers.splice(0)) {
        const sub = state.subOrders.find((s) => s.sellerId === sellerId);
        if (!sub || hasShipped(sub.status)) continue;
        await undo.releaseStock({
          holdId: input.orderId,
          skus: state.lines.filter((l) => l.sellerId === sellerId).map((l) => l.sku),
        });
        if (sub.paymentIntentId)
          await undo.cancelPaymentAuthorization({
            paymentIntentId: sub.paymentIntentId,
            idempotencyKey: `void-${sub.paymentIntentId}`,
          });
        sub.status = 'cancelled';
      }
    }
    const derived = deriveOrderStatus(state.subOrders.map((s) => s.status));
    if (derived !== state.status) {
      await order.moveTo(derived);
      if (derived === 'shipped' || derived === 'partially_shipped')
        await notifyBuyer(state, 'order-shipped', input.shipTo.phone);
      if (derived === 'delivered') await notifyBuyer(state, 'order-delivered', input.shipTo.phone);
      if (derived === 'cancelled') await notifyBuyer(state, 'order-cancelled', input.shipTo.phone);
    }
    if (ended && !order.changed) return state;
  }
}
