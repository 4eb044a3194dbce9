import { type Money, money } from '../domain/money';
import { type SellerLedgerEntry, ledgerEntryKeys } from '../domain/seller-ledger';
import type { Collections } from '../integrations/collections';
import { postLedgerEntry } from './ledger-entries';

/** Why ops' adjustment was not posted; the API answers each with its own problem type. */
export class LedgerAdjustmentRefused extends Error {
  constructor(
    readonly reason: 'currency-mismatch' | 'idempotency-key-reused' | 'adjustment-conflict',
    message: string,
  ) {
    super(message);
  }
}

export interface LedgerAdjustment {
  sellerId: string;
  /** Names the adjustment (the request's Idempotency-Key): the same key posts it once. */
  key: string;
  amount: Money;
  note: string;
  /** Who posted it, kept in the note so the seller's ledger says it. */
  by: string;
}

/**
 * Ops' manual credit (positive) or debit (negative), available at the next payout. Repeating the key
 * answers the entry already posted (created: false); the same key with another amount or note is refused.
 */
export async function adjustSellerLedger(
  collections: Collections,
  adjustment: LedgerAdjustment,
): Promise<{ created: boolean; entry: SellerLedgerEntry }> {
  const { sellerId, amount } = adjustment;
  // One seller, one currency: a balance never adds dollars to euros.
  const first = await collections.sellerLedger.findOne({ sellerId });
  if (first && first.amount.currency !== amount.currency) {
    throw new LedgerAdjustmentRefused(
      'currency-mismatch',
      `This seller's ledger is in ${first.amount.currency}`,
    );
  }
  const entry: SellerLedgerEntry = {
    _id: ledgerEntryKeys.adjustment(sellerId, adjustment.key),
    sellerId,
    kind: 'adjustment',
    amount: money(amount.amount, amount.currency),
    note: `${adjustment.note} (by ${adjustment.by})`,
    createdAt: new Date(),
  };
  const created = await postLedgerEntry(collections, entry);
  const stored = created ? entry : await collections.sellerLedger.findOne({ _id: entry._id });
  if (!stored) throw new LedgerAdjustmentRefused('adjustment-conflict', 'Try again');
  if (
    stored.amount.amount !== entry.amount.amount ||
    stored.amount.currency !== entry.amount.currency ||
    !stored.note.startsWith(adjustment.note)
  ) {
    throw new LedgerAdjustmentRefused(
      'idempotency-key-reused',
      'This Idempotency-Key was used for a different adjustment',
    );
  }
  return { created, entry: stored };
}
