import { condition } from '@temporalio/workflow';
import { type OrderControls, OrderCancelled } from './order-controls';

const day = 24 * 3600;

/**
 * A risky order waits for a person, and cancels itself if nobody decides in time; either way a cancel the
 * buyer asked for meanwhile ends it here. Both shapes of the order screen this way.
 */
export async function awaitFraudReview(order: OrderControls, fraudReviewSeconds?: number): Promise<void> {
  if (order.state.fraud?.needsReview) {
    await order.moveTo('fraud_review');
    const decided = await condition(
      () => !!order.fraudDecision || !!order.cancelRequested,
      (fraudReviewSeconds ?? 3 * day) * 1000,
    );
    order.stopIfCancelled();
    if (!decided) throw new OrderCancelled('fraud review was not decided in time');
    if (order.fraudDecision === 'reject') throw new OrderCancelled('rejected in fraud review');
  }
  order.stopIfCancelled();
}
