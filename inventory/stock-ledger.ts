import { isDuplicateKeyError, type Collections } from '../integrations/collections';
import type { StockEntryKind, StockHoldOutcomeDoc, StockLedgerEntry } from './documents';
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

/**
 * Writes each entry once: a plain insert keyed by the fact, so a repeat is a duplicate-key error and nothing
 * else. One insert per entry, never a bulk upsert: FerretDB's upserts read then write, and an unordered
 * bulk that meets an error part-way gives no per-entry answer the caller can trust.
 */
export async function appendLedger(c: Collections, entries: StockLedgerEntry[]): Promise<void> {
  await Promise.all(
    entries.map(async (entry) => {
      try {
        await c.stockLedger.insertOne(entry);
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    }),
  );
}

export type HoldOutcome = StockHoldOutcomeDoc['outcome'];

/**
 * Decides how a hold on a SKU ends, once: the first caller's insert wins and every later caller, whatever it
 * wanted, gets the winner's outcome back. A unique-key insert is the one claim FerretDB makes atomic.
 */
export async function claimHoldOutcome(
  c: Collections,
  holdId: string,
  sku: string,
  outcome: HoldOutcome,
  at: Date,
): Promise<HoldOutcome> {
  const _id = `${holdId}:${sku}`;
  try {
    await c.stockHoldOutcomes.insertOne({ _id, holdId, sku, outcome, at });
    return outcome;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  const decided = await c.stockHoldOutcomes.findOne({ _id });
  if (!decided) throw new Error(`hold outcome ${_id} vanished after a duplicate-key error`);
  return decided.outcome;
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

/** Units the ledger counts as held by holds that have neither a release nor a commit yet, per warehouse. */
export async function ledgerOpenHolds(
  c: Collections,
  sku: string,
): Promise<{ holds: number; units: Record<string, number> }> {
  const entries = (await c.stockLedger.find({ sku }).toArray()).filter((e) => e.kind !== 'adjust');
  const ended = new Set(entries.filter((e) => e.kind !== 'reserve').map((e) => e.holdId));
  const units: Record<string, number> = {};
  const open = new Set<string>();
  for (const e of entries) {
    if (e.kind !== 'reserve' || !e.holdId || ended.has(e.holdId)) continue;
    open.add(e.holdId);
    units[e.warehouseId] = (units[e.warehouseId] ?? 0) - e.delta;
  }
  return { holds: open.size, units };
}
