import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { CartStore } from '../../cart/cart-store';
import { FlashSaleQueue } from '../../integrations/flash-sale-queue';
import { CheckoutsInFlight } from '../../inventory/checkouts-in-flight';
import type { Services } from '../../integrations/services';
import { listOrders } from '../../orders/order-reads';
import { principalOf } from '../auth/principal';
import { idempotencyKeyOf } from '../idempotency';
import { noStore } from '../no-store';
import { problemResponses } from '../openapi-registry';
import { checkoutConflict, orderProblem } from '../order-problems';
import { orderAsSeenBy, readOrder } from '../order-visibility';
import { cancelOrder, decideOnFraudReview } from '../order-workflow';
import { placeOrder } from '../place-order';
import { HttpProblem } from '../problem';
import { type RouteTable, declareRoute } from '../route';
import { orderFromRecord, orderSchema } from '../schemas-order';
import {
  cancelOrderBody,
  cancellingOrder,
  fraudDecisionBody,
  fraudDecisionTaken,
  orderAccepted,
  orderIdParams,
  orderListQuery,
  placeOrderBody,
} from '../schemas-order-requests';

const security = [{ bearer: [] }];

/** Buyers check out and follow their orders; buyers and ops cancel; ops decide on fraud reviews. */
export function ordersRouter(services: Services, registry: OpenAPIRegistry): Router {
  const table: RouteTable = { router: Router(), registry };
  table.router.use(['/orders', '/ops/orders'], noStore);
  declarePlaceOrder(table, services);
  declareOrderReads(table, services);
  declareOrderDecisions(table, services);
  return table.router;
}

function declarePlaceOrder(table: RouteTable, services: Services): void {
  const deps = {
    ...services,
    carts: new CartStore(services.redis),
    flashSales: new FlashSaleQueue(services.redis),
    inFlight: new CheckoutsInFlight(services.redis),
  };
  declareRoute(table, {
    method: 'post',
    path: '/orders',
    summary:
      "Check out the buyer's cart (or the given lines); starts its order-<orderId> workflow. The same " +
      'Idempotency-Key and body again answers the same order. Without paymentMethodId the order holds stock ' +
      'unpaid, so it is bounded: 422 unpaid-quantity-limit past UNPAID_ORDER_MAX_UNITS_PER_SKU units of a ' +
      'SKU, 409 too-many-unpaid-orders past UNPAID_ORDERS_PER_BUYER open unpaid orders. An ordinary checkout ' +
      '(not a flash-sale one, whose units are already held) is refused at once with 409 out-of-stock, listing ' +
      'each SKU short with the units requested and available, when a line asks for more than is available ' +
      '(in stock, less the units of checkouts ahead of it whose orders have not reserved yet); ' +
      'no order is created, the cart is kept and the Idempotency-Key stays usable. A SKU that does not exist ' +
      'or is not for sale answers 422 sku-not-for-sale. Stock that passes this check can still be sold to ' +
      'another buyer first: the order then fails in its workflow (status failed).',
    security,
    roles: ['buyer'],
    headers: z.object({ 'idempotency-key': z.string() }),
    body: placeOrderBody,
    responses: {
      202: { description: 'Accepted', content: { 'application/json': { schema: orderAccepted } } },
      409: {
        description:
          'out-of-stock (ordinary checkout asks for more than is available: skus lists each SKU short), ' +
          'too-many-unpaid-orders, flash-sale-hold-unavailable',
        content: { 'application/problem+json': { schema: checkoutConflict } },
      },
      ...problemResponses(400, 401, 403, 404, 413, 415, 422),
    },
    async handle({ body }, req, res) {
      const buyer = principalOf(req);
      const orderId = await placeOrder(deps, buyer.userId, idempotencyKeyOf(req), body).catch(
        (error: unknown) => {
          throw orderProblem(error);
        },
      );
      res.status(202).location(`/orders/${orderId}`).json({ orderId, status: 'received' });
    },
  });
}

function declareOrderReads(table: RouteTable, services: Services): void {
  declareRoute(table, {
    method: 'get',
    path: '/orders/{id}',
    summary: "An order's status, totals, lines and sub-orders (its buyer or ops)",
    security,
    params: orderIdParams,
    responses: {
      200: { description: 'The order', content: { 'application/json': { schema: orderSchema } } },
      ...problemResponses(400, 401, 404),
    },
    async handle({ params }, req, res) {
      const principal = principalOf(req);
      res.json(orderAsSeenBy(principal, await readOrder(services, principal, params.id)));
    },
  });

  declareRoute(table, {
    method: 'get',
    path: '/orders',
    summary: "The buyer's orders, newest first (ops: everyone's, filter by customerId)",
    security,
    query: orderListQuery,
    responses: {
      200: {
        description: 'A page of orders',
        content: { 'application/json': { schema: z.object({ items: z.array(orderSchema) }).strict() } },
      },
      ...problemResponses(400, 401, 403),
    },
    async handle({ query }, req, res) {
      const principal = principalOf(req);
      if (principal.role === 'seller') {
        throw new HttpProblem(403, 'forbidden', 'Sellers see their sub-orders at GET /seller/orders');
      }
      // A buyer lists only its own orders, whatever customerId it sends.
      const customerId = principal.role === 'ops' ? query.customerId : principal.userId;
      const items = await listOrders(services.collections, { customerId, status: query.status }, query);
      res.json({ items: items.map((doc) => orderAsSeenBy(principal, orderFromRecord(doc))) });
    },
  });
}

function declareOrderDecisions(table: RouteTable, services: Services): void {
  declareRoute(table, {
    method: 'post',
    path: '/orders/{id}/cancel',
    summary:
      'Cancel an order (its buyer or ops): all of it before anything ships, afterwards the unshipped parts',
    security,
    roles: ['buyer', 'ops'],
    params: orderIdParams,
    body: cancelOrderBody,
    responses: {
      202: {
        description: 'Cancelling these sellers’ parts',
        content: { 'application/json': { schema: cancellingOrder } },
      },
      ...problemResponses(400, 401, 403, 404, 409, 422, 503),
    },
    async handle({ params, body }, req, res) {
      const order = await readOrder(services, principalOf(req), params.id);
      const result = await cancelOrder(services.temporal, params.id, body.reason).catch((error: unknown) => {
        // The order exists but its workflow has ended (delivered, cancelled, failed): nothing is left to cancel.
        if (error instanceof HttpProblem && error.status === 404) {
          throw new HttpProblem(
            409,
            'invalid-state',
            'Cannot cancel this order now',
            `order is ${order.status}`,
          );
        }
        throw error;
      });
      res.status(202).json(result);
    },
  });

  declareRoute(table, {
    method: 'post',
    path: '/ops/orders/{id}/fraud-decision',
    summary: 'Approve or reject an order held for fraud review (ops)',
    security,
    roles: ['ops'],
    params: orderIdParams,
    body: fraudDecisionBody,
    responses: {
      200: { description: 'Decision taken', content: { 'application/json': { schema: fraudDecisionTaken } } },
      ...problemResponses(400, 401, 403, 404, 409, 422, 503),
    },
    async handle({ params, body }, _req, res) {
      const status = await decideOnFraudReview(services.temporal, params.id, body);
      res.json({ orderId: params.id, decision: body.decision, status });
    },
  });
}
