import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Filter } from 'mongodb';
import { z } from 'zod';
import { subOrderStatuses } from '../../domain/sub-order-status';
import type { SubOrderDoc } from '../../orders/documents';
import type { Services } from '../../integrations/services';
import {
  acceptSubOrderUpdate,
  buyLabelUpdate,
  declineSubOrderUpdate,
  markPackedUpdate,
  markPickedUpdate,
  sellerFulfillmentWorkflowId,
} from '../../workflows/seller-fulfillment-definitions';
import { owns, principalOf, requireRole } from '../auth/principal';
import { orderIdPattern } from '../order-ids';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { sellerSubOrderOf, sellerSubOrderSchema, subOrderStepOf, subOrderStepSchema } from '../schemas-order';
import { parseParams, validBody } from '../validation';
import { runStep } from '../workflow-steps';
import { noStore } from '../no-store';

const listQuery = z
  .object({
    status: z.enum(subOrderStatuses).optional(),
    sellerId: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(10_000).default(0),
  })
  .strict();
const params = z.object({ orderId: z.string().regex(orderIdPattern, 'not an order id') });
const emptyBody = z.object({}).strict();
const labelBody = z
  .object({ weightGrams: z.number().int().min(1).max(70_000) })
  .strict()
  .openapi('BuyLabel');
const declineBody = z
  .object({ reason: z.string().trim().min(1).max(500) })
  .strict()
  .openapi('DeclineSubOrder');

/** A seller's part of each order: listed, and worked step by step through its fulfillment workflow. */
export function sellerOrdersRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections, temporal } = services;
  const router = Router();
  router.use('/seller/orders', noStore);

  registry.registerPath({
    method: 'get',
    path: '/seller/orders',
    summary: "The seller's sub-orders, newest first (ops: any seller's, filter by sellerId)",
    security: [{ bearer: [] }],
    request: { query: listQuery },
    responses: {
      200: {
        description: 'A page of sub-orders',
        content: {
          'application/json': { schema: z.object({ items: z.array(sellerSubOrderSchema) }).strict() },
        },
      },
      ...problemResponses(400, 401, 403),
    },
  });
  router.get('/seller/orders', requireRole('seller', 'ops'), async (req, res) => {
    const principal = principalOf(req);
    const query = parseParams(listQuery, req.query);
    const filter: Filter<SubOrderDoc> = {};
    if (principal.role === 'seller') filter.sellerId = principal.sellerId ?? '-';
    else if (query.sellerId) filter.sellerId = query.sellerId;
    if (query.status) filter.status = query.status;
    const items = await collections.subOrders
      .find(filter)
      .sort({ createdAt: -1 })
      .skip(query.offset)
      .limit(query.limit)
      .toArray();
    res.json({ items: items.map(sellerSubOrderOf) });
  });

  const steps = [
    { path: 'accept', what: 'accept this sub-order', body: emptyBody, run: acceptSubOrderUpdate },
    { path: 'picked', what: 'mark this sub-order picked', body: emptyBody, run: markPickedUpdate },
    { path: 'packed', what: 'mark this sub-order packed', body: emptyBody, run: markPackedUpdate },
    { path: 'label', what: 'buy a shipping label', body: labelBody, run: buyLabelUpdate },
    { path: 'decline', what: 'decline this sub-order', body: declineBody, run: declineSubOrderUpdate },
  ] as const;

  for (const step of steps) {
    registry.registerPath({
      method: 'post',
      path: `/seller/orders/{orderId}/${step.path}`,
      summary: `${step.what[0]?.toUpperCase()}${step.what.slice(1)} (its seller)`,
      security: [{ bearer: [] }],
      request: { params, body: { content: { 'application/json': { schema: step.body } } } },
      responses: {
        200: {
          description: 'The sub-order after the step',
          content: { 'application/json': { schema: subOrderStepSchema } },
        },
        ...problemResponses(400, 401, 403, 404, 409, 422, 503),
      },
    });
    router.post(
      `/seller/orders/:orderId/${step.path}`,
      requireRole('seller'),
      validBody(step.body),
      async (req, res) => {
        const principal = principalOf(req);
        const { orderId } = parseParams(params, req.params);
        const sellerId = principal.sellerId ?? '';
        const sub = await collections.subOrders.findOne({ _id: `${orderId}:${sellerId}` });
        if (!sub || !owns(principal, { sellerId: sub.sellerId })) {
          throw new HttpProblem(404, 'sub-order-not-found', 'No such sub-order');
        }
        const handle = temporal.workflow.getHandle(sellerFulfillmentWorkflowId(orderId, sellerId));
        const args = Object.keys(req.body as object).length > 0 ? [req.body] : [];
        const state = await runStep(temporal, step.what, () =>
          // The update's argument shape is checked by the body schema above and by the workflow's validator.
          handle.executeUpdate(step.run as typeof acceptSubOrderUpdate, { args: args as [] }),
        );
        res.json(subOrderStepOf(state));
      },
    );
  }
  return router;
}
