import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { createPayoutSchedules } from '../../activities/payout-schedules';
import { readSettlementView } from '../../activities/seller-balances';
import { postLedgerEntry } from '../../activities/seller-ledger';
import { returnPolicyOf } from '../../config/env';
import { money } from '../../domain/money';
import {
  type SellerLedgerEntry,
  ledgerEntryKeys,
  sellerBalances,
  withRunningTotal,
} from '../../domain/seller-ledger';
import { canBePaid } from '../../domain/seller-standing';
import type { Services } from '../../integrations/services';
import { payoutFrequencies } from '../../workflows/payout-definitions';
import { owns, principalOf, requireRole } from '../auth/principal';
import { idempotencyKeyOf } from '../idempotency';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { moneySchema } from '../schemas';
import { parseParams, validBody } from '../validation';
import { noStore } from '../no-store';

const sellerIdParam = z.object({ id: z.string().regex(/^sel_[\w-]{1,64}$/, 'not a seller id') });

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

const balancesView = z
  .object({ pending: moneySchema, available: moneySchema, paid: moneySchema })
  .openapi('SellerBalances');

const scheduleView = z
  .object({
    scheduleId: z.string(),
    frequency: z.enum(payoutFrequencies as [string, ...string[]]),
    paused: z.boolean(),
    nextPayoutAt: z.string().optional(),
  })
  .openapi('PayoutSchedule');

const payoutView = z
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

const ledgerLineView = z
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

