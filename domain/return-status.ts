import type { TrackingStatus } from '../integrations/carriers/carrier';

// A return from request to refund. Everything but the settled statuses is "open": an open return holds
// back the seller's payout for that sub-order, so the settled list is a contract with payout eligibility.
export const returnStatuses = [
  'requested',
  'escalated',
  'approved',
  'label_created',
  'in_transit',
  'received',
  'refund_pending',
  'rejected',
  'refunded',
  'closed',
  'cancelled',
] as const;

export type ReturnStatus = (typeof returnStatuses)[number];

export const closedReturnStatuses: readonly ReturnStatus[] = ['rejected', 'refunded', 'closed', 'cancelled'];

export function isOpenReturn(status: ReturnStatus): boolean {
  return !closedReturnStatuses.includes(status);
}

const parcelRank: Partial<Record<ReturnStatus, number>> = { label_created: 0, in_transit: 1, received: 2 };

/** Where a carrier event moves the return parcel; late, repeated or backward events move nothing. */
export function parcelAdvance(current: ReturnStatus, event: TrackingStatus): ReturnStatus | undefined {
  const next: ReturnStatus | undefined =
    event === 'in_transit' || event === 'out_for_delivery'
      ? 'in_transit'
      : event === 'delivered'
        ? 'received'
        : undefined;
  const from = parcelRank[current];
  const to = next === undefined ? undefined : parcelRank[next];
  return from !== undefined && to !== undefined && to > from ? next : undefined;
}
