import { z } from 'zod';
import type { PayoutDoc } from '../payouts/documents';
import type { SellerLedgerLine } from '../payouts/payout-reads';
import { payoutFrequencies } from '../payouts/payout-run';
import { moneySchema } from './schemas';

// Request and response shapes of the payout and ledger routes, and how a stored record maps to them.

export const sellerIdParam = z.object({ id: z.string().regex(/^sel_[\w-]{1,64}$/, 'not a seller id') });

const signedMoney = z
  .object({
    amount: z
      .number()
      .int('minor units (cents), an integer')
      .min(-10_000_000)
      .max(10_000_000)
      .refine((n) => n !== 0, 'an adjustment of zero changes nothing'),
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD'),
  })
  .strict()
  .openapi('SignedMoney');

export const ledgerAdjustmentBody = z
  .object({ amount: signedMoney, note: z.string().trim().min(3).max(500) })
  .strict()
  .openapi('LedgerAdjustment');

export const payoutScheduleBody = z
  .object({
    action: z.enum(['create', 'pause', 'resume']).optional(),
    frequency: z.enum(payoutFrequencies as [string, ...string[]]).optional(),
    note: z.string().trim().min(1).max(300).optional(),
  })
  .strict()
  .refine((b) => b.action !== undefined || b.frequency !== undefined, 'send an action or a frequency')
  .openapi('PayoutScheduleChange');

export const balancesView = z
  .object({ pending: moneySchema, available: moneySchema, paid: moneySchema })
  .openapi('SellerBalances');

export const scheduleView = z
  .object({
    scheduleId: z.string(),
    frequency: z.enum(payoutFrequencies as [string, ...string[]]),
    paused: z.boolean(),
    nextPayoutAt: z.string().optional(),
  })
  .openapi('PayoutSchedule');

export const payoutView = z
  .object({
    payoutId: z.string(),
    period: z.string(),
    status: z
      .enum(['paid', 'skipped', 'failed'])
      .describe('failed: Stripe refused the transfer (see reason)'),
    amount: moneySchema,
    reason: z.string().optional(),
    transferId: z.string().optional(),
    subOrderIds: z.array(z.string()),
    asOf: z.string(),
  })
  .openapi('Payout');

export const ledgerLineView = z
  .object({
    id: z.string(),
    kind: z.string(),
    amount: moneySchema,
    note: z.string(),
    orderId: z.string().optional(),
    subOrderId: z.string().optional(),
    returnId: z.string().optional(),
    payoutId: z.string().optional(),
    createdAt: z.string(),
    runningTotal: moneySchema,
  })
  .openapi('SellerLedgerLine');

export function ledgerLineOf(entry: SellerLedgerLine): z.infer<typeof ledgerLineView> {
  return {
    id: entry._id,
    kind: entry.kind,
    amount: entry.amount,
    note: entry.note,
    ...(entry.orderId ? { orderId: entry.orderId } : {}),
    ...(entry.subOrderId ? { subOrderId: entry.subOrderId } : {}),
    ...(entry.returnId ? { returnId: entry.returnId } : {}),
    ...(entry.payoutId ? { payoutId: entry.payoutId } : {}),
    createdAt: entry.createdAt.toISOString(),
    runningTotal: entry.runningTotal,
  };
}

export function payoutViewOf(payout: PayoutDoc): z.infer<typeof payoutView> {
  return {
    payoutId: payout._id,
    period: payout.period,
    status: payout.status,
    amount: payout.amount,
    ...(payout.reason ? { reason: payout.reason } : {}),
    ...(payout.transferId ? { transferId: payout.transferId } : {}),
    subOrderIds: payout.subOrderIds,
    asOf: payout.asOf.toISOString(),
  };
}
