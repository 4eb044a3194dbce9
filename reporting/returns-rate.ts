import type { ReportingPeriod } from '../domain/reporting-periods';
import type { Collections } from '../integrations/collections';

export interface ReturnsRate {
  /** Returns the seller's buyers opened in the range (a return the buyer withdrew does not count). */
  opened: number;
  /** The seller's sub-orders delivered in the range. */
  delivered: number;
  /** opened ÷ delivered, to four decimals; null when nothing was delivered. */
  rate: number | null;
}

/**
 * Both sides are flows over the same range (returns opened, parcels delivered), two indexed counts rather
 * than joining each return to its sub-order, so the cost stays flat however long the range.
 */
export async function returnsRate(
  collections: Collections,
  sellerId: string,
  range: ReportingPeriod,
): Promise<ReturnsRate> {
  const [opened, delivered] = await Promise.all([
    collections.returns.countDocuments({
      sellerId,
      createdAt: { $gte: range.start, $lt: range.end },
      status: { $ne: 'cancelled' },
    }),
    collections.subOrders.countDocuments({
      sellerId,
      deliveredAt: { $gte: range.start, $lt: range.end },
    }),
  ]);
  return {
    opened,
    delivered,
    rate: delivered === 0 ? null : Math.round((opened / delivered) * 10_000) / 10_000,
  };
}
