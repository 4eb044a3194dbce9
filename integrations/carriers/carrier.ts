import type { Money } from '../../domain/money';
import type { TrackingStatus } from '../../domain/parcel-tracking';
import type { ShippingAddress } from '../../orders/documents';

// What the marketplace needs from any shipping carrier: buy a label, and understand its tracking webhooks.
export interface LabelRequest {
  /** Our shipment id; also the idempotency key, so a retried purchase buys one label. */
  shipmentId: string;
  from: ShippingAddress;
  to: ShippingAddress;
  parcel: { weightGrams: number };
}

export interface Label {
  carrier: string;
  trackingNumber: string;
  labelUrl: string;
  cost: Money;
}

// Named here too for the adapters' callers; the words themselves are a domain rule.
export type { TrackingStatus };

export interface TrackingEvent {
  eventId: string;
  trackingNumber: string;
  status: TrackingStatus;
  occurredAt: string;
}

export interface CarrierAdapter {
  readonly name: string;
  buyLabel(request: LabelRequest): Promise<Label>;
  /** Verifies the webhook's signature over the raw body; false means the request is not from the carrier. */
  verifyWebhook(rawBody: Buffer, headers: Record<string, string | undefined>): boolean;
  parseWebhook(rawBody: Buffer): TrackingEvent;
}

export class WebhookPayloadError extends Error {
  override name = 'WebhookPayloadError';
}