function lineOf(entry: SellerLedgerEntry & { runningTotal: SellerLedgerEntry['amount'] }) {
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

/** A seller's balances, ledger and payouts; ops adjust the ledger and steer the payout schedule. */
export function payoutsRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections, env } = services;
  const router = Router();
  router.use(['/sellers/:id/payouts', '/sellers/:id/ledger', '/ops/sellers'], noStore);
  const policy = returnPolicyOf(env);
  const schedules = createPayoutSchedules({
    collections,
    temporal: services.temporal,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
  });
  const missing = () => new HttpProblem(404, 'seller-not-found', 'No such seller');

  async function sellerFor(req: Parameters<Parameters<typeof router.get>[1]>[0]) {
    const { id } = parseParams(sellerIdParam, req.params);
    if (!owns(principalOf(req), { sellerId: id })) throw missing();
    const seller = await collections.sellers.findOne({ _id: id });
    if (!seller) throw missing();
    return seller;
  }

  registry.registerPath({
    method: 'get',
    path: '/sellers/{id}/payouts',
    summary:
      "The seller's balances (pending until the return window closes, available, paid), the payout " +
      'schedule with its next run, and past payout runs, newest first. Seller (own) or ops.',
    security: [{ bearer: [] }],
    request: { params: sellerIdParam },
    responses: {
      200: {
        description: 'Payouts',
        content: {
          'application/json': {
            schema: z.object({
              sellerId: z.string(),
              canBePaid: z.boolean(),
              balances: balancesView,
              schedule: scheduleView.nullable(),
              payouts: z.array(payoutView),
            }),
          },
        },
      },
      ...problemResponses(400, 401, 403, 404),
    },
  });
  router.get('/sellers/:id/payouts', requireRole('seller', 'ops'), async (req, res) => {
    const seller = await sellerFor(req);
    const [view, schedule, payouts] = await Promise.all([
      readSettlementView(collections, seller._id, new Date(), policy),
      schedules.describePayoutSchedule(seller._id),
      collections.payouts.find({ sellerId: seller._id }).sort({ createdAt: -1 }).limit(100).toArray(),
    ]);
    res.json({
      sellerId: seller._id,
      canBePaid: canBePaid(seller),
      balances: sellerBalances(view.entries, view.payable),
      schedule: schedule ?? null,
      payouts: payouts.map((p) => ({
        payoutId: p._id,
        period: p.period,
        status: p.status,
        amount: p.amount,
        ...(p.reason ? { reason: p.reason } : {}),
        ...(p.transferId ? { transferId: p.transferId } : {}),
        subOrderIds: p.subOrderIds,
        asOf: p.asOf.toISOString(),
      })),
    });
  });

  registry.registerPath({
    method: 'get',
    path: '/sellers/{id}/ledger',
    summary:
      "Every entry of the seller's ledger in time order (sale, commission, shipping, refund, transfer, " +
      'adjustment), each with its reason and the running total owed after it. Seller (own) or ops.',
    security: [{ bearer: [] }],
    request: { params: sellerIdParam },
    responses: {
      200: {
        description: 'Ledger',
        content: {
          'application/json': {
            schema: z.object({
              sellerId: z.string(),
              balances: balancesView,
              entries: z.array(ledgerLineView),
            }),
          },
        },
      },
      ...problemResponses(400, 401, 403, 404),
    },
  });
  router.get('/sellers/:id/ledger', requireRole('seller', 'ops'), async (req, res) => {
    const seller = await sellerFor(req);
    const view = await readSettlementView(collections, seller._id, new Date(), policy);
    res.json({
      sellerId: seller._id,
      balances: sellerBalances(view.entries, view.payable),
      entries: withRunningTotal(view.entries).map(lineOf),
    });
  });

  registry.registerPath({
    method: 'post',
    path: '/ops/sellers/{id}/ledger-adjustments',
    summary:
      'Post a manual credit (positive) or debit (negative) to the seller ledger, available at the next ' +
      'payout. The Idempotency-Key names the adjustment: repeating it answers 200 with the same entry.',
    security: [{ bearer: [] }],
    request: {
      params: sellerIdParam,
      headers: z.object({ 'idempotency-key': z.string() }),
      body: { content: { 'application/json': { schema: ledgerAdjustmentBody } } },
    },
    responses: {
      201: { description: 'Posted', content: { 'application/json': { schema: ledgerLineView } } },
      200: { description: 'Already posted', content: { 'application/json': { schema: ledgerLineView } } },
      ...problemResponses(400, 401, 403, 404, 415, 422),
    },
  });
  router.post(
    '/ops/sellers/:id/ledger-adjustments',
    requireRole('ops'),
    validBody(ledgerAdjustmentBody),
    async (req, res) => {
      const seller = await sellerFor(req);
      const key = idempotencyKeyOf(req);
      const body = req.body as z.infer<typeof ledgerAdjustmentBody>;
      // One seller, one currency: a balance never adds dollars to euros.
      const first = await collections.sellerLedger.findOne({ sellerId: seller._id });
      if (first && first.amount.currency !== body.amount.currency) {
        throw new HttpProblem(
          422,
          'currency-mismatch',
          `This seller's ledger is in ${first.amount.currency}`,
        );
      }
      const entry: SellerLedgerEntry = {
        _id: ledgerEntryKeys.adjustment(seller._id, key),
        sellerId: seller._id,
        kind: 'adjustment',
        amount: money(body.amount.amount, body.amount.currency),
        note: `${body.note} (by ${principalOf(req).userId})`,
        createdAt: new Date(),
      };
      const created = await postLedgerEntry(collections, entry);
      const stored = created ? entry : await collections.sellerLedger.findOne({ _id: entry._id });
      if (!stored) throw new HttpProblem(409, 'adjustment-conflict', 'Try again');
      if (
        stored.amount.amount !== entry.amount.amount ||
        stored.amount.currency !== entry.amount.currency ||
        !stored.note.startsWith(body.note)
      ) {
        throw new HttpProblem(
          422,
          'idempotency-key-reused',
          'This Idempotency-Key was used for a different adjustment',
        );
      }
      res.status(created ? 201 : 200).json(lineOf({ ...stored, runningTotal: stored.amount }));
    },
  );

  registry.registerPath({
    method: 'post',
    path: '/ops/sellers/{id}/payout-schedule',
    summary:
      "Steer the seller's payout schedule: create it (a seller that can be paid), pause or resume it, or " +
      'set its frequency (daily or weekly). Answers with the schedule as it now stands.',
    security: [{ bearer: [] }],
    request: {
      params: sellerIdParam,
      body: { content: { 'application/json': { schema: payoutScheduleBody } } },
    },
    responses: {
      200: { description: 'Schedule', content: { 'application/json': { schema: scheduleView } } },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
  });
  router.post(
    '/ops/sellers/:id/payout-schedule',
    requireRole('ops'),
    validBody(payoutScheduleBody),
    async (req, res) => {
      const seller = await sellerFor(req);
      const body = req.body as z.infer<typeof payoutScheduleBody>;
      const note = `${body.note ?? body.action ?? 'changed'} (by ${principalOf(req).userId})`;
      if (body.frequency) {
        await schedules.setPayoutFrequency(seller._id, body.frequency as 'daily' | 'weekly');
      }
      if (body.action === 'create') {
        if (!canBePaid(seller)) {
          throw new HttpProblem(409, 'seller-cannot-be-paid', 'This seller is not active and approved');
        }
        await schedules.ensurePayoutSchedule({ sellerId: seller._id });
      }
      const existing = await schedules.describePayoutSchedule(seller._id);
      if (!existing && (body.action === 'pause' || body.action === 'resume')) {
        throw new HttpProblem(404, 'payout-schedule-not-found', 'This seller has no payout schedule yet');
      }
      if (body.action === 'pause') await schedules.pausePayouts(seller._id, note);
      if (body.action === 'resume') await schedules.resumePayouts(seller._id, note);
      const now = await schedules.describePayoutSchedule(seller._id);
      if (!now) {
        throw new HttpProblem(
          404,
          'payout-schedule-not-found',
          'This seller has no payout schedule yet',
          body.frequency ? 'The frequency is kept for when the schedule is created.' : undefined,
        );
      }
      res.json(now);
    },
  );

  return router;
}
