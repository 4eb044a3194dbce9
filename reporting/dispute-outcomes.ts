import { type DisputeStatus, disputeStatuses } from '../domain/dispute-status';
import type { Collections } from '../integrations/collections';

/**
 * How many disputes stand in each status, marketplace-wide: the figures a metrics endpoint exports as
 * disputes by outcome (won, lost, accepted) and in flight. One indexed count per status, since FerretDB
 * v1's `$group` fills only its first accumulator.
 */
export async function disputesByStatus(collections: Collections): Promise<Record<DisputeStatus, number>> {
  const counts = await Promise.all(
    disputeStatuses.map((status) => collections.disputes.countDocuments({ status })),
  );
  return Object.fromEntries(disputeStatuses.map((status, i) => [status, counts[i] ?? 0])) as Record<
    DisputeStatus,
    number
  >;
}
