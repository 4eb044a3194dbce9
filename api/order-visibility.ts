import type { Client } from '@temporalio/client';
import type { Collections } from '../integrations/collections';
import { orderRecord, subOrdersOf } from '../orders/order-reads';
import { owns } from './auth/principal';
import type { Principal } from '../accounts/principal';
import { orderWorkflowState } from './order-workflow';
import { HttpProblem } from './problem';
import { type OrderResource, orderFromRecord, orderFromWorkflow } from './schemas-order';

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

export const orderNotFound = () => new HttpProblem(404, 'order-not-found', 'No such order');

/**
 * The order if this principal may see it (its buyer, or ops): the projection, or the workflow itself before
 * its first write. Someone else's order is as missing as one that does not exist.
 */
export async function readOrder(
  deps: { collections: Collections; temporal: Client },
  principal: Principal,
  orderId: string,
): Promise<OrderResource> {
  const doc = await orderRecord(deps.collections, orderId);
  if (doc) {
    if (!owns(principal, { customerId: doc.customerId })) throw orderNotFound();
    return orderFromRecord(doc, await subOrdersOf(deps.collections, orderId));
  }
  const state = await orderWorkflowState(deps.temporal, orderId);
  if (!state || !owns(principal, { customerId: state.customerId })) throw orderNotFound();
  return orderFromWorkflow(state);
}
