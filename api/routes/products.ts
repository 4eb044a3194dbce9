import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Request } from 'express';
import type { Filter } from 'mongodb';
import { z } from 'zod';
import { canSell } from '../../domain/seller-standing';
import { ProductCache } from '../../catalog/product-cache';
import {
  SkuTakenError,
  VersionConflictError,
  createProduct,
  readProduct,
  updateProduct,
} from '../../catalog/products';
import type { ProductDoc } from '../../catalog/documents';
import type { Services } from '../../integrations/services';
import { ProductBusyError } from '../../catalog/product-write-lock';
import { publishCatalogChanges } from '../../search/stock-change-feed';
import { owns, principalOf, requireRole } from '../auth/principal';
import type { Principal } from '../auth/tokens';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { parseParams, validBody } from '../validation';
import { newProductId, productIdPattern } from '../product-ids';
import { moneySchema, skuSchema } from '../schemas';
import { productView } from '../schemas-product';
import { noteProductView } from '../../search/recently-viewed';
import { productSearchHandler, wantsSearch } from './search';

const attributeName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'attribute names: lowercase letters, digits, _');
const attributes = z
  .record(attributeName, z.string().max(200))
  .refine((value) => Object.keys(value).length <= 50, 'at most 50 attributes');
const category = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'category: a lowercase slug');

const variant = z
  .object({ sku: skuSchema, attributes: attributes.default({}), price: moneySchema.optional() })
  .strict();

export const productCreateBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().max(5000).default(''),
    category,
    brand: z.string().trim().min(1).max(100).optional(),
    attributes: attributes.default({}),
    mediaUrls: z
      .array(z.string().url().startsWith('https://', 'media must be https URLs'))
      .max(20)
      .default([]),
    price: moneySchema,
    skus: z
      .array(variant)
      .min(1)
      .max(100)
      .refine((list) => new Set(list.map((v) => v.sku)).size === list.length, 'SKUs must be unique'),
    status: z.enum(['draft', 'active']).default('draft'),
  })
  .strict()
  .openapi('ProductCreate');

export const productPatchBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().max(5000),
    category,
    brand: z.string().trim().min(1).max(100),
    attributes,
    mediaUrls: z.array(z.string().url().startsWith('https://')).max(20),
    price: moneySchema,
    status: z.enum(['draft', 'active', 'archived']),
  })
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, 'send at least one field to change')
  .openapi('ProductPatch');

const listQueryBase = z.object({
  category: category.optional(),
  sellerId: z.string().max(64).optional(),
  brand: z.string().max(100).optional(),
  minPrice: z.coerce.number().int().min(0).optional(),
  maxPrice: z.coerce.number().int().min(0).optional(),
  status: z.enum(['draft', 'active', 'archived']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
});
const listQuery = listQueryBase.catchall(z.string().max(200)).superRefine((query, ctx) => {
  for (const name of Object.keys(query)) {
    if (
      !['category', 'sellerId', 'brand', 'minPrice', 'maxPrice', 'status', 'limit', 'offset'].includes(
        name,
      ) &&
      !/^attr\.[a-z][a-z0-9_]{0,39}$/.test(name)
    ) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'unknown filter (attributes are attr.<name>)' });
    }
  }
});

const idParam = z.object({ id: z.string().regex(productIdPattern, 'not a product id') });

/** What a buyer may see: active products of sellers in good standing. */
function publiclyVisible(product: ProductDoc): boolean {
  return product.status === 'active' && !product.sellerPaused;
}

function canManage(principal: Principal | undefined, product: ProductDoc): boolean {
  return principal !== undefined && owns(principal, { sellerId: product.sellerId });
}

function expectedVersion(req: Request): number {
  const header = req.get('if-match');
  const match = header ? /^(?:W\/)?"?(\d+)"?$/.exec(header) : null;
  if (!match?.[1]) {
    throw new HttpProblem(
      428,
      'precondition-required',
      'Send If-Match with the ETag (version) you last read',
    );
  }
  return Number(match[1]);
}

