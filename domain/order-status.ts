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
  fulfilling: ['partially_shipped', 'shipped', 'delivered', 'cancelled', 'refunded'],
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
