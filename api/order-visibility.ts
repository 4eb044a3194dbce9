import type { Principal } from './auth/tokens';
import type { OrderResource } from './schemas-order';

// Only ops read how fraud screening scored an order and which Stripe objects carry its money. A buyer who
// could read the score would learn how to stay under it, and the PaymentIntent ids are ours, not theirs.
const opsOnly = ['fraud', 'paymentIntentIds'] as const;

export function orderAsSeenBy(principal: Pick<Principal, 'role'>, order: OrderResource): OrderResource {
  if (principal.role === 'ops') return order;
  const seen = Object.fromEntries(
    Object.entries(order).filter(([field]) => !(opsOnly as readonly string[]).includes(field)),
  ) as OrderResource;
  if (order.subOrders) {
    seen.subOrders = order.subOrders.map(({ paymentIntentId: _paymentIntentId, ...subOrder }) => subOrder);
  }
  return seen;
}
