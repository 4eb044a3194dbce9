import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Filter } from 'mongodb';
import { z } from 'zod';
import { buyerCartId } from '../../cart/cart-ids';
import { findPromotion } from '../../cart/cart-promotion';
import { CartStore } from '../../cart/cart-store';
import { orderStatuses } from '../../domain/order-status';
import type { Money } from '../../domain/money';
import type { OrderDoc } from '../../orders/documents';
import type { Services } from '../../integrations/services';
import type { orderWorkflow } from '../../workflows/order';
import {
  type OrderState,
  type PlaceOrderInput,
  type PromotionTerms,
  cancelOrderUpdate,
  currentOrderVersion,
  fraudDecisionUpdate,
  orderStateQuery,
  orderWorkflowId,
} from '../../workflows/order-definitions';
import { CustomerId, MarketplaceStatus, OrderId } from '../../workflows/search-attributes';
import { owns, principalOf, requireRole } from '../auth/principal';
import { flashSaleCheckout, flashSaleCheckoutSchema } from '../flash-sale-checkout';
import { FlashSaleQueue } from '../../integrations/flash-sale-queue';
import { claimIdempotencyKey, fingerprint, idempotencyKeyOf, priorClaim } from '../idempotency';
import { newOrderId, orderIdPattern } from '../order-ids';
import { orderAsSeenBy } from '../order-visibility';
import { checkUnpaidOrder } from '../unpaid-order-limits';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { shippingAddressSchema } from '../schemas-address';
import { type OrderResource, orderFromRecord, orderFromWorkflow, orderSchema } from '../schemas-order';
import { skuSchema } from '../schemas';
import { parseParams, validBody } from '../validation';
import { runStep } from '../workflow-steps';
import { noStore } from '../no-store';
import { detailsOf, orderSummary } from '../../workflows/ops-wording';
import { estimateOf } from '../order-estimate';

export const placeOrderBody = z
  .object({
    lines: z
      .array(z.object({ sku: skuSchema, quantity: z.number().int().min(1).max(1000) }).strict())
      .min(1)
      .max(100)
      .optional()
      .describe("Omit to order the buyer's cart"),
    shipTo: shippingAddressSchema,
    billingCountry: z
      .string()
      .regex(/^[A-Z]{2}$/)
      .optional(),
    paymentMethodId: z
      .string()
      .regex(/^pm_\w{1,64}$/)
      .optional()
      .describe('Pay at once; otherwise complete payment with POST /payments/checkout'),
    flashSale: flashSaleCheckoutSchema.optional(),
  })
  .strict()
  .openapi('PlaceOrder');

export const orderView = orderSchema;

const accepted = z.object({ orderId: z.string(), status: z.enum(orderStatuses) }).openapi('OrderAccepted');
const orderIdParam = z.object({ id: z.string().regex(orderIdPattern, 'not an order id') });
const listQuery = z
  .object({
    status: z.enum(orderStatuses).optional(),
    customerId: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(10_000).default(0),
  })
  .strict();
const cancelBody = z
  .object({ reason: z.string().trim().min(1).max(500) })
  .strict()
  .openapi('CancelOrder');
const fraudBody = z
  .object({ decision: z.enum(['approve', 'reject']), reason: z.string().trim().min(1).max(500) })
  .strict()
  .openapi('FraudDecision');

function terms(promo: Awaited<ReturnType<typeof findPromotion>>): PromotionTerms | undefined {
  if (!promo) return undefined;
  return { ...promo, validFrom: promo.validFrom.toISOString(), validUntil: promo.validUntil.toISOString() };
}

