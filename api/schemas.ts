import { z } from 'zod';

// Field shapes shared by several endpoints, so a SKU or a price is validated the same way everywhere.
export const skuSchema = z.string().regex(/^[A-Za-z0-9][\w.-]{0,63}$/, 'SKU: 1-64 letters, digits, _ . -');

export const moneySchema = z
  .object({
    amount: z.number().int('minor units (cents), an integer').min(0).max(100_000_000),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD'),
  })
  .strict()
  .openapi('Money');
