import { upsertSearchAttributes } from '@temporalio/workflow';
import { checkedMove, type OrderStatus } from '../domain/order-status';
import { dbUndo } from './order-activities';
import { OrderControls } from './order-controls';
import type { PlaceOrderInput } from './order-definitions';
import { type OrderEvent, notifyBuyerInBackground, notifyBuyerInTask } from './order-notifications';
import { showOrderProgress } from './order-ops-view';
import { MarketplaceStatus, OrderTotal, SellerIds } from './search-attributes';

/**
 * The lean order's state and how it records progress: a status that lasts is written once (the order
 * document, one search-attribute upsert, the Temporal UI's current details), and buyer messages run
 * beside the order, awaited only when it ends so none is abandoned.
 */
export class LeanOrder extends OrderControls {
  private readonly messages: Promise<void>[] = [];
  private totalsIndexed = false;

  constructor(input: PlaceOrderInput) {
    // Before the split, a cancel names every seller of the priced order.
    super(input, (state) => (state.totals?.bySeller ?? []).map((s) => s.sellerId));
  }

  tellBuyer(event: OrderEvent): void {
    this.messages.push(notifyBuyerInBackground(this.state, event, this.input.shipTo.phone));
  }

  /** The same, tried first inside the current workflow task (see `notifyBuyerInTask`). */
  tellBuyerInTask(event: OrderEvent): void {
    this.messages.push(notifyBuyerInTask(this.state, event, this.input.shipTo.phone));
  }

  /** Every message started so far has settled (each one settles, sent or recorded as failed). */
  messagesSent(): Promise<void[]> {
    return Promise.all(this.messages);
  }

  async moveTo(status: OrderStatus, extra: { failureReason?: string } = {}): Promise<void> {
    Object.assign(this.state, extra, { status: checkedMove(this.state.status, status) });
    this.indexStatus(status);
    await dbUndo.setOrderStatus({ ...this.statusFields(), status });
  }

  /** One search-attribute upsert per status change; the sellers and total ride along on the first one. */
  indexStatus(status: OrderStatus): void {
    const { totals } = this.state;
    // The Temporal UI's current details say what the order waits for; they write nothing to history.
    showOrderProgress({
      orderId: this.state.orderId,
      status,
      ...(totals ? { total: totals.total, sellerIds: totals.bySeller.map((s) => s.sellerId) } : {}),
      ...(this.state.failureReason ? { failureReason: this.state.failureReason } : {}),
    });
    upsertSearchAttributes([
      { key: MarketplaceStatus, value: status },
      ...(totals && !this.totalsIndexed
        ? [
            { key: SellerIds, value: totals.bySeller.map((s) => s.sellerId) },
            { key: OrderTotal, value: totals.total.amount },
          ]
        : []),
    ]);
    if (totals) this.totalsIndexed = true;
  }

  /** What every status write carries besides the status. */
  statusFields() {
    const { state } = this;
    return {
      orderId: state.orderId,
      paymentIntentIds: state.paymentIntentIds,
      ...(state.fraud ? { fraud: { score: state.fraud.score, reasons: state.fraud.reasons } } : {}),
      ...(state.failureReason ? { failureReason: state.failureReason } : {}),
    };
  }
}
