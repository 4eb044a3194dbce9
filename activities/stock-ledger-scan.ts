import { setTimeout as sleep } from 'node:timers/promises';
import type { Collections, StockLedgerEntry } from '../integrations/collections';

const batchSize = 1_000;
/** After each batch, rest as long as it took (at most this long): half the time of one connection at most. */
const maxRestMs = 250;

/**
 * Available units per SKU and warehouse over the whole stock ledger (what ledgerBalances gives without
 * SKUs), read in batches with a rest after each. FerretDB v1 groups in its own process after reading every
 * entry, so one aggregate over a growing ledger is a burst that grows with the data and competes with
 * checkout; this read costs the same in total but is spread out, and the database answers checkout's
 * index look-ups in between.
 */
export async function pacedLedgerBalances(c: Collections): Promise<Map<string, Record<string, number>>> {
  const balances = new Map<string, Record<string, number>>();
  const cursor = c.stockLedger.find<Pick<StockLedgerEntry, 'sku' | 'warehouseId' | 'delta'>>(
    {},
    { projection: { _id: 0, sku: 1, warehouseId: 1, delta: 1 }, batchSize },
  );
  try {
    let inBatch = 0;
    let batchStarted = performance.now();
    for await (const entry of cursor) {
      const perWarehouse = balances.get(entry.sku) ?? {};
      perWarehouse[entry.warehouseId] = (perWarehouse[entry.warehouseId] ?? 0) + (entry.delta ?? 0);
      balances.set(entry.sku, perWarehouse);
      if (++inBatch === batchSize) {
        await sleep(Math.min(maxRestMs, performance.now() - batchStarted));
        inBatch = 0;
        batchStarted = performance.now();
      }
    }
  } finally {
    await cursor.close();
  }
  return balances;
}
