import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { MarketplaceActivities } from '../activities';
import type { AccountSnapshot } from '../domain/onboarding';
import type { sellerOnboardingWorkflow } from '../workflows/seller-onboarding';
import {
  type AccountUpdatedEvent,
  type StartSellerOnboarding,
  onboardingLinkUpdate,
  sellerDecisionUpdate,
  sellerOnboardingStateQuery,
  sellerOnboardingWorkflowId,
  stripeAccountUpdatedSignal,
} from '../workflows/seller-onboarding-definitions';
import { eventually, uniqueId, workflowBundle } from './support/services';
import { startTimeSkippingWorker, type TimeSkippingWorker } from './support/time-skipping';

type Activities = Pick<
  MarketplaceActivities,
  | 'createConnectedAccount'
  | 'createOnboardingLink'
  | 'saveSeller'
  | 'setSellerProductsHidden'
  | 'sendEmail'
  | 'ensurePayoutSchedule'
>;
type Call = { [K in keyof Activities]: { name: K; input: Parameters<Activities[K]>[0] } }[keyof Activities];

const day = 86_400_000;
const active: AccountSnapshot = {
  chargesEnabled: true,
  payoutsEnabled: true,
  detailsSubmitted: true,
  disabledReason: null,
};
const restricted: AccountSnapshot = {
  chargesEnabled: false,
  payoutsEnabled: false,
  detailsSubmitted: true,
  disabledReason: 'requirements.past_due',
};

