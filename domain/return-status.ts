import type { TrackingStatus } from './parcel-tracking';

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

// Which status may follow which: the return's process as a state machine. Escalation hands the current
// human step to ops, so from `escalated` the return goes on as that step would have (a decision, or an
// inspection's outcome). Settled statuses lead nowhere.
const nextStatuses: Record<ReturnStatus, readonly ReturnStatus[]> = {
  requested: ['escalated', 'approved', 'rejected', 'cancelled'],
  escalated: ['approved', 'rejected', 'refund_pending', 'closed'],
  approved: ['label_created'],
  label_created: ['in_transit', 'received', 'closed'],
  in_transit: ['received'],
  received: ['escalated', 'refund_pending', 'closed'],
  refund_pending: ['refunded'],
  rejected: [],
  refunded: [],
  closed: [],
  cancelled: [],
};

export function mayMoveReturn(from: ReturnStatus, to: ReturnStatus): boolean {
  return nextStatuses[from].includes(to);
}

/**
 * The status a return moves to, checked against the rules. A move the rules do not allow is a bug in the
 * process, not a business outcome: it throws a plain error, which stops the workflow's task (retried, and
 * visible to ops) instead of settling a return wrongly.
 */
export function returnMove(from: ReturnStatus, to: ReturnStatus): ReturnStatus {
  if (!mayMoveReturn(from, to)) throw new Error(`a return cannot move from ${from} to ${to}`);
  return to;
}

/** The human step a return is waiting for, if any: whose decision or inspection it is at this status. */
export type AwaitedReturnStep = 'seller-decision' | 'ops-decision' | 'inspection';

export function awaitedReturnStep(
  status: ReturnStatus,
  escalatedStep?: 'decision' | 'inspection',
): AwaitedReturnStep | undefined {
  if (status === 'requested') return 'seller-decision';
  if (status === 'received') return 'inspection';
  if (status === 'escalated') return escalatedStep === 'inspection' ? 'inspection' : 'ops-decision';
  return undefined;
}
