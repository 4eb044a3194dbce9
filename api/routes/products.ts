import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { changeProduct, listProduct } from '../../catalog/product-commands';
import { ProductCache } from '../../catalog/product-cache';
import { browseProducts, productForViewer, productWithStock } from '../../catalog/product-reads';
import type { ProductDoc } from '../../catalog/documents';
import type { Services } from '../../integrations/services';
import { searchProducts, type ProductSearchDeps } from '../../search/product-search';
import { noteProductView } from '../../search/recently-viewed';
import { owns, principalOf } from '../auth/principal';
import type { Principal } from '../../accounts/principal';
import { rethrowAsProblem } from '../catalog-problems';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { newProductId } from '../product-ids';
import { declareRoute, type RouteTable } from '../route';
import {
  productCreateBody,
  productIdParams,
  productListQuery,
  productPatchBody,
  productView,
} from '../schemas-product';
import {
  productFacets,
  productSearchQuery,
  productSearchQueryBase,
  shelfItem,
  wantsSearch,
} from '../schemas-search';
import { parseParams } from '../validation';

/** Its seller or ops may manage a product (see drafts, edit it). */
function managerOf(principal: Principal | undefined) {
  return (product: ProductDoc) => principal !== undefined && owns(principal, { sellerId: product.sellerId });
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

// GET /products answers in one of two modes, chosen by the parameters sent: a plain listing on the
// database, or a search on the index (q, sort, minRating, inStock, facets). Each mode parses the query
// with its own schema in the handler; the declared query documents both together and parses nothing.
const productsQueryDocumented = z.preprocess(
  () => ({}),
  productSearchQueryBase.extend({
    status: z
      .enum(['draft', 'active', 'archived'])
      .optional()
      .describe('Plain listing only: a seller for its own sellerId, or ops'),
  }),
);

/** Sellers list and edit their products; anyone browses or searches what is on sale. */
export function productsRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { counters, redis } = services;
  const catalog = { ...services, cache: new ProductCache(redis) };
  const searchDeps = { ...catalog, prefix: services.env.OPENSEARCH_INDEX_PREFIX };
  const table = { router: Router(), registry };
  const productAnswer = { content: { 'application/json': { schema: productView } } };

  declareRoute(table, {
    method: 'post',
    path: '/products',
    summary: 'List a product (seller). Publishing (status active) needs an active, approved seller.',
    security: [{ bearer: [] }],
    roles: ['seller'],
    body: productCreateBody,
    responses: {
      201: { description: 'Created', ...productAnswer },
      ...problemResponses(401, 403, 409, 415, 422),
    },
    async handle({ body }, req, res) {
      const sellerId = principalOf(req).sellerId;
      const product = await listProduct(catalog, sellerId, { _id: newProductId(), ...body }).catch(
        rethrowAsProblem,
      );
      res
        .status(201)
        .set('ETag', `"${product.version}"`)
        .location(`/products/${product._id}`)
        .json(await productWithStock(counters, product));
    },
  });

  declareRoute(table, {
    method: 'patch',
    path: '/products/{id}',
    summary: 'Change a product (its seller or ops); needs If-Match with the version last read',
    security: [{ bearer: [] }],
    roles: ['seller', 'ops'],
    params: productIdParams,
    headers: z.object({ 'if-match': z.string() }),
    body: productPatchBody,
    responses: {
      200: { description: 'Updated', ...productAnswer },
      ...problemResponses(400, 401, 403, 404, 412, 415, 422, 428, 503),
    },
    async handle({ params, body }, req, res) {
      const edit = {
        expectedVersion: expectedVersion(req),
        changes: body,
        mayManage: managerOf(principalOf(req)),
      };
      const updated = await changeProduct(catalog, params.id, edit).catch(rethrowAsProblem);
      res.set('ETag', `"${updated.version}"`).json(await productWithStock(counters, updated));
    },
  });

  declareRoute(table, {
    method: 'get',
    path: '/products/{id}',
    summary: 'One product with live stock per SKU (served from the Redis cache)',
    params: productIdParams,
    responses: { 200: { description: 'The product', ...productAnswer }, ...problemResponses(400, 404) },
    async handle({ params }, req, res) {
      const found = await productForViewer(catalog, params.id, managerOf(req.principal));
      if (!found) throw new HttpProblem(404, 'product-not-found', 'No such product');
      noteProductView(redis, req.principal, params.id);
      res.set('ETag', `"${found.product.version}"`).json(found.view);
    },
  });

  declareProductListing(table, searchDeps);

  return table.router;
}

/** GET /products: a plain listing on the database, or a search on the index when its parameters ask. */
function declareProductListing(table: RouteTable, deps: ProductSearchDeps): void {
  declareRoute(table, {
    method: 'get',
    path: '/products',
    summary:
      'Browse or search products. With q, sort, minRating, inStock or facets it is a full-text search ' +
      '(stemming, typo tolerance, facets; stock checked live); otherwise a plain filtered listing',
    query: productsQueryDocumented,
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
              facets: productFacets.optional(),
            }),
          },
        },
      },
      ...problemResponses(400, 403, 503),
    },
    async handle(_input, req, res) {
      if (wantsSearch(req.query)) {
        const params = parseParams(productSearchQuery, req.query);
        res.json(await searchProducts(deps, params).catch(rethrowAsProblem));
        return;
      }
      const listing = parseParams(productListQuery, req.query);
      const principal = req.principal;
      // Sellers browsing their own catalog (and ops) see drafts and archived products; buyers never do.
      const ownCatalog =
        principal?.role === 'ops' ||
        (principal?.role === 'seller' && listing.sellerId === principal.sellerId);
      if (!ownCatalog && listing.status && listing.status !== 'active') {
        // Said plainly rather than silently answering with active products: someone asked for drafts.
        throw new HttpProblem(
          403,
          'forbidden',
          'Only a seller (for its own sellerId) or ops can list drafts',
        );
      }
      res.json(await browseProducts(deps, listing, ownCatalog));
    },
  });
}
