import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../integrations/services';
import { stockDiscrepancies } from '../../inventory/discrepancy-reads';
import { problemResponses } from '../openapi-registry';
import { declareRoute } from '../route';

const query = z
  .object({
    /** Also list discrepancies a later reconciliation found agreeing again. */
    includeResolved: z.enum(['true', 'false']).default('false'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

const figures = z.object({
  available: z.record(z.string(), z.number().int()),
  heldUnits: z.record(z.string(), z.number().int()),
});

const discrepancyView = z
  .object({
    sku: z.string(),
    reason: z.enum(['negative-ledger', 'open-holds-disagree']),
    redis: figures,
    ledger: figures,
    firstSeenAt: z.string(),
    lastSeenAt: z.string(),
    sightings: z.number().int(),
    resolvedAt: z.string().optional(),
  })
  .openapi('StockDiscrepancy');

/**
 * SKUs where reconciliation refused to copy the ledger into Redis, for a person to decide: the read model of
 * the reconciliation's findings, newest first.
 */
export function stockDiscrepanciesRouter(services: Services, registry: OpenAPIRegistry): Router {
  const table = { router: Router(), registry };
  declareRoute(table, {
    method: 'get',
    path: '/ops/stock/discrepancies',
    summary: 'Stock the reconciliation would not repair on its own: ledger and Redis disagree (ops)',
    security: [{ bearer: [] }],
    roles: ['ops'],
    query,
    responses: {
      200: {
        description: 'Open discrepancies, newest first',
        content: { 'application/json': { schema: z.object({ items: z.array(discrepancyView) }) } },
      },
      ...problemResponses(400, 401, 403),
    },
    async handle({ query: { includeResolved, limit } }, _req, res) {
      const items = await stockDiscrepancies(services.collections, {
        includeResolved: includeResolved === 'true',
        limit,
      });
      res.json({ items });
    },
  });
  return table.router;
}
