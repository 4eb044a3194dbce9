import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import { advances, changesOrder, hasShipped, type SubOrderStatus } from '../domain/sub-order-status';
import type { TrackingStatus } from '../integrations/carriers/carrier';
import { orderWorkflowId, subOrderChangedSignal } from './order-definitions';
import { MarketplaceStatus } from './search-attributes';
import { sellerFulfillmentWorkflowV1 } from './seller-fulfillment-v1';
import {
  type SubOrderInput,
  type SubOrderState,
  acceptSubOrderUpdate,
  buyLabelUpdate,
  cancelSubOrderSignal,
  carrierEventSignal,
  declineSubOrderUpdate,
  markPackedUpdate,
  markPickedUpdate,
  subOrderStateQuery,
} from './seller-fulfillment-definitions';

// Stripe and the carrier: full activities, retried until they answer.
const act = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});
// The sub-order's own documents and the stock counters: local, one marker each.
const db = proxyLocalActivities<MarketplaceActivities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const carrierStatus: Partial<Record<TrackingStatus, SubOrderStatus>> = {
  in_transit: 'shipped',
  out_for_delivery: 'shipped',
  delivered: 'delivered',
};

/** A business refusal from an activity (capture refused, hold ended), as opposed to an outage. */
function refusal(error: unknown): ApplicationFailure | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure && cause.nonRetryable ? cause : undefined;
}

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
  const state: SubOrderState = {
    orderId: input.orderId,
    sellerId: input.sellerId,
    status: 'awaiting_acceptance',
    total: input.total,
    acceptBy: new Date(acceptBy).toISOString(),
  };
  let cancelRequested: string | undefined;
  const skus = input.lines.map((line) => line.sku);

  const moveTo = async (status: SubOrderStatus) => {
    const from = state.status;
    state.status = status;
    upsertSearchAttributes([{ key: MarketplaceStatus, value: status }]);
    await db.setSubOrderStatus({
      orderId: input.orderId,
      sellerId: input.sellerId,
      status,
      changes: {
        ...(state.trackingNumber ? { trackingNumber: state.trackingNumber } : {}),
        ...(state.carrier ? { carrier: state.carrier } : {}),
        ...(state.labelUrl ? { labelUrl: state.labelUrl } : {}),
        ...(state.captured ? { captured: state.captured } : {}),
        ...(state.cancelReason ? { cancelReason: state.cancelReason } : {}),
      },
    });
    if (!changesOrder(from, status)) return;
    const parent = workflowInfo().parent?.workflowId ?? orderWorkflowId(input.orderId);
    await getExternalWorkflowHandle(parent).signal(subOrderChangedSignal, {
      sellerId: input.sellerId,
      status,
      total: input.total,
      paymentIntentId: input.paymentIntentId,
      ...(state.trackingNumber ? { trackingNumber: state.trackingNumber } : {}),
    });
  };

  /** A seller's step is accepted only from the status right before it, and never while cancelling. */
  const onlyFrom = (from: SubOrderStatus, to: SubOrderStatus) => () => {
    if (state.status !== from || cancelRequested) {
      throw new Error(
        `sub-order is ${cancelRequested ? 'being cancelled' : state.status}; cannot move to ${to}`,
      );
    }
  };
  setHandler(subOrderStateQuery, () => state);
  setHandler(
    acceptSubOrderUpdate,
    async () => {
      await moveTo('accepted');
      return state;
    },
    { validator: onlyFrom('awaiting_acceptance', 'accepted') },
  );
  setHandler(
    markPickedUpdate,
    async () => {
      await moveTo('picked');
      return state;
    },
    { validator: onlyFrom('accepted', 'picked') },
  );
  setHandler(
    markPackedUpdate,
    async () => {
      await moveTo('packed');
      return state;
    },
    { validator: onlyFrom('picked', 'packed') },
  );
  setHandler(
    buyLabelUpdate,
    async ({ weightGrams }) => {
      const label = await act.buyShippingLabel({
        shipmentId: `order-${input.orderId}-${input.sellerId}`,
        orderId: input.orderId,
        sellerId: input.sellerId,
        to: input.shipTo,
        kind: 'outbound',
        weightGrams,
      });
      Object.assign(state, {
        trackingNumber: label.trackingNumber,
        labelUrl: label.labelUrl,
        carrier: label.carrier,
      });
      await moveTo('label_purchased');
      return state;
    },
    {
      validator: ({ weightGrams }) => {
        onlyFrom('packed', 'label_purchased')();
        if (!Number.isInteger(weightGrams) || weightGrams < 1 || weightGrams > 70_000) {
          throw new Error('weightGrams must be an integer from 1 to 70000');
        }
      },
    },
  );
  setHandler(
    declineSubOrderUpdate,
    async ({ reason }) => {
      cancelRequested = `declined by seller: ${reason}`;
      await condition(() => state.status === 'cancelled');
      return state;
    },
    {
      validator: (_input: { reason: string }) => {
        if (!advances(state.status, 'cancelled') || state.status === 'label_purchased') {
          throw new Error(`sub-order is ${state.status}; it can no longer be declined`);
        }
      },
    },
  );
  setHandler(cancelSubOrderSignal, ({ reason }) => {
    if (!hasShipped(state.status) && state.status !== 'label_purchased') cancelRequested ??= reason;
  });
  const pendingCarrier: SubOrderStatus[] = [];
  setHandler(carrierEventSignal, ({ status }) => {
    const next = carrierStatus[status];
    if (next) pendingCarrier.push(next);
  });

  /** Nothing of this part will ship: its units go back and its authorization is voided. */
  const release = async (reason: string) => {
    state.cancelReason = reason;
    await Promise.all([
      db.releaseStock({ holdId: input.orderId, skus }),
      act.cancelPaymentAuthorization({
        paymentIntentId: input.paymentIntentId,
        idempotencyKey: `void-${input.paymentIntentId}`,
      }),
    ]);
    await moveTo('cancelled');
    return state;
  };

  // The order recorded this sub-order as it confirmed; the part starts by waiting for its seller.
  const accepted = await condition(
    () => state.status !== 'awaiting_acceptance' || !!cancelRequested,
    Math.max(acceptBy - Date.now(), 1),
  );
  if (!accepted) cancelRequested = 'the seller did not accept in time';

  // Everything must ship before the card authorization lapses; what has not shipped by then is released.
  const captureDeadlineMs = input.authorizedAt + input.captureWithinSeconds * 1000 - Date.now();
  const shippedInTime =
    !cancelRequested &&
    (await condition(() => pendingCarrier.length > 0 || !!cancelRequested, Math.max(captureDeadlineMs, 1)));
  if (!shippedInTime && !cancelRequested)
    cancelRequested = 'not shipped before the payment authorization would lapse';
  if (cancelRequested) return release(cancelRequested);

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
    return release(`payment capture was refused: ${refused.message}`);
  }
  // The money is taken and the parcel is on its way: nothing below may undo that. A refusal here (a hold
  // that had already ended) is kept on the part for ops to reconcile, and the part carries on.
  const settle = async (step: () => Promise<void>) => {
    try {
      await step();
    } catch (error) {
      const refused = refusal(error);
      if (!refused) throw error;
      state.settlementIssue = refused.message;
    }
  };
  await settle(() => db.commitStock({ holdId: input.orderId, skus }));
  // The seller has earned it now (paid out only after the return window): sale, commission and shipping.
  await settle(() => db.postSaleToLedger({ orderId: input.orderId, sellerId: input.sellerId }));
  for (;;) {
    const next = pendingCarrier.shift();
    if (next && advances(state.status, next)) await moveTo(next);
    if (state.status === 'delivered') return state;
    await condition(() => pendingCarrier.length > 0);
  }
}
