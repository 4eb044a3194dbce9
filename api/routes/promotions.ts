import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { isDuplicateKeyError } from '../../integrations/collections';
import type { PromotionDoc } from '../../catalog/documents';
import type { Services } from '../../integrations/services';
import { principalOf, requireRole } from '../auth/principal';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { moneySchema } from '../schemas';
import { parseParams, validBody } from '../validation';

// Buyers type codes in any case; they are stored and compared upper case.
export const promoCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9-]{3,32}$/, 'code: 3-32 of A-Z, 0-9 and -');

const instant = z.iso.datetime({ offset: true });
const common = { code: promoCodeSchema, validFrom: instant, validUntil: instant, minSubtotal: moneySchema };

export const promotionCreateBody = z
  .discriminatedUnion('kind', [
    z
      .object({ ...common, kind: z.literal('percent'), percentBps: z.number().int().min(1).max(10_000) })
      .strict(),
    z.object({ ...common, kind: z.literal('fixed'), amount: moneySchema }).strict(),
  ])
  .superRefine((body, ctx) => {
    if (Date.parse(body.validUntil) <= Date.parse(body.validFrom)) {
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'must be after validFrom' });
    }
    if (body.kind === 'fixed') {
      if (body.amount.amount < 1) ctx.addIssue({ code: 'custom', path: ['amount'], message: 'must be > 0' });
      if (body.amount.currency !== body.minSubtotal.currency) {
        ctx.addIssue({ code: 'custom', path: ['amount'], message: 'must be in the currency of minSubtotal' });
      }
    }
  })
  .openapi('PromotionCreate');

const promotionView = z
  .object({
    code: z.string(),
    kind: z.enum(['percent', 'fixed']),
    percentBps: z.number().int().optional(),
    amount: moneySchema.optional(),
    validFrom: z.string(),
    validUntil: z.string(),
    minSubtotal: moneySchema,
    createdAt: z.string(),
  })
  .openapi('Promotion');

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

function sameTerms(a: PromotionDoc, b: PromotionDoc): boolean {
  const terms = (doc: PromotionDoc) =>
    JSON.stringify([
      doc.kind,
      doc.percentBps ?? null,
      doc.amount ?? null,
      doc.validFrom.getTime(),
      doc.validUntil.getTime(),
      doc.minSubtotal,
    ]);
  return terms(a) === terms(b);
}

export function promotionsRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections } = services;
  const router = Router();

  registry.registerPath({
    method: 'post',
    path: '/ops/promotions',
    summary:
      'Create a promo code (ops). The code is its own idempotency key: the same terms again answer 200, ' +
      'different terms under a taken code 409.',
    security: [{ bearer: [] }],
    request: { body: { content: { 'application/json': { schema: promotionCreateBody } } } },
    responses: {
      201: { description: 'Created', content: { 'application/json': { schema: promotionView } } },
      200: { description: 'Already created', content: { 'application/json': { schema: promotionView } } },
      ...problemResponses(401, 403, 409, 415, 422),
    },
  });
  router.post('/ops/promotions', requireRole('ops'), validBody(promotionCreateBody), async (req, res) => {
    const body = req.body as z.infer<typeof promotionCreateBody>;
    const doc: PromotionDoc = {
      _id: body.code,
      kind: body.kind,
      ...(body.kind === 'percent' ? { percentBps: body.percentBps } : { amount: body.amount }),
      validFrom: new Date(body.validFrom),
      validUntil: new Date(body.validUntil),
      minSubtotal: body.minSubtotal,
      createdBy: principalOf(req).userId,
      createdAt: new Date(),
    };
    try {
      await collections.promotions.insertOne(doc);
      res.status(201).json(view(doc));
      return;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    const existing = await collections.promotions.findOne({ _id: doc._id });
    if (!existing || !sameTerms(existing, doc)) {
      throw new HttpProblem(409, 'promo-code-taken', 'A promo code with this name but other terms exists');
    }
    res.status(200).json(view(existing));
  });

  registry.registerPath({
    method: 'get',
    path: '/ops/promotions',
    summary: 'List promo codes (ops), by code',
    security: [{ bearer: [] }],
    request: { query: listQuery },
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
  });
  router.get('/ops/promotions', requireRole('ops'), async (req, res) => {
    const query = parseParams(listQuery, req.query);
    const docs = await collections.promotions
      .find({})
      .sort({ _id: 1 })
      .skip(query.offset)
      .limit(query.limit + 1)
      .toArray();
    const items = docs.slice(0, query.limit).map(view);
    res.json({ items, nextOffset: docs.length > query.limit ? query.offset + query.limit : null });
  });

  return router;
}
