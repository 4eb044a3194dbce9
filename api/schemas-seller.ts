import { z } from 'zod';

const statuses = ['pending_verification', 'active', 'restricted', 'rejected'] as const;
const approvals = ['pending', 'approved', 'rejected'] as const;
const closedReasons = ['abandoned', 'rejected_by_ops', 'rejected_by_stripe'] as const;

export const sellerIdParam = z.object({ id: z.string().regex(/^sel_[\w-]{1,64}$/, 'not a seller id') });

export const startOnboardingBody = z
  .object({
    businessName: z.string().trim().min(1).max(200),
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code, e.g. US'),
    email: z.string().trim().email().max(254),
  })
  .strict()
  .openapi('StartSellerOnboarding');

export const sellerDecisionBody = z
  .object({ decision: z.enum(['approve', 'reject']), reason: z.string().trim().min(1).max(500) })
  .strict()
  .openapi('SellerDecision');

export const onboardingView = z
  .object({
    sellerId: z.string(),
    status: z.enum(statuses),
    approval: z.enum(approvals),
    stripeAccountId: z.string().optional(),
    onboardingUrl: z.string().optional(),
    closedReason: z.enum(closedReasons).optional(),
  })
  .openapi('SellerOnboarding');

export const sellerView = z
  .object({
    sellerId: z.string(),
    name: z.string(),
    email: z.string(),
    country: z.string().optional(),
    status: z.enum(statuses),
    approval: z.enum(approvals),
    stripeAccountId: z.string().optional(),
    closedReason: z.enum(closedReasons).optional(),
    decisionReason: z.string().optional(),
    canSell: z.boolean(),
    canBePaid: z.boolean(),
  })
  .openapi('Seller');
