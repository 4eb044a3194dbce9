import { workflowInfo } from '@temporalio/workflow';
import type { TemplateName } from '../notifications/notification-templates';
import {
  type OnboardingProgress,
  accountEventVerdict,
  approvalAfter,
  closedReasonOf,
  sellerStatusOf,
  standingNoticeOf,
} from '../domain/onboarding';
import {
  type AccountUpdatedEvent,
  type SellerDecisionInput,
  type SellerOnboardingState,
  type StartSellerOnboarding,
  sellerOnboardingWorkflowId,
} from './seller-onboarding-definitions';

const defaultMaxEventsPerRun = 500;
const rememberedEventIds = 50;

/** A mail the workflow owes the seller, sent (once per key) when the state settles. */
export interface Notice {
  template: TemplateName;
  data: Record<string, unknown>;
  key: string;
}

function initialState(input: StartSellerOnboarding): SellerOnboardingState {
  return {
    sellerId: input.sellerId,
    userId: input.userId,
    businessName: input.businessName,
    email: input.email,
    country: input.country,
    status: 'pending_verification',
    approval: 'pending',
    detailsSubmitted: false,
    remindersSent: 0,
    productsHidden: true,
    startedAtMs: Date.now(),
    lastEventCreated: 0,
    recentEventIds: [],
    linkRequests: 0,
    revision: 0,
  };
}

/**
 * One run of a seller's onboarding: the state it carries across continue-as-new, what waits to be applied
 * (Stripe events) or sent (mail), and how far the world has followed the state. Changes here are pure
 * bookkeeping; the steps in seller-onboarding-steps.ts carry them out.
 */
export class OnboardingRun {
  readonly id: string;
  readonly state: SellerOnboardingState;
  readonly events: AccountUpdatedEvent[] = [];
  readonly notices: Notice[] = [];
  /** The revision the seller document holds; -1 until this onboarding first saves it. */
  savedRevision: number;
  /** Everything that follows from a revision (document, product visibility, mail) is done. */
  settledRevision: number;
  eventsThisRun = 0;
  searchStatus = '';
  /** Once per run is enough: creating the payout schedule is idempotent. */
  payoutScheduleEnsured = false;

  constructor(
    readonly input: StartSellerOnboarding,
    carried?: SellerOnboardingState,
  ) {
    this.id = sellerOnboardingWorkflowId(input.sellerId);
    this.state = carried ?? initialState(input);
    this.savedRevision = carried ? this.state.revision : -1;
    this.settledRevision = this.savedRevision;
  }

  changed(): void {
    this.state.revision += 1;
  }

  notify(template: TemplateName, data: Record<string, unknown>, key: string): void {
    this.notices.push({
      template,
      data: { businessName: this.state.businessName, ...data },
      key: `${this.id}-${key}`,
    });
  }

  close(reason: NonNullable<SellerOnboardingState['closedReason']>): void {
    this.state.closedReason ??= reason;
    this.state.closedAtMs ??= Date.now();
  }

  /** Something for the workflow to do: an event to apply, a document to save, a mail to send. */
  hasWork(): boolean {
    return this.events.length > 0 || this.savedRevision !== this.state.revision || this.notices.length > 0;
  }

  progress(): OnboardingProgress {
    const { startedAtMs, detailsSubmitted, remindersSent, closedReason } = this.state;
    return { startedAtMs, detailsSubmitted, remindersSent, closed: closedReason !== undefined };
  }

  /** Ops' decision, already validated (decisionRefusal): the seller is approved, or rejected and closed. */
  decide(decision: SellerDecisionInput): void {
    this.state.approval = approvalAfter(decision.decision);
    this.state.decisionReason = decision.reason;
    this.state.decidedBy = decision.decidedBy;
    if (decision.decision === 'reject') this.close('rejected_by_ops');
    this.notify(
      decision.decision === 'approve' ? 'seller-approved' : 'seller-rejected',
      { reason: decision.reason },
      'decision',
    );
    this.changed();
  }

  /** Every reminder sent and still nothing submitted: the application is closed as abandoned. */
  abandon(): void {
    this.state.status = 'rejected';
    this.close('abandoned');
    this.notify('seller-onboarding-abandoned', {}, 'abandoned');
    this.changed();
  }

  applyPendingEvents(): void {
    while (this.events.length > 0) this.apply(this.events.shift()!);
  }

  /** Long enough for one run: continue as new once the events that arrived are applied. */
  isLong(): boolean {
    const maxEvents = this.input.maxEventsPerRun ?? defaultMaxEventsPerRun;
    return (
      (this.eventsThisRun >= maxEvents || workflowInfo().continueAsNewSuggested) && this.events.length === 0
    );
  }

  private apply(event: AccountUpdatedEvent): void {
    const { state } = this;
    const verdict = accountEventVerdict(state, event);
    if (verdict === 'ignore') return;
    state.recentEventIds = [...state.recentEventIds, event.eventId].slice(-rememberedEventIds);
    this.eventsThisRun += 1;
    if (verdict === 'stale') return;
    state.lastEventCreated = event.created;
    state.account = event.account;
    state.detailsSubmitted ||= event.account.detailsSubmitted;
    if (state.closedReason) {
      this.changed();
      return;
    }
    const before = state.status;
    state.status = sellerStatusOf(event.account);
    const closedBy = closedReasonOf(state.status, state.approval);
    if (closedBy) this.close(closedBy);
    const notice = standingNoticeOf(state.approval, before, state.status);
    if (notice === 'restricted') {
      const reason = event.account.disabledReason ?? 'requirements due';
      this.notify('seller-restricted', { reason }, event.eventId);
    }
    if (notice === 'reinstated') this.notify('seller-reinstated', {}, event.eventId);
    this.changed();
  }
}
