import type { Collections } from '../integrations/collections';
import type { ReturnDoc } from '../returns/documents';

// Activity arguments travel as JSON, so times are ISO strings here and Dates in the document.
export type RecordReturnInput = Omit<ReturnDoc, '_id' | 'createdAt' | 'updatedAt' | 'status' | 'dueBy'> & {
  returnId: string;
  dueBy?: string;
};

export type ReturnChanges = Partial<
  Pick<
    ReturnDoc,
    | 'lines'
    | 'refund'
    | 'refundId'
    | 'trackingNumber'
    | 'carrier'
    | 'labelUrl'
    | 'decidedBy'
    | 'decisionNote'
    | 'closeReason'
  >
> & { dueBy?: string };

/** Return documents are written only by their own `return-<id>` workflow, through these two. */
export function createReturnRecordActivities({
  collections,
  now,
}: {
  collections: Collections;
  now: () => Date;
}) {
  return {
    async recordReturn(input: RecordReturnInput): Promise<void> {
      const at = now();
      const { returnId, dueBy, ...fields } = input;
      await collections.returns.updateOne(
        { _id: returnId },
        {
          $setOnInsert: {
            ...fields,
            ...(dueBy ? { dueBy: new Date(dueBy) } : {}),
            status: 'requested',
            createdAt: at,
            updatedAt: at,
          },
        },
        { upsert: true },
      );
    },

    async setReturnStatus(input: {
      returnId: string;
      status: ReturnDoc['status'];
      changes?: ReturnChanges;
    }): Promise<void> {
      const { dueBy, ...changes } = input.changes ?? {};
      // A step without a due time (decided, refunded) clears the previous step's.
      await collections.returns.updateOne(
        { _id: input.returnId },
        dueBy
          ? { $set: { status: input.status, ...changes, dueBy: new Date(dueBy), updatedAt: now() } }
          : { $set: { status: input.status, ...changes, updatedAt: now() }, $unset: { dueBy: '' } },
      );
    },
  };
}
