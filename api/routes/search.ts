import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { ProductCache } from '../../catalog/product-cache';
import type { Services } from '../../integrations/services';
import { liveShelf } from '../../search/live-availability';
import type { ProductSearchParams } from '../../search/product-query';
import { searchProducts } from '../../search/product-search';
import { recentlyViewed } from '../../search/recently-viewed';
import { suggestProducts } from '../../search/suggest';
import { principalOf, requireRole } from '../auth/principal';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { productIdPattern } from '../product-ids';
import { productView } from '../schemas-product';
import { parseParams } from '../validation';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a lowercase slug');
const attributeFilter = /^attr\.[a-z][a-z0-9_]{0,39}$/;
const booleanText = z.enum(['true', 'false']).transform((v) => v === 'true');

const maxResultWindow = 10_000;

export const productSearchQueryBase = z.object({
  q: z.string().trim().min(1).max(200).optional(),
  category: slug.optional(),
  brand: z.string().max(100).optional(),
  sellerId: z.string().max(64).optional(),
  minPrice: z.coerce.number().int().min(0).optional(),
  maxPrice: z.coerce.number().int().min(0).optional(),
  minRating: z.coerce.number().min(0).max(5).optional(),
  inStock: booleanText.optional(),
  facets: booleanText.optional(),
  sort: z.enum(['relevance', 'price_asc', 'price_desc', 'newest', 'rating']).default('relevance'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .max(maxResultWindow - 1)
    .default(0)
    .describe('offset + limit must be at most 10000'),
});

const productSearchQuery = productSearchQueryBase.catchall(z.string().max(200)).superRefine((query, ctx) => {
  for (const name of Object.keys(query)) {
    if (!(name in productSearchQueryBase.shape) && !attributeFilter.test(name)) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: 'unknown parameter (attributes are attr.<name>)',
      });
    }
  }
  // The index serves no result past its 10,000th (OpenSearch's max_result_window): say so, not 503.
  if (query.offset + query.limit > maxResultWindow) {
    ctx.addIssue({
      code: 'custom',
      path: ['offset'],
      message: `offset + limit must be at most ${maxResultWindow}; narrow the search instead of paging deeper`,
    });
  }
  if (query.minPrice !== undefined && query.maxPrice !== undefined && query.minPrice > query.maxPrice) {
    ctx.addIssue({ code: 'custom', path: ['minPrice'], message: 'minPrice is above maxPrice' });
  }
});

/** These parameters need the search index; plain browsing by category, seller or brand stays on MongoDB. */
const searchOnly = ['q', 'sort', 'minRating', 'inStock', 'facets'];

export function wantsSearch(query: Request['query']): boolean {
  return searchOnly.some((name) => query[name] !== undefined);
}

const shelfItem = productView
  .omit({ status: true })
  .extend({
    inStock: z.boolean().openapi({ description: 'From the live stock counters at answer time' }),
    rating: z.number(),
    ratingCount: z.number().int(),
  })
  .openapi('ShelfItem');

const facetCounts = z.array(z.object({ value: z.string(), count: z.number().int() }));
const facets = z
  .object({
    category: facetCounts,
    brand: facetCounts,
    seller: facetCounts,
    price: facetCounts,
    rating: facetCounts,
    attributes: z.record(z.string(), facetCounts),
  })
  .openapi('ProductFacets');

const suggestQuery = z
  .object({
    q: z.string().trim().min(1).max(100),
    limit: z.coerce.number().int().min(1).max(20).default(8),
  })
  .strict();

const idParam = z.object({ id: z.string().regex(productIdPattern, 'not a product id') });

