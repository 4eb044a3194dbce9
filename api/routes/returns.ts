import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import { Router } from 'express';
import { z } from 'zod';
import { defaultOrigin } from '../../activities/shipping';
import { returnPolicyOf } from '../../config/env';
import { refuseReturn, type ReturnRefusal } from '../../domain/return-request';
import type { OrderDoc } from '../../orders/documents';
import type { Services } from '../../integrations/services';
import type { returnWorkflow } from '../../workflows/return';
import { type ReturnInput, returnWorkflowId } from '../../workflows/return-definitions';
import {
  CustomerId,
  MarketplaceStatus,
  OrderId,
  ReturnId,
  SellerId,
} from '../../workflows/search-attributes';
import { owns, principalOf, requireRole } from '../auth/principal';
import { claimIdempotencyKey, fingerprint, idempotencyKeyOf } from '../idempotency';
import { orderIdPattern } from '../order-ids';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { newReturnId } from '../return-ids';
import { oneReturnRequestAtATime } from '../return-request-lock';
import { readReturn, returnDocView } from '../return-reads';
import { requestReturnBody, returnAccepted, returnIdParam, returnView } from '../schemas-return';
import { parseParams, validBody } from '../validation';
import { noStore } from '../no-store';
import { detailsOf, returnSummary } from '../../workflows/ops-wording';

const orderParam = z.object({ id: z.string().regex(orderIdPattern, 'not an order id') });

const refusalStatus: Record<ReturnRefusal['kind'], [number, string, string]> = {
  'not-delivered': [409, 'not-delivered', 'Only delivered items can be returned'],
  'not-in-order': [422, 'not-in-order', 'That item is not part of this order'],
  'window-closed': [422, 'return-window-closed', 'The return window has closed'],
  'too-many-units': [422, 'too-many-units', 'More units than are left to return'],
};

