import {
  ActivityFailure,
  ApplicationFailure,
  ParentClosePolicy,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import { assessFraud } from '../domain/fraud';
import { mergeLines } from '../domain/order-lines';
import type { OrderStatus } from '../domain/order-status';
import { checkoutTotals } from '../domain/order-totals';
import { promoAtCheckout } from '../domain/order-promotion';
import { deriveOrderStatus, hasShipped } from '../domain/sub-order-status';
import {
  type OrderState,
  type PlaceOrderInput,
  cancelOrderUpdate,
  fraudDecisionUpdate,
  orderStateQuery,
  subOrderChangedSignal,
} from './order-definitions';
import { notifyBuyer } from './order-notifications';
import { OrderPayment } from './order-payment';
import { Saga } from './saga';
import { cancelSubOrderSignal, sellerFulfillmentWorkflowId } from './seller-fulfillment-definitions';
import type { sellerFulfillmentWorkflowV1 } from './seller-fulfillment-v1';
import { CustomerId, MarketplaceStatus, OrderId, OrderTotal, SellerId, SellerIds } from './search-attributes';

const act = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  // Past this, an outage is treated as a failed step and the saga compensates.
  scheduleToCloseTimeout: '10 minutes',
});

// Compensations and status writes must finish however long an outage lasts, or money or stock stays held.
const undo = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const day = 24 * 3600;

