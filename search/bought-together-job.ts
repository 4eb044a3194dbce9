import type { AnyBulkWriteOperation } from 'mongodb';
import type { ProductRecommendationDoc } from '../catalog/documents';
import type { Collections } from '../integrations/collections';
import { pacedRead } from '../integrations/paced-read';
import type { OrderDoc } from '../orders/documents';
import { boughtTogether, purchasedStatuses } from './bought-together';

export interface RecommendationReport {
  ordersRead: number;
  productsWithRecommendations: number;
  computedAt: string;
}

/**
 * Recomputes every product's "bought together" list from the orders. Idempotent: each run rewrites whole
 * documents (this job is their only writer) and then drops lists no longer backed by any order.
 */
export async function recomputeBoughtTogether(deps: {
  collections: Collections;
  now: () => Date;
}): Promise<RecommendationReport> {
  const computedAt = deps.now();
  // Every purchased order, read paced: FerretDB v1 reads the whole collection for this filter, and this
  // hourly job must not take the database from checkout while it does.
  const orders: Array<{ productIds: string[] }> = [];
  const purchased = deps.collections.orders.find<Pick<OrderDoc, 'lines'>>(
    { status: { $in: purchasedStatuses as never[] } },
    { projection: { _id: 0, lines: 1 } },
  );
  for await (const order of pacedRead(purchased)) {
    orders.push({ productIds: order.lines.map((l) => l.productId) });
  }
  const lists = boughtTogether(orders);
  const writes: AnyBulkWriteOperation<ProductRecommendationDoc>[] = [...lists].map(([productId, list]) => ({
    replaceOne: {
      filter: { _id: productId },
      replacement: { boughtTogether: list, computedAt },
      upsert: true,
    },
  }));
  for (let i = 0; i < writes.length; i += 1000) {
    await deps.collections.productRecommendations.bulkWrite(writes.slice(i, i + 1000), { ordered: false });
  }
  await deps.collections.productRecommendations.deleteMany({ computedAt: { $lt: computedAt } });
  return {
    ordersRead: orders.length,
    productsWithRecommendations: lists.size,
    computedAt: computedAt.toISOString(),
  };
}
