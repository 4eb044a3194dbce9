import { promotionOf } from '../catalog/promotion-terms';
import type { Promotion } from '../domain/promotions';
import type { Collections } from '../integrations/collections';

/** The promotion a cart's code names, if that code exists. */
export async function findPromotion(collections: Collections, code: string): Promise<Promotion | undefined> {
  const doc = await collections.promotions.findOne({ _id: code });
  return doc ? promotionOf(doc) : undefined;
}
