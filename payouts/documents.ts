import type { CommissionRule } from '../domain/commission';
import type { Money } from '../domain/money';
import type { SellerLedgerEntry } from '../domain/seller-ledger';

// Stored shapes of this capability's collections (wired in integrations/collections.ts). Only domain
// rules and other stored shapes are imported here, so the database wiring can name them without a loop.

/** An entry of the append-only seller ledger (domain/seller-ledger.ts); _id is its business key. */
export type SellerLedgerDoc = SellerLedgerEntry;

/** A commission rule ops set; _id `<sellerId|*>:<category|*>`, so one rule per scope. */
export interface CommissionRuleDoc extends CommissionRule {
  _id: string;
  setBy: string;
  updatedAt: Date;
}

/** One payout run's outcome, written only by its `payout-<sellerId>-<period>` workflow. */
export interface PayoutDoc {
  /** The payout id, `payout-<sellerId>-<period>`. */
  _id: string;
  sellerId: string;
  period: string;
  /** failed: Stripe refused the transfer for good; `reason` says why, and the money stays available. */
  status: 'paid' | 'skipped' | 'failed';
  amount: Money;
  reason?: string;
  transferId?: string;
  subOrderIds: string[];
  asOf: Date;
  createdAt: Date;
}

/** A seller's payout cadence; the Temporal schedule `payout-schedule-<sellerId>` follows it. */
export interface PayoutScheduleDoc {
  _id: string;
  frequency: 'daily' | 'weekly';
  updatedAt: Date;
}
