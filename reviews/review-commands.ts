import { reviewerName } from '../domain/reviewer-name';
import type { Collections } from '../integrations/collections';
import type { ProductRating } from '../domain/product-rating';
import type { ReviewDoc } from './documents';
import { refreshProductRating, type RatingDeps } from './product-rating';
import { reviewIdFor } from './review-ids';
import { setReviewVisibility } from './review-moderation';
import { submitReview, type ReviewInput } from './submit-review';

/**
 * A buyer's review, stored once per item and counted in the product's rating. `replayed` is a repeat of
 * an earlier request with the same Idempotency-Key: its review is answered again, and the rating refresh
 * runs again, so a request that stored the review but died before the refresh is finished by its retry.
 */
export async function postReview(
  deps: RatingDeps,
  buyerId: string,
  input: ReviewInput,
  replayed: boolean,
): Promise<ReviewDoc> {
  const { collections } = deps;
  const earlier = replayed
    ? await collections.reviews.findOne({ _id: reviewIdFor(input.orderId, input.productId) })
    : null;
  let review: ReviewDoc;
  if (earlier && earlier.customerId === buyerId) {
    review = earlier;
  } else {
    const user = await collections.users.findOne({ _id: buyerId });
    review = await submitReview(
      collections,
      { userId: buyerId, name: reviewerName(user?.name ?? '') },
      input,
    );
  }
  await refreshProductRating(deps, review.productId);
  return review;
}

/** Ops hide or show a review; the product's rating follows at once. `undefined` when there is no such review. */
export async function moderateReview(
  deps: RatingDeps & { collections: Collections },
  reviewId: string,
  change: { hidden: boolean; by: string; reason?: string },
): Promise<{ review: ReviewDoc; rating: ProductRating | undefined } | undefined> {
  const review = await setReviewVisibility(deps.collections, reviewId, change);
  if (!review) return undefined;
  return { review, rating: await refreshProductRating(deps, review.productId) };
}
