import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { createInventoryActivities } from '../../activities/inventory';
import { ledgerBalances } from '../../activities/stock-ledger';
import type { Services } from '../../integrations/services';
import { publishStockChanges } from '../../search/stock-change-feed';
import type { stockReconciliationWorkflow } from '../../workflows/stock-reconciliation';
import { owns, principalOf, requireRole } from '../auth/principal';
import { claimIdempotencyKey, fingerprint, idempotencyKeyOf } from '../idempotency';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { productIdPattern } from '../product-ids';
import { skuSchema } from '../schemas';
import { parseParams, validBody } from '../validation';

const idParam = z.object({ id: z.string().regex(productIdPattern, 'not a product id') });
const warehouseId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'warehouse: a lowercase slug');

export const setStockBody = z
  .object({ sku: skuSchema, warehouseId, available: z.number().int().min(0).max(10_000_000) })
  .strict()
  .openapi('SetStock');

const stockView = z
  .object({
    productId: z.string(),
    skus: z.array(
      z.object({
        sku: z.string(),
        warehouses: z.record(z.string(), z.number().int()),
        ledger: z.record(z.string(), z.number().int()),
      }),
    ),
  })
  .openapi('Stock');

const stockByWarehouse = z.record(z.string(), z.number().int()).describe('Units per warehouse');
const reconciliationReport = z
  .object({
    skusChecked: z.number().int(),
    at: z.string().describe('ISO 8601 date-time'),
    drifts: z.array(
      z
        .object({
          sku: z.string(),
          redis: stockByWarehouse,
          ledger: stockByWarehouse,
          repaired: z.boolean(),
          reason: z.enum(['missing', 'persistent', 'transient']),
        })
        .strict(),
    ),
  })
  .strict()
  .openapi('StockReconciliation');

export function stockRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections, counters, temporal, env } = services;
  const { redis } = services;
  // Wired as the worker wires it: a stock edit reaches the search index's in-stock filter at once, not
  // only at the indexer's periodic scan.
  const inventory = createInventoryActivities({
    collections,
    counters,
    now: () => new Date(),
    onStockChanged: (skus) => publishStockChanges(redis, skus),
  });
  const router = Router();

  async function ownedProduct(principal: ReturnType<typeof principalOf>, id: string) {
    const product = await collections.products.findOne({ _id: id });
    if (!product || !owns(principal, { sellerId: product.sellerId })) {
      throw new HttpProblem(404, 'product-not-found', 'No such product');
    }
    return product;
  }

  async function stockOf(productId: string, skus: string[]) {
    const ledger = await ledgerBalances(collections, skus);
    return {
      productId,
      skus: await Promise.all(
        skus.map(async (sku) => ({
          sku,
          warehouses: await counters.available(sku),
          ledger: ledger.get(sku) ?? {},
        })),
      ),
    };
  }

  registry.registerPath({
    method: 'put',
    path: '/products/{id}/stock',
    summary: "Set a SKU's available units in one warehouse (its seller or ops); needs Idempotency-Key",
    security: [{ bearer: [] }],
    request: {
      params: idParam,
      headers: z.object({ 'idempotency-key': z.string().describe('8-128 of [A-Za-z0-9_.:-]') }),
      body: { content: { 'application/json': { schema: setStockBody } } },
    },
    responses: {
      200: { description: 'Stock after the change', content: { 'application/json': { schema: stockView } } },
      ...problemResponses(400, 401, 403, 404, 415, 422),
    },
  });
  router.put(
    '/products/:id/stock',
    requireRole('seller', 'ops'),
    validBody(setStockBody),
    async (req, res) => {
      const { id } = parseParams(idParam, req.params);
      const body = req.body as z.infer<typeof setStockBody>;
      const principal = principalOf(req);
      const product = await ownedProduct(principal, id);
      if (!product.skus.some((s) => s.sku === body.sku)) {
        throw new HttpProblem(422, 'validation', 'The request body is invalid', undefined, {
          errors: [{ field: 'sku', message: `not a SKU of product ${id}` }],
        });
      }
      const key = idempotencyKeyOf(req);
      const { resourceId: adjustmentKey } = await claimIdempotencyKey(
        collections,
        `stock:${principal.userId}`,
        key,
        fingerprint({ id, ...body }),
        `${principal.userId}:${key}`,
      );
      await inventory.setAvailableStock({ ...body, adjustmentKey });
      // The whole product's stock, as GET answers it: a storefront does not have to merge one SKU in.
      res.json(
        await stockOf(
          id,
          product.skus.map((s) => s.sku),
        ),
      );
    },
  );

  registry.registerPath({
    method: 'get',
    path: '/products/{id}/stock',
    summary: 'Available units per SKU and warehouse, from Redis and from the ledger (its seller or ops)',
    security: [{ bearer: [] }],
    request: { params: idParam },
    responses: {
      200: { description: 'Stock', content: { 'application/json': { schema: stockView } } },
      ...problemResponses(400, 401, 403, 404),
    },
  });
  router.get('/products/:id/stock', requireRole('seller', 'ops'), async (req, res) => {
    const { id } = parseParams(idParam, req.params);
    const product = await ownedProduct(principalOf(req), id);
    res.json(
      await stockOf(
        id,
        product.skus.map((s) => s.sku),
      ),
    );
  });

  registry.registerPath({
    method: 'post',
    path: '/ops/stock/reconcile',
    summary: 'Run the stock reconciliation now (ops); the same workflow the schedule runs every 5 minutes',
    security: [{ bearer: [] }],
    responses: {
      200: {
        description: 'The reconciliation report',
        content: { 'application/json': { schema: reconciliationReport } },
      },
      ...problemResponses(401, 403),
    },
  });
  router.post('/ops/stock/reconcile', requireRole('ops'), async (_req, res) => {
    const report = await temporal.workflow.execute<typeof stockReconciliationWorkflow>(
      'stockReconciliationWorkflow',
      {
        taskQueue: env.TEMPORAL_TASK_QUEUE,
        workflowId: `stock-reconciliation-manual-${Date.now()}`,
      },
    );
    res.json(report);
  });

  return router;
}
