import type { Collections } from '../integrations/collections';
import type { PromotionDoc } from './documents';

/** A page of promo codes, by code, for ops. */
export async function listPromotions(
  collections: Collections,
  page: { limit: number; offset: number },
): Promise<{ items: PromotionDoc[]; nextOffset: number | null }> {
  // One more than asked tells whether another page follows, without counting the collection.
  const docs = await collections.promotions
    .find({})
    .sort({ _id: 1 })
    .skip(page.offset)
    .limit(page.limit + 1)
    .toArray();
  return {
    items: docs.slice(0, page.limit),
    nextOffset: docs.length > page.limit ? page.offset + page.limit : null,
  };
}
