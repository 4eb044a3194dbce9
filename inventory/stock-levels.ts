import { adjustmentEntry, appendLedger } from './stock-ledger';
import { noteStockChanged, type StockMoveDeps } from './stock-moves';

// Stock on hand changed by a person or the seed (not by an order): Redis first, then the ledger entry,
// keyed by the request, so a retry after a crash between the two writes the entry and moves nothing twice.

/** Receives or writes off units in one warehouse; the adjustment key makes a retry a no-op. */
export async function adjustStock(
  deps: StockMoveDeps,
  input: { sku: string; warehouseId: string; delta: number; adjustmentKey: string },
): Promise<void> {
  await deps.counters.adjust(input.sku, input.warehouseId, input.delta, input.adjustmentKey);
  // Written whether or not Redis saw the key before: a crash between the two must not lose the entry.
  await appendLedger(deps.collections, [
    adjustmentEntry(input.adjustmentKey, input.sku, input.warehouseId, input.delta, deps.now()),
  ]);
  await noteStockChanged(deps, [input.sku]);
}

/** Sets a warehouse's available units; the ledger records the difference, so history stays additive. */
export async function setAvailableStock(
  deps: StockMoveDeps,
  input: { sku: string; warehouseId: string; available: number; adjustmentKey: string },
): Promise<{ delta: number }> {
  const delta = await deps.counters.setAvailable(
    input.sku,
    input.warehouseId,
    input.available,
    input.adjustmentKey,
  );
  await appendLedger(deps.collections, [
    adjustmentEntry(input.adjustmentKey, input.sku, input.warehouseId, delta, deps.now()),
  ]);
  await noteStockChanged(deps, [input.sku]);
  return { delta };
}
