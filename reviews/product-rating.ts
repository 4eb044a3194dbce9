import type { ProductCache } from '../catalog/product-cache';
import { ratingFromStars, type ProductRating } from '../domain/product-rating';
import type { Collections } from '../integrations/collections';
import type { RedisClient } from '../integrations/redis';
import { publishCatalogChanges } from '../search/stock-change-feed';
import { withProductWriteLock } from '../catalog/product-write-lock';

export interface RatingDeps {
  collections: Collections;
  cache: ProductCache;
  redis: RedisClient;
}

/**
 * How many visible reviews gave each star. One accumulator per $group on purpose: FerretDB v1 computes only
 * the first accumulator of a $group (the others come back 0) and has no $avg, so the mean is taken in
 * domain/product-rating.ts from these counts.
 */
async function visibleStars(collections: Collections, productId: string): Promise<Map<number, number>> {
  const rows = await collections.reviews
    .aggregate<{ _id: number; reviews: number }>([
      { $match: { productId, hidden: false } },
      { $group: { _id: '$rating', reviews: { $sum: 1 } } },
    ])
    .toArray();
  return new Map(rows.map((row) => [row._id, row.reviews]));
}

const attempts = 10;

/**
 * Rewrites the product's rating from its visible reviews and bumps its version, so the cache, the search
 * index (told through the catalog change feed) and If-Match all move on. Refreshes of one product take
 * turns (catalog/product-write-lock.ts) and count the reviews only once they hold the lock, after their own review was
 * written: whichever refresh runs last counted every review, so concurrent reviews never leave a stale
 * rating. The write is still conditional on the version read, so a seller's edit in between is not lost.
 */
export async function refreshProductRating(
  deps: RatingDeps,
  productId: string,
  now = new Date(),
): Promise<ProductRating | undefined> {
  return withProductWriteLock(deps.redis, productId, async () => {
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      const product = await deps.collections.products.findOne({ _id: productId });
      if (!product) return undefined;
      const rating = ratingFromStars(await visibleStars(deps.collections, productId));
      if (product.ratingAverage === rating.average && product.ratingCount === rating.count) return rating;
      const result = await deps.collections.products.updateOne(
        { _id: productId, version: product.version },
        {
          $set: {
            ratingAverage: rating.average,
            ratingCount: rating.count,
            version: product.version + 1,
            updatedAt: now,
          },
        },
      );
      if (result.matchedCount === 0) continue;
      const updated = await deps.collections.products.findOne({ _id: productId });
      if (updated) await deps.cache.put(updated);
      await publishCatalogChanges(deps.redis, [productId]);
      return rating;
    }
    throw new Error(`product ${productId} kept changing while its rating was refreshed`);
  });
}
