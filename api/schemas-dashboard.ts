import { z } from 'zod';
import { defaultPeriods, maxPeriods, reportingPeriodKinds } from '../domain/reporting-periods';

export const dashboardQuery = z
  .object({
    period: z.enum(reportingPeriodKinds).default('day'),
    periods: z.coerce
      .number()
      .int()
      .min(1)
      .optional()
      .describe(
        `How many periods back, the current one included: days up to ${maxPeriods.day}, weeks up to ` +
          `${maxPeriods.week}, months up to ${maxPeriods.month} (default ${defaultPeriods.day} / ` +
          `${defaultPeriods.week} / ${defaultPeriods.month})`,
      ),
    top: z.coerce.number().int().min(1).max(20).default(5).describe('How many top products'),
  })
  .strict()
  .superRefine((query, ctx) => {
    if (query.periods !== undefined && query.periods > maxPeriods[query.period]) {
      ctx.addIssue({
        code: 'custom',
        path: ['periods'],
        message: `at most ${maxPeriods[query.period]} ${query.period} periods`,
      });
    }
  });

/** Amounts here may be negative (a refund after a payout is carried as a negative available balance). */
const amount = z.object({ amount: z.number().int(), currency: z.string() }).openapi('SignedMoney');

export const dashboardView = z
  .object({
    sellerId: z.string(),
    period: z.enum(reportingPeriodKinds),
    range: z.object({ start: z.string(), end: z.string() }),
    sales: z.array(
      z.object({
        start: z.string(),
        end: z.string(),
        orders: z.number().int().describe('Sub-orders placed in the period and not cancelled'),
        revenue: z.array(amount).describe('Their totals, one entry per currency'),
      }),
    ),
    totals: z.object({ orders: z.number().int(), revenue: z.array(amount) }),
    topProducts: z.array(
      z.object({
        productId: z.string(),
        title: z.string(),
        units: z.number().int(),
        revenue: z.array(amount),
      }),
    ),
    returns: z.object({
      opened: z.number().int(),
      delivered: z.number().int(),
      rate: z.number().nullable().describe('Returns opened ÷ sub-orders delivered in the range'),
    }),
    disputes: z.object({
      open: z.number().int().describe('Card disputes not settled yet'),
      held: z.array(amount).describe('What the open disputes keep back from payouts'),
      opened: z.number().int().describe('Disputes opened in the range'),
      rate: z.number().nullable().describe('Disputes opened ÷ sub-orders delivered in the range'),
      won: z.number().int(),
      lost: z.number().int(),
    }),
    balances: z.object({ pending: amount, available: amount, paid: amount }),
    payout: z.object({
      schedule: z.enum(['scheduled', 'paused', 'none', 'unavailable']),
      nextPayoutAt: z.string().nullable(),
    }),
    asOf: z.string(),
  })
  .openapi('SellerDashboard');
