import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { ProductCache } from '../../catalog/product-cache';
import { ProductBusyError } from '../../catalog/product-write-lock';
import type { Services } from '../../integrations/services';
import type { ReviewDoc } from '../../reviews/documents';
import { moderateReview, postReview } from '../../reviews/review-commands';
import { reviewIdFor, reviewIdPattern } from '../../reviews/review-ids';
import { productReviews } from '../../reviews/review-reads';
import { ReviewExistsError, ReviewNotAllowedError } from '../../reviews/submit-review';
import { principalOf } from '../auth/principal';
import { claimIdempotencyKey, fingerprint, idempotencyKeyOf } from '../idempotency';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { productIdPattern } from '../product-ids';
import { declareRoute } from '../route';
import {
  moderatedReviewView,
  reviewBody,
  reviewPage,
  reviewView,
  reviewVisibilityBody,
} from '../schemas-review';

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
  const deps = { collections, cache: new ProductCache(redis), redis };
  const table = { router: Router(), registry };

  declareRoute(table, {
    method: 'post',
    path: '/reviews',
    summary: 'Review a product of a delivered order (its buyer); one review per item, needs Idempotency-Key',
    security: [{ bearer: [] }],
    roles: ['buyer'],
    headers: z.object({ 'idempotency-key': z.string() }),
    body: reviewBody,
    responses: {
      201: { description: 'Created', content: { 'application/json': { schema: reviewView } } },
      ...problemResponses(400, 401, 403, 409, 415, 422, 503),
    },
    async handle({ body }, req, res) {
      const buyer = principalOf(req);
      const { replayed } = await claimIdempotencyKey(
        collections,
        `reviews:${buyer.userId}`,
        idempotencyKeyOf(req),
        fingerprint(body),
        reviewIdFor(body.orderId, body.productId),
      );
      const review = await postReview(deps, buyer.userId, body, replayed).catch((error: unknown) => {
        throw asProblem(error);
      });
      res.status(201).location(`/products/${review.productId}/reviews`).json(publicView(review));
    },
  });

  declareRoute(table, {
    method: 'get',
    path: '/products/{id}/reviews',
    summary: "A product's visible reviews, newest first, with its rating and review count",
    params: productParams,
    query: listQuery,
    responses: {
      200: { description: 'A page of reviews', content: { 'application/json': { schema: reviewPage } } },
      ...problemResponses(400, 403, 404),
    },
    async handle({ params, query }, req, res) {
      const withHidden = query.includeHidden === 'true';
      if (withHidden && req.principal?.role !== 'ops') {
        throw new HttpProblem(403, 'forbidden', 'Only ops can list hidden reviews');
      }
      const page = await productReviews(deps, params.id, { ...query, withHidden });
      if (!page) throw new HttpProblem(404, 'product-not-found', 'No such product');
      res.json({ ...page, items: page.items.map(withHidden ? moderatedView : publicView) });
    },
  });

  declareRoute(table, {
    method: 'post',
    path: '/ops/reviews/{id}/visibility',
    summary: "Hide or show a review again (ops); the product's rating follows at once",
    security: [{ bearer: [] }],
    roles: ['ops'],
    params: reviewParams,
    body: reviewVisibilityBody,
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
    async handle({ params, body }, req, res) {
      const moderated = await moderateReview(deps, params.id, {
        hidden: body.hidden,
        by: principalOf(req).userId,
        ...(body.reason ? { reason: body.reason } : {}),
      }).catch((error: unknown) => {
        throw asProblem(error);
      });
      if (!moderated) throw new HttpProblem(404, 'review-not-found', 'No such review');
      res.json({
        ...moderatedView(moderated.review),
        productRating: moderated.rating?.average ?? 0,
        productRatingCount: moderated.rating?.count ?? 0,
      });
    },
  });

  return table.router;
}
