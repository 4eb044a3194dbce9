import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { ticketView, type Ticket } from '../../domain/flash-sale';
import { FlashSaleQueue, type SaleSnapshot } from '../../integrations/flash-sale-queue';
import type { Services } from '../../integrations/services';
import type { flashSaleWorkflow } from '../../workflows/flash-sale';
import { flashSaleTermsSignal, flashSaleWorkflowId } from '../../workflows/flash-sale-definitions';
import { principalOf, requireRole } from '../auth/principal';
import { newTicket, ticketSchema } from '../flash-sale-checkout';
import { problemResponses } from '../openapi-registry';
import { newOrderId } from '../order-ids';
import { HttpProblem } from '../problem';
import { hit, tooMany, type Limit } from '../rate-limit';
import { skuSchema } from '../schemas';
import { parseParams, validBody } from '../validation';
import { detailsOf } from '../../workflows/ops-wording';

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

const saleView = z
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

const ticketViewSchema = z
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

const skuParam = z.object({ sku: skuSchema });
const ticketParam = z.object({ sku: skuSchema, ticket: ticketSchema });

// A person joins once and polls about once a second at most; a script with one account or one address
// does far more, and is slowed down here rather than crowding real buyers out of the line.
const joinPerIp: Limit = { name: 'flash-join-ip', max: 20, windowMs: 60_000 };
const joinPerBuyer: Limit = { name: 'flash-join-buyer', max: 10, windowMs: 60_000 };
const pollPerBuyer: Limit = { name: 'flash-poll-buyer', max: 20, windowMs: 10_000 };
const pollPerIp: Limit = { name: 'flash-poll-ip', max: 300, windowMs: 10_000 };

function saleBody(sku: string, sale: SaleSnapshot) {
  const { terms, queued, served, openHolds, holds, soldOut } = sale;
  return { sku, ...terms, queued, served, openHolds, holds, soldOut };
}

