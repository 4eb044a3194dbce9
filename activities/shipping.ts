import type { CarrierAdapter, Label } from '../integrations/carriers/carrier';
import type { Collections } from '../integrations/collections';
import type { ShippingAddress } from '../orders/documents';
import { defaultOrigin } from '../integrations/carriers/default-origin';

export function createShippingActivities(deps: {
  carrier: CarrierAdapter;
  collections: Collections;
  now: () => Date;
}) {
  return {
    /**
     * Buys one label per shipment id (the carrier's idempotency key) and records which sub-order (or
     * return) the tracking number belongs to, so the carrier's webhooks can find it.
     */
    async buyShippingLabel(input: {
      shipmentId: string;
      orderId: string;
      sellerId: string;
      to: ShippingAddress;
      from?: ShippingAddress;
      kind: 'outbound' | 'return';
      returnId?: string;
      weightGrams: number;
    }): Promise<Label> {
      const label = await deps.carrier.buyLabel({
        shipmentId: input.shipmentId,
        from: input.from ?? defaultOrigin,
        to: input.to,
        parcel: { weightGrams: input.weightGrams },
      });
      await deps.collections.shipments.updateOne(
        { _id: `${label.carrier}:${label.trackingNumber}` },
        {
          $setOnInsert: {
            orderId: input.orderId,
            sellerId: input.sellerId,
            kind: input.kind,
            ...(input.returnId ? { returnId: input.returnId } : {}),
            createdAt: deps.now(),
          },
        },
        { upsert: true },
      );
      return label;
    },
  };
}
