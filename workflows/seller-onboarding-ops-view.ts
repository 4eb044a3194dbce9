import type { OnboardingDeadline } from '../domain/onboarding';
import { showWaiting } from './ops-view';
import type { SellerOnboardingState } from './seller-onboarding-definitions';

/** What the Temporal UI says while an onboarding waits: for the seller, Stripe, ops, or only its retention. */
export function showOnboardingWait(
  state: SellerOnboardingState,
  deadline: OnboardingDeadline | undefined,
  wakeAtMs: number | undefined,
): void {
  const until = wakeAtMs === undefined ? {} : { untilMs: wakeAtMs };
  if (state.closedReason !== undefined) {
    return showWaiting({
      for: `late callers (closed: ${state.closedReason.replace(/_/g, ' ')})`,
      ...until,
      then: 'the workflow completes',
    });
  }
  if (!state.detailsSubmitted) {
    return showWaiting({
      for: 'the seller to complete Stripe onboarding',
      who: `seller ${state.sellerId} via the onboarding link (Stripe account ${state.stripeAccountId ?? 'pending'})`,
      ...until,
      then: deadline?.kind === 'give_up' ? 'the application is abandoned' : 'a reminder is sent',
    });
  }
  if (state.approval === 'pending') {
    return showWaiting({
      for: `ops approval (status ${state.status})`,
      who: `ops (POST /ops/sellers/${state.sellerId}/decision); Stripe account.updated webhooks`,
    });
  }
  return showWaiting({
    for: `Stripe account updates (status ${state.status}, ${state.approval})`,
    who: 'Stripe account.updated webhooks; ops decisions',
  });
}
