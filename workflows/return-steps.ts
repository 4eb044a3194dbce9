import { condition, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import type { Money } from '../domain/money';
import { type Units, returnRefund } from '../domain/return-refund';
import { type ReturnStatus, parcelAdvance, returnMove } from '../domain/return-status';
import type { ReturnInput, ReturnState } from '../returns/return-process';
import { formatMoney } from '../domain/money';
import { notifyReturn } from './return-notifications';
import { showReturnProgress } from './return-ops-view';
import type { Decision, ReturnProgress } from './return-state';
import { MarketplaceStatus } from './search-attributes';

const act = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const returnParcelGrams = 1000;

/**
 * The steps of a return that each group a few commands: record it, move it on (its document, search
 * attribute and ops view together), wait for a person in time, buy its label, follow its parcel, refund.
 */
export class ReturnSteps {
  constructor(
    private readonly input: ReturnInput,
    private readonly progress: ReturnProgress,
  ) {}

  private get state(): ReturnState {
    return this.progress.state;
  }

  /** The return's first write; the request that started it waits for it (returnRecordedUpdate). */
  async record(): Promise<void> {
    const { input, state } = this;
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
    this.progress.recorded = true;
  }

  /** Moves the return to `status`, if the return's rules allow it, and projects it. */
  async moveTo(status: ReturnStatus, changes: Partial<ReturnState> = {}): Promise<void> {
    const { input, state } = this;
    Object.assign(state, changes, { status: returnMove(state.status, status) });
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
  }

  /** Waits for a person's step until `seconds` have passed; then ops takes it over, and it is waited for. */
  async awaitInTime(
    done: () => boolean,
    seconds: number,
    summary: string,
    step: 'decision' | 'inspection',
  ): Promise<void> {
    if (await condition(done, seconds * 1000, { summary })) return;
    await this.moveTo('escalated', { escalatedStep: step });
    const data = { returnId: this.input.returnId, step };
    if (step === 'decision') await notifyReturn(this.state, 'seller', 'return-escalated', data);
    else await notifyReturn(this.state, 'seller', 'return-escalated', data, step);
    await condition(done);
  }

  /** Settles a return the seller (or ops) refused. */
  async reject(decided: Decision, decisionFields: Partial<ReturnState>): Promise<void> {
    await this.moveTo('rejected', { ...decisionFields, dueBy: undefined });
    await notifyReturn(this.state, 'buyer', 'return-rejected', {
      returnId: this.input.returnId,
      reason: decided.note ?? 'declined',
    });
  }

  /** Closes the return with no refund, and tells the buyer why. */
  async close(changes: Partial<ReturnState>): Promise<void> {
    await this.moveTo('closed', changes);
    await notifyReturn(this.state, 'buyer', 'return-closed', {
      returnId: this.input.returnId,
      reason: this.state.closeReason ?? '',
    });
  }

  /** A prepaid label from the buyer's address back to the seller, sent to the buyer. */
  async sendLabel(): Promise<void> {
    const { input } = this;
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
    await this.moveTo('label_created', {
      trackingNumber: label.trackingNumber,
      carrier: label.carrier,
      labelUrl: label.labelUrl,
    });
    await notifyReturn(this.state, 'buyer', 'return-approved', {
      returnId: input.returnId,
      labelUrl: label.labelUrl,
      trackingNumber: label.trackingNumber,
    });
  }

  /** Follows the parcel until it arrives; false when it was not sent back in time. */
  async followParcel(): Promise<boolean> {
    const events = this.progress.parcelEvents;
    const onItsWay = () => events.some((event) => parcelAdvance('label_created', event));
    if (!(await condition(onItsWay, this.input.shipBackSeconds * 1000, { summary: 'ship-back deadline' }))) {
      return false;
    }
    for (;;) {
      await condition(() => events.length > 0);
      const next = parcelAdvance(this.state.status, events.shift() ?? 'exception');
      if (next === 'received') return true;
      if (next) await this.moveTo(next);
    }
  }

  /** Refunds the accepted units' share, puts them back in stock, and books it against the seller. */
  async refundAndRestock(accepted: Units, note: string | undefined): Promise<Money> {
    const { input } = this;
    const refund = await this.refundAccepted(accepted);
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
      ...(note ? { note } : {}),
    });
    return refund;
  }

  /** The Stripe refund on the sub-order's payment, keyed by the return id so it happens once. */
  private async refundAccepted(accepted: Units): Promise<Money> {
    const { input } = this;
    const ids = { returnId: input.returnId, orderId: input.orderId, sellerId: input.sellerId };
    const basis = await act.returnRefundBasis(ids);
    const refund = returnRefund(basis.pricing, accepted, basis.earlier);
    if (refund.amount > 0) {
      const done = await act.refundPayment.executeWithOptions(
        { summary: `refund ${formatMoney(refund)} to the buyer` },
        [
          {
            paymentIntentId: basis.paymentIntentId,
            amount: refund,
            idempotencyKey: `return-${input.returnId}-refund`,
            metadata: ids,
          },
        ],
      );
      this.state.refundId = done.refundId;
    }
    return refund;
  }
}
