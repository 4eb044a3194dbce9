import { settledDisputeStatuses } from '../domain/dispute-status';
import type { Money } from '../domain/money';
import type { ReportingPeriod } from '../domain/reporting-periods';
import type { Collections } from '../integrations/collections';

export interface DisputeFigures {
  /** Disputes not settled yet, whenever they were opened. */
  open: number;
  /** What those open disputes keep back from payouts, one entry per currency (positive). */
  held: Money[];
  /** Disputes opened in the range. */
  opened: number;
  /** opened ÷ the seller's sub-orders delivered in the range, to four decimals; null when none was. */
  rate: number | null;
  /** Disputes settled in the range, by outcome (accepted losses count as lost). */
  won: number;
  lost: number;
}

/**
 * The seller's disputes beside their deliveries (the card networks' own measure is disputes ÷ sales). Open
 * disputes are few, so their holds are summed here rather than with a `$group`, which FerretDB v1 half does.
 */
export async function disputeFigures(
  collections: Collections,
  sellerId: string,
  range: ReportingPeriod,
): Promise<DisputeFigures> {
  const inRange = { $gte: range.start, $lt: range.end };
  const [open, opened, delivered, won, lost] = await Promise.all([
    collections.disputes
      .find({ sellerId, status: { $nin: [...settledDisputeStatuses] } }, { projection: { hold: 1 } })
      .toArray(),
    collections.disputes.countDocuments({ sellerId, createdAt: inRange }),
    collections.subOrders.countDocuments({ sellerId, deliveredAt: inRange }),
    collections.disputes.countDocuments({ sellerId, settledAt: inRange, outcome: 'won' }),
    collections.disputes.countDocuments({ sellerId, settledAt: inRange, outcome: 'lost' }),
  ]);
  const held = new Map<string, number>();
  for (const { hold } of open) {
    if (hold) held.set(hold.currency, (held.get(hold.currency) ?? 0) - hold.amount);
  }
  return {
    open: open.length,
    held: [...held].map(([currency, amount]) => ({ amount, currency })),
    opened,
    rate: delivered === 0 ? null : Math.round((opened / delivered) * 10_000) / 10_000,
    won,
    lost,
  };
}
