import type { Money } from '../domain/money';
import type { ReportingPeriod } from '../domain/reporting-periods';
import type { Collections } from '../integrations/collections';
import { salesFilter } from './sales-filter';

export interface TopProduct {
  productId: string;
  title: string;
  units: number;
  revenue: Money[];
}

interface UnitsAtPrice {
  _id: { productId: string; currency: string; unitPrice: number };
  units: number;
}

/**
 * The seller's best sellers in the range, by units sold, then revenue. FerretDB v1 has no $multiply and
 * fills only one accumulator per $group, so units are summed per (product, unit price) in the database and
 * revenue is the exact sum of units × price here.
 */
export async function topProducts(
  collections: Collections,
  sellerId: string,
  range: ReportingPeriod,
  limit: number,
): Promise<TopProduct[]> {
  const rows = await collections.subOrders
    .aggregate<UnitsAtPrice>([
      { $match: salesFilter(sellerId, range) },
      { $unwind: '$lines' },
      { $match: { 'lines.sellerId': sellerId } },
      {
        $group: {
          _id: {
            productId: '$lines.productId',
            currency: '$lines.unitPrice.currency',
            unitPrice: '$lines.unitPrice.amount',
          },
          units: { $sum: '$lines.quantity' },
        },
      },
    ])
    .toArray();
  const products = new Map<string, { units: number; revenue: Map<string, number> }>();
  for (const row of rows) {
    const entry = products.get(row._id.productId) ?? { units: 0, revenue: new Map<string, number>() };
    entry.units += row.units;
    const { currency, unitPrice } = row._id;
    entry.revenue.set(currency, (entry.revenue.get(currency) ?? 0) + unitPrice * row.units);
    products.set(row._id.productId, entry);
  }
  const ranked = [...products]
    .map(([productId, entry]) => ({
      productId,
      units: entry.units,
      revenue: [...entry.revenue]
        .map(([currency, amount]) => ({ amount, currency }))
        .sort((a, b) => a.currency.localeCompare(b.currency)),
    }))
    .sort(
      (a, b) =>
        b.units - a.units ||
        (b.revenue[0]?.amount ?? 0) - (a.revenue[0]?.amount ?? 0) ||
        a.productId.localeCompare(b.productId),
    )
    .slice(0, limit);
  const titles = new Map(
    (
      await collections.products
        .find({ _id: { $in: ranked.map((p) => p.productId) } }, { projection: { title: 1 } })
        .toArray()
    ).map((p) => [p._id, p.title]),
  );
  return ranked.map((p) => ({ ...p, title: titles.get(p.productId) ?? '' }));
}
