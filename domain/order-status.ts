// The order's life as the buyer sees it. Transitions not listed are refused, so a late or duplicated event
// can never move an order backwards (a delivered order does not become "shipped" again).
export const orderStatuses = [
  'received',
  'fraud_review',
  'reserving_stock',
  'awaiting_payment',
  'confirmed',
  'fulfilling',
  'partially_shipped',
  'shipped',
  'delivered',
  'cancelled',
  'refunded',
  'failed',
] as const;

export type OrderStatus = (typeof orderStatuses)[number];

const transitions: Record<OrderStatus, readonly OrderStatus[]> = {
  received: ['fraud_review', 'reserving_stock', 'cancelled', 'failed'],
  fraud_review: ['reserving_stock', 'cancelled', 'failed'],
  reserving_stock: ['awaiting_payment', 'cancelled', 'failed'],
  awaiting_payment: ['confirmed', 'cancelled', 'failed'],
  confirmed: ['fulfilling', 'partially_shipped', 'shipped', 'delivered', 'cancelled', 'refunded'],
  // Back to waiting for sellers when the only part being worked is declined and the others still wait.
  fulfilling: ['confirmed', 'partially_shipped', 'shipped', 'delivered', 'cancelled', 'refunded'],
  partially_shipped: ['shipped', 'delivered', 'refunded'],
  shipped: ['delivered', 'refunded'],
  delivered: ['refunded'],
  cancelled: [],
  refunded: [],
  failed: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return from === to || transitions[from].includes(to);
}

export function isTerminal(status: OrderStatus): boolean {
  return transitions[status].length === 0;
}

/**
 * The order workflows move an order only through this: a move the rules refuse is a bug in the workflow,
 * not a business outcome, so it is thrown as a plain error (the workflow task fails and waits for a fix,
 * with nothing undone) rather than failing the order.
 */
export function checkedMove(from: OrderStatus, to: OrderStatus): OrderStatus {
  if (!canTransition(from, to)) throw new Error(`an order cannot move from ${from} to ${to}`);
  return to;
}

/** Still checking out (not yet paid and split): cancelling it undoes the whole order. */
export function inCheckout(status: OrderStatus): boolean {
  return (
    status === 'received' ||
    status === 'fraud_review' ||
    status === 'reserving_stock' ||
    status === 'awaiting_payment'
  );
}
