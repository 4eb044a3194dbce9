import { ApplicationFailure } from '@temporalio/activity';
import { refundPostings, salePostings } from '../domain/ledger-postings';
import { type Money, money, sum } from '../domain/money';
import { checkoutTotals } from '../domain/order-totals';
import { type SellerLedgerEntry, ledgerEntryKeys, paidSubOrders } from '../domain/seller-ledger';
import type { Collections } from '../integrations/collections';
import { commissionRules } from '../payouts/commission-rules';
import { postLedgerEntry } from '../payouts/ledger-entries';
import { subOrderId } from './sub-orders';

// Moved to payouts/ledger-entries.ts; re-exported while the dispute activities still import it from here.
export { postLedgerEntry } from '../payouts/ledger-entries';

export interface PostReturnRefundInput {
  returnId: string;
  orderId: string;
  sellerId: string;
  /** What the buyer got back for this seller's items. */
  refund: Money;
  note?: string;
}

export function createSellerLedgerActivities({
  collections,
  now,
}: {
  collections: Collections;
  now: () => Date;
}) {
  const amountOf = (entries: SellerLedgerEntry[], kind: SellerLedgerEntry['kind'], currency: string) =>
    sum(
      entries.filter((e) => e.kind === kind).map((e) => e.amount),
      currency,
    );

  /** Right after capture: the sale, the marketplace's commission and the buyer's shipping, once each. */
  async function postSale(input: { orderId: string; sellerId: string }): Promise<void> {
    const id = subOrderId(input.orderId, input.sellerId);
    const [order, subOrder] = await Promise.all([
      collections.orders.findOne({ _id: input.orderId }),
      collections.subOrders.findOne({ _id: id }),
    ]);
    if (!order || !subOrder) {
      throw ApplicationFailure.nonRetryable(`sub-order ${id} is not recorded`, 'SubOrderNotFound');
    }
    const currency = subOrder.total.currency;
    // Checkout's own split, recomputed from the recorded order, gives this seller's discount and shipping.
    const part = order.shipTo
      ? checkoutTotals(order.lines, order.shipTo, order.discount?.amount ?? 0).bySeller.find(
          (s) => s.sellerId === input.sellerId,
        )
      : undefined;
    const posted = salePostings({
      sellerId: input.sellerId,
      lines: subOrder.lines,
      discount: part?.discount ?? money(0, currency),
      shipping: part?.shipping ?? money(0, currency),
      rules: await commissionRules(collections),
    });
    const at = now();
    const common = { sellerId: input.sellerId, orderId: input.orderId, subOrderId: id, createdAt: at };
    await postLedgerEntry(collections, {
      _id: ledgerEntryKeys.sale(id),
      kind: 'sale',
      amount: posted.sale,
      note: `Sale of order ${input.orderId}`,
      ...common,
    });
    await postLedgerEntry(collections, {
      _id: ledgerEntryKeys.commission(id),
      kind: 'commission',
      amount: posted.commission,
      note: `Marketplace commission on order ${input.orderId}`,
      ...common,
    });
    if (posted.shipping.amount !== 0) {
      await postLedgerEntry(collections, {
        _id: ledgerEntryKeys.shipping(id),
        kind: 'shipping',
        amount: posted.shipping,
        note: `Shipping paid by the buyer of order ${input.orderId}`,
        ...common,
      });
    }
  }

  return {
    postSaleToLedger: postSale,

    /**
     * A refunded return: the seller gives back the refund and gets back that share of the commission. If a
     * payout already covered the sub-order, the debit is carried into the seller's next payout (netted
     * before any transfer), rather than reversing a transfer the seller may already have withdrawn.
     */
    async postReturnRefund(
      input: PostReturnRefundInput,
    ): Promise<{ refund: Money; commissionRefund: Money }> {
      const id = subOrderId(input.orderId, input.sellerId);
      const currency = input.refund.currency;
      // A sub-order captured before the ledger existed has no sale yet: post it now, so the refund nets.
      if (!(await collections.sellerLedger.findOne({ _id: ledgerEntryKeys.sale(id) }))) await postSale(input);
      const entries = await collections.sellerLedger.find({ sellerId: input.sellerId }).toArray();
      const own = entries.filter((e) => e.subOrderId === id);
      const earlier = own.filter((e) => e.returnId !== input.returnId);
      const already = own.filter((e) => e.returnId === input.returnId);
      const sale = own.find((e) => e.kind === 'sale');
      if (!sale) {
        throw ApplicationFailure.nonRetryable(`no sale posted for sub-order ${id}`, 'SaleNotPosted');
      }
      const postings = refundPostings({
        posted: {
          sale: sale.amount,
          commission: amountOf(own, 'commission', currency),
          shipping: amountOf(own, 'shipping', currency),
        },
        // A lost dispute already took its part back from the seller: a return never takes it twice.
        refundedBefore: money(
          -(amountOf(earlier, 'refund', currency).amount + amountOf(earlier, 'chargeback', currency).amount),
          currency,
        ),
        commissionRefundedBefore: amountOf(earlier, 'commission_refund', currency),
        refund: input.refund,
      });
      const afterPayout = paidSubOrders(entries).has(id);
      const why = [
        input.note ?? `Refund of return ${input.returnId} on order ${input.orderId}`,
        ...(afterPayout ? ['the sub-order was already paid out, so this is taken from the next payout'] : []),
      ].join('; ');
      const at = already[0]?.createdAt ?? now();
      const common = {
        sellerId: input.sellerId,
        orderId: input.orderId,
        subOrderId: id,
        returnId: input.returnId,
        createdAt: at,
      };
      await postLedgerEntry(collections, {
        _id: ledgerEntryKeys.refund(input.returnId, input.sellerId),
        kind: 'refund',
        amount: postings.refund,
        note: why,
        ...common,
      });
      if (postings.commissionRefund.amount > 0) {
        await postLedgerEntry(collections, {
          _id: ledgerEntryKeys.commissionRefund(input.returnId, input.sellerId),
          kind: 'commission_refund',
          amount: postings.commissionRefund,
          note: `Commission returned on return ${input.returnId}`,
          ...common,
        });
      }
      const stored = await collections.sellerLedger
        .find({ sellerId: input.sellerId, returnId: input.returnId })
        .toArray();
      return {
        refund: amountOf(stored, 'refund', currency),
        commissionRefund: amountOf(stored, 'commission_refund', currency),
      };
    },
  };
}
