import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { PromotionDoc } from '../../catalog/documents';
import { createPromotion } from '../../catalog/promotion-commands';
import { listPromotions } from '../../catalog/promotion-reads';
import type { Services } from '../../integrations/services';
import { principalOf } from '../auth/principal';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { declareRoute } from '../route';
import { promotionCreateBody, promotionView } from '../schemas-promotion';

const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    offset: z.coerce.number().int().min(0).max(10_000).default(0),
  })
  .strict();

function view(doc: PromotionDoc) {
  return {
    code: doc._id,
    kind: doc.kind,
    ...(doc.percentBps !== undefined ? { percentBps: doc.percentBps } : {}),
    ...(doc.amount ? { amount: doc.amount } : {}),
    validFrom: doc.validFrom.toISOString(),
    validUntil: doc.validUntil.toISOString(),
    minSubtotal: doc.minSubtotal,
    createdAt: doc.createdAt.toISOString(),
  };
}

/** Ops create and list promo codes; buyers apply them to a cart (routes/cart.ts). */
export function promotionsRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections } = services;
  const table = { router: Router(), registry };

  declareRoute(table, {
    method: 'post',
    path: '/ops/promotions',
    summary:
      'Create a promo code (ops). The code is its own idempotency key: the same terms again answer 200, ' +
      'different terms under a taken code 409.',
    security: [{ bearer: [] }],
    roles: ['ops'],
    body: promotionCreateBody,
    responses: {
      201: { description: 'Created', content: { 'application/json': { schema: promotionView } } },
      200: { description: 'Already created', content: { 'application/json': { schema: promotionView } } },
      ...problemResponses(401, 403, 409, 415, 422),
    },
    async handle({ body }, req, res) {
      const terms = {
        code: body.code,
        kind: body.kind,
        ...(body.kind === 'percent' ? { percentBps: body.percentBps } : { amount: body.amount }),
        validFrom: new Date(body.validFrom),
        validUntil: new Date(body.validUntil),
        minSubtotal: body.minSubtotal,
      };
      const created = await createPromotion(collections, terms, principalOf(req).userId);
      if (created.kind === 'code-taken') {
        throw new HttpProblem(409, 'promo-code-taken', 'A promo code with this name but other terms exists');
      }
      res.status(created.kind === 'created' ? 201 : 200).json(view(created.promotion));
    },
  });

  declareRoute(table, {
    method: 'get',
    path: '/ops/promotions',
    summary: 'List promo codes (ops), by code',
    security: [{ bearer: [] }],
    roles: ['ops'],
    query: listQuery,
    responses: {
      200: {
        description: 'A page of promo codes',
        content: {
          'application/json': {
            schema: z.object({ items: z.array(promotionView), nextOffset: z.number().int().nullable() }),
          },
        },
      },
      ...problemResponses(400, 401, 403),
    },
    async handle({ query }, _req, res) {
      const page = await listPromotions(collections, query);
      res.json({ items: page.items.map(view), nextOffset: page.nextOffset });
    },
  });

  return table.router;
}
