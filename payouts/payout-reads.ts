import type { Money } from '../domain/money';
import type { ReturnPolicy } from '../domain/return-window';
import {
  type SellerBalances,
  type SellerLedgerEntry,
  sellerBalances,
  withRunningTotal,
} from '../domain/seller-ledger';
import { canBePaid } from '../domain/seller-standing';
import type { Collections } from '../integrations/collections';
import type { SellerDoc } from '../sellers/documents';
import type { PayoutDoc } from './documents';
import type { PayoutSchedules, PayoutScheduleView } from './payout-schedules';
import { readSettlementView } from './seller-balances';

// The payouts read model: what a seller (or ops) sees of its money. Balances are summed from the ledger as
// of the moment asked, so pending money turns available as return windows close, without a write.

export interface PayoutReadDeps {
  collections: Collections;
  schedules: PayoutSchedules;
  policy: ReturnPolicy;
}

/** The seller whose payouts are asked for; null when there is none. */
export function payoutSeller(collections: Collections, sellerId: string): Promise<SellerDoc | null> {
  return collections.sellers.findOne({ _id: sellerId });
}

export interface SellerPayouts {
  canBePaid: boolean;
  balances: SellerBalances;
  schedule: PayoutScheduleView | undefined;
  /** Past runs, newest first (the last 100). */
  payouts: PayoutDoc[];
}

export async function sellerPayouts(
  deps: PayoutReadDeps,
  seller: SellerDoc,
  asOf: Date,
): Promise<SellerPayouts> {
  const [view, schedule, payouts] = await Promise.all([
    readSettlementView(deps.collections, seller._id, asOf, deps.policy),
    deps.schedules.describePayoutSchedule(seller._id),
    deps.collections.payouts.find({ sellerId: seller._id }).sort({ createdAt: -1 }).limit(100).toArray(),
  ]);
  return {
    canBePaid: canBePaid(seller),
    balances: sellerBalances(view.entries, view.payable),
    schedule,
    payouts,
  };
}

export type SellerLedgerLine = SellerLedgerEntry & { runningTotal: Money };

export interface SellerLedger {
  balances: SellerBalances;
  /** Every entry in time order, each with the total owed after it. */
  entries: SellerLedgerLine[];
}

export async function sellerLedger(
  deps: PayoutReadDeps,
  sellerId: string,
  asOf: Date,
): Promise<SellerLedger> {
  const view = await readSettlementView(deps.collections, sellerId, asOf, deps.policy);
  return { balances: sellerBalances(view.entries, view.payable), entries: withRunningTotal(view.entries) };
}
