import { z } from 'zod';
import { moneySchema } from './schemas';

// Buyers type codes in any case; they are stored and compared upper case.
export const promoCodeSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9-]{3,32}$/, 'code: 3-32 of A-Z, 0-9 and -');

const instant = z.iso.datetime({ offset: true });
const common = { code: promoCodeSchema, validFrom: instant, validUntil: instant, minSubtotal: moneySchema };

export const promotionCreateBody = z
  .discriminatedUnion('kind', [
    z
      .object({ ...common, kind: z.literal('percent'), percentBps: z.number().int().min(1).max(10_000) })
      .strict(),
    z.object({ ...common, kind: z.literal('fixed'), amount: moneySchema }).strict(),
  ])
  .superRefine((body, ctx) => {
    if (Date.parse(body.validUntil) <= Date.parse(body.validFrom)) {
      ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'must be after validFrom' });
    }
    if (body.kind === 'fixed') {
      if (body.amount.amount < 1) ctx.addIssue({ code: 'custom', path: ['amount'], message: 'must be > 0' });
      if (body.amount.currency !== body.minSubtotal.currency) {
        ctx.addIssue({ code: 'custom', path: ['amount'], message: 'must be in the currency of minSubtotal' });
      }
    }
  })
  .openapi('PromotionCreate');

export const promotionView = z
  .object({
    code: z.string(),
    kind: z.enum(['percent', 'fixed']),
    percentBps: z.number().int().optional(),
    amount: moneySchema.optional(),
    validFrom: z.string(),
    validUntil: z.string(),
    minSubtotal: moneySchema,
    createdAt: z.string(),
  })
  .openapi('Promotion');
