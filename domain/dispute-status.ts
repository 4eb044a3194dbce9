// A card dispute (chargeback) as the marketplace follows it, and how Stripe's dispute statuses map onto it.
// Stripe's statuses: warning_needs_response, warning_under_review, warning_closed (an inquiry, no money
// moved), needs_response, under_review, won, lost, prevented.

export const disputeStatuses = [
  /** The webhook arrived; the charge is being matched to a sub-order and the hold posted. */
  'opening',
  /** Waiting for the seller's evidence (ops may add to it, submit it or accept the loss). */
  'awaiting_evidence',
  /** Evidence went to Stripe; the card network decides. */
  'submitted',
  /** Nothing more for us to do (Stripe refused a submission or an acceptance): waiting for Stripe's outcome. */
  'awaiting_outcome',
  /** Ops accepted the loss (Stripe's dispute closed); settled as lost. */
  'accepted',
  'won',
  'lost',
  /** The charge is not one of ours (or not recorded): ops were told, no ledger entry was made. */
  'unmatched',
] as const;

export type DisputeStatus = (typeof disputeStatuses)[number];

export type DisputeOutcome = 'won' | 'lost';

/** Statuses after which nothing changes any more. */
export const settledDisputeStatuses: readonly DisputeStatus[] = ['won', 'lost', 'accepted', 'unmatched'];

// Which status may follow which. A dispute never moves back (a submitted dispute does not wait for evidence
// again), and Stripe's outcome may settle it from any open status once the hold is in place.
const transitions: Record<DisputeStatus, readonly DisputeStatus[]> = {
  opening: ['awaiting_evidence', 'unmatched'],
  awaiting_evidence: ['submitted', 'accepted', 'awaiting_outcome', 'won', 'lost'],
  submitted: ['won', 'lost'],
  awaiting_outcome: ['won', 'lost'],
  accepted: [],
  won: [],
  lost: [],
  unmatched: [],
};

/** Whether a dispute may move from one status to another (staying put is always allowed). */
export function canMoveDispute(from: DisputeStatus, to: DisputeStatus): boolean {
  return from === to || transitions[from].includes(to);
}

/** Evidence may be added, and ops may submit or accept, only while the dispute waits for evidence. */
export function disputeTakesEvidence(status: DisputeStatus): boolean {
  return status === 'awaiting_evidence';
}

export function isOpenDispute(status: DisputeStatus): boolean {
  return !settledDisputeStatuses.includes(status);
}

/**
 * The final outcome a Stripe status means, or undefined while it is still open. An inquiry that closed
 * without becoming a chargeback, and a dispute prevented by the network, release the hold like a win.
 */
export function outcomeOfStripeStatus(status: string): DisputeOutcome | undefined {
  if (status === 'won' || status === 'warning_closed' || status === 'prevented') return 'won';
  if (status === 'lost') return 'lost';
  return undefined;
}

/** Who pays Stripe's dispute fee when a dispute is lost (`DISPUTE_FEE_BORNE_BY`). */
export type DisputeFeePayer = 'seller' | 'marketplace';

export interface StripeDisputeView {
  stripeStatus: string;
  /** Stripe time (seconds) of the newest event applied. */
  lastEventAt?: number;
  outcome?: DisputeOutcome;
}

/**
 * Applies one dispute webhook. Stripe's final statuses are final, so one of them decides whenever it
 * arrives; an open status only replaces an older one, so a late or repeated event never moves it back.
 */
export function followStripeEvent(
  view: StripeDisputeView,
  event: { created: number; stripeStatus: string },
): StripeDisputeView {
  if (view.outcome) return view;
  const outcome = outcomeOfStripeStatus(event.stripeStatus);
  if (outcome) return { stripeStatus: event.stripeStatus, lastEventAt: event.created, outcome };
  if (view.lastEventAt !== undefined && event.created < view.lastEventAt) return view;
  return { stripeStatus: event.stripeStatus, lastEventAt: event.created };
}
