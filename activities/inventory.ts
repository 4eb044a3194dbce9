import { warnFromActivity } from './activity-log';
import type { RequestedLine } from '../domain/order-lines';
import { commitHold, releaseLines, reserveLines, type HeldLine } from '../inventory/stock-holds';
import { adjustStock, setAvailableStock } from '../inventory/stock-levels';
import type { StockMoveDeps } from '../inventory/stock-moves';

export type { HeldLine } from '../inventory/stock-holds';

export type InventoryDeps = Omit<StockMoveDeps, 'warn'>;

/** The inventory's moves as activities: each is one function of inventory/, warning through the worker's log. */
export function createInventoryActivities(deps: InventoryDeps) {
  const moves: StockMoveDeps = { ...deps, warn: warnFromActivity };
  return {
    /** Holds every line or none (inventory/stock-holds.ts). */
    reserveStock(input: { holdId: string; lines: RequestedLine[] }): Promise<HeldLine[]> {
      return reserveLines(moves, input);
    },

    /** Receives or writes off units in one warehouse; the adjustment key makes a retry a no-op. */
    adjustStock(input: { sku: string; warehouseId: string; delta: number; adjustmentKey: string }) {
      return adjustStock(moves, input);
    },

    /** Sets a warehouse's available units; the ledger records the difference, so history stays additive. */
    setAvailableStock(input: {
      sku: string;
      warehouseId: string;
      available: number;
      adjustmentKey: string;
    }): Promise<{ delta: number }> {
      return setAvailableStock(moves, input);
    },

    releaseStock(input: { holdId: string; skus: string[] }): Promise<void> {
      return releaseLines(moves, input.holdId, input.skus);
    },

    /** Turns a hold into a sale: the units stay out of available stock and the hold can no longer expire. */
    async commitStock(input: { holdId: string; skus: string[] }): Promise<void> {
      for (const sku of input.skus) await commitHold(moves, input.holdId, sku);
    },
  };
}
