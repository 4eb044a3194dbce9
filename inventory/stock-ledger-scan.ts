import type { Collections } from '../integrations/collections';
import type { StockLedgerEntry } from './documents';
import { pacedRead } from '../integrations/paced-read';

/**
 * Available units per SKU and warehouse over the whole stock ledger (what ledgerBalances gives without
 * SKUs), read paced. FerretDB v1 groups in its own process after reading every entry, so one aggregate over
 * a growing ledger is a burst that grows with the data and competes with checkout; this read costs the
 * same in total but is spread out (integrations/paced-read.ts).
 */
export async function pacedLedgerBalances(c: Collections): Promise<Map<string, Record<string, number>>> {
  const balances = new Map<string, Record<string, number>>();
  const entries = c.stockLedger.find<Pick<StockLedgerEntry, 'sku' | 'warehouseId' | 'delta'>>(
    {},
    { projection: { _id: 0, sku: 1, warehouseId: 1, delta: 1 } },
  );
  for await (const entry of pacedRead(entries)) {
    const perWarehouse = balances.get(entry.sku) ?? {};
    perWarehouse[entry.warehouseId] = (perWarehouse[entry.warehouseId] ?? 0) + entry.delta;
    balances.set(entry.sku, perWarehouse);
  }
  return balances;
}
