import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { SellerRecord } from '../sellers/documents';
import type {
  AccountSnapshot,
  ClosedReason,
  OpsDecision,
  SellerApproval,
  SellerStatus,
} from '../domain/onboarding';

// Shared by the API (which starts, signals, updates and queries onboarding) and the workflow itself.

export function sellerOnboardingWorkflowId(sellerId: string): string {
  return `seller-onboarding-${sellerId}`;
}

export interface StartSellerOnboarding {
  sellerId: string;
  userId: string;
  businessName: string;
  /** ISO 3166-1 alpha-2, as Stripe expects it. */
  country: string;
  email: string;
  /** Where Stripe sends the seller after the form, and where an expired link is refreshed. */
  returnUrl: string;
  refreshUrl: string;
  /** Continue-as-new after this many Stripe events, keeping the history short (tests lower it). */
  maxEventsPerRun?: number;
}

/** A Stripe `account.updated` event, reduced to what onboarding decides on. */
export interface AccountUpdatedEvent {
  eventId: string;
  /** Stripe's `created` (seconds): an older event than the last applied one is stale and ignored. */
  created: number;
  accountId: string;
  account: AccountSnapshot;
}

export interface SellerOnboardingState {
  sellerId: string;
  userId: string;
  businessName: string;
  email: string;
  country: string;
  status: SellerStatus;
  approval: SellerApproval;
  stripeAccountId?: string;
  onboardingUrl?: string;
  account?: AccountSnapshot;
  detailsSubmitted: boolean;
  remindersSent: number;
  closedReason?: ClosedReason;
  decisionReason?: string;
  decidedBy?: string;
  /** Whether the seller's products are hidden from buyers right now (kept in step with the standing). */
  productsHidden: boolean;
  startedAtMs: number;
  closedAtMs?: number;
  lastEventCreated: number;
  recentEventIds: string[];
  /** How many times the API asked for the link; the first ask is the one that created the seller. */
  linkRequests: number;
  /** Bumped on every change; the workflow persists the seller document when it moves. */
  revision: number;
}

export interface OnboardingLinkView {
  sellerId: string;
  status: SellerStatus;
  approval: SellerApproval;
  stripeAccountId?: string;
  onboardingUrl?: string;
  closedReason?: ClosedReason;
  created: boolean;
}

export interface SellerDecisionInput {
  decision: OpsDecision;
  reason: string;
  decidedBy: string;
}

export const sellerOnboardingStateQuery = defineQuery<SellerOnboardingState>('sellerOnboardingState');
export const stripeAccountUpdatedSignal = defineSignal<[AccountUpdatedEvent]>('stripeAccountUpdated');
/** Answers once the Stripe account and its onboarding link exist, so POST /sellers replies in one call. */
export const onboardingLinkUpdate = defineUpdate<OnboardingLinkView, []>('onboardingLink');
export const sellerDecisionUpdate = defineUpdate<SellerOnboardingState, [SellerDecisionInput]>(
  'sellerDecision',
);

/** The seller document as this state projects it: what the workflow saves, and what the API shows before. */
export function sellerRecordOf(state: SellerOnboardingState): SellerRecord {
  return {
    _id: state.sellerId,
    userId: state.userId,
    name: state.businessName,
    email: state.email,
    country: state.country,
    status: state.status,
    approval: state.approval,
    stripeAccountId: state.stripeAccountId,
    closedReason: state.closedReason,
    decisionReason: state.decisionReason,
  };
}