function failureMessage(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

class OrderCancelled extends Error {}

/**
 * The first shape of the order workflow, kept unchanged so that orders started before the lean shape
 * (input without `version`) replay and finish as they began. New orders run `orderWorkflowV2`.
 */
export async function orderWorkflowV1(input: PlaceOrderInput): Promise<OrderState> {
  const state: OrderState = {
    orderId: input.orderId,
    customerId: input.customerId,
    status: 'received',
    lines: [],
    priceChanges: [],
    paymentIntentIds: {},
    subOrders: [],
  };
  let cancelRequested: string | undefined;
  let fraudDecision: 'approve' | 'reject' | undefined;
  let split = false;
  setHandler(orderStateQuery, () => state);
  setHandler(
    cancelOrderUpdate,
    async ({ reason }) => {
      cancelRequested = reason;
      const cancelling = split
        ? state.subOrders.filter((s) => !hasShipped(s.status) && s.status !== 'label_purchased')
        : [];
      for (const sub of cancelling) {
        await getExternalWorkflowHandle(sellerFulfillmentWorkflowId(input.orderId, sub.sellerId)).signal(
          cancelSubOrderSignal,
          { reason },
        );
      }
      return {
        cancelling: split ? cancelling.map((s) => s.sellerId) : Object.keys(state.totals?.bySeller ?? {}),
      };
    },
    {
      validator: (_input: { reason: string }) => {
        const open = ['received', 'fraud_review', 'reserving_stock', 'awaiting_payment'].includes(
          state.status,
        );
        const unshipped = state.subOrders.some(
          (s) => !hasShipped(s.status) && !['cancelled', 'label_purchased'].includes(s.status),
        );
        if (!open && !(split && unshipped))
          throw new Error(`order is ${state.status}; nothing left to cancel`);
      },
    },
  );
  setHandler(
    fraudDecisionUpdate,
    ({ decision }) => {
      fraudDecision = decision;
      return state.status;
    },
    {
      validator: ({ decision }: { decision: 'approve' | 'reject'; reason: string }) => {
        if (decision !== 'approve' && decision !== 'reject')
          throw new Error('decision must be approve or reject');
        if (state.status !== 'fraud_review' || fraudDecision)
          throw new Error('this order is not waiting for a fraud decision');
      },
    },
  );

  const moveTo = async (status: OrderStatus, extra: { failureReason?: string } = {}) => {
    Object.assign(state, extra, { status });
    upsertSearchAttributes([{ key: MarketplaceStatus, value: status }]);
    await undo.setOrderStatus({
      orderId: input.orderId,
      status,
      paymentIntentIds: state.paymentIntentIds,
      ...(state.fraud ? { fraud: { score: state.fraud.score, reasons: state.fraud.reasons } } : {}),
      ...extra,
    });
  };
  const stopIfCancelled = () => {
    if (cancelRequested) throw new OrderCancelled(cancelRequested);
  };

  const saga = new Saga();
  let payment: OrderPayment | undefined;
  try {
    // 0. A flash-sale hold is already reserved under this order's id: take it over before the sweep can
    // expire it; the reserve step below then finds it held. (Absent on older orders, so replay is unchanged.)
    if (input.flashSale) {
      await act.claimFlashSaleHold({ ...input.flashSale, orderId: input.orderId });
      const flashSkus = [input.flashSale.sku];
      saga.add(() => undo.releaseStock({ holdId: input.orderId, skus: flashSkus }));
    }
    // 1. Validate against the live catalog and total it.
    state.lines = await act.priceLines({ lines: mergeLines(input.lines) });
    state.priceChanges = state.lines.flatMap((line) => {
      const was = input.cartPrices?.[line.sku];
      return was && was.amount !== line.unitPrice.amount ? [{ sku: line.sku, was, now: line.unitPrice }] : [];
    });
    state.promo = promoAtCheckout(input.promotion, state.lines);
    const totals = checkoutTotals(
      state.lines,
      input.shipTo,
      state.promo?.valid ? state.promo.discount.amount : 0,
    );
    Object.assign(state, { totals, total: totals.total });
    upsertSearchAttributes([
      { key: SellerIds, value: totals.bySeller.map((s) => s.sellerId) },
      { key: OrderTotal, value: totals.total.amount },
    ]);
    await act.recordOrder({
      orderId: input.orderId,
      customerId: input.customerId,
      lines: state.lines,
      subtotal: totals.subtotal,
      discount: totals.discount,
      shipping: totals.shipping,
      tax: totals.tax,
      total: totals.total,
      shipTo: input.shipTo,
      sellerIds: totals.bySeller.map((s) => s.sellerId),
      ...(state.promo?.valid ? { promoCode: state.promo.code } : {}),
      status: 'received',
    });

    // 2. Fraud screen; a risky order waits for a person, and cancels itself if nobody decides in time.
    state.fraud = assessFraud(
      await act.fraudSignals({
        orderId: input.orderId,
        customerId: input.customerId,
        ...(input.paymentMethodId ? { paymentMethodId: input.paymentMethodId } : {}),
        orderTotalMinor: totals.total.amount,
        currency: totals.total.currency,
        shippingCountry: input.shipTo.country,
        ...(input.billingCountry ? { billingCountry: input.billingCountry } : {}),
      }),
    );
    if (state.fraud.needsReview) {
      await moveTo('fraud_review');
      const decided = await condition(
        () => !!fraudDecision || !!cancelRequested,
        (input.fraudReviewSeconds ?? 3 * day) * 1000,
      );
      stopIfCancelled();
      if (!decided) throw new OrderCancelled('fraud review was not decided in time');
      if (fraudDecision === 'reject') throw new OrderCancelled('rejected in fraud review');
    }
    stopIfCancelled();

    // 3. Hold the stock for as long as payment may take.
    await moveTo('reserving_stock');
    const skus = state.lines.map((line) => line.sku);
    await act.reserveStock({ holdId: input.orderId, lines: state.lines });
    saga.add(() => undo.releaseStock({ holdId: input.orderId, skus }));
    state.holdExpiresAt = new Date(Date.now() + input.holdSeconds * 1000).toISOString();

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
    await moveTo('awaiting_payment');
    if (input.paymentMethodId) state.payment = await pay.submit(input.paymentMethodId);
    const paid = await condition(() => pay.done() || !!cancelRequested, input.holdSeconds * 1000);
    stopIfCancelled();
    if (!paid) throw new OrderCancelled('payment was not completed before the stock hold expired');
    state.paymentIntentIds = { ...pay.authorized };
  } catch (error) {
    if (isCancellation(error)) throw error;
    await saga.compensate();
    const cancelled = error instanceof OrderCancelled;
    await moveTo(cancelled ? 'cancelled' : 'failed', { failureReason: failureMessage(error) });
    if (cancelled) await notifyBuyer(state, 'order-cancelled', input.shipTo.phone);
    return state;
  }

  // 5. From here each seller's part owns its stock and its authorization: split, confirm, and follow.
  split = true;
  const totals = state.totals;
  if (!totals || !payment) throw ApplicationFailure.nonRetryable('order confirmed without totals or payment');
  let changed = false;
  setHandler(subOrderChangedSignal, (summary) => {
    state.subOrders = state.subOrders.map((s) =>
      s.sellerId === summary.sellerId ? { ...s, ...summary } : s,
    );
    changed = true;
  });
  state.subOrders = totals.bySeller.map((part) => ({
    sellerId: part.sellerId,
    status: 'awaiting_acceptance' as const,
    total: part.total,
    paymentIntentId: state.paymentIntentIds[part.sellerId] ?? '',
  }));
  const authorizedAt = Date.now();
  const children = await Promise.all(
    totals.bySeller.map((part) =>
      // By type name: the child type recorded in these histories is `sellerFulfillmentWorkflow`.
      startChild<typeof sellerFulfillmentWorkflowV1>('sellerFulfillmentWorkflow', {
        workflowId: sellerFulfillmentWorkflowId(input.orderId, part.sellerId),
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [
          { key: OrderId, value: input.orderId },
          { key: CustomerId, value: input.customerId },
          { key: SellerId, value: part.sellerId },
          { key: MarketplaceStatus, value: 'awaiting_acceptance' },
          { key: OrderTotal, value: part.total.amount },
        ],
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
  await moveTo('confirmed');
  await notifyBuyer(state, 'order-confirmed', input.shipTo.phone);
  let ended = false;
  // A child that failed used to be an unhandled rejection, which fails every workflow task (a loop). The
  // handler issues no command, so it replays the same; what it decides is behind the patch below.
  const failedSellers: string[] = [];
  void Promise.all(
    children.map((child, i) =>
      child.result().catch(() => {
        failedSellers.push(totals.bySeller[i]?.sellerId ?? '');
      }),
    ),
  ).then(
    () => (ended = true),
    // Unreachable (each result is caught above), but a rejection here must never fail the workflow task.
    () => (ended = true),
  );
  for (;;) {
    await condition(() => changed || ended);
    changed = false;
    if (ended && failedSellers.length > 0 && patched('order-seller-part-failed')) {
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
      await moveTo(derived);
      if (derived === 'shipped' || derived === 'partially_shipped')
        await notifyBuyer(state, 'order-shipped', input.shipTo.phone);
      if (derived === 'delivered') await notifyBuyer(state, 'order-delivered', input.shipTo.phone);
      if (derived === 'cancelled') await notifyBuyer(state, 'order-cancelled', input.shipTo.phone);
    }
    if (ended && !changed) return state;
  }
}