/** GET /products when the request needs search: the products router hands such requests here. */
export function productSearchHandler(services: Services): RequestHandler {
  const cache = new ProductCache(services.redis);
  return async (req, res) => {
    const query = parseParams(productSearchQuery, req.query);
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(query)) {
      if (attributeFilter.test(name) && typeof value === 'string') attributes[name.slice(5)] = value;
    }
    const params: ProductSearchParams = {
      ...(query.q !== undefined ? { q: query.q } : {}),
      ...(query.category !== undefined ? { category: query.category } : {}),
      ...(query.brand !== undefined ? { brand: query.brand } : {}),
      ...(query.sellerId !== undefined ? { sellerId: query.sellerId } : {}),
      ...(query.minPrice !== undefined ? { minPrice: query.minPrice } : {}),
      ...(query.maxPrice !== undefined ? { maxPrice: query.maxPrice } : {}),
      ...(query.minRating !== undefined ? { minRating: query.minRating } : {}),
      ...(query.inStock !== undefined ? { inStock: query.inStock } : {}),
      attributes,
      sort: query.sort,
      limit: query.limit,
      offset: query.offset,
    };
    const result = await searchProducts(
      { ...services, cache, prefix: services.env.OPENSEARCH_INDEX_PREFIX },
      params,
    );
    res.json(result);
  };
}

export function searchRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections, counters, redis, search } = services;
  const cache = new ProductCache(redis);
  const prefix = services.env.OPENSEARCH_INDEX_PREFIX;
  const router = Router();

  // Documents GET /products as a whole: plain browsing (MongoDB) plus the search parameters that route
  // it to the index (q, sort, minRating, inStock, facets); search answers also carry facet counts.
  registry.registerPath({
    method: 'get',
    path: '/products',
    summary:
      'Browse or search products. With q, sort, minRating, inStock or facets it is a full-text search ' +
      '(stemming, typo tolerance, facets; stock checked live); otherwise a plain filtered listing',
    request: {
      query: productSearchQueryBase.extend({
        status: z
          .enum(['draft', 'active', 'archived'])
          .optional()
          .describe('Plain listing only: a seller for its own sellerId, or ops'),
      }),
    },
    responses: {
      200: {
        description: 'A page of products',
        content: {
          'application/json': {
            // Search answers shelf items; plain listing answers products (with status, without rating).
            schema: z.object({
              items: z.array(z.union([shelfItem, productView])),
              total: z.number().int(),
              nextOffset: z.number().int().nullable(),
              facets: facets.optional(),
            }),
          },
        },
      },
      ...problemResponses(400, 403, 503),
    },
  });

  registry.registerPath({
    method: 'get',
    path: '/search/suggest',
    summary: 'Autocomplete: product titles whose words start with what was typed',
    request: { query: suggestQuery },
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
  });
  router.get('/search/suggest', async (req, res) => {
    const query = parseParams(suggestQuery, req.query);
    res.json({ suggestions: await suggestProducts(search, prefix, query.q, query.limit) });
  });

  registry.registerPath({
    method: 'get',
    path: '/products/{id}/recommendations',
    summary: '"Bought together": products often in the same orders (recomputed by a scheduled job)',
    request: { params: idParam },
    responses: {
      200: {
        description: 'Recommended products on sale now, with live stock',
        content: { 'application/json': { schema: z.object({ boughtTogether: z.array(shelfItem) }) } },
      },
      ...problemResponses(400, 404),
    },
  });
  router.get('/products/:id/recommendations', async (req, res) => {
    const { id } = parseParams(idParam, req.params);
    const [product] = await liveShelf({ collections, cache, counters }, [id]);
    if (!product) throw new HttpProblem(404, 'product-not-found', 'No such product');
    const doc = await collections.productRecommendations.findOne({ _id: id });
    const ids = (doc?.boughtTogether ?? []).map((r) => r.productId);
    res.json({ boughtTogether: await liveShelf({ collections, cache, counters }, ids) });
  });

  registry.registerPath({
    method: 'get',
    path: '/me/recently-viewed',
    summary: "The signed-in buyer's recently viewed products, newest first",
    security: [{ bearer: [] }],
    responses: {
      200: {
        description: 'Products still on sale, with live stock',
        content: { 'application/json': { schema: z.object({ items: z.array(shelfItem) }) } },
      },
      ...problemResponses(401, 403),
    },
  });
  router.get('/me/recently-viewed', requireRole('buyer'), async (req, res) => {
    const ids = await recentlyViewed(redis, principalOf(req).userId);
    res.json({ items: await liveShelf({ collections, cache, counters }, ids) });
  });

  return router;
}
