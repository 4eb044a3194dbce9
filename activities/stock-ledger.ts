import { MongoBulkWriteError, type AnyBulkWriteOperation } from 'mongodb';
import {
  isDuplicateKeyError,
  type Collections,
  type StockEntryKind,
  type StockLedgerEntry,
} from '../integrations/collections';
import type { Allocation } from '../integrations/stock-counters';

// Entries are keyed by (kind, hold, sku, warehouse): writing the same fact twice is a no-op, so the ledger
// can be written after Redis and retried freely.
export function ledgerEntries(
  kind: StockEntryKind,
  holdId: string,
  sku: string,
  allocations: Allocation[],
  at: Date,
): StockLedgerEntry[] {
  const sign = kind === 'reserve' ? -1 : kind === 'release' ? 1 : 0;
  return allocations.map(({ warehouseId, quantity }) => ({
    _id: `${kind}:${holdId}:${sku}:${warehouseId}`,
    sku,
    warehouseId,
    kind,
    delta: sign * quantity,
    holdId,
    at,
  }));
}

/** A seller's or the seed's change to stock on hand, keyed by the request that made it. */
export function adjustmentEntry(
  adjustmentKey: string,
  sku: string,
  warehouseId: string,
  delta: number,
  at: Date,
): StockLedgerEntry {
  return {
    _id: `adjust:${adjustmentKey}:${sku}:${warehouseId}`,
    sku,
    warehouseId,
    kind: 'adjust',
    delta,
    at,
  };
}

export async function appendLedger(c: Collections, entries: StockLedgerEntry[]): Promise<void> {
  if (entries.length === 0) return;
  // Upsert with $setOnInsert: inserts once, and a repeat neither fails nor rewrites the original entry.
  const ops: AnyBulkWriteOperation<StockLedgerEntry>[] = entries.map(({ _id, ...fields }) => ({
    updateOne: { filter: { _id }, update: { $setOnInsert: fields }, upsert: true },
  }));
  try {
    await c.stockLedger.bulkWrite(ops, { ordered: false });
  } catch (error) {
    // Two writers upserting the same entry at once: the loser's duplicate-key error means "already there".
    if (!onlyDuplicates(error)) throw error;
  }
}

function onlyDuplicates(error: unknown): boolean {
  if (!(error instanceof MongoBulkWriteError)) return isDuplicateKeyError(error);
  const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return errors.length > 0 && errors.every((e) => (e as { code?: number }).code === 11000);
}

/** Available units per SKU and warehouse, as the ledger says: the truth Redis is rebuilt from. */
export async function ledgerBalances(
  c: Collections,
  skus?: string[],
): Promise<Map<string, Record<string, number>>> {
  // One $match by equality per SKU: FerretDB v1 hands only equality to PostgreSQL (the sku index answers
  // it); `{ sku: { $in: skus } }` would be filtered after reading the whole ledger.
  const matches = skus ? [...new Set(skus)].map((sku) => ({ sku })) : [{}];
  const rows = (
    await Promise.all(
      matches.map((match) =>
        c.stockLedger
          .aggregate<{ _id: { sku: string; warehouseId: string }; available: number }>([
            { $match: match },
            { $group: { _id: { sku: '$sku', warehouseId: '$warehouseId' }, available: { $sum: '$delta' } } },
          ])
          .toArray(),
      ),
    )
  ).flat();
  const balances = new Map<string, Record<string, number>>();
  for (const row of rows) {
    const perWarehouse = balances.get(row._id.sku) ?? {};
    perWarehouse[row._id.warehouseId] = row.available;
    balances.set(row._id.sku, perWarehouse);
  }
  return balances;
}

/** What the ledger says of one hold on one SKU: what it reserved, and whether it was released or sold. */
export async function ledgerHold(
  c: Collections,
  holdId: string,
  sku: string,
): Promise<{ reserved: Allocation[]; state: 'none' | 'held' | 'released' | 'committed' }> {
  const entries = await c.stockLedger.find({ holdId, sku }).toArray();
  const reserved = entries
    .filter((e) => e.kind === 'reserve')
    .map((e) => ({ warehouseId: e.warehouseId, quantity: -e.delta }));
  const state = entries.some((e) => e.kind === 'release')
    ? 'released'
    : entries.some((e) => e.kind === 'commit')
      ? 'committed'
      : reserved.length > 0
        ? 'held'
        : 'none';
  return { reserved, state };
}
