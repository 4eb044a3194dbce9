import { type Money, add, money, zero } from './money';

// What the marketplace owes each seller, as an append-only list of entries. Credits to the seller are
// positive, debits negative; a balance is always derived from the entries, never kept as a counter.

export type LedgerEntryKind =
  | 'sale'
  | 'commission'
  | 'shipping'
  | 'refund'
  | 'commission_refund'
  | 'transfer'
  | 'transfer_reversal'
  | 'adjustment'
  /** Money kept back while a dispute is open (negative), and given back when it closes (positive). */
  | 'dispute_hold'
  | 'dispute_release'
  /** A lost dispute: the buyer's bank took the money back; counts as a refund of the sub-order. */
  | 'chargeback'
  | 'chargeback_fee';

export interface SellerLedgerEntry {
  /** Deterministic business key (`sale:<subOrderId>`, `refund:<returnId>:<sellerId>`): a retry inserts nothing. */
  _id: string;
  sellerId: string;
  kind: LedgerEntryKind;
  /** Signed: positive is owed to the seller, negative is taken from (or paid out to) the seller. */
  amount: Money;
  orderId?: string;
  subOrderId?: string;
  returnId?: string;
  disputeId?: string;
  payoutId?: string;
  /** On a transfer: the sub-orders it settled, which stay settled whatever happens to them later. */
  subOrderIds?: string[];
  /** Why the entry exists, in words a seller reads on their statement. */
  note: string;
  createdAt: Date;
}

export interface SellerBalances {
  /** Earned on sub-orders whose return window is still open (or that have a return open). */
  pending: Money;
  /** Settled and not yet paid out; negative when refunds after a payout are carried into the next one. */
  available: Money;
  /** Moved to the seller's Stripe account, net of reversals. */
  paid: Money;
}

export const ledgerEntryKeys = {
  sale: (subOrderId: string) => `sale:${subOrderId}`,
  commission: (subOrderId: string) => `commission:${subOrderId}`,
  shipping: (subOrderId: string) => `shipping:${subOrderId}`,
  refund: (returnId: string, sellerId: string) => `refund:${returnId}:${sellerId}`,
  commissionRefund: (returnId: string, sellerId: string) => `commission_refund:${returnId}:${sellerId}`,
  transfer: (payoutId: string) => `transfer:${payoutId}`,
  transferReversal: (payoutId: string, returnId: string) => `transfer_reversal:${payoutId}:${returnId}`,
  adjustment: (sellerId: string, clientKey: string) => `adjustment:${sellerId}:${clientKey}`,
  disputeHold: (disputeId: string) => `dispute_hold:${disputeId}`,
  disputeRelease: (disputeId: string) => `dispute_release:${disputeId}`,
  chargeback: (disputeId: string) => `chargeback:${disputeId}`,
  chargebackCommissionRefund: (disputeId: string) => `chargeback_commission_refund:${disputeId}`,
  chargebackFee: (disputeId: string) => `chargeback_fee:${disputeId}`,
};

/** What open disputes keep back: holds not yet released (a positive amount). */
export function heldForDisputes(entries: SellerLedgerEntry[], currency: string): Money {
  const held = entries
    .filter((e) => e.kind === 'dispute_hold' || e.kind === 'dispute_release')
    .reduce((total, e) => total - e.amount.amount, 0);
  return money(held, currency);
}

function isPayout(entry: SellerLedgerEntry): boolean {
  return entry.kind === 'transfer' || entry.kind === 'transfer_reversal';
}

/** Sub-orders some transfer already paid for: later entries on them settle at once (and may go negative). */
export function paidSubOrders(entries: SellerLedgerEntry[]): Set<string> {
  return new Set(entries.filter((e) => e.kind === 'transfer').flatMap((e) => e.subOrderIds ?? []));
}

/**
 * Splits a seller's entries into pending, available and paid. `payable(subOrderId)` says whether a
 * sub-order has settled (delivered, return window closed, no return open); entries without a sub-order
 * (adjustments) are available at once, and a sub-order a transfer already covered stays settled.
 */
export function sellerBalances(
  entries: SellerLedgerEntry[],
  payable: (subOrderId: string) => boolean,
  currency = entries[0]?.amount.currency ?? 'USD',
): SellerBalances {
  const paidFor = paidSubOrders(entries);
  let pending = zero(currency);
  let settled = zero(currency);
  let paid = zero(currency);
  for (const entry of entries) {
    if (isPayout(entry)) {
      paid = add(paid, money(-entry.amount.amount, entry.amount.currency));
    } else if (!entry.subOrderId || paidFor.has(entry.subOrderId) || payable(entry.subOrderId)) {
      settled = add(settled, entry.amount);
    } else {
      pending = add(pending, entry.amount);
    }
  }
  return { pending, available: money(settled.amount - paid.amount, currency), paid };
}

/** The sub-orders a payout made now would settle for the first time (recorded on its transfer entry). */
export function newlySettledSubOrders(
  entries: SellerLedgerEntry[],
  payable: (subOrderId: string) => boolean,
): string[] {
  const paidFor = paidSubOrders(entries);
  const ids = new Set<string>();
  for (const entry of entries) {
    if (entry.subOrderId && !paidFor.has(entry.subOrderId) && payable(entry.subOrderId)) {
      ids.add(entry.subOrderId);
    }
  }
  return [...ids].sort();
}

// Entries posted at the same instant (a sale and its commission and shipping) are listed in the order the
// business reads them: what the seller earned first, then what is taken from it, so the running total
// never starts negative.
const statementOrder: Record<LedgerEntryKind, number> = {
  sale: 0,
  shipping: 1,
  dispute_release: 2,
  commission: 3,
  refund: 4,
  commission_refund: 5,
  dispute_hold: 6,
  chargeback: 7,
  chargeback_fee: 8,
  adjustment: 9,
  transfer: 10,
  transfer_reversal: 11,
};

/** Entries in order, each with the balance (all kinds) after it: the seller's statement lines. */
export function withRunningTotal(
  entries: SellerLedgerEntry[],
): Array<SellerLedgerEntry & { runningTotal: Money }> {
  const sorted = [...entries].sort(
    (a, b) =>
      a.createdAt.getTime() - b.createdAt.getTime() ||
      statementOrder[a.kind] - statementOrder[b.kind] ||
      a._id.localeCompare(b._id),
  );
  let total: Money | undefined;
  return sorted.map((entry) => {
    total = total ? add(total, entry.amount) : entry.amount;
    return { ...entry, runningTotal: total };
  });
}
