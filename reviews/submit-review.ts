import { reviewEligibility } from '../domain/review-eligibility';
import { isDuplicateKeyError, type Collections } from '../integrations/collections';
import type { ReviewDoc } from './documents';
import { reviewIdFor } from './review-ids';

export interface ReviewInput {
  orderId: string;
  productId: string;
  rating: number;
  title?: string;
  text: string;
}

export class ReviewNotAllowedError extends Error {
  override name = 'ReviewNotAllowedError';
  constructor(readonly reason: 'not-purchased' | 'not-delivered') {
    super(
      reason === 'not-purchased'
        ? 'None of your orders with this id holds this product'
        : 'This item has not been delivered to you yet',
    );
  }
}

export class ReviewExistsError extends Error {
  override name = 'ReviewExistsError';
  constructor(readonly reviewId: string) {
    super('You already reviewed this item of this order');
  }
}

/**
 * Stores a buyer's review of an item they received. The unique _id (order, product) is what makes it one
 * review per item, even when two submissions race.
 */
export async function submitReview(
  collections: Collections,
  buyer: { userId: string; name: string },
  input: ReviewInput,
  now = new Date(),
): Promise<ReviewDoc> {
  const subOrders = await collections.subOrders.find({ orderId: input.orderId }).toArray();
  const decision = reviewEligibility(subOrders, buyer.userId, input.productId);
  if (!decision.eligible) throw new ReviewNotAllowedError(decision.reason);
  const review: ReviewDoc = {
    _id: reviewIdFor(input.orderId, input.productId),
    productId: input.productId,
    sellerId: decision.line.sellerId,
    orderId: input.orderId,
    customerId: buyer.userId,
    sku: decision.line.sku,
    rating: input.rating,
    ...(input.title ? { title: input.title } : {}),
    text: input.text,
    authorName: buyer.name,
    hidden: false,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await collections.reviews.insertOne(review);
  } catch (error) {
    if (isDuplicateKeyError(error)) throw new ReviewExistsError(review._id);
    throw error;
  }
  return review;
}
