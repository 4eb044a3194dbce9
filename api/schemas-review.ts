import { z } from 'zod';
import { orderIdPattern } from './order-ids';
import { productIdPattern } from './product-ids';

export const reviewBody = z
  .object({
    orderId: z.string().regex(orderIdPattern, 'not an order id'),
    productId: z.string().regex(productIdPattern, 'not a product id'),
    rating: z.number().int().min(1).max(5),
    title: z.string().trim().min(1).max(120).optional(),
    text: z.string().trim().max(4000).default(''),
  })
  .strict()
  .openapi('ReviewCreate');

/** A review as anyone may read it: no order, buyer or moderation details. */
export const reviewView = z
  .object({
    reviewId: z.string(),
    productId: z.string(),
    sku: z.string(),
    rating: z.number().int().min(1).max(5),
    title: z.string().optional(),
    text: z.string(),
    authorName: z.string(),
    verifiedPurchase: z.literal(true),
    createdAt: z.string(),
  })
  .openapi('Review');

export const reviewPage = z
  .object({
    items: z.array(reviewView),
    total: z.number().int(),
    nextOffset: z.number().int().nullable(),
    rating: z.number(),
    ratingCount: z.number().int(),
  })
  .openapi('ReviewPage');

export const reviewVisibilityBody = z
  .object({ hidden: z.boolean(), reason: z.string().trim().min(1).max(500).optional() })
  .strict()
  .openapi('ReviewVisibility');

export const moderatedReviewView = reviewView
  .extend({
    hidden: z.boolean(),
    moderation: z.object({ by: z.string(), reason: z.string().optional(), at: z.string() }).optional(),
  })
  .openapi('ModeratedReview');
