import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import { orderStatuses } from '../../domain/order-status';
import type { Services } from '../../integrations/services';
import type { orderWorkflow } from '../../workflows/order';
import {
  type OrderState,
  type PlaceOrderInput,
  orderStateQuery,
  orderWorkflowId,
} from '../../workflows/order-definitions';
import { CustomerId, MarketplaceStatus, OrderId } from '../../workflows/search-attributes';
import { owns, principalOf, requireRole } from '../auth/principal';
import { claimIdempotencyKey, fingerprint, idempotencyKeyOf } from '../idempotency';
import { newOrderId, orderIdPattern } from '../order-ids';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { skuSchema } from '../schemas';
import { parseParams, validBody } from '../validation';

const sku = skuSchema;

export const placeOrderBody = z
  .object({
    lines: z
      .array(z.object({ sku, quantity: z.number().int().min(1).max(1000) }).strict())
      .min(1)
      .max(100),
    paymentMethodId: z
      .string()
      .regex(/^pm_\w{1,64}$/)
      .default('pm_card_visa'),
  })
  .strict()
  .openapi('PlaceOrder');

const money = z.object({ amount: z.number().int(), currency: z.string() });

export const orderView = z
  .object({
    orderId: z.string(),
    customerId: z.string(),
    status: z.enum(orderStatuses),
    lines: z.array(
      z.object({
        sku: z.string(),
        quantity: z.number().int(),
        productId: z.string(),
        sellerId: z.string(),
        title: z.string(),
        unitPrice: money,
      }),
    ),
    total: money.optional(),
    paymentIntentId: z.string().optional(),
    failureReason: z.string().optional(),
  })
  .openapi('Order');

const accepted = z.object({ orderId: z.string(), status: z.enum(orderStatuses) }).openapi('OrderAccepted');
const orderIdParam = z.object({ id: z.string().regex(orderIdPattern, 'not an order id') });

export function ordersRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { temporal, collections, env } = services;
  const router = Router();

  registry.registerPath({
    method: 'post',
    path: '/orders',
    summary: 'Place an order; starts its order-<orderId> workflow',
    security: [{ bearer: [] }],
    request: {
      headers: z.object({ 'idempotency-key': z.string() }),
      body: { content: { 'application/json': { schema: placeOrderBody } } },
    },
    responses: {
      202: { description: 'Accepted', content: { 'application/json': { schema: accepted } } },
      ...problemResponses(400, 401, 403, 413, 415, 422),
    },
  });
  router.post('/orders', requireRole('buyer'), validBody(placeOrderBody), async (req, res) => {
    const body = req.body as z.infer<typeof placeOrderBody>;
    const customerId = principalOf(req).userId;
    const key = idempotencyKeyOf(req);
    const { resourceId: orderId } = await claimIdempotencyKey(
      collections,
      `orders:${customerId}`,
      key,
      fingerprint(body),
      newOrderId(),
    );
    const input: PlaceOrderInput = {
      orderId,
      customerId,
      lines: body.lines,
      paymentMethodId: body.paymentMethodId,
      holdSeconds: env.RESERVATION_HOLD_SECONDS,
    };
    try {
      await temporal.workflow.start<typeof orderWorkflow>('orderWorkflow', {
        taskQueue: env.TEMPORAL_TASK_QUEUE,
        workflowId: orderWorkflowId(orderId),
        args: [input],
        // A double submit is one order: Temporal itself refuses a second run with this id.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        typedSearchAttributes: [
          { key: OrderId, value: orderId },
          { key: CustomerId, value: customerId },
          { key: MarketplaceStatus, value: 'received' },
        ],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    res.status(202).location(`/orders/${orderId}`).json({ orderId, status: 'received' });
  });

  registry.registerPath({
    method: 'get',
    path: '/orders/{id}',
    summary: "An order's current status and lines",
    security: [{ bearer: [] }],
    request: { params: orderIdParam },
    responses: {
      200: { description: 'The order', content: { 'application/json': { schema: orderView } } },
      ...problemResponses(400, 401, 404),
    },
  });
  router.get('/orders/:id', async (req, res) => {
    const principal = principalOf(req);
    const { id } = parseParams(orderIdParam, req.params);
    const missing = new HttpProblem(404, 'order-not-found', 'No such order');
    const doc = await collections.orders.findOne({ _id: id });
    if (doc) {
      if (!owns(principal, { customerId: doc.customerId })) throw missing;
      const { _id, subtotal: _subtotal, createdAt: _c, updatedAt: _u, ...rest } = doc;
      res.json({ orderId: _id, ...rest });
      return;
    }
    // Before the workflow's first write the database has nothing yet; the workflow itself knows.
    try {
      const state: OrderState = await temporal.workflow.getHandle(orderWorkflowId(id)).query(orderStateQuery);
      if (!owns(principal, { customerId: state.customerId })) throw missing;
      res.json(state);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw missing;
      throw error;
    }
  });

  return router;
}
