import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { defaultCommission } from '../../domain/commission';
import type { Services } from '../../integrations/services';
import { listCommissionRules, setCommissionRule } from '../../payouts/commission-rules';
import type { CommissionRuleDoc } from '../../payouts/documents';
import { principalOf } from '../auth/principal';
import { problemResponses } from '../openapi-registry';
import { declareRoute } from '../route';

// The marketplace's cut, set by ops per category, per seller, or both (payouts/commission-rules.ts).

export const commissionRuleBody = z
  .object({
    sellerId: z
      .string()
      .regex(/^sel_[\w-]{1,64}$/, 'not a seller id')
      .optional(),
    category: z
      .string()
      .regex(/^[a-z0-9_-]{1,64}$/, 'a category slug')
      .optional(),
    kind: z.enum(['percent', 'fixed']),
    /** Basis points for percent (at most 100%); minor units per unit sold for fixed. */
    value: z.number().int().min(0).max(10_000_000),
  })
  .strict()
  .refine((rule) => rule.kind !== 'percent' || rule.value <= 10_000, {
    message: 'a percent rule is in basis points, at most 10000 (100%)',
    path: ['value'],
  })
  .openapi('CommissionRule');

const ruleView = z
  .object({
    ruleId: z.string(),
    sellerId: z.string().optional(),
    category: z.string().optional(),
    kind: z.enum(['percent', 'fixed']),
    value: z.number(),
    setBy: z.string(),
    updatedAt: z.string(),
  })
  .openapi('CommissionRuleView');

function viewOf(doc: CommissionRuleDoc): z.infer<typeof ruleView> {
  return {
    ruleId: doc._id,
    ...(doc.sellerId ? { sellerId: doc.sellerId } : {}),
    ...(doc.category ? { category: doc.category } : {}),
    kind: doc.kind,
    value: doc.value,
    setBy: doc.setBy,
    updatedAt: doc.updatedAt.toISOString(),
  };
}

export function commissionRulesRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections } = services;
  const table = { router: Router(), registry };

  declareRoute(table, {
    method: 'put',
    path: '/ops/commission-rules',
    summary:
      'Set the commission for a scope (seller and/or category; neither is the marketplace default). One ' +
      'rule per scope, so repeating the call is safe; it applies to sales posted from now on.',
    security: [{ bearer: [] }],
    roles: ['ops'],
    body: commissionRuleBody,
    responses: {
      200: { description: 'Rule set', content: { 'application/json': { schema: ruleView } } },
      ...problemResponses(401, 403, 415, 422),
    },
    async handle({ body }, req, res) {
      res.json(viewOf(await setCommissionRule(collections, body, principalOf(req).userId)));
    },
  });

  declareRoute(table, {
    method: 'get',
    path: '/ops/commission-rules',
    summary: 'Every commission rule, and the default that applies when none matches.',
    security: [{ bearer: [] }],
    roles: ['ops'],
    responses: {
      200: {
        description: 'Rules',
        content: {
          'application/json': {
            schema: z.object({
              default: z.object({ kind: z.enum(['percent', 'fixed']), value: z.number() }),
              rules: z.array(ruleView),
            }),
          },
        },
      },
      ...problemResponses(401, 403),
    },
    async handle(_input, _req, res) {
      res.json({ default: defaultCommission, rules: (await listCommissionRules(collections)).map(viewOf) });
    },
  });

  return table.router;
}
