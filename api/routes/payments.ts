import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../integrations/services';
import {
  confirmPaymentUpdate,
  orderWorkflowId,
  submitPaymentUpdate,
} from '../../workflows/order-definitions';
import { principalOf, requireRole } from '../auth/principal';
import { orderIdPattern } from '../order-ids';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { validBody } from '../validation';
import { runStep } from '../workflow-steps';
import { noStore } from '../no-store';

export const checkoutBody = z
  .union([
    z
      .object({
        orderId: z.string().regex(orderIdPattern),
        paymentMethodId: z.string().regex(/^pm_\w{1,64}$/),
      })
      .strict(),
    z.object({ orderId: z.string().regex(orderIdPattern), confirm: z.literal(true) }).strict(),
  ])
  .openapi('PaymentCheckout');

const outcome = z
  .object({
    status: z.enum(['authorized', 'requires_action', 'declined']),
    paymentIntentId: z.string().optional(),
    clientSecret: z.string().nullable().optional(),
    reason: z.string().optional(),
  })
  .openapi('PaymentOutcome');

/**
 * The storefront's payment step. It reaches the order's workflow as an update, so the answer is the real
 * outcome of the authorization: authorized, declined (try another card), or 3-D Secure needed (finish it
 * with the client secret, then call again with `confirm: true`).
 */
export function paymentsRouter(services: Services, registry: OpenAPIRegistry): Router {
  const router = Router();
  router.use('/payments', noStore);
  registry.registerPath({
    method: 'post',
    path: '/payments/checkout',
    summary: 'Pay for an order awaiting payment, or confirm after 3-D Secure (its buyer)',
    security: [{ bearer: [] }],
    request: { body: { content: { 'application/json': { schema: checkoutBody } } } },
    responses: {
      200: {
        description: 'The outcome of this payment attempt',
        content: { 'application/json': { schema: outcome } },
      },
      ...problemResponses(401, 403, 404, 409, 415, 422, 503),
    },
  });
  router.post('/payments/checkout', requireRole('buyer'), validBody(checkoutBody), async (req, res) => {
    const body = req.body as z.infer<typeof checkoutBody>;
    const order = await services.collections.orders.findOne({ _id: body.orderId });
    if (!order || order.customerId !== principalOf(req).userId) {
      throw new HttpProblem(404, 'order-not-found', 'No such order');
    }
    const handle = services.temporal.workflow.getHandle(orderWorkflowId(body.orderId));
    const result = await runStep(services.temporal, 'take payment for this order', () =>
      'paymentMethodId' in body
        ? handle.executeUpdate(submitPaymentUpdate, { args: [{ paymentMethodId: body.paymentMethodId }] })
        : handle.executeUpdate(confirmPaymentUpdate, { args: [] }),
    );
    res.json(result);
  });
  return router;
}
