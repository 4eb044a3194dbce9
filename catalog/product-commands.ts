import { canSell } from '../domain/seller-standing';
import type { Collections } from '../integrations/collections';
import type { RedisClient } from '../integrations/redis';
import { publishCatalogChanges } from '../search/stock-change-feed';
import type { ProductDoc } from './documents';
import type { ProductCache } from './product-cache';
import {
  VersionConflictError,
  createProduct,
  updateProduct,
  type NewProduct,
  type ProductChanges,
} from './products';

// The catalog's writes as a seller (or ops) makes them. Each names its product on the catalog-change feed,
// so search indexes it at once instead of at its next scan.

export interface CatalogCommandDeps {
  collections: Collections;
  cache: ProductCache;
  redis: RedisClient;
}

/** Listing needs an onboarded seller; publishing (status active) an active, approved one. */
export class SellerMayNotListError extends Error {
  override name = 'SellerMayNotListError';
  constructor(
    readonly reason: 'not-onboarded' | 'not-approved',
    /** An edit of a listed product (it stays as it was), not a new listing (which may be saved as a draft). */
    readonly editing = false,
  ) {
    super(reason === 'not-onboarded' ? 'The seller has not started onboarding' : 'The seller may not sell');
  }
}

export class ProductNotFoundError extends Error {
  override name = 'ProductNotFoundError';
}

/** The product is no longer at the version the editor read (If-Match). */
export class StaleProductVersionError extends Error {
  override name = 'StaleProductVersionError';
  constructor(readonly currentVersion: number) {
    super(`the product is at version ${currentVersion}`);
  }
}

/** A seller lists a product, as a draft or, when it may sell, published. */
export async function listProduct(
  deps: CatalogCommandDeps,
  sellerId: string | undefined,
  product: Omit<NewProduct, 'sellerId' | 'sellerPaused'>,
): Promise<ProductDoc> {
  const seller = sellerId ? await deps.collections.sellers.findOne({ _id: sellerId }) : null;
  if (!seller || !sellerId) throw new SellerMayNotListError('not-onboarded');
  if (product.status === 'active' && !canSell(seller)) throw new SellerMayNotListError('not-approved');
  const { _id, ...listing } = product;
  // The stored field order as before: _id, sellerId, then the listing.
  const created = await createProduct(deps.collections, { _id, sellerId, ...listing, sellerPaused: false });
  await publishCatalogChanges(deps.redis, [created._id]);
  return created;
}

/**
 * Applies an edit made against `expectedVersion`, if `mayManage` the product (its seller, or ops).
 * Publishing again needs a seller that may sell.
 */
export async function changeProduct(
  deps: CatalogCommandDeps,
  productId: string,
  edit: { expectedVersion: number; changes: ProductChanges; mayManage: (product: ProductDoc) => boolean },
): Promise<ProductDoc> {
  const current = await deps.collections.products.findOne({ _id: productId });
  if (!current || !edit.mayManage(current)) throw new ProductNotFoundError(`no product ${productId}`);
  if (edit.changes.status === 'active') {
    const seller = await deps.collections.sellers.findOne({ _id: current.sellerId });
    if (!canSell(seller)) throw new SellerMayNotListError('not-approved', true);
  }
  try {
    const updated = await updateProduct(
      deps.collections,
      deps.cache,
      productId,
      edit.expectedVersion,
      edit.changes,
    );
    await publishCatalogChanges(deps.redis, [productId]);
    return updated;
  } catch (error) {
    if (error instanceof VersionConflictError) throw new StaleProductVersionError(current.version);
    throw error;
  }
}