export function flashSalesRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections, redis, temporal, env } = services;
  const queue = new FlashSaleQueue(redis);
  const router = Router();
  const noSale = () => new HttpProblem(404, 'flash-sale-not-found', 'This SKU has no flash sale');

  async function throttle(req: Request, res: Response, limits: [Limit, string][]): Promise<void> {
    for (const [limit, subject] of limits) {
      const { allowed, retryAfterS } = await hit(redis, limit, subject);
      if (!allowed) {
        res.set('Retry-After', String(retryAfterS));
        throw tooMany(retryAfterS, req.method === 'POST' ? 'attempts to join' : 'polls');
      }
    }
  }

  async function answerTicket(res: Response, sku: string, ticket: Ticket, status = 200): Promise<void> {
    const sale = await queue.sale(sku);
    if (!sale) throw noSale();
    res
      .status(status)
      .set('Cache-Control', 'no-store')
      .json({ sku, ticket: ticket.ticket, ...ticketView(ticket, sale, Date.now()) });
  }

  registry.registerPath({
    method: 'put',
    path: '/ops/flash-sales/{sku}',
    summary:
      'Flag a SKU for a flash sale (ops): a waiting room admitting buyers at a set pace, each with a hold',
    security: [{ bearer: [] }],
    request: { params: skuParam, body: { content: { 'application/json': { schema: flashSaleTermsBody } } } },
    responses: {
      200: { description: 'The sale', content: { 'application/json': { schema: saleView } } },
      ...problemResponses(400, 401, 403, 404, 415, 422),
    },
  });
  router.put('/ops/flash-sales/:sku', requireRole('ops'), validBody(flashSaleTermsBody), async (req, res) => {
    const { sku } = parseParams(skuParam, req.params);
    const terms = req.body as z.infer<typeof flashSaleTermsBody>;
    if (!(await collections.skus.findOne({ _id: sku }))) {
      throw new HttpProblem(404, 'sku-not-found', 'No such SKU');
    }
    await queue.flag(sku, terms);
    // Starts the sale's admission workflow, or hands the new terms to the one already running.
    await temporal.workflow.signalWithStart<typeof flashSaleWorkflow, [typeof terms]>('flashSaleWorkflow', {
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      workflowId: flashSaleWorkflowId(sku),
      args: [{ sku, terms }],
      signal: flashSaleTermsSignal,
      signalArgs: [terms],
      // Shown in the Temporal UI's list when this call starts the sale (later terms arrive as signals).
      staticSummary: `Flash sale of ${sku} · ${terms.admitPerSecond}/s admitted · ${terms.perBuyerLimit} per buyer`,
      staticDetails: detailsOf({ SKU: sku, 'Starts at': terms.startsAt, 'Hold seconds': terms.holdSeconds }),
    });
    const sale = await queue.sale(sku);
    if (!sale) throw noSale();
    res.json(saleBody(sku, sale));
  });

  registry.registerPath({
    method: 'get',
    path: '/flash-sales/{sku}',
    summary: "A flash sale's terms and progress: how many joined, were served, hold units, and if sold out",
    request: { params: skuParam },
    responses: {
      200: { description: 'The sale', content: { 'application/json': { schema: saleView } } },
      ...problemResponses(400, 404),
    },
  });
  router.get('/flash-sales/:sku', async (req, res) => {
    const { sku } = parseParams(skuParam, req.params);
    const sale = await queue.sale(sku);
    if (!sale) throw noSale();
    res.set('Cache-Control', 'no-store').json(saleBody(sku, sale));
  });

  registry.registerPath({
    method: 'post',
    path: '/flash-sales/{sku}/queue',
    summary:
      'Join the waiting room (buyer): one place per buyer per sale, so a repeat returns the same ticket ' +
      '(200) and no Idempotency-Key is needed. At most perBuyerLimit units.',
    security: [{ bearer: [] }],
    request: { params: skuParam, body: { content: { 'application/json': { schema: joinQueueBody } } } },
    responses: {
      201: { description: 'In line', content: { 'application/json': { schema: ticketViewSchema } } },
      200: { description: 'Already in line', content: { 'application/json': { schema: ticketViewSchema } } },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422, 429),
    },
  });
  router.post('/flash-sales/:sku/queue', requireRole('buyer'), validBody(joinQueueBody), async (req, res) => {
    const { sku } = parseParams(skuParam, req.params);
    const { quantity } = req.body as z.infer<typeof joinQueueBody>;
    const buyerId = principalOf(req).userId;
    await throttle(req, res, [
      [joinPerIp, req.ip ?? 'unknown'],
      [joinPerBuyer, buyerId],
    ]);
    const outcome = await queue.join(sku, buyerId, { ticket: newTicket(), quantity, orderId: newOrderId() });
    if (outcome.kind === 'no_sale') throw noSale();
    if (outcome.kind === 'sold_out') {
      throw new HttpProblem(409, 'flash-sale-sold-out', 'This flash sale is sold out');
    }
    if (outcome.kind === 'over_limit') {
      throw new HttpProblem(422, 'flash-sale-buyer-limit', 'More units than one buyer may hold', undefined, {
        perBuyerLimit: outcome.limit,
      });
    }
    const ticket = await queue.ticket(sku, outcome.ticket);
    if (!ticket) throw noSale();
    await answerTicket(res, sku, ticket, outcome.kind === 'joined' ? 201 : 200);
  });

  registry.registerPath({
    method: 'get',
    path: '/flash-sales/{sku}/queue/{ticket}',
    summary:
      'Where a ticket stands: waiting (position, buyers ahead, when to poll again), held (check out before ' +
      'expiresAt), ordered, expired or sold_out',
    security: [{ bearer: [] }],
    request: { params: ticketParam },
    responses: {
      200: { description: 'The ticket', content: { 'application/json': { schema: ticketViewSchema } } },
      ...problemResponses(400, 401, 403, 404, 429),
    },
  });
  router.get('/flash-sales/:sku/queue/:ticket', requireRole('buyer', 'ops'), async (req, res) => {
    const { sku, ticket: ticketId } = parseParams(ticketParam, req.params);
    const principal = principalOf(req);
    await throttle(req, res, [
      [pollPerBuyer, principal.userId],
      [pollPerIp, req.ip ?? 'unknown'],
    ]);
    const ticket = await queue.ticket(sku, ticketId);
    if (!ticket || (principal.role !== 'ops' && ticket.buyerId !== principal.userId)) {
      throw new HttpProblem(404, 'flash-sale-ticket-not-found', 'No such flash-sale ticket');
    }
    await answerTicket(res, sku, ticket);
  });

  return router;
}
