import type { Promotion } from '../domain/promotions';
import { type Collections, isDuplicateKeyError } from '../integrations/collections';
import type { PromotionDoc } from './documents';
import { sameTerms } from './promotion-terms';

export type PromotionCreated =
  | { kind: 'created'; promotion: PromotionDoc }
  | { kind: 'already-created'; promotion: PromotionDoc }
  | { kind: 'code-taken' };

/**
 * Ops create a promo code. The code is its own idempotency key (its unique _id is the claim, the one safe
 * claim FerretDB offers): the same terms again are the earlier creation, other terms under a taken code are
 * refused.
 */
export async function createPromotion(
  collections: Collections,
  terms: Promotion,
  createdBy: string,
  now = new Date(),
): Promise<PromotionCreated> {
  const { code, ...rest } = terms;
  const doc: PromotionDoc = { _id: code, ...rest, createdBy, createdAt: now };
  try {
    await collections.promotions.insertOne(doc);
    return { kind: 'created', promotion: doc };
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  const existing = await collections.promotions.findOne({ _id: code });
  return existing && sameTerms(existing, doc)
    ? { kind: 'already-created', promotion: existing }
    : { kind: 'code-taken' };
}
