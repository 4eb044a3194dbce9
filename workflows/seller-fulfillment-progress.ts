import {
  ActivityFailure,
  ApplicationFailure,
  getExternalWorkflowHandle,
  proxyLocalActivities,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import { changesOrder, type SubOrderStatus } from '../domain/sub-order-status';
import { orderWorkflowId, subOrderChangedSignal } from './order-definitions';
import { MarketplaceStatus } from './search-attributes';
import { act, SubOrderControls } from './seller-fulfillment-controls';
import type { SubOrderInput, SubOrderState } from './seller-fulfillment-definitions';

/** The sub-order's own documents and the stock counters: local, one marker each. */
const db = proxyLocalActivities<MarketplaceActivities>({
  startToCloseTimeout: '5 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** A business refusal from an activity (capture refused, hold ended), as opposed to an outage. */
export function refusal(error: unknown): ApplicationFailure | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  return cause instanceof ApplicationFailure && cause.nonRetryable ? cause : undefined;
}

/**
 * A part started by the lean order: its writes are local activities, it tells its order only what can
 * change the order (`changesOrder`), and what never ships is released with both undo steps at once.
 */
export class SubOrderPart extends SubOrderControls {
  constructor(input: SubOrderInput, acceptBy: number) {
    super(input, {
      orderId: input.orderId,
      sellerId: input.sellerId,
      status: 'awaiting_acceptance',
      total: input.total,
      acceptBy: new Date(acceptBy).toISOString(),
    });
  }

  async moveTo(status: SubOrderStatus): Promise<void> {
    const { state, input } = this;
    const from = state.status;
    state.status = status;
    upsertSearchAttributes([{ key: MarketplaceStatus, value: status }]);
    await db.setSubOrderStatus({
      orderId: input.orderId,
      sellerId: input.sellerId,
      status,
      changes: this.changes(),
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
  }

  /** Nothing of this part will ship: its units go back and its authorization is voided. */
  async release(reason: string): Promise<SubOrderState> {
    const { state, input } = this;
    state.cancelReason = reason;
    await Promise.all([
      db.releaseStock({ holdId: input.orderId, skus: this.skus }),
      act.cancelPaymentAuthorization({
        paymentIntentId: input.paymentIntentId,
        idempotencyKey: `void-${input.paymentIntentId}`,
      }),
    ]);
    await this.moveTo('cancelled');
    return state;
  }

  /**
   * After the capture nothing may undo the sale: a refusal of a step (a hold that had already ended) is kept
   * on the part for ops to reconcile, and the part carries on.
   */
  async settle(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      const refused = refusal(error);
      if (!refused) throw error;
      this.state.settlementIssue = refused.message;
    }
  }

  /** The hold becomes a sale (not async: the part awaits exactly the write). */
  commitStock(): Promise<void> {
    return db.commitStock({ holdId: this.input.orderId, skus: this.skus });
  }

  /** The seller has earned it now (paid out only after the return window): sale, commission and shipping. */
  postSale(): Promise<void> {
    return db.postSaleToLedger({ orderId: this.input.orderId, sellerId: this.input.sellerId });
  }
}
