import { ApplicationFailure } from '@temporalio/common';
import { type DisputeExposure, disputeExposure } from '../domain/dispute-postings';
import { type Money, money, sum } from '../domain/money';
import { type SellerLedgerEntry, ledgerEntryKeys, paidSubOrders } from '../domain/seller-ledger';
import type { Collections } from '../integrations/collections';

/** The disputed sub-order, as the seller ledger knows it. */
export interface DisputedSubOrder {
  disputeId: string;
  sellerId: string;
  subOrderId: string;
  orderId: string;
  amount: Money;
}

/**
 * What losing would take from the seller, given what the sub-order was credited and what returns and
 * other disputes already took back (this dispute's own entries left out, so a retry computes the same).
 * `postSale` posts the sub-order's sale when it was captured before the ledger existed, as a refund would.
 */
export async function disputeExposureOf(
  collections: Collections,
  dispute: DisputedSubOrder,
  postSale: () => Promise<unknown>,
): Promise<{ exposure: DisputeExposure; alreadyPaid: boolean }> {
  if (!(await collections.sellerLedger.findOne({ _id: ledgerEntryKeys.sale(dispute.subOrderId) }))) {
    await postSale();
  }
  const entries = await collections.sellerLedger.find({ sellerId: dispute.sellerId }).toArray();
  const own = entries.filter((e) => e.subOrderId === dispute.subOrderId && e.disputeId !== dispute.disputeId);
  const currency = dispute.amount.currency;
  const total = (...kinds: Array<SellerLedgerEntry['kind']>) =>
    sum(
      own.filter((e) => kinds.includes(e.kind)).map((e) => e.amount),
      currency,
    );
  const sale = own.find((e) => e.kind === 'sale');
  if (!sale) {
    throw ApplicationFailure.nonRetryable(
      `no sale posted for sub-order ${dispute.subOrderId}`,
      'SaleNotPosted',
    );
  }
  const exposure = disputeExposure({
    posted: { sale: sale.amount, commission: total('commission'), shipping: total('shipping') },
    refundedBefore: money(-total('refund', 'chargeback').amount, currency),
    commissionRefundedBefore: total('commission_refund'),
    disputed: dispute.amount,
  });
  return { exposure, alreadyPaid: paidSubOrders(entries).has(dispute.subOrderId) };
}
