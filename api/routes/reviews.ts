import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Filter } from 'mongodb';
import { z } from 'zod';
import { ProductCache } from '../../catalog/product-cache';
import { readProduct } from '../../catalog/products';
import { reviewerName } from '../../domain/reviewer-name';
import type { ReviewDoc } from '../../integrations/collections';
import type { Services } from '../../integrations/services';
import { refreshProductRating } from '../../reviews/product-rating';
import { ProductBusyError } from '../../catalog/product-write-lock';
import { reviewIdFor, reviewIdPattern } from '../../reviews/review-ids';
import { setReviewVisibility } from '../../reviews/review-moderation';
import { ReviewExistsError, ReviewNotAllowedError, submitReview } from '../../reviews/submit-review';
import { principalOf, requireRole } from '../auth/principal';
import { claimIdempotencyKey, fingerprint, idempotencyKeyOf } from '../idempotency';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { productIdPattern } from '../product-ids';
import {
  moderatedReviewView,
  reviewBody,
  reviewPage,
  reviewView,
  reviewVisibilityBody,
} from '../schemas-review';
import { parseParams, validBody } from '../validation';

const productParams = z.object({ id: z.string().regex(productIdPattern, 'not a product id') });
const reviewParams = z.object({ id: z.string().regex(reviewIdPattern, 'not a review id') });
const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(50).default(10),
    offset: z.coerce.number().int().min(0).max(10_000).default(0),
    includeHidden: z
      .enum(['true', 'false'])
      .optional()
      .describe('ops only: list hidden reviews too, with their moderation'),
  })
  .strict();

function publicView(review: ReviewDoc) {
  return {
    reviewId: review._id,
    productId: review.productId,
    sku: review.sku,
    rating: review.rating,
    ...(review.title ? { title: review.title } : {}),
    text: review.text,
    authorName: review.authorName,
    verifiedPurchase: true as const,
    createdAt: review.createdAt.toISOString(),
  };
}

function moderatedView(review: ReviewDoc) {
  return {
    ...publicView(review),
    hidden: review.hidden,
    ...(review.moderation
      ? { moderation: { ...review.moderation, at: review.moderation.at.toISOString() } }
      : {}),
  };
}

/**
 * Not received is a 403 (never bought) or a 409 (not delivered yet); a second review is a 409. A rating
 * refresh that waited too long for its turn is a 503: the review is stored, and a retry with the same
 * Idempotency-Key finishes the refresh.
 */
function asProblem(error: unknown): unknown {
  if (error instanceof ReviewNotAllowedError) {
    return error.reason === 'not-purchased'
      ? new HttpProblem(403, 'review-not-purchased', error.message)
      : new HttpProblem(409, 'review-not-delivered', error.message);
  }
  if (error instanceof ProductBusyError) {
    return new HttpProblem(503, 'rating-busy', 'Many reviews of this product at once; retry shortly');
  }
  if (error instanceof ReviewExistsError) {
    return new HttpProblem(409, 'review-exists', error.message, undefined, { reviewId: error.reviewId });
  }
  return error;
}

