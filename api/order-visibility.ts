import type { Principal } from './auth/tokens';

// Only ops read how fraud screening scored an order and which Stripe objects carry its money. A buyer who
// could read the score would learn how to stay under it, and the PaymentIntent ids are ours, not theirs.
const opsOnly = ['fraud', 'paymentIntentIds'] as const;

export function orderAsSeenBy(
  principal: Pick<Principal, 'role'>,
  order: Record<string, unknown>,
): Record<string, unknown> {
  if (principal.role === 'ops') return order;
  const seen = Object.fromEntries(
    Object.entries(order).filter(([field]) => !(opsOnly as readonly string[]).includes(field)),
  );
  if (Array.isArray(order.subOrders)) {
    seen.subOrders = (order.subOrders as Record<string, unknown>[]).map(
      ({ paymentIntentId: _paymentIntentId, ...subOrder }) => subOrder,
    );
  }
  return seen;
}
