import type { Filter } from 'mongodb';
import type { ProductCache } from '../catalog/product-cache';
import { readProduct } from '../catalog/products';
import type { Collections } from '../integrations/collections';
import type { ReviewDoc } from './documents';

export interface ReviewPage {
  items: ReviewDoc[];
  total: number;
  nextOffset: number | null;
  rating: number;
  ratingCount: number;
}

/**
 * A product's reviews, newest first, with its rating; `undefined` when there is no such product. Hidden
 * reviews are listed only when asked for (ops moderation).
 */
export async function productReviews(
  deps: { collections: Collections; cache: ProductCache },
  productId: string,
  page: { limit: number; offset: number; withHidden: boolean },
): Promise<ReviewPage | undefined> {
  const product = await readProduct(deps.collections, deps.cache, productId);
  if (!product) return undefined;
  const filter: Filter<ReviewDoc> = page.withHidden ? { productId } : { productId, hidden: false };
  const [items, total] = await Promise.all([
    deps.collections.reviews
      .find(filter)
      .sort({ createdAt: -1, _id: 1 })
      .skip(page.offset)
      .limit(page.limit)
      .toArray(),
    deps.collections.reviews.countDocuments(filter),
  ]);
  return {
    items,
    total,
    nextOffset: page.offset + items.length < total ? page.offset + items.length : null,
    rating: product.ratingAverage ?? 0,
    ratingCount: product.ratingCount ?? 0,
  };
}
