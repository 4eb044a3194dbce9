import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { Router } from 'express';
import { z } from 'zod';
import { WebhookPayloadError } from '../../integrations/carriers/carrier';
import type { Services } from '../../integrations/services';
import { noteWebhookEventType } from '../../observability/webhook-metrics';
import { trackingStatuses } from '../../domain/parcel-tracking';
import { type CarrierEventOutcome, takeCarrierEvent } from '../carrier-events';
import { problemResponses } from '../openapi-registry';
import { declareRoute } from '../route';
import { HttpProblem } from '../problem';
import { parseParams } from '../validation';

const params = z.object({ carrier: z.string().regex(/^[a-z0-9-]{1,32}$/) });

// Which header carries each carrier's signature, for the contract; the adapters check it.
const signatureHeaders: Record<string, string> = {
  sandbox: 'x-carrier-signature',
  shippo: 'x-shippo-signature',
};

const trackingStatus = z.enum(trackingStatuses);
const sandboxEvent = z
  .object({
    eventId: z.string().describe('Unique per event; a redelivery repeats it'),
    trackingNumber: z.string(),
    status: trackingStatus,
    occurredAt: z.string().describe('ISO 8601 date-time'),
  })
  .openapi('SandboxCarrierEvent');
const shippoEvent = z
  .object({
    event: z.string().describe('track_updated'),
    data: z.object({
      tracking_number: z.string(),
      tracking_status: z.object({
        status: z.enum(['PRE_TRANSIT', 'TRANSIT', 'DELIVERED', 'RETURNED', 'FAILURE']),
        object_id: z.string(),
        status_date: z.string().optional(),
      }),
    }),
  })
  .openapi('ShippoTrackEvent');
export const carrierAcknowledged = z
  .object({
    received: z.literal(true),
    matched: z.literal(false).optional().describe('The tracking number is none of ours'),
    duplicate: z.literal(true).optional().describe('This event id was taken in before'),
  })
  .strict()
  .openapi('CarrierEventAcknowledged');

const acknowledgements: Record<CarrierEventOutcome, z.infer<typeof carrierAcknowledged>> = {
  taken: { received: true },
  duplicate: { received: true, duplicate: true },
  unmatched: { received: true, matched: false },
};

/**
 * Carrier tracking webhooks. The signature is checked over the raw bytes (so this router is mounted before
 * the JSON parser), each event id is processed once, and the event reaches its parcel's workflow as a
 * signal; out-of-order and repeated events are harmless there.
 */
export function carrierWebhooksRouter(services: Services, registry: OpenAPIRegistry): Router {
  const { carrier } = services;
  const router = Router();
  const signatureHeader = signatureHeaders[carrier.name] ?? 'x-carrier-signature';
  declareRoute(
    { router, registry },
    {
      method: 'post',
      path: '/webhooks/carrier/{carrier}',
      summary:
        "A shipping carrier's signed tracking event. The signature is an HMAC-SHA256 (hex) of the raw body " +
        `with CARRIER_WEBHOOK_SECRET, in ${signatureHeader}. Each event id is taken once; a repeat answers ` +
        '{received, duplicate: true}, a parcel we do not know {received, matched: false}.',
      // The path names the configured carrier only; any other well-formed name is a 404, not a 400.
      rawRequest: {
        params: z.object({ carrier: z.enum([carrier.name]).describe('The configured carrier (CARRIER)') }),
        headers: z.object({ [signatureHeader]: z.string().describe('HMAC-SHA256 of the raw body, hex') }),
        body: {
          content: {
            'application/json': { schema: carrier.name === 'shippo' ? shippoEvent : sandboxEvent },
          },
        },
      },
      before: [express.raw({ type: () => true, limit: '64kb' })],
      responses: {
        200: {
          description: 'Taken in, a duplicate (ignored), or a parcel that is not ours (ignored)',
          content: { 'application/json': { schema: carrierAcknowledged } },
        },
        ...problemResponses(400, 401, 404, 413),
      },
      async handle(_input, req, res) {
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
        const outcome = await takeCarrierEvent(services, event);
        res.json(acknowledgements[outcome]);
      },
    },
  );
  return router;
}
