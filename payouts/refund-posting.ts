import { ApplicationFailure } from '@temporalio/common';
import { refundPostings } from '../domain/ledger-postings';
import { type Money, money, sum } from '../domain/money';
import { type SellerLedgerEntry, ledgerEntryKeys, paidSubOrders } from '../domain/seller-ledger';
import { postLedgerEntry } from './ledger-entries';
import { type LedgerPostingDeps, postSale } from './sale-posting';

export interface PostReturnRefundInput {
  returnId: string;
  orderId: string;
  sellerId: string;
  /** What the buyer got back for this seller's items. */
  refund: Money;
  note?: string;
}

const amountOf = (entries: SellerLedgerEntry[], kind: SellerLedgerEntry['kind'], currency: string) =>
  sum(
    entries.filter((e) => e.kind === kind).map((e) => e.amount),
    currency,
  );

/**
 * A refunded return: the seller gives back the refund and gets back that share of the commission. If a
 * payout already covered the sub-order, the debit is carried into the seller's next payout (netted
 * before any transfer), rather than reversing a transfer the seller may already have withdrawn.
 */
export async function postReturnRefund(
  deps: LedgerPostingDeps,
  input: PostReturnRefundInput & { subOrderId: string },
): Promise<{ refund: Money; commissionRefund: Money }> {
  const { collections, now } = deps;
  const id = input.subOrderId;
  const currency = input.refund.currency;
  // A sub-order captured before the ledger existed has no sale yet: post it now, so the refund nets.
  if (!(await collections.sellerLedger.findOne({ _id: ledgerEntryKeys.sale(id) })))
    await postSale(deps, input);
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
}
