import { continueAsNew } from '@temporalio/workflow';
import { nextOnboardingDeadline, wakeAtOf, wakeStepOf } from '../domain/onboarding';
import type { SellerOnboardingState, StartSellerOnboarding } from './seller-onboarding-definitions';
import { listenToOnboarding } from './seller-onboarding-handlers';
import { showOnboardingWait } from './seller-onboarding-ops-view';
import { OnboardingRun } from './seller-onboarding-state';
import {
  freshLink,
  openStripeAccount,
  sendReminder,
  settle,
  waitForWork,
  wrapUp,
} from './seller-onboarding-steps';

/**
 * One seller's life on the marketplace, `seller-onboarding-<sellerId>`: opens the Stripe Connect account,
 * follows Stripe's account.updated events, reminds a stalled seller and closes the application if they never
 * finish, takes ops' approval, and hides the seller's products while Stripe restricts the account. The seller
 * document is a projection this workflow alone writes.
 */
export async function sellerOnboardingWorkflow(
  input: StartSellerOnboarding,
  carried?: SellerOnboardingState,
): Promise<SellerOnboardingState> {
  const run = new OnboardingRun(input, carried);
  const { state } = run;
  listenToOnboarding(run);

  if (!state.stripeAccountId) await openStripeAccount(run);
  await settle(run);
  if (!state.onboardingUrl && !state.closedReason) {
    state.onboardingUrl = await freshLink(run, 'initial');
    run.changed();
  }

  for (;;) {
    await settle(run);
    const deadline = nextOnboardingDeadline(run.progress());
    const wakeAtMs = wakeAtOf(deadline, state.closedAtMs);
    showOnboardingWait(state, deadline, wakeAtMs);
    const woke = await waitForWork(run, wakeAtMs);
    if (!woke) {
      const step = wakeStepOf(deadline);
      if (step === 'remind') await sendReminder(run);
      else if (step === 'give_up') run.abandon();
      else {
        // A closed application has kept its workflow long enough to answer late callers.
        await wrapUp(run);
        return state;
      }
    }
    run.applyPendingEvents();
    if (run.isLong()) {
      await wrapUp(run);
      return continueAsNew<typeof sellerOnboardingWorkflow>(input, state);
    }
  }
}
