import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router } from 'express';
import type { Services } from '../../integrations/services';
import { orderRecord } from '../../orders/order-reads';
import { principalOf } from '../auth/principal';
import { noStore } from '../no-store';
import { problemResponses } from '../openapi-registry';
import { orderNotFound } from '../order-visibility';
import { payForOrder } from '../order-workflow';
import { declareRoute } from '../route';
import { paymentCheckoutBody, paymentOutcome } from '../schemas-order-requests';

/**
 * The storefront's payment step. It reaches the order's workflow as an update, so the answer is the real
 * outcome of the authorization: authorized, declined (try another card), or 3-D Secure needed (finish it
 * with the client secret, then call again with `confirm: true`).
 */
export function paymentsRouter(services: Services, registry: OpenAPIRegistry): Router {
  const table = { router: Router(), registry };
  table.router.use('/payments', noStore);
  declareRoute(table, {
    method: 'post',
    path: '/payments/checkout',
    summary: 'Pay for an order awaiting payment, or confirm after 3-D Secure (its buyer)',
    security: [{ bearer: [] }],
    roles: ['buyer'],
    body: paymentCheckoutBody,
    responses: {
      200: {
        description: 'The outcome of this payment attempt',
        content: { 'application/json': { schema: paymentOutcome } },
      },
      ...problemResponses(401, 403, 404, 409, 415, 422, 503),
    },
    async handle({ body }, req, res) {
      const order = await orderRecord(services.collections, body.orderId);
      if (!order || order.customerId !== principalOf(req).userId) throw orderNotFound();
      const paymentMethodId = 'paymentMethodId' in body ? body.paymentMethodId : undefined;
      res.json(await payForOrder(services.temporal, body.orderId, paymentMethodId));
    },
  });
  return table.router;
}
