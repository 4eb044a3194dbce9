import type { DisputeOutcome, DisputeStatus } from '../domain/dispute-status';
import type { Money } from '../domain/money';

// Stored shapes of this capability's collections (wired in integrations/collections.ts). Only domain
// rules and other stored shapes are imported here, so the database wiring can name them without a loop.

/** A card dispute on one sub-order's charge, written only by its `dispute-<disputeId>` workflow. */
export interface DisputeDoc {
  /** Stripe's dispute id (`dp_...`). */
  _id: string;
  chargeId: string;
  paymentIntentId?: string;
  /** Unset when the charge matched no sub-order (status `unmatched`). */
  orderId?: string;
  sellerId?: string;
  subOrderId?: string;
  status: DisputeStatus;
  /** Stripe's own status, as its latest event said. */
  stripeStatus: string;
  reason: string;
  amount: Money;
  /** What the seller's ledger keeps back while the dispute is open (negative). */
  hold?: Money;
  dueBy?: Date;
  evidenceSubmittedAt?: Date;
  evidenceSubmittedBy?: 'ops' | 'marketplace';
  outcome?: DisputeOutcome;
  /** What a lost dispute took from the seller (negative), fee included when the seller bears it. */
  sellerDebit?: Money;
  settledAt?: Date;
  createdAt: Date;
  updatedAt: Date;
}
