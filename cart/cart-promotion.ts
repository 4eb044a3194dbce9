import type { Promotion } from '../domain/promotions';
import type { Collections } from '../integrations/collections';
import type { PromotionDoc } from '../catalog/documents';

export function promotionOf(doc: PromotionDoc): Promotion {
  return {
    code: doc._id,
    kind: doc.kind,
    ...(doc.percentBps !== undefined ? { percentBps: doc.percentBps } : {}),
    ...(doc.amount ? { amount: doc.amount } : {}),
    validFrom: doc.validFrom,
    validUntil: doc.validUntil,
    minSubtotal: doc.minSubtotal,
  };
}

export async function findPromotion(collections: Collections, code: string): Promise<Promotion | undefined> {
  const doc = await collections.promotions.findOne({ _id: code });
  return doc ? promotionOf(doc) : undefined;
}
