import { z } from 'zod';

export const shippingAddressSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    line1: z.string().trim().min(1).max(200),
    line2: z.string().trim().max(200).optional(),
    city: z.string().trim().min(1).max(100),
    region: z.string().trim().max(50).optional(),
    postalCode: z.string().trim().min(1).max(20),
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as US'),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'E.164, e.g. +14155550123')
      .optional(),
  })
  .strict()
  .openapi('ShippingAddress');