/** Buyers review what they received; anyone reads the visible reviews; ops moderate. */
export function reviewsRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections, redis } = services;
  const cache = new ProductCache(redis);
  const ratingDeps = { collections, cache, redis };
  const router = Router();

  registry.registerPath({
    method: 'post',
    path: '/reviews',
    summary: 'Review a product of a delivered order (its buyer); one review per item, needs Idempotency-Key',
    security: [{ bearer: [] }],
    request: {
      headers: z.object({ 'idempotency-key': z.string() }),
      body: { content: { 'application/json': { schema: reviewBody } } },
    },
    responses: {
      201: { description: 'Created', content: { 'application/json': { schema: reviewView } } },
      ...problemResponses(400, 401, 403, 409, 415, 422, 503),
    },
  });
  router.post('/reviews', requireRole('buyer'), validBody(reviewBody), async (req, res) => {
    const principal = principalOf(req);
    const body = req.body as z.infer<typeof reviewBody>;
    const key = idempotencyKeyOf(req);
    const { replayed } = await claimIdempotencyKey(
      collections,
      `reviews:${principal.userId}`,
      key,
      fingerprint(body),
      reviewIdFor(body.orderId, body.productId),
    );
    const earlier = replayed
      ? await collections.reviews.findOne({ _id: reviewIdFor(body.orderId, body.productId) })
      : null;
    let review: ReviewDoc;
    if (earlier && earlier.customerId === principal.userId) {
      review = earlier;
    } else {
      const user = await collections.users.findOne({ _id: principal.userId });
      try {
        review = await submitReview(
          collections,
          { userId: principal.userId, name: reviewerName(user?.name ?? '') },
          body,
        );
      } catch (error) {
        throw asProblem(error);
      }
    }
    // Also on a replay: a request that stored the review but died before this line is finished here.
    await refreshProductRating(ratingDeps, review.productId).catch((error: unknown) => {
      throw asProblem(error);
    });
    res.status(201).location(`/products/${review.productId}/reviews`).json(publicView(review));
  });

  registry.registerPath({
    method: 'get',
    path: '/products/{id}/reviews',
    summary: "A product's visible reviews, newest first, with its rating and review count",
    request: { params: productParams, query: listQuery },
    responses: {
      200: { description: 'A page of reviews', content: { 'application/json': { schema: reviewPage } } },
      ...problemResponses(400, 403, 404),
    },
  });
  router.get('/products/:id/reviews', async (req, res) => {
    const { id } = parseParams(productParams, req.params);
    const query = parseParams(listQuery, req.query);
    const withHidden = query.includeHidden === 'true';
    if (withHidden && req.principal?.role !== 'ops') {
      throw new HttpProblem(403, 'forbidden', 'Only ops can list hidden reviews');
    }
    const product = await readProduct(collections, cache, id);
    if (!product) throw new HttpProblem(404, 'product-not-found', 'No such product');
    const filter: Filter<ReviewDoc> = withHidden ? { productId: id } : { productId: id, hidden: false };
    const [items, total] = await Promise.all([
      collections.reviews
        .find(filter)
        .sort({ createdAt: -1, _id: 1 })
        .skip(query.offset)
        .limit(query.limit)
        .toArray(),
      collections.reviews.countDocuments(filter),
    ]);
    const nextOffset = query.offset + items.length < total ? query.offset + items.length : null;
    res.json({
      items: items.map(withHidden ? moderatedView : publicView),
      total,
      nextOffset,
      rating: product.ratingAverage ?? 0,
      ratingCount: product.ratingCount ?? 0,
    });
  });

  registry.registerPath({
    method: 'post',
    path: '/ops/reviews/{id}/visibility',
    summary: "Hide or show a review again (ops); the product's rating follows at once",
    security: [{ bearer: [] }],
    request: {
      params: reviewParams,
      body: { content: { 'application/json': { schema: reviewVisibilityBody } } },
    },
    responses: {
      200: {
        description: 'The review after moderation, and the product rating it now counts towards',
        content: {
          'application/json': {
            schema: moderatedReviewView.extend({ productRating: z.number(), productRatingCount: z.number() }),
          },
        },
      },
      ...problemResponses(400, 401, 403, 404, 415, 422, 503),
    },
  });
  router.post(
    '/ops/reviews/:id/visibility',
    requireRole('ops'),
    validBody(reviewVisibilityBody),
    async (req, res) => {
      const principal = principalOf(req);
      const { id } = parseParams(reviewParams, req.params);
      const body = req.body as z.infer<typeof reviewVisibilityBody>;
      const review = await setReviewVisibility(collections, id, {
        hidden: body.hidden,
        by: principal.userId,
        ...(body.reason ? { reason: body.reason } : {}),
      });
      if (!review) throw new HttpProblem(404, 'review-not-found', 'No such review');
      const rating = await refreshProductRating(ratingDeps, review.productId).catch((error: unknown) => {
        throw asProblem(error);
      });
      res.json({
        ...moderatedView(review),
        productRating: rating?.average ?? 0,
        productRatingCount: rating?.count ?? 0,
      });
    },
  );

  return router;
}
