import { condition, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import { formatMoney } from './ops-wording';
import { showReturnProgress } from './return-ops-view';
import type { Money } from '../domain/money';
import { type Units, returnRefund } from '../domain/return-refund';
import { type ReturnStatus, parcelAdvance } from '../domain/return-status';
import type { TrackingStatus } from '../integrations/carriers/carrier';
import {
  type Inspection,
  type ReturnInput,
  type ReturnState,
  approveReturnUpdate,
  inspectReturnUpdate,
  opsReturnDecisionUpdate,
  rejectReturnUpdate,
  returnCarrierEventSignal,
  returnStateQuery,
} from './return-definitions';
import { notifyReturn } from './return-notifications';
import { MarketplaceStatus } from './search-attributes';

const act = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

interface Decision {
  approve: boolean;
  by: 'seller' | 'ops';
  note?: string;
}

const returnParcelGrams = 1000;

/**
 * One buyer's return of items from a delivered sub-order: the seller approves or rejects it in time (else
 * ops decides), the buyer ships it back on a prepaid label, the seller inspects what arrived, and the
 * accepted units are refunded to the buyer's card and go back to stock.
 */
export async function returnWorkflow(input: ReturnInput): Promise<ReturnState> {
  const state: ReturnState = {
    returnId: input.returnId,
    orderId: input.orderId,
    sellerId: input.sellerId,
    customerId: input.customerId,
    status: 'requested',
    lines: input.lines.map((line) => ({ ...line })),
    reason: input.reason,
    photos: input.photos,
    dueBy: new Date(Date.now() + input.sellerDecisionSeconds * 1000).toISOString(),
  };
  let decision: Decision | undefined;
  let inspection: Inspection | undefined;
  const parcelEvents: TrackingStatus[] = [];

  const moveTo = async (status: ReturnStatus, changes: Partial<ReturnState> = {}) => {
    Object.assign(state, changes, { status });
    upsertSearchAttributes([{ key: MarketplaceStatus, value: status }]);
    showReturnProgress(state, input);
    const { lines, refund, refundId, trackingNumber, carrier, labelUrl, decidedBy, decisionNote } = state;
    await act.setReturnStatus({
      returnId: input.returnId,
      status,
      changes: {
        lines,
        ...(refund ? { refund } : {}),
        ...(refundId ? { refundId } : {}),
        ...(trackingNumber ? { trackingNumber } : {}),
        ...(carrier ? { carrier } : {}),
        ...(labelUrl ? { labelUrl } : {}),
        ...(decidedBy ? { decidedBy } : {}),
        ...(decisionNote ? { decisionNote } : {}),
        ...(state.closeReason ? { closeReason: state.closeReason } : {}),
        ...(state.dueBy ? { dueBy: state.dueBy } : {}),
      },
    });
  };
  const awaitingDecision = () => !decision && (state.status === 'requested' || state.status === 'escalated');
  const awaitingInspection = () =>
    !inspection &&
    (state.status === 'received' || (state.status === 'escalated' && state.escalatedStep === 'inspection'));

  const sellerMayDecide = () => {
    if (state.status !== 'requested' || decision)
      throw new Error(`return is ${state.status}; not awaiting the seller's decision`);
  };

  setHandler(returnStateQuery, () => state);
  const decide = async (next: Decision) => {
    decision = next;
    await condition(() => state.status !== 'requested' && state.status !== 'escalated');
    return state;
  };
  setHandler(
    approveReturnUpdate,
    ({ note }) => decide({ approve: true, by: 'seller', ...(note ? { note } : {}) }),
    { validator: (_input: { note?: string }) => sellerMayDecide() },
  );
  setHandler(rejectReturnUpdate, ({ reason }) => decide({ approve: false, by: 'seller', note: reason }), {
    validator: (_input: { reason: string }) => sellerMayDecide(),
  });
  setHandler(
    opsReturnDecisionUpdate,
    ({ decision: choice, reason }) => decide({ approve: choice === 'approve', by: 'ops', note: reason }),
    {
      validator: ({ decision: choice }: { decision: 'approve' | 'reject'; reason: string }) => {
        if (choice !== 'approve' && choice !== 'reject')
          throw new Error('decision must be approve or reject');
        if (!awaitingDecision()) throw new Error(`return is ${state.status}; not awaiting a decision`);
      },
    },
  );
  setHandler(
    inspectReturnUpdate,
    async (result) => {
      inspection = result;
      await condition(() => state.status !== 'received' && state.status !== 'escalated');
      return state;
    },
    {
      validator: (result: Inspection) => {
        if (!awaitingInspection()) throw new Error(`return is ${state.status}; not awaiting inspection`);
        const seen = new Set<string>();
        for (const line of result.lines) {
          const returned = state.lines.find((l) => l.sku === line.sku);
          if (!returned) throw new Error(`${line.sku} is not part of this return`);
          if (seen.has(line.sku)) throw new Error(`${line.sku} is listed twice`);
          seen.add(line.sku);
          if (!Number.isInteger(line.acceptedQuantity) || line.acceptedQuantity < 0) {
            throw new Error(`${line.sku}: accepted quantity must be a whole number from 0`);
          }
          if (line.acceptedQuantity > returned.quantity) {
            throw new Error(
              `${line.sku}: ${line.acceptedQuantity} accepted but only ${returned.quantity} returned`,
            );
          }
        }
      },
    },
  );
  setHandler(returnCarrierEventSignal, ({ status }) => {
    parcelEvents.push(status);
  });

  showReturnProgress(state, input);
  await act.recordReturn({
    returnId: input.returnId,
    orderId: input.orderId,
    sellerId: input.sellerId,
    customerId: input.customerId,
    lines: state.lines.map(({ sku, quantity }) => ({ sku, quantity })),
    reason: input.reason,
    photos: input.photos,
    ...(state.dueBy ? { dueBy: state.dueBy } : {}),
  });
  await notifyReturn(state, 'seller', 'return-requested', {
    returnId: input.returnId,
    orderId: input.orderId,
    dueBy: state.dueBy ?? '',
  });

  // 1. The seller decides in time, or ops takes over.
  if (
    !(await condition(() => !!decision, input.sellerDecisionSeconds * 1000, {
      summary: "seller's decision deadline",
    }))
  ) {
    await moveTo('escalated', { escalatedStep: 'decision' });
    await notifyReturn(state, 'seller', 'return-escalated', { returnId: input.returnId, step: 'decision' });
    await condition(() => !!decision);
  }
  const decided = decision as Decision;
  const decisionFields = { decidedBy: decided.by, ...(decided.note ? { decisionNote: decided.note } : {}) };
  if (!decided.approve) {
    await moveTo('rejected', { ...decisionFields, dueBy: undefined });
    await notifyReturn(state, 'buyer', 'return-rejected', {
      returnId: input.returnId,
      reason: decided.note ?? 'declined',
    });
    return state;
  }
  await moveTo('approved', { ...decisionFields, dueBy: undefined, escalatedStep: undefined });

  // 2. A prepaid label from the buyer's address back to the seller.
  const label = await act.buyShippingLabel.executeWithOptions({ summary: 'prepaid return label' }, [
    {
      shipmentId: `return-${input.returnId}`,
      orderId: input.orderId,
      sellerId: input.sellerId,
      from: input.pickupFrom,
      to: input.returnTo,
      kind: 'return',
      returnId: input.returnId,
      weightGrams: returnParcelGrams,
    },
  ]);
  await moveTo('label_created', {
    trackingNumber: label.trackingNumber,
    carrier: label.carrier,
    labelUrl: label.labelUrl,
  });
  await notifyReturn(state, 'buyer', 'return-approved', {
    returnId: input.returnId,
    labelUrl: label.labelUrl,
    trackingNumber: label.trackingNumber,
  });

  // 3. The parcel travels; what is not sent back in time closes the return.
  const onItsWay = () => parcelEvents.some((event) => parcelAdvance('label_created', event));
  if (!(await condition(onItsWay, input.shipBackSeconds * 1000, { summary: 'ship-back deadline' }))) {
    await moveTo('closed', { closeReason: 'the items were not sent back in time' });
    await notifyReturn(state, 'buyer', 'return-closed', {
      returnId: input.returnId,
      reason: state.closeReason ?? '',
    });
    return state;
  }
  for (;;) {
    await condition(() => parcelEvents.length > 0);
    const next = parcelAdvance(state.status, parcelEvents.shift() ?? 'exception');
    if (next === 'received') break;
    if (next) await moveTo(next);
  }

  // 4. The seller inspects what arrived, in time, or ops takes over.
  await moveTo('received', {
    dueBy: new Date(Date.now() + input.inspectionSeconds * 1000).toISOString(),
  });
  await notifyReturn(state, 'seller', 'return-received', {
    returnId: input.returnId,
    orderId: input.orderId,
  });
  if (
    !(await condition(() => !!inspection, input.inspectionSeconds * 1000, { summary: 'inspection deadline' }))
  ) {
    await moveTo('escalated', { escalatedStep: 'inspection' });
    await notifyReturn(
      state,
      'seller',
      'return-escalated',
      { returnId: input.returnId, step: 'inspection' },
      'inspection',
    );
    await condition(() => !!inspection);
  }
  const accepted: Units = {};
  for (const line of (inspection as Inspection).lines) accepted[line.sku] = line.acceptedQuantity;
  state.lines = state.lines.map((line) => ({ ...line, acceptedQuantity: accepted[line.sku] ?? 0 }));
  const inspectionNote = (inspection as Inspection).note;
  if (Object.values(accepted).every((count) => count === 0)) {
    await moveTo('closed', {
      dueBy: undefined,
      escalatedStep: undefined,
      closeReason: inspectionNote ?? 'nothing was accepted at inspection',
    });
    await notifyReturn(state, 'buyer', 'return-closed', {
      returnId: input.returnId,
      reason: state.closeReason ?? '',
    });
    return state;
  }
  await moveTo('refund_pending', { dueBy: undefined, escalatedStep: undefined });

  // 5. Refund the accepted units' share, put them back in stock, and book it against the seller.
  const refund = await refundAccepted(input, accepted, state);
  const plan = await act.returnRestockPlan({ orderId: input.orderId, units: accepted });
  for (const part of plan) {
    await act.adjustStock({
      sku: part.sku,
      warehouseId: part.warehouseId,
      delta: part.quantity,
      adjustmentKey: `return-${input.returnId}-${part.sku}-${part.warehouseId}`,
    });
  }
  await act.postReturnRefund({
    returnId: input.returnId,
    orderId: input.orderId,
    sellerId: input.sellerId,
    refund,
    ...(inspectionNote ? { note: inspectionNote } : {}),
  });
  await moveTo('refunded', { refund });
  await notifyReturn(state, 'buyer', 'return-refunded', { returnId: input.returnId, amount: refund });
  await notifyReturn(state, 'seller', 'return-refunded', { returnId: input.returnId, amount: refund });
  return state;
}

/** The Stripe refund on the sub-order's payment, keyed by the return id so it happens once. */
async function refundAccepted(input: ReturnInput, accepted: Units, state: ReturnState): Promise<Money> {
  const basis = await act.returnRefundBasis({
    returnId: input.returnId,
    orderId: input.orderId,
    sellerId: input.sellerId,
  });
  const refund = returnRefund(basis.pricing, accepted, basis.earlier);
  if (refund.amount > 0) {
    const done = await act.refundPayment.executeWithOptions(
      { summary: `refund ${formatMoney(refund)} to the buyer` },
      [
        {
          paymentIntentId: basis.paymentIntentId,
          amount: refund,
          idempotencyKey: `return-${input.returnId}-refund`,
          metadata: { returnId: input.returnId, orderId: input.orderId, sellerId: input.sellerId },
        },
      ],
    );
    state.refundId = done.refundId;
  }
  return refund;
}
