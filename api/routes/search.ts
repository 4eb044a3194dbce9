import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { ProductCache } from '../../catalog/product-cache';
import type { Services } from '../../integrations/services';
import { boughtTogetherShelf, recentlyViewedShelf } from '../../search/shelf-reads';
import { suggestProducts } from '../../search/suggest';
import { principalOf } from '../auth/principal';
import { rethrowAsProblem } from '../catalog-problems';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { productIdParams } from '../schemas-product';
import { shelfItem, suggestQuery } from '../schemas-search';
import { declareRoute } from '../route';

/**
 * What search serves beside the product listing: autocomplete, "bought together" and recently viewed.
 * Product search itself is GET /products (routes/products.ts), which searches when its parameters ask to.
 */
export function searchRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { redis, search } = services;
  const shelf = { ...services, cache: new ProductCache(redis) };
  const prefix = services.env.OPENSEARCH_INDEX_PREFIX;
  const table = { router: Router(), registry };

  declareRoute(table, {
    method: 'get',
    path: '/search/suggest',
    summary: 'Autocomplete: product titles whose words start with what was typed',
    query: suggestQuery,
    responses: {
      200: {
        description: 'Suggestions, best first',
        content: {
          'application/json': {
            schema: z.object({ suggestions: z.array(z.object({ text: z.string(), productId: z.string() })) }),
          },
        },
      },
      ...problemResponses(400, 503),
    },
    async handle({ query }, _req, res) {
      const suggestions = await suggestProducts(search, prefix, query.q, query.limit).catch(rethrowAsProblem);
      res.json({ suggestions });
    },
  });

  declareRoute(table, {
    method: 'get',
    path: '/products/{id}/recommendations',
    summary: '"Bought together": products often in the same orders (recomputed by a scheduled job)',
    params: productIdParams,
    responses: {
      200: {
        description: 'Recommended products on sale now, with live stock',
        content: { 'application/json': { schema: z.object({ boughtTogether: z.array(shelfItem) }) } },
      },
      ...problemResponses(400, 404),
    },
    async handle({ params }, _req, res) {
      const boughtTogether = await boughtTogetherShelf(shelf, params.id);
      if (!boughtTogether) throw new HttpProblem(404, 'product-not-found', 'No such product');
      res.json({ boughtTogether });
    },
  });

  declareRoute(table, {
    method: 'get',
    path: '/me/recently-viewed',
    summary: "The signed-in buyer's recently viewed products, newest first",
    security: [{ bearer: [] }],
    roles: ['buyer'],
    responses: {
      200: {
        description: 'Products still on sale, with live stock',
        content: { 'application/json': { schema: z.object({ items: z.array(shelfItem) }) } },
      },
      ...problemResponses(401, 403),
    },
    async handle(_input, req, res) {
      res.json({ items: await recentlyViewedShelf(shelf, principalOf(req).userId) });
    },
  });

  return table.router;
}
