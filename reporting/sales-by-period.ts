import type { Money } from '../domain/money';
import type { ReportingPeriod } from '../domain/reporting-periods';
import type { Collections } from '../integrations/collections';
import { salesFilter } from './sales-filter';

export interface PeriodSales {
  start: Date;
  end: Date;
  orders: number;
  /** One amount per currency sold in (normally one), never mixed. */
  revenue: Money[];
}

/**
 * Each $group carries exactly one accumulator: FerretDB v1 fills only the first accumulator of a $group and
 * returns 0 for the others (and has no date operators to bucket by), so orders are counted separately and
 * every period is its own indexed query. Correct on MongoDB as well.
 */
async function salesIn(collections: Collections, sellerId: string, period: ReportingPeriod) {
  const match = salesFilter(sellerId, period);
  const [amounts, orders] = await Promise.all([
    collections.subOrders
      .aggregate<{ _id: string; amount: number }>([
        { $match: match },
        { $group: { _id: '$total.currency', amount: { $sum: '$total.amount' } } },
      ])
      .toArray(),
    collections.subOrders.countDocuments(match),
  ]);
  const revenue = amounts
    .map((row) => ({ amount: row.amount, currency: row._id }))
    .sort((a, b) => a.currency.localeCompare(b.currency));
  return { start: period.start, end: period.end, orders, revenue };
}

/** A few periods at a time, so a 90-day dashboard does not take the whole connection pool. */
const concurrency = 6;

export async function salesByPeriod(
  collections: Collections,
  sellerId: string,
  periods: ReportingPeriod[],
): Promise<PeriodSales[]> {
  const results: PeriodSales[] = [];
  for (let i = 0; i < periods.length; i += concurrency) {
    const batch = periods.slice(i, i + concurrency);
    results.push(...(await Promise.all(batch.map((period) => salesIn(collections, sellerId, period)))));
  }
  return results;
}

/** The whole range's figures, added up from its periods. */
export function salesTotals(periods: PeriodSales[]): { orders: number; revenue: Money[] } {
  const byCurrency = new Map<string, number>();
  let orders = 0;
  for (const period of periods) {
    orders += period.orders;
    for (const money of period.revenue) {
      byCurrency.set(money.currency, (byCurrency.get(money.currency) ?? 0) + money.amount);
    }
  }
  const revenue = [...byCurrency]
    .map(([currency, amount]) => ({ amount, currency }))
    .sort((a, b) => a.currency.localeCompare(b.currency));
  return { orders, revenue };
}
