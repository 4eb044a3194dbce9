import type { Filter } from 'mongodb';
import type { ReportingPeriod } from '../domain/reporting-periods';
import type { SubOrderDoc } from '../orders/documents';

/**
 * What a seller's dashboard counts as a sale: each of its sub-orders placed in the period that was not
 * cancelled (declined, or cancelled before shipping). The placing time decides the period, so a figure for
 * a past day does not move as orders ship.
 */
export function salesFilter(sellerId: string, range: ReportingPeriod): Filter<SubOrderDoc> {
  return {
    sellerId,
    createdAt: { $gte: range.start, $lt: range.end },
    status: { $ne: 'cancelled' },
  };
}
