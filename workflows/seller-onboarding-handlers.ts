import { ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { decisionRefusal } from '../domain/onboarding';
import {
  type OnboardingLinkView,
  type SellerDecisionInput,
  onboardingLinkUpdate,
  sellerDecisionUpdate,
  sellerOnboardingStateQuery,
  stripeAccountUpdatedSignal,
} from './seller-onboarding-definitions';
import type { OnboardingRun } from './seller-onboarding-state';

/** What the API and Stripe's webhooks can ask of a running onboarding: its state, events, the link, a decision. */
export function listenToOnboarding(run: OnboardingRun): void {
  const { state } = run;
  setHandler(sellerOnboardingStateQuery, () => state);
  setHandler(stripeAccountUpdatedSignal, (event) => {
    run.events.push(event);
  });
  setHandler(onboardingLinkUpdate, async (): Promise<OnboardingLinkView> => {
    state.linkRequests += 1;
    const created = state.linkRequests === 1;
    await condition(
      () => (state.onboardingUrl !== undefined || state.closedReason !== undefined) && run.savedRevision >= 0,
    );
    return {
      sellerId: state.sellerId,
      status: state.status,
      approval: state.approval,
      stripeAccountId: state.stripeAccountId,
      onboardingUrl: state.onboardingUrl,
      closedReason: state.closedReason,
      created,
    };
  });
  setHandler(
    sellerDecisionUpdate,
    async (decision) => {
      run.decide(decision);
      const target = state.revision;
      await condition(() => run.settledRevision >= target);
      return state;
    },
    {
      // Runs before the update is accepted into history: a refused decision leaves no trace.
      validator: (decision: SellerDecisionInput) => {
        const refusal = decisionRefusal(state, decision.decision);
        if (refusal) throw ApplicationFailure.nonRetryable(refusal.message, refusal.type);
      },
    },
  );
}
