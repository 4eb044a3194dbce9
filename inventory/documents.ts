// Stored shapes of this capability's collections (wired in integrations/collections.ts). Only domain
// rules and other stored shapes are imported here, so the database wiring can name them without a loop.

export type StockEntryKind = 'adjust' | 'reserve' | 'release' | 'commit';

export interface StockLedgerEntry {
  _id: string;
  sku: string;
  warehouseId: string;
  kind: StockEntryKind;
  /** Change to available units; a commit turns a hold into a sale and changes nothing available. */
  delta: number;
  holdId?: string;
  at: Date;
}

/**
 * How one hold on one SKU ended. Its _id is `<holdId>:<sku>`, so the first insert decides the outcome and
 * every later caller (a retry, a racing compensation) reads it instead of deciding again.
 */
export interface StockHoldOutcomeDoc {
  _id: string;
  holdId: string;
  sku: string;
  outcome: 'released' | 'committed';
  at: Date;
}

/** A SKU whose Redis counters and ledger disagree in a way reconciliation must not repair on its own. */
export interface StockDiscrepancyDoc {
  _id: string;
  sku: string;
  reason: 'negative-ledger' | 'open-holds-disagree';
  redis: { available: Record<string, number>; heldUnits: Record<string, number> };
  ledger: { available: Record<string, number>; heldUnits: Record<string, number> };
  firstSeenAt: Date;
  lastSeenAt: Date;
  sightings: number;
  /** Set when a later run finds the two agreeing again (repaired by a person or by the repair command). */
  resolvedAt?: Date;
}

export interface StockReconciliationDoc {
  _id: string;
  at: string;
  skusChecked: number;
  drifts: Array<{
    sku: string;
    redis: Record<string, number>;
    ledger: Record<string, number>;
    repaired: boolean;
    reason: string;
  }>;
}
