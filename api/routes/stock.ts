import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { ProductDoc } from '../../catalog/documents';
import type { Services } from '../../integrations/services';
import { setSellerStock } from '../../inventory/seller-stock';
import { productStock } from '../../inventory/stock-reads';
import type { stockReconciliationWorkflow } from '../../workflows/stock-reconciliation';
import { owns, principalOf } from '../auth/principal';
import type { Principal } from '../../accounts/principal';
import { rethrowAsProblem } from '../catalog-problems';
import { claimIdempotencyKey, fingerprint, idempotencyKeyOf } from '../idempotency';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { declareRoute } from '../route';
import { productIdParams } from '../schemas-product';
import { reconciliationReport, setStockBody, stockView } from '../schemas-stock';

function managerOf(principal: Principal) {
  return (product: ProductDoc) => owns(principal, { sellerId: product.sellerId });
}

/** Sellers set and read their stock per warehouse; ops run the reconciliation of Redis with the ledger. */
export function stockRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections, temporal, env } = services;
  const table = { router: Router(), registry };

  declareRoute(table, {
    method: 'put',
    path: '/products/{id}/stock',
    summary: "Set a SKU's available units in one warehouse (its seller or ops); needs Idempotency-Key",
    security: [{ bearer: [] }],
    roles: ['seller', 'ops'],
    params: productIdParams,
    headers: z.object({ 'idempotency-key': z.string().describe('8-128 of [A-Za-z0-9_.:-]') }),
    body: setStockBody,
    responses: {
      200: { description: 'Stock after the change', content: { 'application/json': { schema: stockView } } },
      ...problemResponses(400, 401, 403, 404, 415, 422),
    },
    async handle({ params, body }, req, res) {
      const principal = principalOf(req);
      // The key is claimed only once the edit is known to be valid (inventory/seller-stock.ts).
      const adjustmentKey = async () => {
        const key = idempotencyKeyOf(req);
        const scope = `stock:${principal.userId}`;
        const print = fingerprint({ id: params.id, ...body });
        return (await claimIdempotencyKey(collections, scope, key, print, `${principal.userId}:${key}`))
          .resourceId;
      };
      const edit = { productId: params.id, ...body, mayManage: managerOf(principal), adjustmentKey };
      // The whole product's stock, as GET answers it: a storefront does not have to merge one SKU in.
      res.json(await setSellerStock(services, edit).catch(rethrowAsProblem));
    },
  });

  declareRoute(table, {
    method: 'get',
    path: '/products/{id}/stock',
    summary: 'Available units per SKU and warehouse, from Redis and from the ledger (its seller or ops)',
    security: [{ bearer: [] }],
    roles: ['seller', 'ops'],
    params: productIdParams,
    responses: {
      200: { description: 'Stock', content: { 'application/json': { schema: stockView } } },
      ...problemResponses(400, 401, 403, 404),
    },
    async handle({ params }, req, res) {
      const stock = await productStock(services, params.id, managerOf(principalOf(req)));
      if (!stock) throw new HttpProblem(404, 'product-not-found', 'No such product');
      res.json(stock);
    },
  });

  declareRoute(table, {
    method: 'post',
    path: '/ops/stock/reconcile',
    summary: 'Run the stock reconciliation now (ops); the same workflow the schedule runs every 5 minutes',
    security: [{ bearer: [] }],
    roles: ['ops'],
    responses: {
      200: {
        description: 'The reconciliation report',
        content: { 'application/json': { schema: reconciliationReport } },
      },
      ...problemResponses(401, 403),
    },
    async handle(_input, _req, res) {
      const report = await temporal.workflow.execute<typeof stockReconciliationWorkflow>(
        'stockReconciliationWorkflow',
        { taskQueue: env.TEMPORAL_TASK_QUEUE, workflowId: `stock-reconciliation-manual-${Date.now()}` },
      );
      res.json(report);
    },
  });

  return table.router;
}
