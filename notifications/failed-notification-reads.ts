import type { Filter } from 'mongodb';
import type { Collections } from '../integrations/collections';
import type { NotificationDoc } from './documents';

/** Messages given up on (refused by the provider, or out of attempts), newest first: what a buyer never got. */
export async function failedNotifications(
  collections: Collections,
  query: { to?: string | undefined; limit: number; offset: number },
): Promise<{ items: NotificationDoc[]; nextOffset: number | null }> {
  const filter: Filter<NotificationDoc> = { status: 'failed' };
  if (query.to) filter.to = query.to;
  // One more than asked tells whether another page follows, without counting.
  const docs = await collections.notifications
    .find(filter)
    .sort({ failedAt: -1, _id: 1 })
    .skip(query.offset)
    .limit(query.limit + 1)
    .toArray();
  return {
    items: docs.slice(0, query.limit),
    nextOffset: docs.length > query.limit ? query.offset + query.limit : null,
  };
}
