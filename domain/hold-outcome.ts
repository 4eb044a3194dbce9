import type { OrderStatus } from './order-status';
import { hasShipped, type SubOrderStatus } from './sub-order-status';

export type HoldOutcome = 'released' | 'committed';

/**
 * How a stock hold should have ended, judged from its order's final state: what the repair of an old
 * ledger appends when a hold has a reservation and no outcome. A seller's part that shipped sold its units;
 * a part or an order that ended without shipping gave them back; anything still under way is left alone.
 */
export function holdOutcomeOf(order: {
  status: OrderStatus;
  /** The sub-order of the seller whose SKU is held, once the order was split. */
  subOrderStatus?: SubOrderStatus;
}): HoldOutcome | undefined {
  if (order.subOrderStatus) {
    if (hasShipped(order.subOrderStatus)) return 'committed';
    if (order.subOrderStatus === 'cancelled') return 'released';
    return undefined;
  }
  if (order.status === 'failed' || order.status === 'cancelled') return 'released';
  return undefined;
}
