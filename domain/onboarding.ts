import { canSell, type SellerStanding } from './seller-standing';

// Seller onboarding rules: what Stripe's view of a connected account means for the marketplace, when a
// stalled seller is reminded or given up on, and which ops decisions are allowed. Pure: the onboarding
// workflow and its tests call these with plain values.

export type SellerStatus = SellerStanding['status'];
export type SellerApproval = SellerStanding['approval'];
export type ClosedReason = 'abandoned' | 'rejected_by_ops' | 'rejected_by_stripe';

/** The fields of a Stripe Account that decide a seller's status. */
export interface AccountSnapshot {
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  /** Stripe's requirements.disabled_reason, e.g. `requirements.past_due`, `rejected.fraud`; null if none. */
  disabledReason: string | null;
}

export function sellerStatusOf(account: AccountSnapshot): SellerStatus {
  if (account.disabledReason?.startsWith('rejected.')) return 'rejected';
  if (account.chargesEnabled && account.payoutsEnabled) return 'active';
  // Not yet through Stripe's form, or submitted and waiting on Stripe's checks: still onboarding.
  if (!account.detailsSubmitted || account.disabledReason === 'requirements.pending_verification') {
    return 'pending_verification';
  }
  return 'restricted';
}

/** Durable reminder timers, measured from the start of onboarding, while the seller has not finished. */
export const reminderOffsetsMs = [1, 3, 7].map((days) => days * 86_400_000);
/** With every reminder sent and still nothing submitted, the application is closed. */
export const giveUpAfterMs = 14 * 86_400_000;
/** A closed application's workflow stays to answer late webhooks and ops with a clear reason. */
export const closedRetentionMs = 30 * 86_400_000;

export interface OnboardingProgress {
  startedAtMs: number;
  detailsSubmitted: boolean;
  remindersSent: number;
  closed: boolean;
}

export type OnboardingDeadline = { kind: 'remind'; atMs: number } | { kind: 'give_up'; atMs: number };

/** The next stall deadline, or none once the seller has submitted their details (or onboarding is over). */
export function nextOnboardingDeadline(progress: OnboardingProgress): OnboardingDeadline | undefined {
  if (progress.closed || progress.detailsSubmitted) return undefined;
  const offset = reminderOffsetsMs[progress.remindersSent];
  if (offset !== undefined) return { kind: 'remind', atMs: progress.startedAtMs + offset };
  return { kind: 'give_up', atMs: progress.startedAtMs + giveUpAfterMs };
}

export type OpsDecision = 'approve' | 'reject';

export interface DecisionSubject {
  approval: SellerApproval;
  closedReason?: ClosedReason;
}

export type DecisionRefusal = { type: 'DecisionAlreadyMade' | 'SellerClosed'; message: string };

/** Why ops may not make this decision now, or undefined if they may. */
export function decisionRefusal(seller: DecisionSubject, decision: OpsDecision): DecisionRefusal | undefined {
  if (seller.approval !== 'pending') {
    return { type: 'DecisionAlreadyMade', message: `the seller is already ${seller.approval}` };
  }
  if (seller.closedReason && decision === 'approve') {
    return { type: 'SellerClosed', message: `cannot approve a closed application (${seller.closedReason})` };
  }
  return undefined;
}

export function closedReasonOf(status: SellerStatus, approval: SellerApproval): ClosedReason | undefined {
  if (approval === 'rejected') return 'rejected_by_ops';
  if (status === 'rejected') return 'rejected_by_stripe';
  return undefined;
}

/** Products are shown only while the seller may sell; anything else hides them (and pauses payouts). */
export function productsHidden(standing: SellerStanding): boolean {
  return !canSell(standing);
}

/** What ops search for in the Temporal UI: `MarketplaceStatus = "awaiting_approval"` lists the queue. */
export function marketplaceStatusOf(
  standing: SellerStanding & { closedReason?: ClosedReason | undefined },
): string {
  if (standing.closedReason) return standing.closedReason === 'abandoned' ? 'abandoned' : 'rejected';
  if (standing.approval === 'pending' && standing.status === 'active') return 'awaiting_approval';
  return standing.status;
}

/** The approval an ops decision gives. */
export function approvalAfter(decision: OpsDecision): Exclude<SellerApproval, 'pending'> {
  return decision === 'approve' ? 'approved' : 'rejected';
}

/** What the seller is told when Stripe moves an approved seller between active and restricted. */
export type StandingNotice = 'restricted' | 'reinstated';

/** A live (approved) seller hears of losing and regaining the right to sell; nobody else is told. */
export function standingNoticeOf(
  approval: SellerApproval,
  before: SellerStatus,
  after: SellerStatus,
): StandingNotice | undefined {
  if (approval !== 'approved') return undefined;
  if (before === 'active' && after === 'restricted') return 'restricted';
  if (before === 'restricted' && after === 'active') return 'reinstated';
  return undefined;
}

/** What onboarding remembers of the Stripe events it has applied. */
export interface AppliedEvents {
  stripeAccountId?: string | undefined;
  recentEventIds: readonly string[];
  /** Stripe's `created` (seconds) of the newest event applied. */
  lastEventCreated: number;
}

/**
 * What to do with a Stripe account event: `ignore` another account's event (a mis-set metadata.sellerId
 * must never steer this seller) or one already seen; `stale` for one older than the last applied (Stripe
 * does not promise order, so it says nothing new, but it is remembered as seen); `apply` otherwise.
 */
export function accountEventVerdict(
  applied: AppliedEvents,
  event: { accountId: string; eventId: string; created: number },
): 'ignore' | 'stale' | 'apply' {
  if (event.accountId !== applied.stripeAccountId || applied.recentEventIds.includes(event.eventId)) {
    return 'ignore';
  }
  return event.created < applied.lastEventCreated ? 'stale' : 'apply';
}

/**
 * What a waiting onboarding does when it wakes with nothing to handle: the stall deadline it waited for
 * (`remind`, `give_up`), or, with no deadline left, the end of a closed application's retention (`retire`).
 */
export function wakeStepOf(deadline: OnboardingDeadline | undefined): 'remind' | 'give_up' | 'retire' {
  return deadline?.kind ?? 'retire';
}

/** When a waiting onboarding wakes on its own: at its stall deadline, or when a closed one's retention ends. */
export function wakeAtOf(
  deadline: OnboardingDeadline | undefined,
  closedAtMs: number | undefined,
): number | undefined {
  return deadline?.atMs ?? (closedAtMs === undefined ? undefined : closedAtMs + closedRetentionMs);
}
