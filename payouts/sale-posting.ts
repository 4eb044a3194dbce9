import { ApplicationFailure } from '@temporalio/common';
import { salePostings } from '../domain/ledger-postings';
import { money } from '../domain/money';
import { checkoutTotals } from '../domain/order-totals';
import { ledgerEntryKeys } from '../domain/seller-ledger';
import type { Collections } from '../integrations/collections';
import { commissionRules } from './commission-rules';
import { postLedgerEntry } from './ledger-entries';

export interface LedgerPostingDeps {
  collections: Collections;
  now: () => Date;
}

export interface SalePostingInput {
  orderId: string;
  sellerId: string;
  /** The sub-order the sale is of (`<orderId>:<sellerId>`), named by the caller that owns that id. */
  subOrderId: string;
}

/** Right after capture: the sale, the marketplace's commission and the buyer's shipping, once each. */
export async function postSale(deps: LedgerPostingDeps, input: SalePostingInput): Promise<void> {
  const { collections, now } = deps;
  const id = input.subOrderId;
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
