import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { returnPolicyOf } from '../../config/env';
import { money } from '../../domain/money';
import type { Services } from '../../integrations/services';
import { LedgerAdjustmentRefused, adjustSellerLedger } from '../../payouts/ledger-adjustment';
import { type PayoutReadDeps, sellerLedger, sellerPayouts } from '../../payouts/payout-reads';
import type { PayoutFrequency } from '../../payouts/payout-run';
import { PayoutScheduleRefused, changePayoutSchedule } from '../../payouts/payout-schedule-change';
import { createPayoutSchedules } from '../../payouts/payout-schedules';
import { principalOf } from '../auth/principal';
import { idempotencyKeyOf } from '../idempotency';
import { noStore } from '../no-store';
import { payeeOf } from '../payout-access';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { type RouteTable, declareRoute } from '../route';
import {
  balancesView,
  ledgerAdjustmentBody,
  ledgerLineOf,
  ledgerLineView,
  payoutScheduleBody,
  payoutView,
  payoutViewOf,
  scheduleView,
  sellerIdParam,
} from '../schemas-payout';

/** A refused adjustment or schedule change, as the problem the caller reads. */
function asProblem(error: unknown): unknown {
  if (error instanceof LedgerAdjustmentRefused) {
    return new HttpProblem(error.reason === 'adjustment-conflict' ? 409 : 422, error.reason, error.message);
  }
  if (error instanceof PayoutScheduleRefused) {
    const status = error.reason === 'seller-cannot-be-paid' ? 409 : 404;
    return new HttpProblem(status, error.reason, error.message, error.detail);
  }
  return error;
}

/** A seller's balances, ledger and payouts; ops adjust the ledger and steer the payout schedule. */
export function payoutsRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections, env } = services;
  const table = { router: Router(), registry };
  table.router.use(['/sellers/:id/payouts', '/sellers/:id/ledger', '/ops/sellers'], noStore);
  const schedules = createPayoutSchedules({
    collections,
    temporal: services.temporal,
    taskQueue: env.TEMPORAL_TASK_QUEUE,
  });
  const deps = { collections, schedules, policy: returnPolicyOf(env) };
  sellerMoneyRoutes(table, deps);
  opsPayoutRoutes(table, deps);
  return table.router;
}

/** What a seller (or ops) reads: balances, payout runs and the schedule; the ledger line by line. */
function sellerMoneyRoutes(table: RouteTable, deps: PayoutReadDeps): void {
  declareRoute(table, {
    method: 'get',
    path: '/sellers/{id}/payouts',
    summary:
      "The seller's balances (pending until the return window closes, available, paid), the payout " +
      'schedule with its next run, and past payout runs, newest first. Seller (own) or ops.',
    security: [{ bearer: [] }],
    roles: ['seller', 'ops'],
    params: sellerIdParam,
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
    async handle({ params }, req, res) {
      const seller = await payeeOf(deps.collections, req, params.id);
      const view = await sellerPayouts(deps, seller, new Date());
      res.json({
        sellerId: seller._id,
        canBePaid: view.canBePaid,
        balances: view.balances,
        schedule: view.schedule ?? null,
        payouts: view.payouts.map(payoutViewOf),
      });
    },
  });

  declareRoute(table, {
    method: 'get',
    path: '/sellers/{id}/ledger',
    summary:
      "Every entry of the seller's ledger in time order (sale, commission, shipping, refund, transfer, " +
      'adjustment), each with its reason and the running total owed after it. Seller (own) or ops.',
    security: [{ bearer: [] }],
    roles: ['seller', 'ops'],
    params: sellerIdParam,
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
    async handle({ params }, req, res) {
      const seller = await payeeOf(deps.collections, req, params.id);
      const ledger = await sellerLedger(deps, seller._id, new Date());
      res.json({
        sellerId: seller._id,
        balances: ledger.balances,
        entries: ledger.entries.map(ledgerLineOf),
      });
    },
  });
}

/** What ops change: a manual ledger adjustment, and the seller's payout schedule. */
function opsPayoutRoutes(table: RouteTable, deps: PayoutReadDeps): void {
  declareRoute(table, {
    method: 'post',
    path: '/ops/sellers/{id}/ledger-adjustments',
    summary:
      'Post a manual credit (positive) or debit (negative) to the seller ledger, available at the next ' +
      'payout. The Idempotency-Key names the adjustment: repeating it answers 200 with the same entry.',
    security: [{ bearer: [] }],
    roles: ['ops'],
    params: sellerIdParam,
    headers: z.object({ 'idempotency-key': z.string() }),
    body: ledgerAdjustmentBody,
    responses: {
      201: { description: 'Posted', content: { 'application/json': { schema: ledgerLineView } } },
      200: { description: 'Already posted', content: { 'application/json': { schema: ledgerLineView } } },
      ...problemResponses(400, 401, 403, 404, 415, 422),
    },
    async handle({ params, body }, req, res) {
      const seller = await payeeOf(deps.collections, req, params.id);
      const adjustment = {
        sellerId: seller._id,
        key: idempotencyKeyOf(req),
        amount: money(body.amount.amount, body.amount.currency),
        note: body.note,
        by: principalOf(req).userId,
      };
      const { created, entry } = await adjustSellerLedger(deps.collections, adjustment).catch(
        (error: unknown) => {
          throw asProblem(error);
        },
      );
      res.status(created ? 201 : 200).json(ledgerLineOf({ ...entry, runningTotal: entry.amount }));
    },
  });

  declareRoute(table, {
    method: 'post',
    path: '/ops/sellers/{id}/payout-schedule',
    summary:
      "Steer the seller's payout schedule: create it (a seller that can be paid), pause or resume it, or " +
      'set its frequency (daily or weekly). Answers with the schedule as it now stands.',
    security: [{ bearer: [] }],
    roles: ['ops'],
    params: sellerIdParam,
    body: payoutScheduleBody,
    responses: {
      200: { description: 'Schedule', content: { 'application/json': { schema: scheduleView } } },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
    async handle({ params, body }, req, res) {
      const seller = await payeeOf(deps.collections, req, params.id);
      const change = { ...body, frequency: body.frequency as PayoutFrequency | undefined };
      const schedule = await changePayoutSchedule(
        deps.schedules,
        seller,
        change,
        principalOf(req).userId,
      ).catch((error: unknown) => {
        throw asProblem(error);
      });
      res.json(schedule);
    },
  });
}
