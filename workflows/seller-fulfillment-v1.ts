import {
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import { advances, hasShipped, type SubOrderStatus } from '../domain/sub-order-status';
import type { TrackingStatus } from '../integrations/carriers/carrier';
import { orderWorkflowId, subOrderChangedSignal } from './order-definitions';
import { MarketplaceStatus } from './search-attributes';
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

const act = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const carrierStatus: Partial<Record<TrackingStatus, SubOrderStatus>> = {
  in_transit: 'shipped',
  out_for_delivery: 'shipped',
  delivered: 'delivered',
};

/**
 * The first shape of a seller's part, kept unchanged for parts started by `orderWorkflowV1` (input without
 * `version`), so they replay and finish as they began. New parts run `sellerFulfillmentWorkflowV2`.
 */
export async function sellerFulfillmentWorkflowV1(input: SubOrderInput): Promise<SubOrderState> {
  const acceptBy = new Date(Date.now() + input.acceptWithinSeconds * 1000);
  const state: SubOrderState = {
    orderId: input.orderId,
    sellerId: input.sellerId,
    status: 'awaiting_acceptance',
    total: input.total,
    acceptBy: acceptBy.toISOString(),
  };
  let cancelRequested: string | undefined;
  const skus = input.lines.map((line) => line.sku);

  const moveTo = async (status: SubOrderStatus) => {
    state.status = status;
    upsertSearchAttributes([{ key: MarketplaceStatus, value: status }]);
    await act.setSubOrderStatus({
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
    () => state.status !== 'awaiting_acceptance' || !!cancelRequested,
    input.acceptWithinSeconds * 1000,
  );
  if (!accepted) cancelRequested = 'the seller did not accept in time';

  // Everything must ship before the card authorization lapses; what has not shipped by then is released.
  const captureDeadlineMs = input.authorizedAt + input.captureWithinSeconds * 1000 - Date.now();
  const shippedInTime =
    !cancelRequested &&
    (await condition(() => pendingCarrier.length > 0 || !!cancelRequested, Math.max(captureDeadlineMs, 1)));
  if (!shippedInTime && !cancelRequested)
    cancelRequested = 'not shipped before the payment authorization would lapse';

  if (cancelRequested) {
    state.cancelReason = cancelRequested;
    await act.releaseStock({ holdId: input.orderId, skus });
    await act.cancelPaymentAuthorization({
      paymentIntentId: input.paymentIntentId,
      idempotencyKey: `void-${input.paymentIntentId}`,
    });
    await moveTo('cancelled');
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
  for (;;) {
    const next = pendingCarrier.shift();
    if (next && advances(state.status, next)) await moveTo(next);
    if (state.status === 'delivered') return state;
    await condition(() => pendingCarrier.length > 0);
  }
}
