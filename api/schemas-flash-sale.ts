import { z } from 'zod';
import { ticketSchema } from './flash-sale-checkout';
import { skuSchema } from './schemas';

// A flash sale's terms as ops set them, and the sale and a ticket as buyers read them.

// A sale's start is a durable timer in its workflow; a year ahead is plenty and keeps the timer sane.
const maxLeadMs = 366 * 24 * 3600_000;

export const flashSaleTermsBody = z
  .object({
    startsAt: z.iso
      .datetime({ offset: true })
      .refine((at) => Date.parse(at) < Date.now() + maxLeadMs, 'at most a year ahead'),
    admitPerSecond: z.number().int().min(1).max(10_000),
    perBuyerLimit: z.number().int().min(1).max(100),
    holdSeconds: z.number().int().min(5).max(3600),
  })
  .strict()
  .openapi('FlashSaleTerms');

export const joinQueueBody = z
  .object({ quantity: z.number().int().min(1).max(100).default(1) })
  .strict()
  .openapi('FlashSaleJoin');

export const saleView = z
  .object({
    sku: z.string(),
    startsAt: z.string(),
    admitPerSecond: z.number().int(),
    perBuyerLimit: z.number().int(),
    holdSeconds: z.number().int(),
    queued: z.number().int(),
    served: z.number().int(),
    openHolds: z.number().int(),
    holds: z.number().int(),
    soldOut: z.boolean(),
  })
  .openapi('FlashSale');

export const ticketViewSchema = z
  .object({
    sku: z.string(),
    ticket: z.string(),
    status: z.enum(['waiting', 'held', 'ordered', 'expired', 'sold_out']),
    position: z.number().int().optional(),
    ahead: z.number().int().optional(),
    estimatedWaitSeconds: z.number().int().optional(),
    pollAfterMs: z.number().int().optional().describe('Poll again no sooner than this'),
    orderId: z.string().optional().describe('Held: check out with POST /orders {flashSale: {sku, ticket}}'),
    quantity: z.number().int().optional(),
    expiresAt: z.string().optional(),
  })
  .openapi('FlashSaleTicket');

export const skuParams = z.object({ sku: skuSchema });
export const ticketParams = z.object({ sku: skuSchema, ticket: ticketSchema });
