import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../integrations/services';
import { orderReturns, readReturn } from '../../returns/return-reads';
import { owns, principalOf } from '../auth/principal';
import { idempotencyKeyOf } from '../idempotency';
import { noStore } from '../no-store';
import { problemResponses } from '../openapi-registry';
import { orderIdPattern } from '../order-ids';
import { HttpProblem } from '../problem';
import { asReturnProblem, returnNotFound } from '../return-problems';
import { requestReturn } from '../return-request';
import { declareRoute } from '../route';
import { requestReturnBody, returnAccepted, returnIdParam, returnView } from '../schemas-return';

const orderParam = z.object({ id: z.string().regex(orderIdPattern, 'not an order id') });

const orderMissing = () => new HttpProblem(404, 'order-not-found', 'No such order');

/** A buyer's returns: requested against a delivered order, each run by its own `return-<id>` workflow. */
export function returnsRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections } = services;
  const table = { router: Router(), registry };
  table.router.use('/returns', noStore);

  declareRoute(table, {
    method: 'post',
    path: '/orders/{id}/returns',
    summary: 'Ask to return delivered items of an order (its buyer); starts a return-<returnId> workflow',
    security: [{ bearer: [] }],
    roles: ['buyer'],
    params: orderParam,
    headers: z.object({ 'idempotency-key': z.string() }),
    body: requestReturnBody,
    responses: {
      202: { description: 'Accepted', content: { 'application/json': { schema: returnAccepted } } },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
    async handle({ params, body }, req, res) {
      const customerId = principalOf(req).userId;
      const taken = await requestReturn(services, customerId, idempotencyKeyOf(req), params.id, body);
      res.status(202).location(`/returns/${taken.returnId}`).json(taken);
    },
  });

  declareRoute(table, {
    method: 'get',
    path: '/returns/{id}',
    summary: "A return's live state (its buyer, its seller or ops)",
    security: [{ bearer: [] }],
    params: returnIdParam,
    responses: {
      200: { description: 'The return', content: { 'application/json': { schema: returnView } } },
      ...problemResponses(400, 401, 404, 503),
    },
    async handle({ params }, req, res) {
      const principal = principalOf(req);
      const found = await readReturn(services, params.id, (owner) => owns(principal, owner)).catch(
        (error: unknown) => {
          throw asReturnProblem(error);
        },
      );
      if (!found) throw returnNotFound();
      res.json(found);
    },
  });

  declareRoute(table, {
    method: 'get',
    path: '/orders/{id}/returns',
    summary: "An order's returns, newest first (its buyer, ops; a seller sees its own)",
    security: [{ bearer: [] }],
    params: orderParam,
    responses: {
      200: {
        description: 'The returns',
        content: { 'application/json': { schema: z.object({ items: z.array(returnView) }) } },
      },
      ...problemResponses(400, 401, 404),
    },
    async handle({ params }, req, res) {
      const principal = principalOf(req);
      // Its buyer and ops see all of the order's returns; a seller of the order sees its own.
      const sellerId = principal.role === 'seller' ? (principal.sellerId ?? '-') : undefined;
      const mayList = (order: { customerId: string; sellerIds: string[] }) =>
        sellerId !== undefined ? order.sellerIds.includes(sellerId) : owns(principal, order);
      const items = await orderReturns(collections, params.id, mayList, sellerId);
      if (!items) throw orderMissing();
      res.json({ items });
    },
  });

  return table.router;
}
