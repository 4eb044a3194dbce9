import type { OutboxDoc } from '../notifications/documents';
import { type Collections, isDuplicateKeyError } from './collections';

/** A message as the outbox keeps it, minus what the writer adds (key, sender, time). */
export type OutboxMessage = Omit<OutboxDoc, '_id' | 'from' | 'createdAt'>;

/**
 * The local stand-in for SendGrid and Twilio, for both channels: a message is kept in the outbox collection
 * (viewable at GET /ops/outbox) under its idempotency key, so a repeat key inserts nothing. Its unique _id
 * is the claim, the one write FerretDB makes safe under concurrency.
 */
export function outboxWriter(collections: Collections, from: string, now: () => Date) {
  return async (idempotencyKey: string, message: OutboxMessage): Promise<{ providerMessageId: string }> => {
    const { channel, to, template, subject, body } = message;
    try {
      await collections.outbox.insertOne({
        _id: idempotencyKey,
        channel,
        to,
        from,
        template,
        ...(subject !== undefined ? { subject } : {}),
        body,
        createdAt: now(),
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
    return { providerMessageId: idempotencyKey };
  };
}
