import { ApplicationFailure } from '@temporalio/activity';
import type { Units, SubOrderPricing } from '../domain/return-refund';
import { checkoutTotals } from '../domain/order-totals';
import { taxRuleFor } from '../domain/tax';
import type { Collections } from '../integrations/collections';
import type { ReturnDoc } from '../returns/documents';
import { subOrderId } from './sub-orders';

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

export interface RefundBasis {
  paymentIntentId: string;
  pricing: SubOrderPricing;
  /** Units of this sub-order already refunded by other returns. */
  earlier: Units;
}

/** Return documents are written only by their own `return-<id>` workflow. */
export function createReturnActivities({ collections, now }: { collections: Collections; now: () => Date }) {
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

    /** What the buyer paid for this seller's part, split as at checkout, and what earlier returns took back. */
    async returnRefundBasis(input: {
      returnId: string;
      orderId: string;
      sellerId: string;
    }): Promise<RefundBasis> {
      const [order, sub, earlierReturns] = await Promise.all([
        collections.orders.findOne({ _id: input.orderId }),
        collections.subOrders.findOne({ _id: subOrderId(input.orderId, input.sellerId) }),
        collections.returns
          .find({ orderId: input.orderId, sellerId: input.sellerId, status: 'refunded' })
          .toArray(),
      ]);
      if (!order?.shipTo || !sub) {
        throw ApplicationFailure.nonRetryable(`order ${input.orderId} has no delivered part to refund`);
      }
      const totals = checkoutTotals(order.lines, order.shipTo, order.discount?.amount ?? 0);
      const part = totals.bySeller.find((s) => s.sellerId === input.sellerId);
      if (!part) throw ApplicationFailure.nonRetryable(`seller ${input.sellerId} is not in ${input.orderId}`);
      const earlier: Units = {};
      for (const r of earlierReturns.filter((r) => r._id !== input.returnId)) {
        for (const line of r.lines)
          earlier[line.sku] = (earlier[line.sku] ?? 0) + (line.acceptedQuantity ?? 0);
      }
      // A card dispute on the same charge decides the money first (Stripe refuses refunds on a disputed
      // charge): while it is open the refund waits (retried), and once lost the buyer already has every
      // unit's money back, so the return refunds nothing more. A won dispute changes nothing here.
      const disputes = await collections.disputes.find({ subOrderId: sub._id }).toArray();
      const open = disputes.find((d) => !d.outcome && d.status !== 'unmatched');
      if (open) {
        throw ApplicationFailure.retryable(
          `the charge of ${sub._id} is disputed (${open._id}); the refund waits for the dispute's outcome`,
          'SubOrderDisputed',
        );
      }
      if (disputes.some((d) => d.outcome === 'lost')) {
        for (const line of sub.lines) earlier[line.sku] = line.quantity;
      }
      return {
        paymentIntentId: sub.paymentIntentId,
        pricing: {
          lines: sub.lines.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice })),
          subtotal: part.subtotal,
          discount: part.discount,
          shipping: part.shipping,
          tax: part.tax,
          taxShipping: taxRuleFor(order.shipTo).taxShipping,
        },
        earlier,
      };
    },

    /**
     * Which warehouses accepted units go back to: the ones the order's hold took them from, by the stock
     * ledger, so each warehouse's count stays true.
     */
    async returnRestockPlan(input: {
      orderId: string;
      units: Units;
    }): Promise<Array<{ sku: string; warehouseId: string; quantity: number }>> {
      const skus = Object.keys(input.units);
      const reserved = await collections.stockLedger
        .find({ holdId: input.orderId, kind: 'reserve', sku: { $in: skus } })
        .sort({ _id: 1 })
        .toArray();
      const plan: Array<{ sku: string; warehouseId: string; quantity: number }> = [];
      for (const sku of skus) {
        let left = input.units[sku] ?? 0;
        const sources = reserved.filter((e) => e.sku === sku);
        for (const entry of sources) {
          const quantity = Math.min(left, -entry.delta);
          if (quantity > 0) plan.push({ sku, warehouseId: entry.warehouseId, quantity });
          left -= quantity;
        }
        // No ledger trace (an order from before the ledger): the first warehouse it came from, or none.
        const fallback = sources[0]?.warehouseId;
        if (left > 0 && fallback) plan.push({ sku, warehouseId: fallback, quantity: left });
      }
      return plan;
    },

    /** The onboarded seller's business contact, else the account that signed up as this seller. */
    async sellerContact(input: { sellerId: string }): Promise<{ email?: string; name?: string }> {
      const seller = await collections.sellers.findOne({ _id: input.sellerId });
      if (seller) return { email: seller.email, name: seller.name };
      const user = await collections.users.findOne({ sellerId: input.sellerId, role: 'seller' });
      return user ? { email: user.email, name: user.name } : {};
    },
  };
}
