import type { Request } from 'express';
import { z } from 'zod';
import type { ProductSearchParams } from '../search/product-query';
import { productView } from './schemas-product';

// What GET /products takes when it searches, and what search answers: shelf items and facet counts.

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

/** GET /products with search parameters, parsed into what search/product-search.ts takes. */
export const productSearchQuery = productSearchQueryBase
  .catchall(z.string().max(200))
  .superRefine((query, ctx) => {
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
  })
  .transform((query): ProductSearchParams => {
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(query)) {
      if (attributeFilter.test(name) && typeof value === 'string') attributes[name.slice(5)] = value;
    }
    return {
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
  });

/** These parameters need the search index; plain browsing by category, seller or brand stays on MongoDB. */
const searchOnly = ['q', 'sort', 'minRating', 'inStock', 'facets'];

export function wantsSearch(query: Request['query']): boolean {
  return searchOnly.some((name) => query[name] !== undefined);
}

export const shelfItem = productView
  .omit({ status: true })
  .extend({
    inStock: z.boolean().openapi({ description: 'From the live stock counters at answer time' }),
    rating: z.number(),
    ratingCount: z.number().int(),
  })
  .openapi('ShelfItem');

const facetCounts = z.array(z.object({ value: z.string(), count: z.number().int() }));
export const productFacets = z
  .object({
    category: facetCounts,
    brand: facetCounts,
    seller: facetCounts,
    price: facetCounts,
    rating: facetCounts,
    attributes: z.record(z.string(), facetCounts),
  })
  .openapi('ProductFacets');

export const suggestQuery = z
  .object({
    q: z.string().trim().min(1).max(100),
    limit: z.coerce.number().int().min(1).max(20).default(8),
  })
  .strict();
