import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import express, { Router } from 'express';
import { z } from 'zod';
import { WebhookPayloadError } from '../../integrations/carriers/carrier';
import { isDuplicateKeyError } from '../../integrations/collections';
import type { Services } from '../../integrations/services';
import { noteWebhookEventType } from '../../observability/webhook-metrics';
import {
  carrierEventSignal,
  sellerFulfillmentWorkflowId,
} from '../../workflows/seller-fulfillment-definitions';
import { returnCarrierEventSignal, returnWorkflowId } from '../../workflows/return-definitions';
import { problemResponses } from '../openapi-registry';
import { HttpProblem } from '../problem';
import { parseParams } from '../validation';

const params = z.object({ carrier: z.string().regex(/^[a-z0-9-]{1,32}$/) });

/**
 * Carrier tracking webhooks. The signature is checked over the raw bytes (so this router is mounted before
 * the JSON parser), each event id is processed once, and the event reaches the sub-order's workflow as a
 * signal; out-of-order and repeated events are harmless there.
 */
export function carrierWebhooksRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { carrier, collections, temporal } = services;
  const router = Router();
  registry.registerPath({
    method: 'post',
    path: '/webhooks/carrier/{carrier}',
    summary: "A shipping carrier's signed tracking event",
    request: { params },
    responses: {
      200: { description: 'Accepted (or a duplicate, ignored)' },
      ...problemResponses(400, 401, 404),
    },
  });
  router.post(
    '/webhooks/carrier/:carrier',
    express.raw({ type: () => true, limit: '64kb' }),
    async (req, res) => {
      const { carrier: name } = parseParams(params, req.params);
      if (name !== carrier.name)
        throw new HttpProblem(404, 'unknown-carrier', `No carrier ${name} is configured`);
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
      );
      if (!carrier.verifyWebhook(raw, headers))
        throw new HttpProblem(401, 'bad-signature', 'Webhook signature does not verify');
      let event;
      try {
        event = carrier.parseWebhook(raw);
      } catch (error) {
        if (error instanceof WebhookPayloadError) throw new HttpProblem(400, 'bad-webhook', error.message);
        throw error;
      }
      noteWebhookEventType(res, event.status);
      const shipment = await collections.shipments.findOne({
        _id: `${carrier.name}:${event.trackingNumber}`,
      });
      if (!shipment) {
        // Unknown parcels are acknowledged so the carrier stops retrying; nothing of ours can change.
        res.json({ received: true, matched: false });
        return;
      }
      try {
        await collections.carrierEvents.insertOne({
          _id: `${carrier.name}:${event.eventId}`,
          receivedAt: new Date(),
        });
      } catch (error) {
        if (isDuplicateKeyError(error)) {
          res.json({ received: true, duplicate: true });
          return;
        }
        throw error;
      }
      const tracking = { eventId: event.eventId, status: event.status };
      const handOn =
        shipment.kind === 'outbound'
          ? () =>
              temporal.workflow
                .getHandle(sellerFulfillmentWorkflowId(shipment.orderId, shipment.sellerId))
                .signal(carrierEventSignal, tracking)
          : shipment.returnId
            ? () =>
                temporal.workflow
                  .getHandle(returnWorkflowId(shipment.returnId ?? ''))
                  .signal(returnCarrierEventSignal, tracking)
            : undefined;
      try {
        await handOn?.();
      } catch (error) {
        // A late event for a sub-order or return that has already finished changes nothing.
        if (!(error instanceof WorkflowNotFoundError)) {
          // Taken in but not handed on (Temporal unreachable): forget the event id again, so the carrier's
          // redelivery is processed rather than dropped as a duplicate.
          await collections.carrierEvents.deleteOne({ _id: `${carrier.name}:${event.eventId}` });
          throw error;
        }
      }
      res.json({ received: true });
    },
  );
  return router;
}
