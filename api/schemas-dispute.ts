import { z } from 'zod';
import { disputeTextFields } from '../domain/dispute-evidence';
import { disputeStatuses } from '../domain/dispute-status';
import { moneySchema } from './schemas';

export const disputeIdPattern = /^d[pu]_[A-Za-z0-9_]{1,100}$/;
export const disputeIdParam = z.object({ id: z.string().regex(disputeIdPattern, 'not a Stripe dispute id') });

const httpsUrl = z
  .string()
  .max(2048)
  .url()
  .refine(
    (value) => URL.canParse(value) && new URL(value).protocol === 'https:',
    'documents must be https URLs',
  );

// Stripe takes up to 150,000 characters of text evidence in all; 20,000 a field keeps well inside it.
const textShape = Object.fromEntries(
  disputeTextFields.map((field) => [field, z.string().trim().min(1).max(20_000).optional()]),
) as Record<(typeof disputeTextFields)[number], z.ZodOptional<z.ZodString>>;

/** The text fields Stripe accepts, and links to documents (photos, receipts, chat exports). */
export const disputeEvidenceBody = z
  .object({ ...textShape, documentUrls: z.array(httpsUrl).max(10).default([]) })
  .strict()
  .openapi('DisputeEvidence', {
    description:
      "Stripe's text evidence fields. The carrier, tracking number, shipping date and address are filled in from the marketplace's own shipment records.",
  });

export const submitDisputeBody = z
  .object({ evidence: disputeEvidenceBody.optional(), note: z.string().trim().min(1).max(1000).optional() })
  .strict()
  .openapi('SubmitDispute');

export const acceptDisputeBody = z
  .object({ reason: z.string().trim().min(1).max(1000) })
  .strict()
  .openapi('AcceptDispute');

export const disputeListQuery = z
  .object({
    status: z.enum(disputeStatuses).optional(),
    sellerId: z.string().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(10_000).default(0),
  })
  .strict();

// Holds and debits are negative (taken from the seller), so the view's money is signed.
const signedMoney = z.object({ amount: z.number().int(), currency: z.string() });

export const disputeView = z
  .object({
    disputeId: z.string(),
    status: z.enum(disputeStatuses),
    stripeStatus: z.string(),
    reason: z.string(),
    amount: moneySchema,
    orderId: z.string().optional(),
    sellerId: z.string().optional(),
    subOrderId: z.string().optional(),
    hold: signedMoney.optional(),
    dueBy: z.string().optional(),
    openedAt: z.string().optional(),
    evidence: z
      .object({ text: z.record(z.string(), z.string()), documentUrls: z.array(z.string()) })
      .optional(),
    remindersSent: z.number().int().optional(),
    evidenceSubmittedAt: z.string().optional(),
    evidenceSubmittedBy: z.enum(['ops', 'marketplace']).optional(),
    outcome: z.enum(['won', 'lost']).optional(),
    sellerDebit: signedMoney.optional(),
    problem: z.string().optional(),
  })
  .openapi('Dispute');
