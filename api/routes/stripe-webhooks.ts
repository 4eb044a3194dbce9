import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import express, { Router } from 'express';
import type Stripe from 'stripe';
import { z } from 'zod';
import { isDuplicateKeyError } from '../../integrations/collections';
import type { Services } from '../../integrations/services';
import { noteWebhookEventType } from '../../observability/webhook-metrics';
import {
  type AccountUpdatedEvent,
  sellerOnboardingWorkflowId,
  stripeAccountUpdatedSignal,
} from '../../workflows/seller-onboarding-definitions';
import { disputeEventTypes, followDisputeEvent } from '../dispute-events';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';

const acknowledged = z
  .object({ received: z.literal(true), duplicate: z.boolean() })
  .openapi('WebhookReceived');

function accountUpdate(event: Stripe.Event, account: Stripe.Account): AccountUpdatedEvent {
  return {
    eventId: event.id,
    created: event.created,
    accountId: account.id,
    account: {
      chargesEnabled: account.charges_enabled ?? false,
      payoutsEnabled: account.payouts_enabled ?? false,
      detailsSubmitted: account.details_submitted ?? false,
      disabledReason: account.requirements?.disabled_reason ?? null,
    },
  };
}

/**
 * Stripe's webhooks. Must be mounted before express.json(): the signature covers the exact bytes Stripe
 * sent, so this router parses its own raw body. Each event id is taken in once (webhook_events has a
 * unique _id); if handing it on fails, the record is removed again so Stripe's redelivery is not dropped.
 */
export function stripeWebhooksRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { stripe, collections, temporal, env } = services;
  const router = Router();

  async function sellerIdFor(account: Stripe.Account): Promise<string | undefined> {
    const fromMetadata = account.metadata?.sellerId;
    if (fromMetadata) return fromMetadata;
    const seller = await collections.sellers.findOne({ stripeAccountId: account.id });
    return seller?._id;
  }

  async function handle(event: Stripe.Event): Promise<void> {
    if (disputeEventTypes.has(event.type)) {
      await followDisputeEvent(services, event);
      return;
    }
    if (event.type !== 'account.updated') return;
    const account = event.data.object;
    const sellerId = await sellerIdFor(account);
    if (!sellerId) return;
    try {
      await temporal.workflow
        .getHandle(sellerOnboardingWorkflowId(sellerId))
        .signal(stripeAccountUpdatedSignal, accountUpdate(event, account));
    } catch (error) {
      // Onboarding is over (or never began here): nothing left to steer, and Stripe must not retry forever.
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }

  registry.registerPath({
    method: 'post',
    path: '/webhooks/stripe',
    summary:
      'Stripe events (signed with Stripe-Signature); account.updated steers seller onboarding, charge.dispute.* the dispute workflows',
    request: {
      headers: z.object({ 'stripe-signature': z.string() }),
      body: { content: { 'application/json': { schema: z.object({ id: z.string(), type: z.string() }) } } },
    },
    responses: {
      200: {
        description: 'Taken in (or a duplicate)',
        content: { 'application/json': { schema: acknowledged } },
      },
      ...problemResponses(400, 413),
    },
  });
  router.post('/webhooks/stripe', express.raw({ type: () => true, limit: '512kb' }), async (req, res) => {
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
    const recordId = `stripe:${event.id}`;
    try {
      await collections.webhookEvents.insertOne({ _id: recordId, type: event.type, receivedAt: new Date() });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      res.json({ received: true, duplicate: true });
      return;
    }
    try {
      await handle(event);
    } catch (error) {
      await collections.webhookEvents.deleteOne({ _id: recordId });
      throw error;
    }
    res.json({ received: true, duplicate: false });
  });

  return router;
}
