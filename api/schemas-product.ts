import { z } from 'zod';
import { moneySchema } from './schemas';

/** A product as buyers see it, with live stock per SKU; shared by browsing and search answers. */
export const productView = z
  .object({
    productId: z.string(),
    sellerId: z.string(),
    title: z.string(),
    description: z.string(),
    category: z.string(),
    brand: z.string().optional(),
    attributes: z.record(z.string(), z.string()),
    mediaUrls: z.array(z.string()),
    price: moneySchema,
    skus: z.array(
      z.object({
        sku: z.string(),
        attributes: z.record(z.string(), z.string()),
        price: moneySchema.optional(),
        available: z.number().int(),
      }),
    ),
    status: z.enum(['draft', 'active', 'archived']),
    inStock: z.boolean(),
    rating: z.number().openapi({ description: 'Mean of the visible reviews (0 when none)' }),
    ratingCount: z.number().int(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Product');
