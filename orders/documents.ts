import type { Money } from '../domain/money';
import type { PricedLine } from '../domain/order-lines';
import type { OrderStatus } from '../domain/order-status';
import type { SubOrderStatus } from '../domain/sub-order-status';

// Stored shapes of this capability's collections (wired in integrations/collections.ts). Only domain
// rules and other stored shapes are imported here, so the database wiring can name them without a loop.

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode: string;
  country: string;
  phone?: string;
}

export interface OrderDoc {
  _id: string;
  customerId: string;
  status: OrderStatus;
  lines: PricedLine[];
  subtotal: Money;
  discount?: Money;
  shipping?: Money;
  tax?: Money;
  total: Money;
  promoCode?: string;
  shipTo?: ShippingAddress;
  sellerIds?: string[];
  paymentIntentId?: string;
  /** One authorization per seller's sub-order, so each is captured when (and only if) it ships. */
  paymentIntentIds?: Record<string, string>;
  fraud?: { score: number; reasons: string[] };
  failureReason?: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface SubOrderDoc {
  /** `<orderId>:<sellerId>` */
  _id: string;
  orderId: string;
  sellerId: string;
  customerId: string;
  status: SubOrderStatus;
  lines: PricedLine[];
  total: Money;
  paymentIntentId: string;
  captured?: Money;
  commission?: Money;
  trackingNumber?: string;
  carrier?: string;
  labelUrl?: string;
  cancelReason?: string;
  acceptBy?: Date;
  shippedAt?: Date;
  deliveredAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface ShipmentDoc {
  /** `<carrier>:<trackingNumber>`: how a carrier's tracking event finds its sub-order. */
  _id: string;
  orderId: string;
  sellerId: string;
  kind: 'outbound' | 'return';
  returnId?: string;
  createdAt: Date;
}

export interface CarrierEventDoc {
  _id: string;
  receivedAt: Date;
}
