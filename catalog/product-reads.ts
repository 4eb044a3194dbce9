import type { Filter } from 'mongodb';
import type { Collections } from '../integrations/collections';
import type { StockCounters } from '../integrations/stock-counters';
import type { ProductDoc } from './documents';
import type { ProductCache } from './product-cache';
import { readProduct } from './products';

// The catalog's read model: a product as its page shows it (live stock per SKU), one product through the
// versioned cache, and the plain filtered listing that browsing runs on the database.

export interface CatalogReadDeps {
  collections: Collections;
  counters: StockCounters;
  cache: ProductCache;
}

/** What a buyer may see: active products of sellers in good standing. */
export function publiclyVisible(product: ProductDoc): boolean {
  return product.status === 'active' && !product.sellerPaused;
}

/** A product with each SKU's live stock from the Redis counters, as every catalog answer carries it. */
export async function productWithStock(counters: StockCounters, product: ProductDoc) {
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

export type ProductWithStock = Awaited<ReturnType<typeof productWithStock>>;

/**
 * One product as this viewer may see it: buyers only what is on sale, its seller and ops drafts and paused
 * products too. `undefined` for a product the viewer may not see, so ids cannot be probed.
 */
export async function productForViewer(
  deps: CatalogReadDeps,
  productId: string,
  mayManage: (product: ProductDoc) => boolean,
): Promise<{ product: ProductDoc; view: ProductWithStock } | undefined> {
  const product = await readProduct(deps.collections, deps.cache, productId);
  if (!product || (!publiclyVisible(product) && !mayManage(product))) return undefined;
  return { product, view: await productWithStock(deps.counters, product) };
}

export interface ProductListing {
  category?: string | undefined;
  sellerId?: string | undefined;
  brand?: string | undefined;
  minPrice?: number | undefined;
  maxPrice?: number | undefined;
  status?: ProductDoc['status'] | undefined;
  /** `attr.<name>` filters, by attribute name. */
  attributes: Record<string, string>;
  limit: number;
  offset: number;
}

/**
 * A page of the plain listing, newest first. `ownCatalog` (a seller browsing its own products, or ops)
 * lists drafts and archived products by `status`; anyone else sees only products on sale.
 */
export async function browseProducts(
  deps: Pick<CatalogReadDeps, 'collections' | 'counters'>,
  listing: ProductListing,
  ownCatalog: boolean,
) {
  const filter: Filter<ProductDoc> = {};
  if (listing.category) filter.category = listing.category;
  if (listing.sellerId) filter.sellerId = listing.sellerId;
  if (listing.brand) filter.brand = listing.brand;
  if (listing.minPrice !== undefined || listing.maxPrice !== undefined) {
    filter['price.amount'] = {
      ...(listing.minPrice !== undefined ? { $gte: listing.minPrice } : {}),
      ...(listing.maxPrice !== undefined ? { $lte: listing.maxPrice } : {}),
    };
  }
  for (const [name, value] of Object.entries(listing.attributes)) {
    (filter as Record<string, unknown>)[`attributes.${name}`] = value;
  }
  if (ownCatalog && listing.status) filter.status = listing.status;
  if (!ownCatalog) {
    filter.status = 'active';
    filter.sellerPaused = false;
  }
  const [items, total] = await Promise.all([
    deps.collections.products
      .find(filter)
      .sort({ createdAt: -1, _id: 1 })
      .skip(listing.offset)
      .limit(listing.limit)
      .toArray(),
    deps.collections.products.countDocuments(filter),
  ]);
  const nextOffset = listing.offset + items.length < total ? listing.offset + items.length : null;
  return {
    items: await Promise.all(items.map((item) => productWithStock(deps.counters, item))),
    total,
    nextOffset,
  };
}
