import { upsertSearchAttributes } from '@temporalio/workflow';
import { checkedMove, type OrderStatus } from '../domain/order-status';
import { OrderControls } from './order-controls';
import type { PlaceOrderInput } from './order-definitions';
import { undo } from './order-v1-activities';
import { MarketplaceStatus } from './search-attributes';

/**
 * The first order shape's state and how it records a status: every status is written (the order document
 * and one search-attribute upsert), as orders of this shape always did.
 */
export class FirstShapeOrder extends OrderControls {
  constructor(input: PlaceOrderInput) {
    // This shape's cancel before the split answered with the positions of the sellers' totals; kept as it
    // answered for the orders still running it.
    super(input, (state) => Object.keys(state.totals?.bySeller ?? {}));
  }

  async moveTo(status: OrderStatus, extra: { failureReason?: string } = {}): Promise<void> {
    const { state } = this;
    Object.assign(state, extra, { status: checkedMove(state.status, status) });
    upsertSearchAttributes([{ key: MarketplaceStatus, value: status }]);
    await undo.setOrderStatus({
      orderId: this.input.orderId,
      status,
      paymentIntentIds: state.paymentIntentIds,
      ...(state.fraud ? { fraud: { score: state.fraud.score, reasons: state.fraud.reasons } } : {}),
      ...extra,
    });
  }
}