/** A buyer's returns: requested against a delivered order, each run by its own `return-<id>` workflow. */
export function returnsRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { collections, temporal, env, redis } = services;
  const router = Router();
  router.use('/returns', noStore);
  const orderMissing = () => new HttpProblem(404, 'order-not-found', 'No such order');

  async function buyersOrder(orderId: string, customerId: string): Promise<OrderDoc> {
    const order = await collections.orders.findOne({ _id: orderId });
    if (!order || order.customerId !== customerId) throw orderMissing();
    return order;
  }

  /** Whose items these are: one return covers one seller's part of the order. */
  function sellerOf(order: OrderDoc, body: z.infer<typeof requestReturnBody>): string {
    const sellerIds = new Set(
      body.lines.map((line) => order.lines.find((l) => l.sku === line.sku)?.sellerId ?? ''),
    );
    if (sellerIds.has('')) {
      throw new HttpProblem(422, 'not-in-order', 'That item is not part of this order');
    }
    if (sellerIds.size > 1) {
      throw new HttpProblem(
        422,
        'one-seller-per-return',
        'One return covers one seller’s items',
        'Request a separate return for each seller',
      );
    }
    return [...sellerIds][0] ?? '';
  }

  /** Checks the request against the order as it stands; throws the problem the buyer should see. */
  async function returnInput(
    returnId: string,
    order: OrderDoc,
    sellerId: string,
    body: z.infer<typeof requestReturnBody>,
  ): Promise<ReturnInput> {
    const orderId = order._id;
    const customerId = order.customerId;
    const [part, earlier] = await Promise.all([
      collections.subOrders.findOne({ _id: `${orderId}:${sellerId}` }),
      collections.returns.find({ orderId, sellerId }).toArray(),
    ]);
    const refusal = refuseReturn(
      part ?? { status: 'not shipped', lines: [] },
      body.lines,
      earlier,
      returnPolicyOf(env),
      new Date(),
    );
    if (refusal) {
      const [status, type, title] = refusalStatus[refusal.kind];
      throw new HttpProblem(status, type, title, refusal.detail);
    }
    if (!order.shipTo) throw new HttpProblem(409, 'no-address', 'This order has no address to collect from');
    // The buyer's bank is already deciding about this money (or gave it back): a return would refund twice.
    const dispute = await collections.disputes.findOne({
      subOrderId: `${orderId}:${sellerId}`,
      outcome: { $ne: 'won' },
      status: { $ne: 'unmatched' },
    });
    if (dispute) {
      throw new HttpProblem(
        409,
        'order-disputed',
        'The payment for these items is disputed with the card issuer',
        'A card dispute on this order is open or was decided for you; the dispute settles the money instead of a return',
      );
    }
    return {
      returnId,
      orderId,
      sellerId,
      customerId,
      lines: body.lines.map((line) => ({
        sku: line.sku,
        quantity: line.quantity,
        title: part?.lines.find((l) => l.sku === line.sku)?.title ?? line.sku,
      })),
      reason: body.reason,
      photos: body.photos,
      pickupFrom: order.shipTo,
      returnTo: defaultOrigin,
      sellerDecisionSeconds: env.RETURN_SELLER_DECISION_SECONDS,
      shipBackSeconds: env.RETURN_SHIP_BACK_SECONDS,
      inspectionSeconds: env.RETURN_INSPECTION_SECONDS,
    };
  }

  async function returnStarted(returnId: string): Promise<boolean> {
    if (await collections.returns.findOne({ _id: returnId })) return true;
    try {
      await temporal.workflow.getHandle(returnWorkflowId(returnId)).describe();
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  /** Starts the workflow and waits (briefly) for its first write, so the next request counts these units. */
  async function startReturn(input: ReturnInput): Promise<void> {
    try {
      await temporal.workflow.start<typeof returnWorkflow>('returnWorkflow', {
        taskQueue: env.TEMPORAL_TASK_QUEUE,
        workflowId: returnWorkflowId(input.returnId),
        args: [input],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        staticSummary: returnSummary({
          returnId: input.returnId,
          orderId: input.orderId,
          sellerId: input.sellerId,
          units: input.lines.reduce((total, line) => total + line.quantity, 0),
          reason: input.reason.code,
        }),
        staticDetails: detailsOf({
          Return: input.returnId,
          Order: input.orderId,
          Buyer: input.customerId,
          Seller: input.sellerId,
          Lines: input.lines.map((line) => `${line.sku} × ${line.quantity}`).join(', '),
          Reason: input.reason.text ? `${input.reason.code}: ${input.reason.text}` : input.reason.code,
          Photos: input.photos.length,
        }),
        typedSearchAttributes: [
          { key: ReturnId, value: input.returnId },
          { key: OrderId, value: input.orderId },
          { key: CustomerId, value: input.customerId },
          { key: SellerId, value: input.sellerId },
          { key: MarketplaceStatus, value: 'requested' },
        ],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    for (const giveUpAt = Date.now() + 10_000; Date.now() < giveUpAt; await sleep(50)) {
      if (await collections.returns.findOne({ _id: input.returnId }, { projection: { _id: 1 } })) return;
    }
  }

  registry.registerPath({
    method: 'post',
    path: '/orders/{id}/returns',
    summary: 'Ask to return delivered items of an order (its buyer); starts a return-<returnId> workflow',
    security: [{ bearer: [] }],
    request: {
      params: orderParam,
      headers: z.object({ 'idempotency-key': z.string() }),
      body: { content: { 'application/json': { schema: requestReturnBody } } },
    },
    responses: {
      202: { description: 'Accepted', content: { 'application/json': { schema: returnAccepted } } },
      ...problemResponses(400, 401, 403, 404, 409, 415, 422),
    },
  });
  router.post('/orders/:id/returns', requireRole('buyer'), validBody(requestReturnBody), async (req, res) => {
    const { id: orderId } = parseParams(orderParam, req.params);
    const body = req.body as z.infer<typeof requestReturnBody>;
    const customerId = principalOf(req).userId;
    const key = idempotencyKeyOf(req);
    const scope = `returns:${customerId}`;
    const print = fingerprint({ orderId, ...body });
    const keyId = `${scope}:${key}`;
    // A repeat of a request already taken is answered with its return, even though the units it claimed
    // would no longer pass the "left to return" check.
    const taken = async (): Promise<string | undefined> => {
      const prior = await collections.idempotencyKeys.findOne({ _id: keyId });
      if (!prior) return undefined;
      await claimIdempotencyKey(collections, scope, key, print, prior.resourceId);
      return (await returnStarted(prior.resourceId)) ? prior.resourceId : undefined;
    };
    const order = await buyersOrder(orderId, customerId);
    const sellerId = sellerOf(order, body);
    const returnId =
      (await taken()) ??
      (await oneReturnRequestAtATime(redis, `${orderId}:${sellerId}`, async () => {
        // The same request, sent twice at once, may have won the turn just before this one.
        const raced = await taken();
        if (raced) return raced;
        const prior = await collections.idempotencyKeys.findOne({ _id: keyId });
        const input = await returnInput(prior?.resourceId ?? newReturnId(), order, sellerId, body);
        const claimed = await claimIdempotencyKey(collections, scope, key, print, input.returnId);
        await startReturn({ ...input, returnId: claimed.resourceId });
        return claimed.resourceId;
      }));
    const doc = await collections.returns.findOne({ _id: returnId });
    res
      .status(202)
      .location(`/returns/${returnId}`)
      .json({ returnId, status: doc?.status ?? 'requested' });
  });

  registry.registerPath({
    method: 'get',
    path: '/returns/{id}',
    summary: "A return's live state (its buyer, its seller or ops)",
    security: [{ bearer: [] }],
    request: { params: returnIdParam },
    responses: {
      200: { description: 'The return', content: { 'application/json': { schema: returnView } } },
      ...problemResponses(400, 401, 404, 503),
    },
  });
  router.get('/returns/:id', async (req, res) => {
    const { id } = parseParams(returnIdParam, req.params);
    res.json(await readReturn(services, principalOf(req), id));
  });

  registry.registerPath({
    method: 'get',
    path: '/orders/{id}/returns',
    summary: "An order's returns, newest first (its buyer, ops; a seller sees its own)",
    security: [{ bearer: [] }],
    request: { params: orderParam },
    responses: {
      200: {
        description: 'The returns',
        content: { 'application/json': { schema: z.object({ items: z.array(returnView) }) } },
      },
      ...problemResponses(400, 401, 404),
    },
  });
  router.get('/orders/:id/returns', async (req, res) => {
    const principal = principalOf(req);
    const { id: orderId } = parseParams(orderParam, req.params);
    const order = await collections.orders.findOne({ _id: orderId });
    const sellerSees = principal.role === 'seller' && order?.sellerIds?.includes(principal.sellerId ?? '-');
    if (!order || (!sellerSees && !owns(principal, { customerId: order.customerId }))) throw orderMissing();
    const items = await collections.returns
      .find(principal.role === 'seller' ? { orderId, sellerId: principal.sellerId ?? '-' } : { orderId })
      .sort({ createdAt: -1 })
      .limit(100)
      .toArray();
    res.json({ items: items.map(returnDocView) });
  });

  return router;
}
