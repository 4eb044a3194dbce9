import { isPayable } from '../domain/payout-eligibility';
import type { ReturnPolicy } from '../domain/return-window';
import { type SellerBalances, type SellerLedgerEntry, sellerBalances } from '../domain/seller-ledger';
import { type Collections } from '../integrations/collections';
import { closedReturnStatuses } from '../domain/return-status';
import { findByIds } from '../integrations/find-by-ids';

/** A seller's ledger and which of its sub-orders have settled as of a moment (the payout's workflow time). */
export interface SettlementView {
  entries: SellerLedgerEntry[];
  payable: (subOrderId: string) => boolean;
}

export async function readSettlementView(
  collections: Collections,
  sellerId: string,
  asOf: Date,
  policy: ReturnPolicy,
): Promise<SettlementView> {
  const entries = await collections.sellerLedger.find({ sellerId }).sort({ createdAt: 1, _id: 1 }).toArray();
  const ids = [...new Set(entries.flatMap((entry) => (entry.subOrderId ? [entry.subOrderId] : [])))];
  const [subOrders, openReturns] = await Promise.all([
    findByIds(collections.subOrders, ids, { projection: { orderId: 1, deliveredAt: 1, lines: 1 } }),
    collections.returns
      .find({ sellerId, status: { $nin: [...closedReturnStatuses] } }, { projection: { orderId: 1 } })
      .toArray(),
  ]);
  // Both lists are this seller's, so an order id names its one sub-order here.
  const withOpenReturn = new Set(openReturns.map((r) => r.orderId));
  const payable = new Set(
    subOrders
      .filter((subOrder) =>
        isPayable(
          {
            ...(subOrder.deliveredAt ? { deliveredAt: subOrder.deliveredAt } : {}),
            categories: subOrder.lines.map((line) => line.category ?? ''),
            hasOpenReturn: withOpenReturn.has(subOrder.orderId),
          },
          policy,
          asOf,
        ),
      )
      .map((subOrder) => subOrder._id),
  );
  return { entries, payable: (id) => payable.has(id) };
}

/**
 * Pending, available and paid for one seller as of `asOf`, summed from the ledger (the dashboard and the
 * API read this; a payout run uses the same view).
 */
export async function readSellerBalances(
  collections: Collections,
  sellerId: string,
  asOf: Date,
  policy: ReturnPolicy,
): Promise<SellerBalances> {
  const view = await readSettlementView(collections, sellerId, asOf, policy);
  return sellerBalances(view.entries, view.payable);
}
