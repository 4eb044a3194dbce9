import type { Collections } from '../integrations/collections';

/**
 * SKUs where reconciliation refused to copy the ledger into Redis, for a person to decide, newest first:
 * open ones, or with `includeResolved` also those a later reconciliation found agreeing again.
 */
export async function stockDiscrepancies(
  collections: Collections,
  options: { includeResolved: boolean; limit: number },
) {
  const docs = await collections.stockDiscrepancies
    .find(options.includeResolved ? {} : { resolvedAt: { $exists: false } })
    .sort({ lastSeenAt: -1 })
    .limit(options.limit)
    .toArray();
  return docs.map(({ _id, firstSeenAt, lastSeenAt, resolvedAt, ...rest }) => ({
    ...rest,
    firstSeenAt: firstSeenAt.toISOString(),
    lastSeenAt: lastSeenAt.toISOString(),
    ...(resolvedAt ? { resolvedAt: resolvedAt.toISOString() } : {}),
  }));
}
