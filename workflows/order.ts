import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  ParentClosePolicy,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import { assessFraud } from '../domain/fraud';
import { mergeLines } from '../domain/order-lines';
import type { OrderStatus } from '../domain/order-status';
import { deriveOrderStatus, hasShipped } from '../domain/sub-order-status';
import {
  type OrderState,
  type PlaceOrderInput,
  cancelOrderUpdate,
  fraudDecisionUpdate,
  orderStateQuery,
  subOrderChangedSignal,
} from './order-definitions';
import { type OrderEvent, notifyBuyerInBackground } from './order-notifications';
import { OrderPayment } from './order-payment';
import { orderWorkflowV1 } from './order-v1';
import { showOrderProgress } from './order-ops-view';
import { Saga } from './saga';
import {
  type SubOrderInput,
  type SubOrderState,
  cancelSubOrderSignal,
  sellerFulfillmentWorkflowId,
} from './seller-fulfillment-definitions';
import type { sellerFulfillmentWorkflow } from './seller-fulfillment';
import { CustomerId, MarketplaceStatus, OrderId, OrderTotal, SellerId, SellerIds } from './search-attributes';

// Database and Redis steps: one marker each in the order's history, run inside the workflow task.
const db = proxyLocalActivities<MarketplaceActivities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
  // Past this, an outage is treated as a failed step and the saga compensates.
  scheduleToCloseTimeout: '10 minutes',
});

// Compensations and status writes must finish however long an outage lasts, or money or stock stays held.
const dbUndo = proxyLocalActivities<MarketplaceActivities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
const undo = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const day = 24 * 3600;

function failureMessage(error: unknown): string {
  const cause =
    error instanceof ActivityFailure || error instanceof ChildWorkflowFailure ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/** Both steps run together; the first failure is reported only once both have ended, so none is left. */
async function together<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [first, second] = await Promise.allSettled([a, b]);
  if (first.status === 'rejected') throw first.reason;
  if (second.status === 'rejected') throw second.reason;
  return [first.value, second.value];
}

class OrderCancelled extends Error {}

/**
 * One order from checkout to delivery. The input's `version` picks the shape it runs for its whole life:
 * orders started before the lean shape keep the first one (`orderWorkflowV1`).
 */
export async function orderWorkflow(input: PlaceOrderInput): Promise<OrderState> {
  return input.version === 2 ? orderWorkflowV2(input) : orderWorkflowV1(input);
}

/**
 * The lean order: price, record and screen it, hold the stock, authorize every seller's part at once, then
 * confirm and split it into one seller-fulfillment child per seller and follow them to the end. Database
 * steps are local activities, statuses that last milliseconds are never written, and buyer messages go out
 * beside the order, never in its way. A failure before the split undoes everything done so far.
 */
