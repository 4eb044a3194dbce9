import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Request, type Response } from 'express';
import { FlashSaleQueue } from '../../integrations/flash-sale-queue';
import type { RedisClient } from '../../integrations/redis';
import type { Services } from '../../integrations/services';
import { flagFlashSale, flashSale, joinFlashSale, ticketStanding } from '../../inventory/flash-sale-line';
import type { flashSaleWorkflow } from '../../workflows/flash-sale';
import { flashSaleTermsSignal, flashSaleWorkflowId } from '../../workflows/flash-sale-definitions';
import { detailsOf } from '../../domain/ops-wording';
import { principalOf } from '../auth/principal';
import { rethrowAsProblem } from '../catalog-problems';
import { newTicket } from '../flash-sale-checkout';
import { problemResponses } from '../openapi-registry';
import { newOrderId } from '../order-ids';
import { hit, tooMany, type Limit } from '../rate-limit';
import { declareRoute, type RouteTable } from '../route';
import {
  flashSaleTermsBody,
  joinQueueBody,
  saleView,
  skuParams,
  ticketParams,
  ticketViewSchema,
} from '../schemas-flash-sale';

// A person joins once and polls about once a second at most; a script with one account or one address
// does far more, and is slowed down here rather than crowding real buyers out of the line.
const joinPerIp: Limit = { name: 'flash-join-ip', max: 20, windowMs: 60_000 };
const joinPerBuyer: Limit = { name: 'flash-join-buyer', max: 10, windowMs: 60_000 };
const pollPerBuyer: Limit = { name: 'flash-poll-buyer', max: 20, windowMs: 10_000 };
const pollPerIp: Limit = { name: 'flash-poll-ip', max: 300, windowMs: 10_000 };

const saleAnswer = { content: { 'application/json': { schema: saleView } } };
const ticketAnswer = { content: { 'application/json': { schema: ticketViewSchema } } };

/** Ops flag a SKU for a flash sale; buyers wait in its line, each admitted with a hold, and poll a ticket. */
export function flashSalesRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections, redis, temporal, env } = services;
  const queue = new FlashSaleQueue(redis);
  const table = { router: Router(), registry };

  declareRoute(table, {
    method: 'put',
    path: '/ops/flash-sales/{sku}',
    summary:
      'Flag a SKU for a flash sale (ops): a waiting room admitting buyers at a set pace, each with a hold',
    security: [{ bearer: [] }],
    roles: ['ops'],
    params: skuParams,
    body: flashSaleTermsBody,
    responses: {
      200: { description: 'The sale', ...saleAnswer },
      ...problemResponses(400, 401, 403, 404, 415, 422),
    },
    async handle({ params: { sku }, body: terms }, _req, res) {
      // Starts the sale's admission workflow, or hands the new terms to the one already running.
      const startAdmission = () =>
        temporal.workflow.signalWithStart<typeof flashSaleWorkflow, [typeof terms]>('flashSaleWorkflow', {
          taskQueue: env.TEMPORAL_TASK_QUEUE,
          workflowId: flashSaleWorkflowId(sku),
          args: [{ sku, terms }],
          signal: flashSaleTermsSignal,
          signalArgs: [terms],
          // Shown in the Temporal UI's list when this call starts the sale (later terms arrive as signals).
          staticSummary: `Flash sale of ${sku} · ${terms.admitPerSecond}/s admitted · ${terms.perBuyerLimit} per buyer`,
          staticDetails: detailsOf({
            SKU: sku,
            'Starts at': terms.startsAt,
            'Hold seconds': terms.holdSeconds,
          }),
        });
      res.json(
        await flagFlashSale({ collections, queue }, sku, terms, startAdmission).catch(rethrowAsProblem),
      );
    },
  });

  declareRoute(table, {
    method: 'get',
    path: '/flash-sales/{sku}',
    summary: "A flash sale's terms and progress: how many joined, were served, hold units, and if sold out",
    params: skuParams,
    responses: { 200: { description: 'The sale', ...saleAnswer }, ...problemResponses(400, 404) },
    async handle({ params }, _req, res) {
      const sale = await flashSale(queue, params.sku).catch(rethrowAsProblem);
      res.set('Cache-Control', 'no-store').json(sale);
    },
  });

  declareWaitingRoom(table, redis, queue);

  return table.router;
}

/** The waiting room: buyers join the line and poll their ticket, each slowed down past a person's pace. */
function declareWaitingRoom(table: RouteTable, redis: RedisClient, queue: FlashSaleQueue): void {
  // Both limits are counted at once (one round trip to Redis, not one per limit): a request over either
  // is slowed down, and the longer wait is the one asked for.
  async function throttle(req: Request, res: Response, limits: [Limit, string][]): Promise<void> {
    const hits = await Promise.all(limits.map(([limit, subject]) => hit(redis, limit, subject)));
    const refused = hits.filter((h) => !h.allowed);
    if (refused.length === 0) return;
    const retryAfterS = Math.max(...refused.map((h) => h.retryAfterS));
    res.set('Retry-After', String(retryAfterS));
    throw tooMany(retryAfterS, req.method === 'POST' ? 'attempts to join' : 'polls');
  }

  declareRoute(table, {
    method: 'post',
    path: '/flash-sales/{sku}/queue',
    summary:
      'Join the waiting room (buyer): one place per buyer per sale, so a repeat returns the same ticket ' +
      '(200) and no Idempotency-Key is needed. At most perBuyerLimit units.',
    security: [{ bearer: [] }],
    roles: ['buyer'],
    params: skuParams,
    body: joinQueueBody,
    responses: {
      201: { description: 'In line', ...ticketAnswer },
      200: { description: 'Already in line', ...ticketAnswer },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422, 429),
    },
    async handle({ params: { sku }, body: { quantity } }, req, res) {
      const buyerId = principalOf(req).userId;
      await throttle(req, res, [
        [joinPerIp, req.ip ?? 'unknown'],
        [joinPerBuyer, buyerId],
      ]);
      const proposed = { ticket: newTicket(), quantity, orderId: newOrderId() };
      const { joined, ticket } = await joinFlashSale(queue, sku, buyerId, proposed).catch(rethrowAsProblem);
      res
        .status(joined ? 201 : 200)
        .set('Cache-Control', 'no-store')
        .json(ticket);
    },
  });

  declareRoute(table, {
    method: 'get',
    path: '/flash-sales/{sku}/queue/{ticket}',
    summary:
      'Where a ticket stands: waiting (position, buyers ahead, when to poll again), held (check out before ' +
      'expiresAt), ordered, expired or sold_out',
    security: [{ bearer: [] }],
    roles: ['buyer', 'ops'],
    params: ticketParams,
    responses: {
      200: { description: 'The ticket', ...ticketAnswer },
      ...problemResponses(400, 401, 403, 404, 429),
    },
    async handle({ params }, req, res) {
      const principal = principalOf(req);
      await throttle(req, res, [
        [pollPerBuyer, principal.userId],
        [pollPerIp, req.ip ?? 'unknown'],
      ]);
      const mayRead = (ticket: { buyerId: string }) =>
        principal.role === 'ops' || ticket.buyerId === principal.userId;
      const ticket = await ticketStanding(queue, params.sku, params.ticket, mayRead).catch(rethrowAsProblem);
      res.set('Cache-Control', 'no-store').json(ticket);
    },
  });
}
