import type { Units } from '../domain/return-refund';
import type { Collections } from '../integrations/collections';

/** Where a return's accepted units go back to stock. */
export function createReturnRestockActivities({ collections }: { collections: Collections }) {
  return {
    /**
     * Which warehouses accepted units go back to: the ones the order's hold took them from, by the stock
     * ledger, so each warehouse's count stays true.
     */
    async returnRestockPlan(input: {
      orderId: string;
      units: Units;
    }): Promise<Array<{ sku: string; warehouseId: string; quantity: number }>> {
      const skus = Object.keys(input.units);
      const reserved = await collections.stockLedger
        .find({ holdId: input.orderId, kind: 'reserve', sku: { $in: skus } })
        .sort({ _id: 1 })
        .toArray();
      const plan: Array<{ sku: string; warehouseId: string; quantity: number }> = [];
      for (const sku of skus) {
        let left = input.units[sku] ?? 0;
        const sources = reserved.filter((e) => e.sku === sku);
        for (const entry of sources) {
          const quantity = Math.min(left, -entry.delta);
          if (quantity > 0) plan.push({ sku, warehouseId: entry.warehouseId, quantity });
          left -= quantity;
        }
        // No ledger trace (an order from before the ledger): the first warehouse it came from, or none.
        const fallback = sources[0]?.warehouseId;
        if (left > 0 && fallback) plan.push({ sku, warehouseId: fallback, quantity: left });
      }
      return plan;
    },
  };
}