async function orderWorkflowV2(input: PlaceOrderInput): Promise<OrderState> {
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
        cancelling: (split ? cancelling : (state.totals?.bySeller ?? [])).map((s) => s.sellerId),
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

  // Messages run beside the order; it waits for them only when it ends, so none is abandoned.
  const messages: Promise<void>[] = [];
  const tellBuyer = (event: OrderEvent) =>
    messages.push(notifyBuyerInBackground(state, event, input.shipTo.phone));

  // One search-attribute upsert per status change; the sellers and total ride along on the first one.
  let totalsIndexed = false;
  const indexStatus = (status: OrderStatus) => {
    const totals = state.totals;
    // The Temporal UI's current details say what the order waits for; they write nothing to history.
    showOrderProgress({
      orderId: input.orderId,
      status,
      ...(totals ? { total: totals.total, sellerIds: totals.bySeller.map((s) => s.sellerId) } : {}),
      ...(state.failureReason ? { failureReason: state.failureReason } : {}),
    });
    upsertSearchAttributes([
      { key: MarketplaceStatus, value: status },
      ...(totals && !totalsIndexed
        ? [
            { key: SellerIds, value: totals.bySeller.map((s) => s.sellerId) },
            { key: OrderTotal, value: totals.total.amount },
          ]
        : []),
    ]);
    if (totals) totalsIndexed = true;
  };
  const statusFields = () => ({
    orderId: input.orderId,
    paymentIntentIds: state.paymentIntentIds,
    ...(state.fraud ? { fraud: { score: state.fraud.score, reasons: state.fraud.reasons } } : {}),
    ...(state.failureReason ? { failureReason: state.failureReason } : {}),
  });
  const moveTo = async (status: OrderStatus, extra: { failureReason?: string } = {}) => {
    Object.assign(state, extra, { status });
    indexStatus(status);
    await dbUndo.setOrderStatus({ ...statusFields(), status });
  };
  const stopIfCancelled = () => {
    if (cancelRequested) throw new OrderCancelled(cancelRequested);
  };

  const saga = new Saga();
  try {
    // 0. A flash-sale hold is already reserved under this order's id: take it over before the sweep can
    // expire it; the reserve step below then finds it held.
    if (input.flashSale) {
      await db.claimFlashSaleHold({ ...input.flashSale, orderId: input.orderId });
      const flashSkus = [input.flashSale.sku];
      saga.add(() => dbUndo.releaseStock({ holdId: input.orderId, skus: flashSkus }));
    }
    // 1. Price, total and record it, while the buyer's and card's fraud signals are read beside it.
    const [priced, signals] = await together(
      db.priceAndRecordOrder({
        orderId: input.orderId,
        customerId: input.customerId,
        lines: mergeLines(input.lines),
        shipTo: input.shipTo,
        ...(input.promotion ? { promotion: input.promotion } : {}),
      }),
      db.fraudSignals({
        orderId: input.orderId,
        customerId: input.customerId,
        ...(input.paymentMethodId ? { paymentMethodId: input.paymentMethodId } : {}),
        // Not priced yet: the signals are about the buyer and the card; the total joins them below.
        orderTotalMinor: 0,
        currency: '',
        shippingCountry: input.shipTo.country,
        ...(input.billingCountry ? { billingCountry: input.billingCountry } : {}),
      }),
    );
    const { totals } = priced;
    Object.assign(state, { lines: priced.lines, totals, total: totals.total, promo: priced.promo });
    state.priceChanges = state.lines.flatMap((line) => {
      const was = input.cartPrices?.[line.sku];
      return was && was.amount !== line.unitPrice.amount ? [{ sku: line.sku, was, now: line.unitPrice }] : [];
    });

    // 2. Fraud screen; a risky order waits for a person, and cancels itself if nobody decides in time.
    state.fraud = assessFraud({
      ...signals,
      orderTotalMinor: totals.total.amount,
      currency: totals.total.currency,
    });
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

    // 3. Hold the stock for as long as payment may take. The status lasts milliseconds: kept in memory
    // (queries, the cancel update), never written.
    state.status = 'reserving_stock';
    const skus = state.lines.map((line) => line.sku);
    await db.reserveStock({ holdId: input.orderId, lines: state.lines });
    saga.add(() => dbUndo.releaseStock({ holdId: input.orderId, skus }));
    state.holdExpiresAt = new Date(Date.now() + input.holdSeconds * 1000).toISOString();

    // 4. Authorize every part at once if the caller gave a payment method; otherwise (or if that card was
    // declined) the order says it awaits payment, with the storefront's payment handlers already in place.
    const pay = new OrderPayment(
      input.orderId,
      input.customerId,
      totals.bySeller,
      () => state.status === 'awaiting_payment',
      true,
    );
    saga.add(() => pay.voidAll());
    pay.listen((outcome) => (state.payment = outcome));
    state.status = 'awaiting_payment';
    if (input.paymentMethodId) state.payment = await pay.submit(input.paymentMethodId);
    if (!pay.done()) await moveTo('awaiting_payment');
    const paid =
      pay.done() || (await condition(() => pay.done() || !!cancelRequested, input.holdSeconds * 1000));
    stopIfCancelled();
    if (!paid) throw new OrderCancelled('payment was not completed before the stock hold expired');
    state.paymentIntentIds = { ...pay.authorized };
  } catch (error) {
    if (isCancellation(error)) throw error;
    await saga.compensate();
    const cancelled = error instanceof OrderCancelled;
    await moveTo(cancelled ? 'cancelled' : 'failed', { failureReason: failureMessage(error) });
    // The order ends here, so waiting for its last message delays nothing.
    if (cancelled) await notifyBuyerInBackground(state, 'order-cancelled', input.shipTo.phone);
    return state;
  }

  // 5. Confirm and split: each seller's part now owns its stock and its authorization.
  split = true;
  const totals = state.totals;
  if (!totals) throw ApplicationFailure.nonRetryable('order confirmed without totals');
  let changed = false;
  setHandler(subOrderChangedSignal, (summary) => {
    state.subOrders = state.subOrders.map((s) =>
      s.sellerId === summary.sellerId ? { ...s, ...summary } : s,
    );
    changed = true;
  });
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
  // Paid: nothing is awaited from the buyer any more (the payment updates are closed from here). The
  // message goes out with the children's start, so its completion and theirs usually wake the order once.
  state.status = 'confirmed';
  tellBuyer('order-confirmed');
  const children = await Promise.all(
    parts.map((part) =>
      // By type name: this module is what the worker bundles, and the child module imports it back.
      startChild<typeof sellerFulfillmentWorkflow>('sellerFulfillmentWorkflow', {
        workflowId: sellerFulfillmentWorkflowId(input.orderId, part.sellerId),
        parentClosePolicy: ParentClosePolicy.ABANDON,
        typedSearchAttributes: [
          { key: OrderId, value: input.orderId },
          { key: CustomerId, value: input.customerId },
          { key: SellerId, value: part.sellerId },
          { key: MarketplaceStatus, value: 'awaiting_acceptance' },
          { key: OrderTotal, value: part.total.amount },
        ],
        args: [part],
      }),
    ),
  );

  // Recorded once every part's workflow runs, so a seller who sees its sub-order can act on it at once.
  indexStatus('confirmed');
  await dbUndo.confirmOrder({
    ...statusFields(),
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

  // 6. Follow the parts. A part that ends tells its final state; a part that fails (a bug, a step that
  // refused for good) is undone here so the order always ends in a defined state, never in a task loop.
  const ended = new Set<string>();
  const failedParts: Array<{ sellerId: string; reason: string }> = [];
  const settle = (sellerId: string, final: Partial<SubOrderState>) => {
    state.subOrders = state.subOrders.map((s) =>
      s.sellerId === sellerId && final.status ? { ...s, status: final.status } : s,
    );
    ended.add(sellerId);
    changed = true;
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
    await condition(() => changed);
    changed = false;
    for (const { sellerId, reason } of failedParts.splice(0)) {
      await undoFailedPart(state, parts, sellerId);
      state.failureReason = `the part of seller ${sellerId} failed: ${reason}`;
    }
    const derived = deriveOrderStatus(state.subOrders.map((s) => s.status));
    if (derived !== state.status) {
      await moveTo(derived);
      if (derived === 'shipped' || derived === 'partially_shipped') tellBuyer('order-shipped');
      if (derived === 'delivered') tellBuyer('order-delivered');
      if (derived === 'cancelled') tellBuyer('order-cancelled');
    }
    if (ended.size === children.length && !changed) {
      await Promise.all(messages);
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
