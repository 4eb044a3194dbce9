import { defineQuery } from '@temporalio/workflow';
import type { Money } from '../domain/money';
import type { OrderStatus } from '../domain/order-status';
import type { PricedLine, RequestedLine } from '../domain/order-lines';

// Shared by the API (which starts, queries and steers orders) and the order workflow itself.

export const orderTaskQueueDefault = 'marketplace';

export function orderWorkflowId(orderId: string): string {
  return `order-${orderId}`;
}

export interface PlaceOrderInput {
  orderId: string;
  customerId: string;
  lines: RequestedLine[];
  paymentMethodId: string;
  /** How long stock stays held while payment is pending. */
  holdSeconds: number;
}

export interface OrderState {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  lines: PricedLine[];
  total?: Money;
  paymentIntentId?: string;
  failureReason?: string;
}

export const orderStateQuery = defineQuery<OrderState>('orderState');
