import { type Collections, isDuplicateKeyError, upsertAfterRace } from '../integrations/collections';
import type { NotificationDoc } from './documents';

// One record per message key: sent (by which provider) or given up on. The record is what makes a retried
// send a no-op, and what ops read to see what a buyer never received.

export interface NotificationResult {
  notificationId: string;
  provider: NotificationDoc['provider'];
  /** True when this key was already sent and nothing was sent again. */
  duplicate: boolean;
}

export interface NotificationFailure {
  channel: 'email' | 'sms';
  to: string;
  template: string;
  provider: NotificationDoc['provider'];
  reason: string;
}

/** The earlier send under this key, if one went out; a recorded failure does not count, so it is retried. */
export async function alreadySent(
  collections: Collections,
  idempotencyKey: string,
): Promise<NotificationResult | undefined> {
  const sent = await collections.notifications.findOne({ _id: idempotencyKey });
  return sent && sent.status !== 'failed'
    ? { notificationId: sent._id, provider: sent.provider, duplicate: true }
    : undefined;
}

/** Records a sent message; it replaces a failure recorded under this key by an earlier, given-up send. */
export async function recordSent(
  collections: Collections,
  doc: NotificationDoc,
): Promise<NotificationResult> {
  // Two attempts of one send may record at once (a retried activity, a doubled milestone).
  await upsertAfterRace(() => collections.notifications.replaceOne({ _id: doc._id }, doc, { upsert: true }));
  return { notificationId: doc._id, provider: doc.provider, duplicate: false };
}

/** Records a given-up send for ops; a concurrent attempt that did send keeps its record. */
export async function recordFailure(
  collections: Collections,
  idempotencyKey: string,
  failure: NotificationFailure,
  at: Date,
): Promise<void> {
  const { reason, ...fields } = failure;
  try {
    await upsertAfterRace(() =>
      collections.notifications.updateOne(
        { _id: idempotencyKey, status: 'failed' },
        { $set: { ...fields, status: 'failed', failedAt: at, failureReason: reason } },
        { upsert: true },
      ),
    );
  } catch (error) {
    // Still a duplicate after the retry: the key's record is a sent one, which must stay.
    if (!isDuplicateKeyError(error)) throw error;
  }
}
