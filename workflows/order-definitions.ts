import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Money } from '../domain/money';
import type { PromotionTerms } from '../domain/order-promotion';
import type { OrderStatus } from '../domain/order-status';
import type { RequestedLine } from '../domain/order-lines';
import type { ShippingAddress } from '../orders/documents';
import type { OrderState, PaymentOutcome, SubOrderSummary } from '../orders/order-state';

// Shared by the API (which starts, queries and steers orders) and the order workflow itself. The shapes the
// order's activities share too live below both (orders/order-state.ts, domain/order-promotion.ts); they
// are named here as well because they are this workflow's input, query answer and handler arguments.
export type { OrderState, PaymentOutcome, PromotionTerms, SubOrderSummary };

export function orderWorkflowId(orderId: string): string {
  return `order-${orderId}`;
}

/**
 * The order workflow's shapes, carried in its input, each kept for as long as orders started with it may run:
 * 2 is the lean order (local activities, parts authorized together, messages off the main path); 3 is the
 * lean order with fewer steps (pricing reads the fraud signals, one activity authorizes every part). Orders
 * started without a version run the first shape, as they began. A version in the input costs no history
 * event, where a `patched()` marker would cost one per order.
 */
export type OrderVersion = 2 | 3;
export const currentOrderVersion: OrderVersion = 3;

export interface PlaceOrderInput {
  /** Absent: the first shape (orders started before the lean one). */
  version?: OrderVersion;
  orderId: string;
  customerId: string;
  lines: RequestedLine[];
  /** What the buyer's cart showed, so the order can tell the buyer which prices changed since. */
  cartPrices?: Record<string, Money>;
  shipTo: ShippingAddress;
  billingCountry?: string;
  /** Set to pay at once (API clients, tests); otherwise the storefront pays via POST /payments/checkout. */
  paymentMethodId?: string;
  /** The cart's promo code as it stood at checkout; judged again inside the order at its own clock. */
  promotion?: PromotionTerms;
  /** Checks out a flash-sale hold: the order id is the hold's, and the order takes the hold over. */
  flashSale?: { sku: string; ticket: string };
  /** How long stock stays held while payment is pending. */
  holdSeconds: number;
  /** How long ops have to decide on an order held for fraud review. */
  fraudReviewSeconds?: number;
  /** How long a seller has to accept its sub-order. */
  sellerAcceptSeconds?: number;
  /** Captures must happen before card authorizations lapse (7 days at most card networks). */
  captureWithinSeconds?: number;
}

export const orderStateQuery = defineQuery<OrderState>('orderState');

/** The storefront's payment step: a payment method, or "I finished 3-D Secure" (confirm). */
export const submitPaymentUpdate = defineUpdate<PaymentOutcome, [{ paymentMethodId: string }]>(
  'submitPayment',
);
export const confirmPaymentUpdate = defineUpdate<PaymentOutcome, []>('confirmPayment');

export const fraudDecisionUpdate = defineUpdate<
  OrderStatus,
  [{ decision: 'approve' | 'reject'; reason: string }]
>('fraudDecision');

/** Cancels what has not shipped; returns the sellers whose parts will be cancelled. */
export const cancelOrderUpdate = defineUpdate<{ cancelling: string[] }, [{ reason: string }]>('cancelOrder');

export const subOrderChangedSignal = defineSignal<[SubOrderSummary]>('subOrderChanged');
