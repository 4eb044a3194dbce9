import type { Collections } from '../integrations/collections';
import type { ProductDoc } from './documents';
import { findByIds } from '../integrations/find-by-ids';
import { withProductWriteLock } from './product-write-lock';
import type { ProductCache } from './product-cache';

export type NewProduct = Omit<ProductDoc, 'version' | 'createdAt' | 'updatedAt'>;

export class SkuTakenError extends Error {
  override name = 'SkuTakenError';
  constructor(readonly skus: string[]) {
    super(`SKU already belongs to another product: ${skus.join(', ')}`);
  }
}

/**
 * Creates a product and claims its SKUs. Claims are upserts, so a retried create finishes what a crashed
 * one began; a SKU claimed by another product is refused. Every catalog write bumps `version`, which the
 * search indexer uses as the OpenSearch external version so an older write never overwrites a newer one.
 */
export async function createProduct(
  c: Collections,
  product: NewProduct,
  now = new Date(),
): Promise<ProductDoc> {
  const skus = product.skus.map((variant) => variant.sku);
  await c.skus.bulkWrite(
    skus.map((sku) => ({
      updateOne: {
        filter: { _id: sku },
        update: { $setOnInsert: { productId: product._id, sellerId: product.sellerId } },
        upsert: true,
      },
    })),
    { ordered: false },
  );
  const owners = await findByIds(c.skus, skus);
  const taken = owners.filter((owner) => owner.productId !== product._id).map((owner) => owner._id);
  if (taken.length > 0) {
    // Give back the SKUs this attempt did claim: the product is never written, and a claim left behind
    // would make the seller's corrected resubmission (a new product id) collide with a ghost.
    await c.skus.deleteMany({ _id: { $in: skus }, productId: product._id });
    throw new SkuTakenError(taken);
  }
  const doc: ProductDoc = { ...product, version: 1, createdAt: now, updatedAt: now };
  await c.products.insertOne(doc);
  return doc;
}

export type ProductChanges = Partial<
  Pick<
    ProductDoc,
    'title' | 'description' | 'category' | 'brand' | 'attributes' | 'mediaUrls' | 'price' | 'status'
  >
>;

export class VersionConflictError extends Error {
  override name = 'VersionConflictError';
}

/**
 * Applies a seller's edit if the product is still at the version the seller saw (If-Match), bumps the
 * version and refreshes the cache, so readers and the search index move to the new copy together.
 */
export async function updateProduct(
  c: Collections,
  cache: ProductCache,
  productId: string,
  expectedVersion: number,
  changes: ProductChanges,
  now = new Date(),
): Promise<ProductDoc> {
  return withProductWriteLock(cache.redis, productId, async () => {
    const result = await c.products.updateOne(
      { _id: productId, version: expectedVersion },
      { $set: { ...changes, version: expectedVersion + 1, updatedAt: now } },
    );
    if (result.matchedCount === 0)
      throw new VersionConflictError(`product ${productId} changed since version ${expectedVersion}`);
    const updated = await c.products.findOne({ _id: productId });
    if (!updated) throw new VersionConflictError(`product ${productId} vanished`);
    await cache.put(updated);
    return updated;
  });
}

/** Reads through the cache; a miss loads from the database and fills the cache. */
export async function readProduct(
  c: Collections,
  cache: ProductCache,
  productId: string,
): Promise<ProductDoc | null> {
  const cached = await cache.get(productId);
  if (cached) return cached;
  const doc = await c.products.findOne({ _id: productId });
  if (doc) await cache.put(doc);
  return doc;
}

/** Hides or shows every product of a seller (Stripe restricted the account, or it was reinstated). */
export async function pauseSellerProducts(
  c: Collections,
  cache: ProductCache,
  sellerId: string,
  paused: boolean,
  now = new Date(),
): Promise<string[]> {
  const affected = await c.products.find({ sellerId, sellerPaused: !paused }).toArray();
  let raced = 0;
  for (const product of affected) {
    const result = await withProductWriteLock(cache.redis, product._id, () =>
      c.products.updateOne(
        { _id: product._id, version: product.version },
        { $set: { sellerPaused: paused, version: product.version + 1, updatedAt: now } },
      ),
    );
    if (result.matchedCount === 0) raced += 1;
    await cache.forget(product._id);
  }
  // An edit raced with us: fail so the caller (an activity) retries and catches the new version.
  if (raced > 0) throw new Error(`${raced} products of ${sellerId} changed while pausing; retry`);
  return affected.map((product) => product._id);
}
