import type { ShipmentFacts } from '../domain/dispute-evidence';
import type { OrderDoc, ShippingAddress, SubOrderDoc } from '../orders/documents';

// The delivery facts only the marketplace's own records hold, which go into a dispute's evidence.

function addressLine(address: ShippingAddress): string {
  return [
    address.name,
    address.line1,
    address.line2,
    address.city,
    address.region,
    address.postalCode,
    address.country,
  ]
    .filter(Boolean)
    .join(', ');
}

export function shipmentFactsOf(sub: SubOrderDoc, order: OrderDoc | null): ShipmentFacts {
  return {
    ...(sub.carrier ? { carrier: sub.carrier } : {}),
    ...(sub.trackingNumber ? { trackingNumber: sub.trackingNumber } : {}),
    ...(sub.shippedAt ? { shippedAt: new Date(sub.shippedAt).toISOString() } : {}),
    ...(sub.deliveredAt ? { deliveredAt: new Date(sub.deliveredAt).toISOString() } : {}),
    ...(order?.shipTo ? { shippingAddress: addressLine(order.shipTo), customerName: order.shipTo.name } : {}),
    productDescription: sub.lines.map((l) => `${l.quantity} x ${l.title}`).join('; '),
  };
}
