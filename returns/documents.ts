import type { Money } from '../domain/money';
import type { ReturnStatus } from '../domain/return-status';

// Stored shapes of this capability's collections (wired in integrations/collections.ts). Only domain
// rules and other stored shapes are imported here, so the database wiring can name them without a loop.

export interface ReturnLine {
  sku: string;
  quantity: number;
  /** Units the seller accepted at inspection; set once inspected. */
  acceptedQuantity?: number;
}

/** A buyer's return of items from one delivered sub-order, written only by its `return-<id>` workflow. */
export interface ReturnDoc {
  _id: string;
  orderId: string;
  sellerId: string;
  customerId: string;
  status: ReturnStatus;
  lines: ReturnLine[];
  reason: { code: string; text?: string };
  photos: string[];
  refund?: Money;
  refundId?: string;
  trackingNumber?: string;
  carrier?: string;
  labelUrl?: string;
  decidedBy?: 'seller' | 'ops';
  decisionNote?: string;
  /** Why a return ended without a refund (not sent back, nothing accepted). */
  closeReason?: string;
  /** When the current human step (decision or inspection) is due before ops takes over. */
  dueBy?: Date;
  createdAt: Date;
  updatedAt: Date;
}
