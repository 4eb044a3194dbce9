import { z } from 'zod';
import { returnStatuses } from '../domain/return-status';
import { returnReasons } from '../returns/return-process';
import { returnIdPattern } from '../returns/return-ids';
import { moneySchema, skuSchema } from './schemas';

export const maxReturnPhotos = 8;

const httpsUrl = z
  .string()
  .max(2048)
  .url()
  // zod runs this check even when .url() has failed, so it must not throw on a string that is no URL.
  .refine(
    (value) => URL.canParse(value) && new URL(value).protocol === 'https:',
    'photos must be https URLs',
  );

const uniqueSkus = (lines: Array<{ sku: string }>) => new Set(lines.map((l) => l.sku)).size === lines.length;

export const requestReturnBody = z
  .object({
    lines: z
      .array(z.object({ sku: skuSchema, quantity: z.number().int().min(1).max(1000) }).strict())
      .min(1)
      .max(50)
      .refine(uniqueSkus, 'each SKU at most once'),
    reason: z
      .object({ code: z.enum(returnReasons), text: z.string().trim().min(1).max(1000).optional() })
      .strict(),
    photos: z.array(httpsUrl).max(maxReturnPhotos).default([]),
  })
  .strict()
  .openapi('RequestReturn');

export const approveReturnBody = z
  .object({ note: z.string().trim().min(1).max(500).optional() })
  .strict()
  .openapi('ApproveReturn');

export const rejectReturnBody = z
  .object({ reason: z.string().trim().min(1).max(500) })
  .strict()
  .openapi('RejectReturn');

export const inspectReturnBody = z
  .object({
    lines: z
      .array(z.object({ sku: skuSchema, acceptedQuantity: z.number().int().min(0).max(1000) }).strict())
      .min(1)
      .max(50)
      .refine(uniqueSkus, 'each SKU at most once'),
    note: z.string().trim().min(1).max(500).optional(),
  })
  .strict()
  .openapi('InspectReturn');

export const opsReturnDecisionBody = z
  .object({ decision: z.enum(['approve', 'reject']), reason: z.string().trim().min(1).max(500) })
  .strict()
  .openapi('OpsReturnDecision');

export const returnIdParam = z.object({ id: z.string().regex(returnIdPattern, 'not a return id') });

export const returnAccepted = z
  .object({ returnId: z.string(), status: z.enum(returnStatuses) })
  .openapi('ReturnAccepted');

export const returnView = z
  .object({
    returnId: z.string(),
    orderId: z.string(),
    sellerId: z.string(),
    customerId: z.string(),
    status: z.enum(returnStatuses),
    lines: z.array(
      z
        .object({
          sku: z.string(),
          quantity: z.number().int(),
          title: z.string().optional(),
          acceptedQuantity: z.number().int().optional(),
        })
        .strict(),
    ),
    reason: z.object({ code: z.string(), text: z.string().optional() }).strict(),
    photos: z.array(z.string()),
    refund: moneySchema.optional(),
    refundId: z.string().optional(),
    trackingNumber: z.string().optional(),
    carrier: z.string().optional(),
    labelUrl: z.string().optional(),
    dueBy: z.string().optional().describe('When the current human step is due, then ops take over'),
    escalatedStep: z.enum(['decision', 'inspection']).optional(),
    decidedBy: z.enum(['seller', 'ops']).optional(),
    decisionNote: z.string().optional(),
    closeReason: z.string().optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
  })
  .strict()
  .openapi('Return');

export const returnListQuery = z
  .object({
    status: z.enum(returnStatuses).optional(),
    sellerId: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(10_000).default(0),
  })
  .strict();
