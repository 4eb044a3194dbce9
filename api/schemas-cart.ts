import { z } from 'zod';
import { maxQuantityPerLine } from '../cart/cart-store';
import { moneySchema, skuSchema } from './schemas';
import { promoCodeSchema } from './schemas-promotion';

// The cart's request and response shapes, as the OpenAPI document shows them.

const quantity = z.number().int().min(1).max(maxQuantityPerLine);

export const cartAddBody = z.object({ sku: skuSchema, quantity }).strict().openapi('CartAdd');
export const cartLinePatchBody = z.object({ quantity }).strict().openapi('CartLinePatch');
export const cartPromoBody = z.object({ code: promoCodeSchema }).strict().openapi('CartPromo');
export const skuParam = z.object({ sku: skuSchema });
// A union rather than moneySchema.nullable(): the generator turns a nullable reference into an allOf that
// no null can satisfy, so an empty cart would break its own documented schema.
const moneyOrNull = z.union([moneySchema, z.null()]);

export const cartViewSchema = z
  .object({
    cartId: z.string().nullable(),
    lines: z.array(
      z.object({
        sku: z.string(),
        productId: z.string(),
        sellerId: z.string(),
        title: z.string(),
        quantity: z.number().int(),
        priceAtAdd: moneySchema,
        currentPrice: moneySchema,
        priceChanged: z.boolean(),
        available: z.number().int(),
        outOfStock: z.boolean(),
        insufficientStock: z.boolean(),
        forSale: z.boolean(),
      }),
    ),
    subtotal: moneyOrNull,
    promo: z
      .object({
        code: z.string(),
        discount: moneyOrNull,
        valid: z.boolean(),
        reason: z.string().optional(),
      })
      .nullable(),
    destination: z
      .union([z.object({ country: z.string(), region: z.string().optional() }), z.null()])
      .describe('Where shipping and tax were computed for: the ?country=&region= of GET /cart'),
    shipping: moneyOrNull.describe('Per-seller shipping summed; null without a destination'),
    tax: moneyOrNull.describe('Tax by destination; null without a destination'),
    bySeller: z
      .array(
        z.object({
          sellerId: z.string(),
          subtotal: moneySchema,
          discount: moneySchema,
          shipping: moneySchema,
          tax: moneySchema,
          total: moneySchema,
        }),
      )
      .describe("Each seller's part as checkout will authorize it; empty without a destination"),
    total: moneyOrNull.describe(
      'With a destination: what checkout authorizes (goods - discount + shipping + tax); without: the goods',
    ),
    currency: z.string().nullable(),
    expiresAt: z.string().nullable(),
  })
  .strict()
  .openapi('Cart');

export const cartDestinationQuery = z
  .object({
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as US')
      .optional()
      .describe('Ship-to country: adds shipping, tax and the per-seller totals checkout will authorize'),
    region: z.string().trim().min(1).max(50).optional().describe('Ship-to region (state), as in shipTo'),
  })
  .strict()
  .refine((q) => q.region === undefined || q.country !== undefined, {
    message: 'region needs country',
    path: ['region'],
  });

export const cartHeaders = z.object({
  'x-cart-id': z
    .string()
    .regex(/^guest:[0-9a-f]{32}$/)
    .optional(),
});
// Signed-in buyers use their own cart; without a token the guest cart is named by X-Cart-Id or cart_id.
export const buyerOrGuest: Record<string, string[]>[] = [{ bearer: [] }, {}];
export const cartResponse = {
  description: 'The cart, priced now',
  content: { 'application/json': { schema: cartViewSchema } },
};
