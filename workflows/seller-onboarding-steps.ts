import {
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import { marketplaceStatusOf, productsHidden } from '../domain/onboarding';
import { canBePaid } from '../domain/seller-standing';
import { sellerRecordOf } from './seller-onboarding-definitions';
import type { OnboardingRun } from './seller-onboarding-state';
import { MarketplaceStatus, SellerId } from './search-attributes';

const act = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Opens the seller's Stripe Connect account; the key is the seller's, so a retry never opens a second one. */
export async function openStripeAccount(run: OnboardingRun): Promise<void> {
  const { state } = run;
  const { accountId } = await act.createConnectedAccount({
    sellerId: state.sellerId,
    email: state.email,
    country: state.country,
    businessName: state.businessName,
    idempotencyKey: `${run.id}-account`,
  });
  state.stripeAccountId = accountId;
  run.changed();
}

/** A hosted onboarding link; Stripe's expire within minutes, so each reminder asks for a fresh one. */
export async function freshLink(run: OnboardingRun, attempt: string): Promise<string> {
  const link = await act.createOnboardingLink({
    accountId: run.state.stripeAccountId!,
    refreshUrl: run.input.refreshUrl,
    returnUrl: run.input.returnUrl,
    idempotencyKey: `${run.id}-link-${attempt}`,
  });
  return link.url;
}

/** A stalled seller is reminded, with a fresh link. */
export async function sendReminder(run: OnboardingRun): Promise<void> {
  const { state } = run;
  const reminder = state.remindersSent + 1;
  state.onboardingUrl = await freshLink(run, `reminder-${reminder}`);
  run.notify(
    'seller-onboarding-reminder',
    { onboardingUrl: state.onboardingUrl, reminder },
    `reminder-${reminder}`,
  );
  state.remindersSent = reminder;
  run.changed();
}

/** Brings the world in line with the state: seller document, product visibility, search attributes, mail. */
export async function settle(run: OnboardingRun): Promise<void> {
  const { state } = run;
  const revision = state.revision;
  if (run.savedRevision !== state.revision) {
    const target = state.revision;
    await act.saveSeller(sellerRecordOf(state));
    run.savedRevision = target;
  }
  // A seller who can be paid gets a payout schedule; a later restriction only makes its runs skip.
  if (!run.payoutScheduleEnsured && canBePaid(state) && patched('payout-schedule')) {
    await act.ensurePayoutSchedule({ sellerId: state.sellerId });
    run.payoutScheduleEnsured = true;
  }
  // After the document: payouts read canBePaid from it, so a restriction stops them before products hide.
  const hide = productsHidden(state);
  if (hide !== state.productsHidden) {
    await act.setSellerProductsHidden({ sellerId: state.sellerId, hidden: hide });
    state.productsHidden = hide;
  }
  const status = marketplaceStatusOf(state);
  if (status !== run.searchStatus) {
    upsertSearchAttributes([
      { key: SellerId, value: state.sellerId },
      { key: MarketplaceStatus, value: status },
    ]);
    run.searchStatus = status;
  }
  while (run.notices.length > 0) {
    const notice = run.notices[0]!;
    await act.sendEmail({
      to: state.email,
      template: notice.template,
      data: notice.data as never,
      idempotencyKey: notice.key,
    });
    run.notices.shift();
  }
  run.settledRevision = Math.max(run.settledRevision, revision);
}

/** Waits for work, or until `wakeAtMs`; answers whether work (rather than the time) woke it. */
export async function waitForWork(run: OnboardingRun, wakeAtMs: number | undefined): Promise<boolean> {
  const hasWork = () => run.hasWork();
  if (wakeAtMs === undefined) {
    await condition(hasWork);
    return true;
  }
  const waitMs = wakeAtMs - Date.now();
  return waitMs > 0 ? await condition(hasWork, waitMs) : hasWork();
}

/** Before the run ends (completed or continued as new): the world settled, every handler answered. */
export async function wrapUp(run: OnboardingRun): Promise<void> {
  await settle(run);
  await condition(allHandlersFinished);
}
