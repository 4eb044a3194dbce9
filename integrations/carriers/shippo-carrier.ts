import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CarrierAdapter, Label, LabelRequest, TrackingEvent, TrackingStatus } from './carrier';
import { WebhookPayloadError } from './carrier';

const shippoStatus: Record<string, TrackingStatus> = {
  PRE_TRANSIT: 'label_created',
  TRANSIT: 'in_transit',
  DELIVERED: 'delivered',
  RETURNED: 'exception',
  FAILURE: 'exception',
};

function address(a: LabelRequest['from']) {
  return {
    name: a.name,
    street1: a.line1,
    street2: a.line2 ?? '',
    city: a.city,
    state: a.region ?? '',
    zip: a.postalCode,
    country: a.country,
    phone: a.phone ?? '',
  };
}

/**
 * A real multi-carrier API (Shippo) behind the same interface: one instant label transaction per shipment,
 * cheapest rate, and Shippo's track_updated webhooks.
 */
export class ShippoCarrier implements CarrierAdapter {
  readonly name = 'shippo';

  constructor(
    private readonly apiKey: string,
    private readonly webhookSecret: string,
    private readonly baseUrl = 'https://api.goshippo.com',
  ) {}

  private async post<T>(path: string, body: unknown, idempotencyKey: string): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        authorization: `ShippoToken ${this.apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
      },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`shippo ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  async buyLabel(request: LabelRequest): Promise<Label> {
    const shipment = await this.post<{
      rates: Array<{ object_id: string; amount: string; currency: string }>;
    }>(
      '/shipments/',
      {
        address_from: address(request.from),
        address_to: address(request.to),
        parcels: [
          {
            weight: String(request.parcel.weightGrams),
            mass_unit: 'g',
            length: '30',
            width: '20',
            height: '10',
            distance_unit: 'cm',
          },
        ],
        async: false,
        metadata: request.shipmentId,
      },
      `${request.shipmentId}-shipment`,
    );
    const cheapest = [...shipment.rates].sort((a, b) => Number(a.amount) - Number(b.amount))[0];
    if (!cheapest) throw new Error(`shippo returned no rates for ${request.shipmentId}`);
    const transaction = await this.post<{
      status: string;
      tracking_number: string;
      label_url: string;
      messages?: unknown;
    }>(
      '/transactions/',
      { rate: cheapest.object_id, label_file_type: 'PDF', async: false, metadata: request.shipmentId },
      `${request.shipmentId}-label`,
    );
    if (transaction.status !== 'SUCCESS') {
      throw new Error(
        `shippo label for ${request.shipmentId} failed: ${JSON.stringify(transaction.messages)}`,
      );
    }
    return {
      carrier: this.name,
      trackingNumber: transaction.tracking_number,
      labelUrl: transaction.label_url,
      cost: { amount: Math.round(Number(cheapest.amount) * 100), currency: cheapest.currency.toUpperCase() },
    };
  }

  verifyWebhook(rawBody: Buffer, headers: Record<string, string | undefined>): boolean {
    const given = headers['x-shippo-signature'];
    if (!given) return false;
    const expected = createHmac('sha256', this.webhookSecret).update(rawBody).digest('hex');
    return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  }

  parseWebhook(rawBody: Buffer): TrackingEvent {
    const body = JSON.parse(rawBody.toString('utf8')) as {
      event?: string;
      data?: {
        tracking_number?: string;
        tracking_status?: { status?: string; object_id?: string; status_date?: string };
      };
    };
    const data = body.data;
    const status = data?.tracking_status?.status ? shippoStatus[data.tracking_status.status] : undefined;
    if (
      body.event !== 'track_updated' ||
      !data?.tracking_number ||
      !status ||
      !data.tracking_status?.object_id
    ) {
      throw new WebhookPayloadError('not a track_updated event');
    }
    return {
      eventId: data.tracking_status.object_id,
      trackingNumber: data.tracking_number,
      status,
      occurredAt: data.tracking_status.status_date ?? new Date().toISOString(),
    };
  }
}
