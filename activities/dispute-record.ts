import type { DisputeStatus } from '../domain/dispute-status';
import type { DisputeDoc } from '../disputes/documents';
import type { Collections } from '../integrations/collections';

export interface DisputeChanges {
  stripeStatus?: string;
  evidenceSubmittedAt?: string;
  evidenceSubmittedBy?: DisputeDoc['evidenceSubmittedBy'];
}

/** The dispute's record, which follows its workflow (the only writer). */
export function createDisputeRecordActivities({
  collections,
  now,
}: {
  collections: Collections;
  now: () => Date;
}) {
  return {
    async setDisputeStatus(input: { disputeId: string; status: DisputeStatus; changes?: DisputeChanges }) {
      const { evidenceSubmittedAt, ...rest } = input.changes ?? {};
      await collections.disputes.updateOne(
        { _id: input.disputeId },
        {
          $set: {
            status: input.status,
            ...rest,
            ...(evidenceSubmittedAt ? { evidenceSubmittedAt: new Date(evidenceSubmittedAt) } : {}),
            updatedAt: now(),
          },
        },
      );
    },
  };
}