describe('the seller onboarding workflow, on the time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  let harness: TimeSkippingWorker;
  const taskQueue = uniqueId('onboarding-wf');
  const calls: Call[] = [];

  // Recorded activities: what the workflow asked the outside world to do, answered as Stripe would.
  const activities: Activities = {
    createConnectedAccount: (input) => {
      calls.push({ name: 'createConnectedAccount', input });
      return Promise.resolve({ accountId: `acct_${input.sellerId}` });
    },
    createOnboardingLink: (input) => {
      calls.push({ name: 'createOnboardingLink', input });
      return Promise.resolve({
        url: `https://connect.stripe.test/setup/${input.idempotencyKey}`,
        expiresAt: 0,
      });
    },
    saveSeller: (input) => {
      calls.push({ name: 'saveSeller', input });
      return Promise.resolve();
    },
    setSellerProductsHidden: (input) => {
      calls.push({ name: 'setSellerProductsHidden', input });
      return Promise.resolve({ changed: 1 });
    },
    ensurePayoutSchedule: (input) => {
      calls.push({ name: 'ensurePayoutSchedule', input });
      return Promise.resolve({ created: true });
    },
    sendEmail: (input) => {
      calls.push({ name: 'sendEmail', input });
      return Promise.resolve({ notificationId: input.idempotencyKey, provider: 'outbox', duplicate: false });
    },
  };

  /** Waits for the worker to have recorded something (activities run asynchronously to the test). */
  const until = (check: () => boolean, what = 'the recorded calls') =>
    eventually(() => Promise.resolve(check() ? true : undefined), { what });

  const callsFor = <K extends Call['name']>(sellerId: string, name: K) =>
    calls.filter(
      (call): call is Extract<Call, { name: K }> =>
        call.name === name && JSON.stringify(call.input).includes(sellerId),
    );

  before(async () => {
    harness = await startTimeSkippingWorker(taskQueue, activities);
    env = harness.env;
  });

  after(async () => {
    await harness.stop();
  });

  async function startOnboarding(
    extra: Partial<StartSellerOnboarding> = {},
  ): Promise<{ sellerId: string; handle: WorkflowHandle<typeof sellerOnboardingWorkflow> }> {
    const sellerId = uniqueId('sel');
    const handle = await env.client.workflow.start<typeof sellerOnboardingWorkflow>(
      'sellerOnboardingWorkflow',
      {
        taskQueue,
        workflowId: sellerOnboardingWorkflowId(sellerId),
        args: [
          {
            sellerId,
            userId: `usr_${sellerId}`,
            businessName: 'Kettle Co',
            country: 'US',
            email: `${sellerId}@example.test`,
            returnUrl: 'https://marketplace.test/return',
            refreshUrl: 'https://marketplace.test/refresh',
            ...extra,
          },
        ],
      },
    );
    const link = await handle.executeUpdate(onboardingLinkUpdate);
    assert.equal(link.created, true);
    assert.equal(link.stripeAccountId, `acct_${sellerId}`);
    assert.match(link.onboardingUrl ?? '', /-link-initial$/);
    return { sellerId, handle };
  }

  let eventCount = 0;
  const accountEvent = (sellerId: string, account: AccountSnapshot): AccountUpdatedEvent => {
    eventCount += 1;
    return { eventId: `evt_${eventCount}`, created: eventCount, accountId: `acct_${sellerId}`, account };
  };

  const reminders = (sellerId: string) =>
    callsFor(sellerId, 'sendEmail').filter((call) => call.input.template === 'seller-onboarding-reminder');

  test('a stalled seller is reminded after 1, 3 and 7 days and closed after 14', async () => {
    const { sellerId, handle } = await startOnboarding();
    const account = callsFor(sellerId, 'createConnectedAccount');
    assert.equal(account.length, 1);
    assert.equal(account[0]?.input.idempotencyKey, `seller-onboarding-${sellerId}-account`);

    await env.sleep(day - 60_000);
    assert.equal(reminders(sellerId).length, 0, 'nothing before the first day is over');
    await env.sleep(120_000);
    await until(() => reminders(sellerId).length === 1, 'reminder 1');
    const first = reminders(sellerId)[0]?.input;
    assert.equal(first?.to, `${sellerId}@example.test`);
    assert.equal(first?.idempotencyKey, `seller-onboarding-${sellerId}-reminder-1`);
    assert.match(JSON.stringify(first?.data), /-link-reminder-1/, 'each reminder carries a fresh link');

    await env.sleep(2 * day);
    await until(() => reminders(sellerId).length === 2, 'reminder 2');
    await env.sleep(4 * day);
    await until(() => reminders(sellerId).length === 3, 'reminder 3');
    assert.equal((await handle.query(sellerOnboardingStateQuery)).closedReason, undefined);

    await env.sleep(7 * day);
    const closed = await eventually(
      async () => {
        const state = await handle.query(sellerOnboardingStateQuery);
        return state.closedReason ? state : undefined;
      },
      { what: 'the application to close' },
    );
    assert.equal(closed.closedReason, 'abandoned');
    assert.equal(closed.status, 'rejected');
    assert.equal(closed.remindersSent, 3);
    await until(() => callsFor(sellerId, 'saveSeller').some((c) => c.input.closedReason === 'abandoned'));
    // The email goes out one step after the record is saved.
    await until(
      () => callsFor(sellerId, 'sendEmail').some((c) => c.input.template === 'seller-onboarding-abandoned'),
      'the abandoned email',
    );

    await assert.rejects(
      handle.executeUpdate(sellerDecisionUpdate, {
        args: [{ decision: 'approve', reason: 'looks fine', decidedBy: 'usr_ops' }],
      }),
      (error) =>
        error instanceof WorkflowUpdateFailedError &&
        error.cause instanceof ApplicationFailure &&
        error.cause.type === 'SellerClosed',
    );
    assert.equal(reminders(sellerId).length, 3, 'no reminder after closing');
  });

  test('a seller who submits details gets no reminders; approval of an active seller shows products', async () => {
    const { sellerId, handle } = await startOnboarding();
    await handle.signal(stripeAccountUpdatedSignal, accountEvent(sellerId, active));
    await eventually(async () =>
      (await handle.query(sellerOnboardingStateQuery)).status === 'active' ? true : undefined,
    );
    await env.sleep(20 * day);
    assert.equal(reminders(sellerId).length, 0);

    const decided = await handle.executeUpdate(sellerDecisionUpdate, {
      args: [{ decision: 'approve', reason: 'verified', decidedBy: 'usr_ops' }],
    });
    assert.equal(decided.approval, 'approved');
    const saved = callsFor(sellerId, 'saveSeller').at(-1)?.input;
    assert.equal(saved?.approval, 'approved', 'the decision is persisted before the update answers');
    assert.deepEqual(
      callsFor(sellerId, 'setSellerProductsHidden').map((c) => c.input.hidden),
      [false],
    );

    await assert.rejects(
      handle.executeUpdate(sellerDecisionUpdate, {
        args: [{ decision: 'reject', reason: 'changed my mind', decidedBy: 'usr_ops' }],
      }),
      (error) =>
        error instanceof WorkflowUpdateFailedError &&
        error.cause instanceof ApplicationFailure &&
        error.cause.type === 'DecisionAlreadyMade',
    );

    // Stripe restricts the live seller, then re-enables it.
    await handle.signal(stripeAccountUpdatedSignal, accountEvent(sellerId, restricted));
    await until(() => callsFor(sellerId, 'setSellerProductsHidden').length === 2);
    assert.equal(callsFor(sellerId, 'saveSeller').at(-1)?.input.status, 'restricted');
    await handle.signal(stripeAccountUpdatedSignal, accountEvent(sellerId, active));
    await until(() => callsFor(sellerId, 'setSellerProductsHidden').length === 3);
    assert.deepEqual(
      callsFor(sellerId, 'setSellerProductsHidden').map((c) => c.input.hidden),
      [false, true, false],
    );
    await until(() => callsFor(sellerId, 'sendEmail').length >= 3, 'the reinstated email');
    const templates = callsFor(sellerId, 'sendEmail').map((c) => c.input.template);
    assert.deepEqual(templates, ['seller-approved', 'seller-restricted', 'seller-reinstated']);
    // The payout schedule was made when the seller first could be paid, and only then.
    assert.deepEqual(
      callsFor(sellerId, 'ensurePayoutSchedule').map((c) => c.input),
      [{ sellerId }],
    );
  });

  test('duplicate, stale and foreign events change nothing; a rejected seller cannot be approved', async () => {
    const { sellerId, handle } = await startOnboarding();
    const event = accountEvent(sellerId, active);
    const stale = accountEvent(sellerId, restricted);
    stale.created = event.created - 1;
    const foreign = { ...accountEvent(sellerId, restricted), accountId: 'acct_someone_else' };
    await handle.signal(stripeAccountUpdatedSignal, event);
    await handle.signal(stripeAccountUpdatedSignal, event);
    await handle.signal(stripeAccountUpdatedSignal, stale);
    await handle.signal(stripeAccountUpdatedSignal, foreign);
    const state = await eventually(async () => {
      const s = await handle.query(sellerOnboardingStateQuery);
      return s.recentEventIds.length === 2 ? s : undefined;
    });
    assert.equal(state.status, 'active');
    assert.deepEqual(state.recentEventIds, [event.eventId, stale.eventId]);

    await handle.executeUpdate(sellerDecisionUpdate, {
      args: [{ decision: 'reject', reason: 'prohibited goods', decidedBy: 'usr_ops' }],
    });
    const after = await handle.query(sellerOnboardingStateQuery);
    assert.equal(after.approval, 'rejected');
    assert.equal(after.closedReason, 'rejected_by_ops');
    await assert.rejects(
      handle.executeUpdate(sellerDecisionUpdate, {
        args: [{ decision: 'approve', reason: 'oops', decidedBy: 'usr_ops' }],
      }),
      (error) =>
        error instanceof WorkflowUpdateFailedError &&
        error.cause instanceof ApplicationFailure &&
        error.cause.type === 'DecisionAlreadyMade',
    );
    assert.equal(callsFor(sellerId, 'sendEmail').at(-1)?.input.template, 'seller-rejected');
  });

  test('after N events the workflow continues as new with its state', async () => {
    const { sellerId, handle } = await startOnboarding({ maxEventsPerRun: 2 });
    const firstRun = (await handle.describe()).runId;
    await handle.executeUpdate(sellerDecisionUpdate, {
      args: [{ decision: 'approve', reason: 'verified', decidedBy: 'usr_ops' }],
    });
    await handle.signal(stripeAccountUpdatedSignal, accountEvent(sellerId, restricted));
    await handle.signal(stripeAccountUpdatedSignal, accountEvent(sellerId, active));
    const latest = env.client.workflow.getHandle(sellerOnboardingWorkflowId(sellerId));
    await eventually(async () => ((await latest.describe()).runId !== firstRun ? true : undefined), {
      what: 'continue-as-new',
    });
    const state = await latest.query(sellerOnboardingStateQuery);
    assert.equal(state.approval, 'approved');
    assert.equal(state.status, 'active');
    assert.equal(state.stripeAccountId, `acct_${sellerId}`);
    assert.equal(
      callsFor(sellerId, 'createConnectedAccount').length,
      1,
      'the new run opens no second account',
    );

    const again = await latest.executeUpdate(onboardingLinkUpdate);
    assert.equal(again.created, false);

    // The first run's history (start, update, signals, continue-as-new) replays on today's code.
    const history = await env.client.workflow
      .getHandle(sellerOnboardingWorkflowId(sellerId), firstRun)
      .fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history);
  });
});
