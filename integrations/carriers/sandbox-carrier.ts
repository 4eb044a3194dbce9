import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { CarrierAdapter, Label, LabelRequest, TrackingEvent, TrackingStatus } from './carrier';
import { WebhookPayloadError } from './carrier';

const statuses: TrackingStatus[] = [
  'label_created',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'exception',
];

/**
 * The built-in carrier for local runs and tests: labels are deterministic per shipment (so a retried
 * purchase returns the same label), and its tracking webhooks are signed like a real carrier's: an
 * HMAC-SHA256 of the raw body with the shared secret, hex, in `X-Carrier-Signature`.
 */
export class SandboxCarrier implements CarrierAdapter {
  readonly name = 'sandbox';

  constructor(private readonly webhookSecret: string) {}

  buyLabel(request: LabelRequest): Promise<Label> {
    const digest = createHash('sha256').update(request.shipmentId).digest('hex').slice(0, 18).toUpperCase();
    const domestic = request.from.country === request.to.country;
    return Promise.resolve({
      carrier: this.name,
      trackingNumber: `SBX${digest}`,
      labelUrl: `https://labels.sandbox-carrier.invalid/${digest}.pdf`,
      cost: { amount: domestic ? 450 : 1350, currency: 'USD' },
    });
  }

  sign(rawBody: string | Buffer): string {
    return createHmac('sha256', this.webhookSecret).update(rawBody).digest('hex');
  }

  verifyWebhook(rawBody: Buffer, headers: Record<string, string | undefined>): boolean {
    const given = headers['x-carrier-signature'];
    if (!given || !/^[0-9a-f]{64}$/.test(given)) return false;
    return timingSafeEqual(Buffer.from(this.sign(rawBody)), Buffer.from(given));
  }

  parseWebhook(rawBody: Buffer): TrackingEvent {
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      throw new WebhookPayloadError('body is not JSON');
    }
    const event = body as Partial<Record<keyof TrackingEvent, unknown>>;
    if (
      typeof event.eventId !== 'string' ||
      typeof event.trackingNumber !== 'string' ||
      typeof event.occurredAt !== 'string' ||
      !statuses.includes(event.status as TrackingStatus)
    ) {
      throw new WebhookPayloadError('expected eventId, trackingNumber, status, occurredAt');
    }
    return {
      eventId: event.eventId,
      trackingNumber: event.trackingNumber,
      status: event.status as TrackingStatus,
      occurredAt: event.occurredAt,
    };
  }
}