export function ordersRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { temporal, collections, env, redis } = services;
  const carts = new CartStore(redis);
  const flashSales = new FlashSaleQueue(redis);
  const router = Router();
  router.use(['/orders', '/ops/orders'], noStore);
  const missing = () => new HttpProblem(404, 'order-not-found', 'No such order');

  /** The order as its owner (or ops) may see it: the projection, or the workflow itself before its first write. */
  async function readOrder(principal: ReturnType<typeof principalOf>, id: string): Promise<OrderResource> {
    const doc = await collections.orders.findOne({ _id: id });
    if (doc) {
      if (!owns(principal, { customerId: doc.customerId })) throw missing();
      return orderFromRecord(doc, await collections.subOrders.find({ orderId: id }).toArray());
    }
    try {
      const state: OrderState = await temporal.workflow.getHandle(orderWorkflowId(id)).query(orderStateQuery);
      if (!owns(principal, { customerId: state.customerId })) throw missing();
      return orderFromWorkflow(state);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw missing();
      throw error;
    }
  }

  /** Whether the order's workflow was started; a claim whose start failed is finished by the retry. */
  async function orderStarted(orderId: string): Promise<boolean> {
    try {
      await temporal.workflow.getHandle(orderWorkflowId(orderId)).describe();
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  registry.registerPath({
    method: 'post',
    path: '/orders',
    summary:
      "Check out the buyer's cart (or the given lines); starts its order-<orderId> workflow. The same " +
      'Idempotency-Key and body again answers the same order. Without paymentMethodId the order holds stock ' +
      'unpaid, so it is bounded: 422 unpaid-quantity-limit past UNPAID_ORDER_MAX_UNITS_PER_SKU units of a ' +
      'SKU, 409 too-many-unpaid-orders past UNPAID_ORDERS_PER_BUYER open unpaid orders.',
    security: [{ bearer: [] }],
    request: {
      headers: z.object({ 'idempotency-key': z.string() }),
      body: { content: { 'application/json': { schema: placeOrderBody } } },
    },
    responses: {
      202: { description: 'Accepted', content: { 'application/json': { schema: accepted } } },
      ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422),
    },
  });
  router.post('/orders', requireRole('buyer'), validBody(placeOrderBody), async (req, res) => {
    const body = req.body as z.infer<typeof placeOrderBody>;
    const customerId = principalOf(req).userId;
    const key = idempotencyKeyOf(req);
    const scope = `orders:${customerId}`;
    // The key is bound to the request as sent (not to the cart it read), and is checked before the cart:
    // a retry after the first call emptied the cart must answer that order, not "empty cart".
    const bodyPrint = fingerprint(body);
    const answer = (orderId: string) =>
      res.status(202).location(`/orders/${orderId}`).json({ orderId, status: 'received' });
    const earlier = await priorClaim(collections, scope, key, bodyPrint);
    if (earlier && (await orderStarted(earlier))) {
      answer(earlier);
      return;
    }
    const cartId = buyerCartId(customerId);
    const flash = body.flashSale
      ? await flashSaleCheckout(flashSales, customerId, body.flashSale, body.lines)
      : undefined;
    const cart = body.lines || flash ? undefined : await carts.read(cartId, { touch: false });
    const lines = flash?.lines ?? body.lines ?? cart?.lines.map(({ sku, quantity }) => ({ sku, quantity }));
    if (!lines || lines.length === 0) {
      throw new HttpProblem(422, 'empty-cart', 'The cart is empty; add items or send lines');
    }
    if (!body.paymentMethodId && !flash) {
      await checkUnpaidOrder(collections, customerId, lines, {
        maxUnitsPerSku: env.UNPAID_ORDER_MAX_UNITS_PER_SKU,
        maxOpenPerBuyer: env.UNPAID_ORDERS_PER_BUYER,
      });
    }
    const { resourceId: orderId, replayed } = await claimIdempotencyKey(
      collections,
      scope,
      key,
      bodyPrint,
      flash?.orderId ?? newOrderId(),
    );
    const promotion = cart?.promoCode ? terms(await findPromotion(collections, cart.promoCode)) : undefined;
    const cartPrices: Record<string, Money> = Object.fromEntries(
      (cart?.lines ?? []).map((l) => [l.sku, l.priceAtAdd]),
    );
    const input: PlaceOrderInput = {
      version: currentOrderVersion,
      orderId,
      customerId,
      lines,
      cartPrices,
      shipTo: body.shipTo,
      ...(body.billingCountry ? { billingCountry: body.billingCountry } : {}),
      ...(body.paymentMethodId ? { paymentMethodId: body.paymentMethodId } : {}),
      ...(promotion ? { promotion } : {}),
      ...(body.flashSale ? { flashSale: body.flashSale } : {}),
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
        // The Temporal UI's list and page read in the marketplace's words (amounts and sellers follow once
        // the workflow has priced the order).
        staticSummary: orderSummary({
          orderId,
          customerId,
          units: lines.reduce((total, line) => total + line.quantity, 0),
          skus: lines.length,
          estimate: estimateOf(lines, cartPrices),
          flashSale: Boolean(body.flashSale),
        }),
        staticDetails: detailsOf({
          Order: orderId,
          Buyer: customerId,
          Lines: lines.map((line) => `${line.sku} × ${line.quantity}`).join(', '),
          'Ship to': `${body.shipTo.city}, ${body.shipTo.country}`,
          Payment: body.paymentMethodId ? 'card given at checkout' : 'awaiting POST /payments/checkout',
          Promotion: promotion?.code,
          'Flash sale': body.flashSale?.sku,
        }),
        typedSearchAttributes: [
          { key: OrderId, value: orderId },
          { key: CustomerId, value: customerId },
          { key: MarketplaceStatus, value: 'received' },
        ],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    // The cart has become the order; a replay of the same request must not empty a cart filled since.
    if (cart && !replayed) await carts.delete(cartId);
    answer(orderId);
  });

  registry.registerPath({
    method: 'get',
    path: '/orders/{id}',
    summary: "An order's status, totals, lines and sub-orders (its buyer or ops)",
    security: [{ bearer: [] }],
    request: { params: orderIdParam },
    responses: {
      200: { description: 'The order', content: { 'application/json': { schema: orderView } } },
      ...problemResponses(400, 401, 404),
    },
  });
  router.get('/orders/:id', async (req, res) => {
    const { id } = parseParams(orderIdParam, req.params);
    const principal = principalOf(req);
    res.json(orderAsSeenBy(principal, await readOrder(principal, id)));
  });

  registry.registerPath({
    method: 'get',
    path: '/orders',
    summary: "The buyer's orders, newest first (ops: everyone's, filter by customerId)",
    security: [{ bearer: [] }],
    request: { query: listQuery },
    responses: {
      200: {
        description: 'A page of orders',
        content: { 'application/json': { schema: z.object({ items: z.array(orderView) }).strict() } },
      },
      ...problemResponses(400, 401, 403),
    },
  });
  router.get('/orders', async (req, res) => {
    const principal = principalOf(req);
    const query = parseParams(listQuery, req.query);
    const filter: Filter<OrderDoc> = {};
    if (principal.role === 'ops') {
      if (query.customerId) filter.customerId = query.customerId;
    } else if (principal.role === 'buyer') {
      filter.customerId = principal.userId;
    } else {
      throw new HttpProblem(403, 'forbidden', 'Sellers see their sub-orders at GET /seller/orders');
    }
    if (query.status) filter.status = query.status;
    const items = await collections.orders
      .find(filter)
      .sort({ createdAt: -1 })
      .skip(query.offset)
      .limit(query.limit)
      .toArray();
    res.json({
      items: items.map((doc) => orderAsSeenBy(principal, orderFromRecord(doc))),
    });
  });

  registry.registerPath({
    method: 'post',
    path: '/orders/{id}/cancel',
    summary:
      'Cancel an order (its buyer or ops): all of it before anything ships, afterwards the unshipped parts',
    security: [{ bearer: [] }],
    request: { params: orderIdParam, body: { content: { 'application/json': { schema: cancelBody } } } },
    responses: {
      202: {
        description: 'Cancelling these sellers’ parts',
        content: {
          'application/json': {
            schema: z
              .object({
                cancelling: z.array(z.string()).describe('Seller ids whose parts are being cancelled'),
              })
              .strict()
              .openapi('CancellingOrder'),
          },
        },
      },
      ...problemResponses(400, 401, 403, 404, 409, 422, 503),
    },
  });
  router.post('/orders/:id/cancel', requireRole('buyer', 'ops'), validBody(cancelBody), async (req, res) => {
    const { id } = parseParams(orderIdParam, req.params);
    const order = await readOrder(principalOf(req), id);
    const { reason } = req.body as z.infer<typeof cancelBody>;
    const result = await runStep(temporal, 'cancel this order', () =>
      temporal.workflow
        .getHandle(orderWorkflowId(id))
        .executeUpdate(cancelOrderUpdate, { args: [{ reason }] }),
    ).catch((error: unknown) => {
      // The order exists but its workflow has ended (delivered, cancelled, failed): nothing is left to cancel.
      if (error instanceof HttpProblem && error.status === 404) {
        throw new HttpProblem(
          409,
          'invalid-state',
          'Cannot cancel this order now',
          `order is ${String(order.status)}`,
        );
      }
      throw error;
    });
    res.status(202).json(result);
  });

  registry.registerPath({
    method: 'post',
    path: '/ops/orders/{id}/fraud-decision',
    summary: 'Approve or reject an order held for fraud review (ops)',
    security: [{ bearer: [] }],
    request: { params: orderIdParam, body: { content: { 'application/json': { schema: fraudBody } } } },
    responses: {
      200: {
        description: 'Decision taken',
        content: {
          'application/json': {
            schema: z
              .object({
                orderId: z.string(),
                decision: z.enum(['approve', 'reject']),
                status: z.enum(orderStatuses).describe('The order status when the decision was taken'),
              })
              .strict()
              .openapi('FraudDecisionTaken'),
          },
        },
      },
      ...problemResponses(400, 401, 403, 404, 409, 422, 503),
    },
  });
  router.post(
    '/ops/orders/:id/fraud-decision',
    requireRole('ops'),
    validBody(fraudBody),
    async (req, res) => {
      const { id } = parseParams(orderIdParam, req.params);
      const body = req.body as z.infer<typeof fraudBody>;
      const status = await runStep(temporal, 'decide on this order', () =>
        temporal.workflow.getHandle(orderWorkflowId(id)).executeUpdate(fraudDecisionUpdate, { args: [body] }),
      );
      res.json({ orderId: id, decision: body.decision, status });
    },
  );

  return router;
}
