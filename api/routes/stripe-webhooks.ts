import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import express, { Router } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Services } from '../../integrations/services';
import { noteWebhookEventType } from '../../observability/webhook-metrics';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { declareRoute } from '../route';
import { receiveStripeEvent } from '../stripe-events';

const acknowledged = z
  .object({ received: z.literal(true), duplicate: z.boolean() })
  .openapi('WebhookReceived');

// The signature covers the exact bytes Stripe sent: this route reads the raw body itself, so its request
// (signature header and event body) is documented rather than parsed.
const signedEvent: RouteConfig['request'] = {
  headers: z.object({ 'stripe-signature': z.string() }),
  body: { content: { 'application/json': { schema: z.object({ id: z.string(), type: z.string() }) } } },
};

/**
 * Stripe's webhooks. Must be mounted before express.json(): this router parses its own raw body, verifies
 * the signature on it, and hands each event on once (see receiveStripeEvent).
 */
export function stripeWebhooksRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { stripe, env } = services;
  const table = { router: Router(), registry };

  declareRoute(table, {
    method: 'post',
    path: '/webhooks/stripe',
    summary:
      'Stripe events (signed with Stripe-Signature); account.updated steers seller onboarding, charge.dispute.* the dispute workflows',
    rawRequest: signedEvent,
    before: [express.raw({ type: () => true, limit: '512kb' })],
    responses: {
      200: {
        description: 'Taken in (or a duplicate)',
        content: { 'application/json': { schema: acknowledged } },
      },
      ...problemResponses(400, 413),
    },
    async handle(_input, req, res) {
      const signature = req.get('stripe-signature');
      const payload: unknown = req.body;
      if (!signature || !Buffer.isBuffer(payload)) {
        throw new HttpProblem(400, 'invalid-signature', 'The Stripe-Signature header is missing');
      }
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(payload, signature, env.STRIPE_WEBHOOK_SECRET);
      } catch {
        throw new HttpProblem(400, 'invalid-signature', 'The Stripe signature does not match the payload');
      }
      noteWebhookEventType(res, event.type);
      const { duplicate } = await receiveStripeEvent(services, event);
      res.json({ received: true, duplicate });
    },
  });
  return table.router;
}
