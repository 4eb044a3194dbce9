import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { MarketplaceActivities } from '../activities';
import type { TemplateName } from '../notifications/notification-templates';
import {
  closedReasonOf,
  closedRetentionMs,
  decisionRefusal,
  marketplaceStatusOf,
  nextOnboardingDeadline,
  productsHidden,
  sellerStatusOf,
} from '../domain/onboarding';
import {
  type AccountUpdatedEvent,
  type OnboardingLinkView,
  type SellerDecisionInput,
  type SellerOnboardingState,
  type StartSellerOnboarding,
  onboardingLinkUpdate,
  sellerDecisionUpdate,
  sellerOnboardingStateQuery,
  sellerOnboardingWorkflowId,
  stripeAccountUpdatedSignal,
} from './seller-onboarding-definitions';
import { MarketplaceStatus, SellerId } from './search-attributes';
import { canBePaid } from '../domain/seller-standing';
import { showOnboardingWait } from './seller-onboarding-ops-view';

const act = proxyActivities<MarketplaceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const defaultMaxEventsPerRun = 500;
const rememberedEventIds = 50;

interface Notice {
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
 * One seller's life on the marketplace, `seller-onboarding-<sellerId>`: opens the Stripe Connect account,
 * follows Stripe's account.updated events, reminds a stalled seller and closes the application if they never
 * finish, takes ops' approval, and hides the seller's products while Stripe restricts the account. The seller
 * document is a projection this workflow alone writes.
 */
export async function sellerOnboardingWorkflow(
  input: StartSellerOnboarding,
  carried?: SellerOnboardingState,
): Promise<SellerOnboardingState> {
  const id = sellerOnboardingWorkflowId(input.sellerId);
  const state = carried ?? initialState(input);
  const events: AccountUpdatedEvent[] = [];
  const notices: Notice[] = [];
  let savedRevision = carried ? state.revision : -1;
  // Everything that follows from a revision (document, product visibility, mail) is done.
  let settledRevision = savedRevision;
  let eventsThisRun = 0;
  let searchStatus = '';
  // Once per run is enough: creating the payout schedule is idempotent.
  let payoutScheduleEnsured = false;

  const changed = () => {
    state.revision += 1;
  };
  const notify = (template: TemplateName, data: Record<string, unknown>, key: string) => {
    notices.push({ template, data: { businessName: state.businessName, ...data }, key: `${id}-${key}` });
  };
  const close = (reason: NonNullable<SellerOnboardingState['closedReason']>) => {
    state.closedReason ??= reason;
    state.closedAtMs ??= Date.now();
  };

  setHandler(sellerOnboardingStateQuery, () => state);
  setHandler(stripeAccountUpdatedSignal, (event) => {
    events.push(event);
  });
  setHandler(onboardingLinkUpdate, async (): Promise<OnboardingLinkView> => {
    state.linkRequests += 1;
    const created = state.linkRequests === 1;
    await condition(
      () => (state.onboardingUrl !== undefined || state.closedReason !== undefined) && savedRevision >= 0,
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
      state.approval = decision.decision === 'approve' ? 'approved' : 'rejected';
      state.decisionReason = decision.reason;
      state.decidedBy = decision.decidedBy;
      if (decision.decision === 'reject') close('rejected_by_ops');
      notify(
        decision.decision === 'approve' ? 'seller-approved' : 'seller-rejected',
        { reason: decision.reason },
        'decision',
      );
      changed();
      const target = state.revision;
      await condition(() => settledRevision >= target);
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

  function apply(event: AccountUpdatedEvent) {
    // Another account's event (a mis-set metadata.sellerId) must never steer this seller.
    if (event.accountId !== state.stripeAccountId || state.recentEventIds.includes(event.eventId)) return;
    state.recentEventIds = [...state.recentEventIds, event.eventId].slice(-rememberedEventIds);
    eventsThisRun += 1;
    // Stripe does not promise order; an event older than the last applied one says nothing new.
    if (event.created < state.lastEventCreated) return;
    state.lastEventCreated = event.created;
    state.account = event.account;
    state.detailsSubmitted ||= event.account.detailsSubmitted;
    if (state.closedReason) {
      changed();
      return;
    }
    const before = state.status;
    state.status = sellerStatusOf(event.account);
    const closedBy = closedReasonOf(state.status, state.approval);
    if (closedBy) close(closedBy);
    if (state.approval === 'approved' && before === 'active' && state.status === 'restricted') {
      notify(
        'seller-restricted',
        { reason: event.account.disabledReason ?? 'requirements due' },
        event.eventId,
      );
    }
    if (state.approval === 'approved' && before === 'restricted' && state.status === 'active') {
      notify('seller-reinstated', {}, event.eventId);
    }
    changed();
  }

  /** Brings the world in line with the state: seller document, product visibility, search attributes, mail. */
  async function settle() {
    const revision = state.revision;
    if (savedRevision !== state.revision) {
      const target = state.revision;
      await act.saveSeller({
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
      });
      savedRevision = target;
    }
    // A seller who can be paid gets a payout schedule; a later restriction only makes its runs skip.
    if (!payoutScheduleEnsured && canBePaid(state) && patched('payout-schedule')) {
      await act.ensurePayoutSchedule({ sellerId: state.sellerId });
      payoutScheduleEnsured = true;
    }
    // After the document: payouts read canBePaid from it, so a restriction stops them before products hide.
    const hide = productsHidden(state);
    if (hide !== state.productsHidden) {
      await act.setSellerProductsHidden({ sellerId: state.sellerId, hidden: hide });
      state.productsHidden = hide;
    }
    const status = marketplaceStatusOf(state);
    if (status !== searchStatus) {
      upsertSearchAttributes([
        { key: SellerId, value: state.sellerId },
        { key: MarketplaceStatus, value: status },
      ]);
      searchStatus = status;
    }
    while (notices.length > 0) {
      const notice = notices[0]!;
      await act.sendEmail({
        to: state.email,
        template: notice.template,
        data: notice.data as never,
        idempotencyKey: notice.key,
      });
      notices.shift();
    }
    settledRevision = Math.max(settledRevision, revision);
  }

  async function freshLink(attempt: string): Promise<string> {
    const accountId = state.stripeAccountId!;
    const link = await act.createOnboardingLink({
      accountId,
      refreshUrl: input.refreshUrl,
      returnUrl: input.returnUrl,
      idempotencyKey: `${id}-link-${attempt}`,
    });
    return link.url;
  }

  if (!state.stripeAccountId) {
    const { accountId } = await act.createConnectedAccount({
      sellerId: state.sellerId,
      email: state.email,
      country: state.country,
      businessName: state.businessName,
      idempotencyKey: `${id}-account`,
    });
    state.stripeAccountId = accountId;
    changed();
  }
  await settle();
  if (!state.onboardingUrl && !state.closedReason) {
    state.onboardingUrl = await freshLink('initial');
    changed();
  }

  const hasWork = () => events.length > 0 || savedRevision !== state.revision || notices.length > 0;
  for (;;) {
    await settle();
    const deadline = nextOnboardingDeadline({
      startedAtMs: state.startedAtMs,
      detailsSubmitted: state.detailsSubmitted,
      remindersSent: state.remindersSent,
      closed: state.closedReason !== undefined,
    });
    const wakeAt =
      deadline?.atMs ?? (state.closedAtMs === undefined ? undefined : state.closedAtMs + closedRetentionMs);
    const waitMs = wakeAt === undefined ? undefined : wakeAt - Date.now();
    showOnboardingWait(state, deadline, wakeAt);
    let woke: boolean;
    if (waitMs === undefined) {
      await condition(hasWork);
      woke = true;
    } else {
      woke = waitMs > 0 ? await condition(hasWork, waitMs) : hasWork();
    }

    if (!woke && deadline?.kind === 'remind') {
      const reminder = state.remindersSent + 1;
      state.onboardingUrl = await freshLink(`reminder-${reminder}`);
      notify(
        'seller-onboarding-reminder',
        { onboardingUrl: state.onboardingUrl, reminder },
        `reminder-${reminder}`,
      );
      state.remindersSent = reminder;
      changed();
    } else if (!woke && deadline?.kind === 'give_up') {
      state.status = 'rejected';
      close('abandoned');
      notify('seller-onboarding-abandoned', {}, 'abandoned');
      changed();
    } else if (!woke) {
      // A closed application has kept its workflow long enough to answer late callers.
      await settle();
      await condition(allHandlersFinished);
      return state;
    }

    while (events.length > 0) apply(events.shift()!);

    const maxEvents = input.maxEventsPerRun ?? defaultMaxEventsPerRun;
    if ((eventsThisRun >= maxEvents || workflowInfo().continueAsNewSuggested) && events.length === 0) {
      await settle();
      await condition(allHandlersFinished);
      return continueAsNew<typeof sellerOnboardingWorkflow>(input, state);
    }
  }
}
