import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { RecordSubOrderInput } from '../activities/sub-orders';
import type { Money } from '../domain/money';
import type { SubOrderStatus } from '../domain/sub-order-status';
import type { TrackingStatus } from '../integrations/carriers/carrier';
import type { ShippingAddress } from '../orders/documents';

export function sellerFulfillmentWorkflowId(orderId: string, sellerId: string): string {
  return `seller-fulfillment-${orderId}-${sellerId}`;
}

/**
 * One seller's part as its order hands it over: the sub-order as it is recorded (less its accept-by time,
 * which the part works out from when the payment was authorized), plus what the part needs to ship it.
 */
export interface SubOrderInput extends Omit<RecordSubOrderInput, 'acceptBy'> {
  /**
   * 2: started by the lean order, which already recorded the sub-order; the part tells its order only what
   * can change the order, and ends cancelled (compensated) when its capture is refused. Absent: first shape.
   */
  version?: 2;
  shipTo: ShippingAddress;
  /** Epoch ms the payment was authorized; captures must land before it lapses. */
  authorizedAt: number;
  acceptWithinSeconds: number;
  captureWithinSeconds: number;
}

export interface SubOrderState {
  orderId: string;
  sellerId: string;
  status: SubOrderStatus;
  total: Money;
  captured?: Money;
  trackingNumber?: string;
  labelUrl?: string;
  carrier?: string;
  cancelReason?: string;
  /** A step after the capture that refused (e.g. the stock hold had already ended): for ops to reconcile. */
  settlementIssue?: string;
  acceptBy: string;
}

export const subOrderStateQuery = defineQuery<SubOrderState>('subOrderState');

// The seller's steps, each validated against the sub-order's current state before it is accepted.
export const acceptSubOrderUpdate = defineUpdate<SubOrderState, []>('acceptSubOrder');
export const markPickedUpdate = defineUpdate<SubOrderState, []>('markPicked');
export const markPackedUpdate = defineUpdate<SubOrderState, []>('markPacked');
export const buyLabelUpdate = defineUpdate<SubOrderState, [{ weightGrams: number }]>('buyLabel');
export const declineSubOrderUpdate = defineUpdate<SubOrderState, [{ reason: string }]>('declineSubOrder');

/** From the carrier's webhook, through the API; repeated and out-of-order events are harmless. */
export const carrierEventSignal = defineSignal<[{ eventId: string; status: TrackingStatus }]>('carrierEvent');

/** From the order workflow when the buyer cancels; ignored once the parcel has shipped. */
export const cancelSubOrderSignal = defineSignal<[{ reason: string }]>('cancelSubOrder');
