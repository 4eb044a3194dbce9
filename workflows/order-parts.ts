import {
  ApplicationFailure,
  type ChildWorkflowHandle,
  ParentClosePolicy,
  condition,
  startChild,
} from '@temporalio/workflow';
import { deriveOrderStatus, hasShipped } from '../domain/sub-order-status';
import { dbUndo, undo } from './order-activities';
import type { OrderState, PlaceOrderInput } from './order-definitions';
import type { LeanOrder } from './order-progress';
import { failureMessage } from './order-steps';
import { subOrderSearchAttributes } from './search-attributes';
import type { sellerFulfillmentWorkflow } from './seller-fulfillment';
import {
  type SubOrderInput,
  type SubOrderState,
  sellerFulfillmentWorkflowId,
} from './seller-fulfillment-definitions';

// The lean order after payment: one seller-fulfillment child per seller, each owning its stock and its
// authorization, followed until every part has ended.

const day = 24 * 3600;

/**
 * Confirm and split: from here a cancel goes to the parts, and the parts' changes reach the order. The
 * status is kept in memory until the parts run (nothing is awaited from the buyer any more).
 */
export function splitIntoParts(
  order: LeanOrder,
  input: PlaceOrderInput,
): { parts: SubOrderInput[]; acceptBy: string } {
  const { state } = order;
  order.split = true;
  const totals = state.totals;
  if (!totals) throw ApplicationFailure.nonRetryable('order confirmed without totals');
  order.followParts();
  const authorizedAt = Date.now();
  const acceptWithinSeconds = input.sellerAcceptSeconds ?? 2 * day;
  const acceptBy = new Date(authorizedAt + acceptWithinSeconds * 1000).toISOString();
  const parts: SubOrderInput[] = totals.bySeller.map((part) => ({
    version: 2,
    orderId: input.orderId,
    sellerId: part.sellerId,
    customerId: input.customerId,
    lines: state.lines.filter((line) => line.sellerId === part.sellerId),
    total: part.total,
    paymentIntentId: state.paymentIntentIds[part.sellerId] ?? '',
    shipTo: input.shipTo,
    authorizedAt,
    acceptWithinSeconds,
    captureWithinSeconds: input.captureWithinSeconds ?? 6 * day,
  }));
  state.subOrders = parts.map((part) => ({
    sellerId: part.sellerId,
    status: 'awaiting_acceptance' as const,
    total: part.total,
    paymentIntentId: part.paymentIntentId,
  }));
  order.enter('confirmed');
  return { parts, acceptBy };
}

/** Each part's workflow, started together (not async: the order awaits exactly this promise). */
export function startParts(
  input: PlaceOrderInput,
  parts: SubOrderInput[],
): Promise<Array<ChildWorkflowHandle<typeof sellerFulfillmentWorkflow>>> {
  return Promise.all(
    parts.map((part) =>
      // By type name: this module is what the worker bundles, and the child module imports it back.
      startChild<typeof sellerFulfillmentWorkflow>('sellerFulfillmentWorkflow', {
        workflowId: sellerFulfillmentWorkflowId(input.orderId, part.sellerId),
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: subOrderSearchAttributes(part),
        args: [part],
      }),
    ),
  );
}

/**
 * Recorded once every part's workflow runs, so a seller who sees its sub-order can act on it at once (not
 * async: the order awaits exactly the write).
 */
export function recordConfirmation(
  order: LeanOrder,
  parts: SubOrderInput[],
  acceptBy: string,
): Promise<void> {
  order.partsRunning = true;
  order.indexStatus('confirmed');
  return dbUndo.confirmOrder({
    ...order.statusFields(),
    status: 'confirmed',
    subOrders: parts.map((part) => ({
      orderId: part.orderId,
      sellerId: part.sellerId,
      customerId: part.customerId,
      lines: part.lines,
      total: part.total,
      paymentIntentId: part.paymentIntentId,
      acceptBy,
    })),
  });
}

/**
 * Follow the parts. A part that ends tells its final state; a part that fails (a bug, a step that refused
 * for good) is undone here so the order always ends in a defined state, never in a task loop. The order's
 * status follows from its parts' (domain/sub-order-status), and the buyer hears of each milestone.
 */
export async function followParts(
  order: LeanOrder,
  parts: SubOrderInput[],
  children: Array<ChildWorkflowHandle<typeof sellerFulfillmentWorkflow>>,
): Promise<OrderState> {
  const { state } = order;
  const ended = new Set<string>();
  const failedParts: Array<{ sellerId: string; reason: string }> = [];
  const settle = (sellerId: string, final: Partial<SubOrderState>) => {
    state.subOrders = state.subOrders.map((s) =>
      s.sellerId === sellerId && final.status ? { ...s, status: final.status } : s,
    );
    ended.add(sellerId);
    order.changed = true;
  };
  children.forEach((child, i) => {
    const sellerId = parts[i]?.sellerId ?? '';
    child.result().then(
      (final) => settle(sellerId, final),
      (failure: unknown) => {
        failedParts.push({ sellerId, reason: failureMessage(failure) });
        settle(sellerId, {});
      },
    );
  });
  for (;;) {
    await condition(() => order.changed);
    order.changed = false;
    for (const { sellerId, reason } of failedParts.splice(0)) {
      await undoFailedPart(state, parts, sellerId);
      state.failureReason = `the part of seller ${sellerId} failed: ${reason}`;
    }
    const derived = deriveOrderStatus(state.subOrders.map((s) => s.status));
    if (derived !== state.status) {
      await order.moveTo(derived);
      if (derived === 'shipped' || derived === 'partially_shipped') order.tellBuyer('order-shipped');
      if (derived === 'delivered') order.tellBuyer('order-delivered');
      if (derived === 'cancelled') order.tellBuyer('order-cancelled');
    }
    if (ended.size === children.length && !order.changed) {
      await order.messagesSent();
      return state;
    }
  }
}

/**
 * A part that failed without shipping gives its stock back and voids its authorization, under the same
 * keys the part itself uses, so whichever of the two ran first the effect happens once. A part that
 * shipped keeps its capture: its money is never moved a second time.
 */
async function undoFailedPart(state: OrderState, parts: SubOrderInput[], sellerId: string): Promise<void> {
  const sub = state.subOrders.find((s) => s.sellerId === sellerId);
  const part = parts.find((p) => p.sellerId === sellerId);
  if (!sub || !part || hasShipped(sub.status)) return;
  await Promise.all([
    dbUndo.releaseStock({ holdId: state.orderId, skus: part.lines.map((line) => line.sku) }),
    undo.cancelPaymentAuthorization({
      paymentIntentId: part.paymentIntentId,
      idempotencyKey: `void-${part.paymentIntentId}`,
    }),
  ]);
  sub.status = 'cancelled';
}
