import { z } from 'zod';
import { productIdPattern } from './product-ids';
import { moneySchema, skuSchema } from './schemas';

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

export const productIdParams = z.object({ id: z.string().regex(productIdPattern, 'not a product id') });

const attributeName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'attribute names: lowercase letters, digits, _');
const attributes = z
  .record(attributeName, z.string().max(200))
  .refine((value) => Object.keys(value).length <= 50, 'at most 50 attributes');
const category = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'category: a lowercase slug');

const variant = z
  .object({ sku: skuSchema, attributes: attributes.default({}), price: moneySchema.optional() })
  .strict();

export const productCreateBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().max(5000).default(''),
    category,
    brand: z.string().trim().min(1).max(100).optional(),
    attributes: attributes.default({}),
    mediaUrls: z
      .array(z.string().url().startsWith('https://', 'media must be https URLs'))
      .max(20)
      .default([]),
    price: moneySchema,
    skus: z
      .array(variant)
      .min(1)
      .max(100)
      .refine((list) => new Set(list.map((v) => v.sku)).size === list.length, 'SKUs must be unique'),
    status: z.enum(['draft', 'active']).default('draft'),
  })
  .strict()
  .openapi('ProductCreate');

export const productPatchBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().max(5000),
    category,
    brand: z.string().trim().min(1).max(100),
    attributes,
    mediaUrls: z.array(z.string().url().startsWith('https://')).max(20),
    price: moneySchema,
    status: z.enum(['draft', 'active', 'archived']),
  })
  .partial()
  .strict()
  .refine((value) => Object.keys(value).length > 0, 'send at least one field to change')
  .openapi('ProductPatch');

const listQueryBase = z.object({
  category: category.optional(),
  sellerId: z.string().max(64).optional(),
  brand: z.string().max(100).optional(),
  minPrice: z.coerce.number().int().min(0).optional(),
  maxPrice: z.coerce.number().int().min(0).optional(),
  status: z.enum(['draft', 'active', 'archived']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
});

/** GET /products without search parameters: a plain listing, filtered by fields and attr.<name>. */
export const productListQuery = listQueryBase
  .catchall(z.string().max(200))
  .superRefine((query, ctx) => {
    for (const name of Object.keys(query)) {
      if (!(name in listQueryBase.shape) && !/^attr\.[a-z][a-z0-9_]{0,39}$/.test(name)) {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: 'unknown filter (attributes are attr.<name>)',
        });
      }
    }
  })
  .transform(({ category, sellerId, brand, minPrice, maxPrice, status, limit, offset, ...rest }) => ({
    category,
    sellerId,
    brand,
    minPrice,
    maxPrice,
    status,
    limit,
    offset,
    attributes: Object.fromEntries(
      Object.entries(rest).flatMap(([name, value]) =>
        typeof value === 'string' ? [[name.slice('attr.'.length), value]] : [],
      ),
    ),
  }));
