import type { RedisClient } from '../integrations/redis';
import { liveShelf, type ShelfDeps, type ShelfItem } from './live-availability';
import { recentlyViewed } from './recently-viewed';

// Lists of products a buyer is shown beside a product or on their own page, each product as it is now and
// with live stock (live-availability.ts); products no longer on sale are left out.

/**
 * "Bought together" with a product, from the list the bought-together job last computed. `undefined` when
 * the product itself is not on sale.
 */
export async function boughtTogetherShelf(
  deps: ShelfDeps,
  productId: string,
): Promise<ShelfItem[] | undefined> {
  const [product] = await liveShelf(deps, [productId]);
  if (!product) return undefined;
  const doc = await deps.collections.productRecommendations.findOne({ _id: productId });
  return liveShelf(
    deps,
    (doc?.boughtTogether ?? []).map((r) => r.productId),
  );
}

/** A buyer's recently viewed products, newest first. */
export async function recentlyViewedShelf(
  deps: ShelfDeps & { redis: RedisClient },
  userId: string,
): Promise<ShelfItem[]> {
  return liveShelf(deps, await recentlyViewed(deps.redis, userId));
}