export function productsRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections, counters, redis } = services;
  const cache = new ProductCache(redis);
  const router = Router();

  async function view(product: ProductDoc) {
    const stock = await counters.totalAvailable(product.skus.map((s) => s.sku));
    const skus = product.skus.map((s) => ({ ...s, available: Math.max(0, stock.get(s.sku) ?? 0) }));
    const { _id, sellerPaused: _paused, ratingAverage, ...rest } = product;
    return {
      ...rest,
      productId: _id,
      skus,
      rating: ratingAverage ?? 0,
      ratingCount: product.ratingCount ?? 0,
      inStock: publiclyVisible(product) && skus.some((s) => s.available > 0),
      createdAt: product.createdAt.toISOString(),
      updatedAt: product.updatedAt.toISOString(),
    };
  }

  async function sellerMaySell(sellerId: string): Promise<boolean> {
    return canSell(await collections.sellers.findOne({ _id: sellerId }));
  }

  registry.registerPath({
    method: 'post',
    path: '/products',
    summary: 'List a product (seller). Publishing (status active) needs an active, approved seller.',
    security: [{ bearer: [] }],
    request: { body: { content: { 'application/json': { schema: productCreateBody } } } },
    responses: {
      201: { description: 'Created', content: { 'application/json': { schema: productView } } },
      ...problemResponses(401, 403, 409, 415, 422),
    },
  });
  router.post('/products', requireRole('seller'), validBody(productCreateBody), async (req, res) => {
    const body = req.body as z.infer<typeof productCreateBody>;
    const sellerId = principalOf(req).sellerId;
    const seller = sellerId ? await collections.sellers.findOne({ _id: sellerId }) : null;
    if (!seller || !sellerId) {
      throw new HttpProblem(
        403,
        'seller-not-onboarded',
        'Start seller onboarding (POST /sellers) before listing',
      );
    }
    if (body.status === 'active' && !canSell(seller)) {
      throw new HttpProblem(
        403,
        'seller-not-approved',
        'Only an active, approved seller can publish; save as draft',
      );
    }
    try {
      const product = await createProduct(collections, {
        _id: newProductId(),
        sellerId,
        ...body,
        sellerPaused: false,
      });
      await publishCatalogChanges(redis, [product._id]);
      res
        .status(201)
        .set('ETag', `"${product.version}"`)
        .location(`/products/${product._id}`)
        .json(await view(product));
    } catch (error) {
      if (error instanceof SkuTakenError) {
        throw new HttpProblem(409, 'sku-taken', error.message, undefined, { skus: error.skus });
      }
      throw error;
    }
  });

  registry.registerPath({
    method: 'patch',
    path: '/products/{id}',
    summary: 'Change a product (its seller or ops); needs If-Match with the version last read',
    security: [{ bearer: [] }],
    request: {
      params: idParam,
      headers: z.object({ 'if-match': z.string() }),
      body: { content: { 'application/json': { schema: productPatchBody } } },
    },
    responses: {
      200: { description: 'Updated', content: { 'application/json': { schema: productView } } },
      ...problemResponses(400, 401, 403, 404, 412, 415, 422, 428, 503),
    },
  });
  router.patch(
    '/products/:id',
    requireRole('seller', 'ops'),
    validBody(productPatchBody),
    async (req, res) => {
      const { id } = parseParams(idParam, req.params);
      const principal = principalOf(req);
      const body = req.body as z.infer<typeof productPatchBody>;
      const version = expectedVersion(req);
      const current = await collections.products.findOne({ _id: id });
      if (!current || !canManage(principal, current))
        throw new HttpProblem(404, 'product-not-found', 'No such product');
      if (body.status === 'active' && !(await sellerMaySell(current.sellerId))) {
        throw new HttpProblem(403, 'seller-not-approved', 'Only an active, approved seller can publish');
      }
      try {
        const updated = await updateProduct(collections, cache, id, version, body);
        await publishCatalogChanges(redis, [id]);
        res.set('ETag', `"${updated.version}"`).json(await view(updated));
      } catch (error) {
        if (error instanceof VersionConflictError) {
          throw new HttpProblem(
            412,
            'version-conflict',
            'The product changed since you read it; read it again',
            undefined,
            {
              currentVersion: current.version,
            },
          );
        }
        if (error instanceof ProductBusyError) {
          throw new HttpProblem(503, 'product-busy', 'The product is being changed right now; retry shortly');
        }
        throw error;
      }
    },
  );

  registry.registerPath({
    method: 'get',
    path: '/products/{id}',
    summary: 'One product with live stock per SKU (served from the Redis cache)',
    request: { params: idParam },
    responses: {
      200: { description: 'The product', content: { 'application/json': { schema: productView } } },
      ...problemResponses(400, 404),
    },
  });
  router.get('/products/:id', async (req, res) => {
    const { id } = parseParams(idParam, req.params);
    const product = await readProduct(collections, cache, id);
    if (!product || (!publiclyVisible(product) && !canManage(req.principal, product))) {
      throw new HttpProblem(404, 'product-not-found', 'No such product');
    }
    noteProductView(redis, req.principal, product._id);
    res.set('ETag', `"${product.version}"`).json(await view(product));
  });

  registry.registerPath({
    method: 'get',
    path: '/products',
    summary: 'Browse products: filter by category, seller, brand, price range and attr.<name>; paginated',
    request: { query: listQueryBase },
    responses: {
      200: {
        description: 'A page of products',
        content: {
          'application/json': {
            schema: z.object({
              items: z.array(productView),
              total: z.number().int(),
              nextOffset: z.number().int().nullable(),
            }),
          },
        },
      },
      ...problemResponses(400),
    },
  });
  const searchProducts = productSearchHandler(services);
  router.get('/products', async (req, res, next) => {
    // Text, facets, sorts and live-availability filters need the search index; browsing stays here.
    if (wantsSearch(req.query)) return searchProducts(req, res, next);
    const query = parseParams(listQuery, req.query);
    const principal = req.principal;
    const filter: Filter<ProductDoc> = {};
    if (query.category) filter.category = query.category;
    if (query.sellerId) filter.sellerId = query.sellerId;
    if (query.brand) filter.brand = query.brand;
    if (query.minPrice !== undefined || query.maxPrice !== undefined) {
      filter['price.amount'] = {
        ...(query.minPrice !== undefined ? { $gte: query.minPrice } : {}),
        ...(query.maxPrice !== undefined ? { $lte: query.maxPrice } : {}),
      };
    }
    for (const [name, value] of Object.entries(query)) {
      if (name.startsWith('attr.') && typeof value === 'string') {
        (filter as Record<string, unknown>)[`attributes.${name.slice(5)}`] = value;
      }
    }
    // Sellers browsing their own catalog (and ops) see drafts and archived products; buyers never do.
    const ownCatalog =
      principal?.role === 'ops' || (principal?.role === 'seller' && query.sellerId === principal.sellerId);
    if (ownCatalog && query.status) filter.status = query.status;
    if (!ownCatalog && query.status && query.status !== 'active') {
      // Said plainly rather than silently answering with active products: someone asked for drafts.
      throw new HttpProblem(403, 'forbidden', 'Only a seller (for its own sellerId) or ops can list drafts');
    }
    if (!ownCatalog) {
      filter.status = 'active';
      filter.sellerPaused = false;
    }
    const [items, total] = await Promise.all([
      collections.products
        .find(filter)
        .sort({ createdAt: -1, _id: 1 })
        .skip(query.offset)
        .limit(query.limit)
        .toArray(),
      collections.products.countDocuments(filter),
    ]);
    const nextOffset = query.offset + items.length < total ? query.offset + items.length : null;
    res.json({ items: await Promise.all(items.map(view)), total, nextOffset });
  });

  return router;
}
