import type { Collections } from '../integrations/collections';
import type { ReviewDoc } from './documents';

/** Ops hide a review (abuse, spam, off-topic) or show it again; who and why are kept on the review. */
export async function setReviewVisibility(
  collections: Collections,
  reviewId: string,
  change: { hidden: boolean; by: string; reason?: string },
  now = new Date(),
): Promise<ReviewDoc | null> {
  const moderation = { by: change.by, at: now, ...(change.reason ? { reason: change.reason } : {}) };
  const result = await collections.reviews.updateOne(
    { _id: reviewId },
    { $set: { hidden: change.hidden, moderation, updatedAt: now } },
  );
  if (result.matchedCount === 0) return null;
  return collections.reviews.findOne({ _id: reviewId });
}
