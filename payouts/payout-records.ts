import { isDuplicateKeyError, type Collections } from '../integrations/collections';
import type { PayoutDoc } from './documents';
import type { PayoutOutcome } from './payout-run';

export function payoutOutcomeOf(doc: PayoutDoc): PayoutOutcome {
  return {
    payoutId: doc._id,
    sellerId: doc.sellerId,
    period: doc.period,
    status: doc.status,
    amount: doc.amount,
    subOrderIds: doc.subOrderIds,
    ...(doc.reason ? { reason: doc.reason } : {}),
    ...(doc.transferId ? { transferId: doc.transferId } : {}),
  };
}

/**
 * Records a run's outcome once (the payout id is the _id): a retried or second run of the period answers
 * what was recorded first.
 */
export async function recordPayout(
  collections: Collections,
  doc: Omit<PayoutDoc, 'createdAt'>,
  now: () => Date,
): Promise<PayoutOutcome> {
  try {
    await collections.payouts.insertOne({ ...doc, createdAt: now() });
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
  const stored = await collections.payouts.findOne({ _id: doc._id });
  return payoutOutcomeOf(stored ?? { ...doc, createdAt: now() });
}
