import type { Filter } from 'mongodb';
import type { Collections } from '../integrations/collections';
import type { OutboxDoc } from './documents';

/** The messages kept in the outbox instead of sent, newest first, by recipient and template. */
export async function outboxMessages(
  collections: Collections,
  query: { to?: string | undefined; template?: string | undefined; limit: number; offset: number },
): Promise<{ items: OutboxDoc[]; total: number; nextOffset: number | null }> {
  const filter: Filter<OutboxDoc> = {};
  if (query.to) filter.to = query.to;
  if (query.template) filter.template = query.template;
  const [items, total] = await Promise.all([
    collections.outbox
      .find(filter)
      .sort({ createdAt: -1, _id: 1 })
      .skip(query.offset)
      .limit(query.limit)
      .toArray(),
    collections.outbox.countDocuments(filter),
  ]);
  const nextOffset = query.offset + items.length < total ? query.offset + items.length : null;
  return { items, total, nextOffset };
}
