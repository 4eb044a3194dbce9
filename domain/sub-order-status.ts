import type { OrderStatus } from './order-status';

// One seller's part of an order, as that seller works it.
export const subOrderStatuses = [
  'awaiting_acceptance',
  'accepted',
  'picked',
  'packed',
  'label_purchased',
  'shipped',
  'delivered',
  'cancelled',
] as const;

export type SubOrderStatus = (typeof subOrderStatuses)[number];

const rank: Record<SubOrderStatus, number> = {
  awaiting_acceptance: 0,
  accepted: 1,
  picked: 2,
  packed: 3,
  label_purchased: 4,
  shipped: 5,
  delivered: 6,
  cancelled: 7,
};

/** Sellers and carriers move a sub-order forward only; a late or repeated event changes nothing. */
export function advances(from: SubOrderStatus, to: SubOrderStatus): boolean {
  if (from === 'cancelled' || from === 'delivered') return false;
  if (to === 'cancelled') return rank[from] < rank.shipped;
  return rank[to] > rank[from];
}

export function hasShipped(status: SubOrderStatus): boolean {
  return status === 'shipped' || status === 'delivered';
}

/** Past the point where a cancel reaches the part: its label is bought (or it has shipped). */
export function labelBought(status: SubOrderStatus): boolean {
  return status === 'label_purchased' || hasShipped(status);
}

/** A part can be cancelled (declined by its seller, or with its order) until its label is bought. */
export function cancellable(status: SubOrderStatus): boolean {
  return !labelBought(status) && status !== 'cancelled';
}

// The seller's own steps, each taken only from the status right before it.
const sellerStepFrom: Partial<Record<SubOrderStatus, SubOrderStatus>> = {
  accepted: 'awaiting_acceptance',
  picked: 'accepted',
  packed: 'picked',
  label_purchased: 'packed',
};

/** Whether the seller may take the step to `to` from `from` (accept, pick, pack, buy the label). */
export function isSellerStep(from: SubOrderStatus, to: SubOrderStatus): boolean {
  return sellerStepFrom[to] === from;
}

/** The buyer-facing order status follows from its sub-orders. */
export function deriveOrderStatus(subOrders: SubOrderStatus[]): OrderStatus {
  const live = subOrders.filter((s) => s !== 'cancelled');
  if (live.length === 0) return 'cancelled';
  const shipped = live.filter(hasShipped);
  if (shipped.length === 0) return live.some((s) => s !== 'awaiting_acceptance') ? 'fulfilling' : 'confirmed';
  if (shipped.length < live.length) return 'partially_shipped';
  return live.every((s) => s === 'delivered') ? 'delivered' : 'shipped';
}

/**
 * Whether a sub-order moving from one status to another can change its order: the order's derived status
 * (waiting for sellers, fulfilling, shipped, delivered, cancelled) or what the buyer may still cancel (not a
 * part with a label). Warehouse steps in between (picked, packed) change neither, so the order is not told.
 */
export function changesOrder(from: SubOrderStatus, to: SubOrderStatus): boolean {
  const stage = (status: SubOrderStatus) =>
    status === 'picked' || status === 'packed' ? 'accepted' : status;
  return stage(from) !== stage(to);
}
