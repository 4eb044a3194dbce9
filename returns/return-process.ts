import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Money } from '../domain/money';
import type { TrackingStatus } from '../domain/parcel-tracking';
import type { ReturnStatus } from '../domain/return-status';
import type { ShippingAddress } from '../orders/documents';

// The `return-<id>` workflow as the rest of the house sees it: its id, what starts it, the state it
// answers with, and the messages (query, updates, signal) it takes. The API, the read model and the
// workflow all name these, so they live in the return's home rather than beside the workflow's body.

export function returnWorkflowId(returnId: string): string {
  return `return-${returnId}`;
}

export const returnReasons = [
  'damaged',
  'defective',
  'not_as_described',
  'wrong_item',
  'no_longer_needed',
  'other',
] as const;
export type ReturnReason = (typeof returnReasons)[number];

export interface ReturnLineState {
  sku: string;
  quantity: number;
  title: string;
  acceptedQuantity?: number;
}

export interface ReturnInput {
  returnId: string;
  orderId: string;
  sellerId: string;
  customerId: string;
  lines: ReturnLineState[];
  reason: { code: ReturnReason; text?: string };
  photos: string[];
  /** The buyer's address (the order's ship-to): where the return label is picked up. */
  pickupFrom: ShippingAddress;
  /** Where returned parcels go. */
  returnTo: ShippingAddress;
  sellerDecisionSeconds: number;
  shipBackSeconds: number;
  inspectionSeconds: number;
}

export interface ReturnState {
  returnId: string;
  orderId: string;
  sellerId: string;
  customerId: string;
  status: ReturnStatus;
  lines: ReturnLineState[];
  reason: { code: ReturnReason; text?: string };
  photos: string[];
  /** ISO time the current human step is due; past it the return is escalated to ops. */
  dueBy?: string;
  /** Which step ops has to take over when escalated. */
  escalatedStep?: 'decision' | 'inspection';
  decidedBy?: 'seller' | 'ops';
  decisionNote?: string;
  trackingNumber?: string;
  carrier?: string;
  labelUrl?: string;
  refund?: Money;
  refundId?: string;
  closeReason?: string;
}

export const returnStateQuery = defineQuery<ReturnState>('returnState');

// Human steps, each validated against the return's current status before it is accepted.
export const approveReturnUpdate = defineUpdate<ReturnState, [{ note?: string }]>('approveReturn');
export const rejectReturnUpdate = defineUpdate<ReturnState, [{ reason: string }]>('rejectReturn');
export const opsReturnDecisionUpdate = defineUpdate<
  ReturnState,
  [{ decision: 'approve' | 'reject'; reason: string }]
>('opsReturnDecision');
export interface Inspection {
  lines: Array<{ sku: string; acceptedQuantity: number }>;
  note?: string;
}
export const inspectReturnUpdate = defineUpdate<ReturnState, [Inspection]>('inspectReturn');

/**
 * Answers once the return is recorded in the database, so the request that started it returns only when
 * the next request's "units left to return" check will count these units.
 */
export const returnRecordedUpdate = defineUpdate<ReturnState>('returnRecorded');

/** From the carrier's webhook, through the API; repeated, late and backward events are harmless. */
export const returnCarrierEventSignal =
  defineSignal<[{ eventId: string; status: TrackingStatus }]>('returnCarrierEvent');
