import type { Money } from '../domain/money';
import type { PricedLine } from '../domain/order-lines';
import type { SubOrderStatus } from '../domain/sub-order-status';
import type { Collections } from '../integrations/collections';
import type { SubOrderDoc } from '../orders/documents';

export function subOrderId(orderId: string, sellerId: string): string {
  return `${orderId}:${sellerId}`;
}

export interface RecordSubOrderInput {
  orderId: string;
  sellerId: string;
  customerId: string;
  lines: PricedLine[];
  total: Money;
  paymentIntentId: string;
  acceptBy: string;
}

/** A sub-order as it starts, awaiting the seller; a second insert of the same part changes nothing. */
export async function insertSubOrder(
  collections: Collections,
  at: Date,
  input: RecordSubOrderInput,
): Promise<void> {
  const { acceptBy, ...fields } = input;
  await collections.subOrders.updateOne(
    { _id: subOrderId(input.orderId, input.sellerId) },
    {
      $setOnInsert: {
        ...fields,
        status: 'awaiting_acceptance',
        acceptBy: new Date(acceptBy),
        createdAt: at,
        updatedAt: at,
      },
    },
    { upsert: true },
  );
}

/**
 * Sub-order documents are inserted by the order as it confirms (or, for parts started by the first shape
 * of the order workflow, by the part itself) and from then on written only by their own seller-fulfillment
 * workflow.
 */
export function createSubOrderActivities({
  collections,
  now,
}: {
  collections: Collections;
  now: () => Date;
}) {
  return {
    async recordSubOrder(input: RecordSubOrderInput): Promise<void> {
      await insertSubOrder(collections, now(), input);
    },

    async setSubOrderStatus(input: {
      orderId: string;
      sellerId: string;
      status: SubOrderStatus;
      changes?: Partial<
        Pick<
          SubOrderDoc,
          'trackingNumber' | 'carrier' | 'labelUrl' | 'cancelReason' | 'captured' | 'commission'
        >
      >;
    }): Promise<void> {
      const at = now();
      const stamps =
        input.status === 'shipped'
          ? { shippedAt: at }
          : input.status === 'delivered'
            ? { deliveredAt: at }
            : {};
      await collections.subOrders.updateOne(
        { _id: subOrderId(input.orderId, input.sellerId) },
        { $set: { status: input.status, ...input.changes, ...stamps, updatedAt: at } },
      );
    },
  };
}
