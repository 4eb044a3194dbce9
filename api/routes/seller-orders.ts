import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../integrations/services';
import { listSubOrders, subOrderRecord } from '../../orders/order-reads';
import { owns, principalOf } from '../auth/principal';
import { noStore } from '../no-store';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { type RouteTable, declareRoute } from '../route';
import { sellerSubOrderOf, sellerSubOrderSchema, subOrderStepOf, subOrderStepSchema } from '../schemas-order';
import { subOrderListQuery, subOrderParams } from '../schemas-order-requests';
import { type SubOrderStep, runSubOrderStep, subOrderSteps } from '../sub-order-steps';

const security = [{ bearer: [] }];

/** A seller's part of each order: listed, and worked step by step through its fulfillment workflow. */
export function sellerOrdersRouter(services: Services, registry: OpenAPIRegistry): Router {
  const table: RouteTable = { router: Router(), registry };
  table.router.use('/seller/orders', noStore);

  declareRoute(table, {
    method: 'get',
    path: '/seller/orders',
    summary: "The seller's sub-orders, newest first (ops: any seller's, filter by sellerId)",
    security,
    roles: ['seller', 'ops'],
    query: subOrderListQuery,
    responses: {
      200: {
        description: 'A page of sub-orders',
        content: {
          'application/json': { schema: z.object({ items: z.array(sellerSubOrderSchema) }).strict() },
        },
      },
      ...problemResponses(400, 401, 403),
    },
    async handle({ query }, req, res) {
      const principal = principalOf(req);
      // A seller lists only its own parts, whatever sellerId it sends.
      const sellerId = principal.role === 'seller' ? (principal.sellerId ?? '-') : query.sellerId;
      const items = await listSubOrders(services.collections, { sellerId, status: query.status }, query);
      res.json({ items: items.map(sellerSubOrderOf) });
    },
  });

  for (const step of subOrderSteps) declareSubOrderStep(table, services, step);
  return table.router;
}

function declareSubOrderStep(table: RouteTable, services: Services, step: SubOrderStep): void {
  declareRoute(table, {
    method: 'post',
    path: `/seller/orders/{orderId}/${step.path}`,
    summary: `${step.what[0]?.toUpperCase()}${step.what.slice(1)} (its seller)`,
    security,
    roles: ['seller'],
    params: subOrderParams,
    body: step.body,
    responses: {
      200: {
        description: 'The sub-order after the step',
        content: { 'application/json': { schema: subOrderStepSchema } },
      },
      ...problemResponses(400, 401, 403, 404, 409, 422, 503),
    },
    async handle({ params, body }, req, res) {
      const principal = principalOf(req);
      const sellerId = principal.sellerId ?? '';
      const sub = await subOrderRecord(services.collections, params.orderId, sellerId);
      if (!sub || !owns(principal, { sellerId: sub.sellerId })) {
        throw new HttpProblem(404, 'sub-order-not-found', 'No such sub-order');
      }
      const state = await runSubOrderStep(
        services.temporal,
        { orderId: params.orderId, sellerId },
        step,
        body,
      );
      res.json(subOrderStepOf(state));
    },
  });
}
