/** A product's rating as buyers see it: the mean of visible reviews to two decimals, and how many. */
export interface ProductRating {
  average: number;
  count: number;
}

/**
 * Computed from how many visible reviews gave each star, so it is always the truth of the reviews as they
 * stand (a hidden review drops out) rather than a running counter that drifts with retries.
 */
export function ratingFromStars(reviewsPerStar: ReadonlyMap<number, number>): ProductRating {
  let count = 0;
  let stars = 0;
  for (const [rating, reviews] of reviewsPerStar) {
    count += reviews;
    stars += rating * reviews;
  }
  if (count === 0) return { average: 0, count: 0 };
  return { average: Math.round((stars * 100) / count) / 100, count };
}
