import type { FraudAssessment } from '../domain/fraud';
import type { Money } from '../domain/money';
import type { OrderPromo } from '../domain/order-promotion';
import type { OrderStatus } from '../domain/order-status';
import type { PricedLine } from '../domain/order-lines';
import type { CheckoutTotals } from '../domain/order-totals';
import type { SubOrderStatus } from '../domain/sub-order-status';

// The order as its workflow keeps it and answers the `orderState` query. Here, below activities and
// workflows, so the order's activities (pricing returns its `promo`), the workflow and the API name one shape.

export type PaymentOutcome =
  | { status: 'authorized' }
  | { status: 'requires_action'; paymentIntentId: string; clientSecret: string | null }
  | { status: 'declined'; reason: string };

/** One seller's part as the order follows it (what its seller-fulfillment child tells the order). */
export interface SubOrderSummary {
  sellerId: string;
  status: SubOrderStatus;
  total: Money;
  paymentIntentId?: string;
  trackingNumber?: string;
}

export interface OrderState {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  lines: PricedLine[];
  priceChanges: Array<{ sku: string; was: Money; now: Money }>;
  promo?: OrderPromo;
  totals?: CheckoutTotals;
  total?: Money;
  fraud?: FraudAssessment;
  holdExpiresAt?: string;
  payment?: PaymentOutcome;
  paymentIntentIds: Record<string, string>;
  subOrders: SubOrderSummary[];
  failureReason?: string;
}
