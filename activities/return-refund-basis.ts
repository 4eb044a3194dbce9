import { ApplicationFailure } from '@temporalio/activity';
import { checkoutTotals } from '../domain/order-totals';
import type { SubOrderPricing, Units } from '../domain/return-refund';
import { taxRuleFor } from '../domain/tax';
import type { Collections } from '../integrations/collections';
import { subOrderId } from './sub-orders';

export interface RefundBasis {
  paymentIntentId: string;
  pricing: SubOrderPricing;
  /** Units of this sub-order already refunded by other returns. */
  earlier: Units;
}

/** What a return's refund is computed from: the sub-order's price split, and what was refunded before. */
export function createReturnRefundBasisActivities({ collections }: { collections: Collections }) {
  return {
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
  };
}
