import { condition, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { type EvidenceDraft, emptyEvidence, mergeEvidence } from '../domain/dispute-evidence';
import {
  type DisputeStatus,
  type StripeDisputeView,
  canMoveDispute,
  disputeTakesEvidence,
  followStripeEvent,
} from '../domain/dispute-status';
import {
  type DisputeInput,
  type DisputeState,
  acceptDisputeUpdate,
  addDisputeEvidenceUpdate,
  disputeEventSignal,
  disputeStateQuery,
  submitDisputeUpdate,
} from '../disputes/dispute-messages';
import { MarketplaceStatus } from './search-attributes';

/**
 * One dispute workflow's state and what it listens to: Stripe's events, the seller's evidence, and ops'
 * submission or acceptance. The workflow body reads the decisions from here; the handlers only record them.
 */
export class DisputeRun {
  readonly state: DisputeState;
  /** Stripe's view of the dispute, newest event first; its outcome, once final, decides. */
  stripe: StripeDisputeView;
  opsSubmit = false;
  opsAccept: { reason: string } | undefined;
  private feeSeenAt = -1;
  private evidenceClosed = false;

  constructor(input: DisputeInput) {
    this.state = {
      disputeId: input.disputeId,
      status: 'opening',
      stripeStatus: input.stripeStatus,
      amount: input.amount,
      reason: input.reason,
      ...(input.dueBy ? { dueBy: input.dueBy } : {}),
      evidence: emptyEvidence(),
      remindersSent: 0,
    };
    this.stripe = { stripeStatus: input.stripeStatus };
    this.listen();
  }

  /** Someone decided what happens next: ops submitted or accepted, or Stripe ruled. */
  readonly decided = (): boolean => this.opsSubmit || !!this.opsAccept || !!this.stripe.outcome;

  /**
   * Moves the dispute to a status the domain's rules allow, and shows it to ops' searches. A move the rules
   * refuse is a bug: the workflow task fails (and is retried once fixed) rather than the dispute.
   */
  enter(status: DisputeStatus, changes: Partial<DisputeState> = {}): void {
    if (!canMoveDispute(this.state.status, status)) {
      throw new Error(`a dispute cannot move from ${this.state.status} to ${status}`);
    }
    Object.assign(this.state, changes, { status });
    upsertSearchAttributes([{ key: MarketplaceStatus, value: status }]);
  }

  /** An ops update answers once the workflow acted on it (the dispute no longer waits for evidence). */
  private async settledOnEvidence(): Promise<void> {
    await condition(() => !disputeTakesEvidence(this.state.status));
  }

  /**
   * The wait for evidence is over (someone decided, or the marketplace submits on its own now): what came
   * later would be acknowledged and never reach Stripe, so it is refused instead.
   */
  closeEvidence(): void {
    this.evidenceClosed = true;
  }

  private mayAdd(): void {
    if (this.evidenceClosed) {
      throw new Error('the time to add evidence has passed; the dispute is being decided');
    }
    if (!disputeTakesEvidence(this.state.status) || this.opsSubmit || this.opsAccept) {
      throw new Error(`dispute is ${this.state.status}; evidence can no longer be added`);
    }
  }

  private listen(): void {
    const { state } = this;
    setHandler(disputeStateQuery, () => state);
    setHandler(disputeEventSignal, (event) => {
      this.stripe = followStripeEvent(this.stripe, event);
      state.stripeStatus = this.stripe.stripeStatus;
      if (this.stripe.lastEventAt !== undefined) state.lastEventAt = this.stripe.lastEventAt;
      // The newest event that lists the dispute's balance transactions knows its fee best.
      if (event.fee && event.created >= this.feeSeenAt) {
        state.fee = event.fee;
        this.feeSeenAt = event.created;
      }
    });
    setHandler(
      addDisputeEvidenceUpdate,
      ({ by, evidence }) => {
        state.evidence = mergeEvidence(state.evidence, evidence);
        if (by === 'seller' && !state.sellerAnsweredAt)
          state.sellerAnsweredAt = new Date(Date.now()).toISOString();
        return state;
      },
      { validator: (_input: { by: 'seller' | 'ops'; evidence: EvidenceDraft }) => this.mayAdd() },
    );
    setHandler(
      submitDisputeUpdate,
      async ({ evidence }) => {
        if (evidence) state.evidence = mergeEvidence(state.evidence, evidence);
        this.opsSubmit = true;
        await this.settledOnEvidence();
        return state;
      },
      { validator: (_input: { evidence?: EvidenceDraft; note?: string }) => this.mayAdd() },
    );
    setHandler(
      acceptDisputeUpdate,
      async ({ reason }) => {
        this.opsAccept = { reason };
        await this.settledOnEvidence();
        return state;
      },
      { validator: (_input: { reason: string }) => this.mayAdd() },
    );
  }
}
