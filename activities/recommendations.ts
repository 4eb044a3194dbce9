import type { AnyBulkWriteOperation } from 'mongodb';
import type { Collections, ProductRecommendationDoc } from '../integrations/collections';
import { boughtTogether, purchasedStatuses } from '../search/bought-together';

export interface RecommendationReport {
  ordersRead: number;
  productsWithRecommendations: number;
  computedAt: string;
}

/**
 * Recomputes every product's "bought together" list from the orders. Idempotent: each run rewrites whole
 * documents (this job is their only writer) and then drops lists no longer backed by any order.
 */
export function createRecommendationActivities(deps: { collections: Collections; now: () => Date }) {
  return {
    async computeBoughtTogether(): Promise<RecommendationReport> {
      const computedAt = deps.now();
      const orders = await deps.collections.orders
        .find({ status: { $in: purchasedStatuses as never[] } })
        .toArray();
      const lists = boughtTogether(orders.map((o) => ({ productIds: o.lines.map((l) => l.productId) })));
      const writes: AnyBulkWriteOperation<ProductRecommendationDoc>[] = [...lists].map(
        ([productId, list]) => ({
          replaceOne: {
            filter: { _id: productId },
            replacement: { boughtTogether: list, computedAt },
            upsert: true,
          },
        }),
      );
      for (let i = 0; i < writes.length; i += 1000) {
        await deps.collections.productRecommendations.bulkWrite(writes.slice(i, i + 1000), {
          ordered: false,
        });
      }
      await deps.collections.productRecommendations.deleteMany({ computedAt: { $lt: computedAt } });
      return {
        ordersRead: orders.length,
        productsWithRecommendations: lists.size,
        computedAt: computedAt.toISOString(),
      };
    },
  };
}
