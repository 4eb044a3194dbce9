import { getExternalWorkflowHandle, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SubOrderStatus } from '../domain/sub-order-status';
import { orderWorkflowId, subOrderChangedSignal } from './order-definitions';
import { MarketplaceStatus } from './search-attributes';
import { act, SubOrderControls } from './seller-fulfillment-controls';
import type { SubOrderInput } from './seller-fulfillment-definitions';

/**
 * A part started by the first order shape: every write is a full activity, and the order hears of every
 * status change, as parts of this shape always did.
 */
export class FirstShapeSubOrder extends SubOrderControls {
  constructor(input: SubOrderInput) {
    const acceptBy = new Date(Date.now() + input.acceptWithinSeconds * 1000);
    super(input, {
      orderId: input.orderId,
      sellerId: input.sellerId,
      status: 'awaiting_acceptance',
      total: input.total,
      acceptBy: acceptBy.toISOString(),
    });
  }

  async moveTo(status: SubOrderStatus): Promise<void> {
    const { state, input } = this;
    state.status = status;
    upsertSearchAttributes([{ key: MarketplaceStatus, value: status }]);
    await act.setSubOrderStatus({
      orderId: input.orderId,
      sellerId: input.sellerId,
      status,
      changes: this.changes(),
    });
    const parent = workflowInfo().parent?.workflowId ?? orderWorkflowId(input.orderId);
    await getExternalWorkflowHandle(parent).signal(subOrderChangedSignal, {
      sellerId: input.sellerId,
      status,
      total: input.total,
      paymentIntentId: input.paymentIntentId,
      ...(state.trackingNumber ? { trackingNumber: state.trackingNumber } : {}),
    });
  }
}
