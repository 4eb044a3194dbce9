// "Bought together" is co-occurrence: for each product, the other products that appeared in the same
// orders, ranked by how many orders. Pure, so it is tested without a database.

export interface BoughtTogether {
  productId: string;
  orders: number;
}

/** Orders that really happened: confirmed and on from there, not failed, cancelled or refunded. */
export const purchasedStatuses = ['confirmed', 'fulfilling', 'partially_shipped', 'shipped', 'delivered'];

export function boughtTogether(
  orders: Array<{ productIds: string[] }>,
  perProduct = 10,
): Map<string, BoughtTogether[]> {
  const pairs = new Map<string, Map<string, number>>();
  for (const order of orders) {
    const products = [...new Set(order.productIds)];
    for (const a of products) {
      for (const b of products) {
        if (a === b) continue;
        const row = pairs.get(a) ?? new Map<string, number>();
        row.set(b, (row.get(b) ?? 0) + 1);
        pairs.set(a, row);
      }
    }
  }
  const result = new Map<string, BoughtTogether[]>();
  for (const [productId, row] of pairs) {
    result.set(
      productId,
      [...row.entries()]
        .map(([other, count]) => ({ productId: other, orders: count }))
        .sort((x, y) => y.orders - x.orders || x.productId.localeCompare(y.productId))
        .slice(0, perProduct),
    );
  }
  return result;
}
