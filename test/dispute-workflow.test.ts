import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createActivities } from '../activities';
import type { Services } from '../integrations/services';
import type { disputeWorkflow } from '../workflows/dispute';
import {
  type DisputeEvent,
  type DisputeInput,
  addDisputeEvidenceUpdate,
  disputeEventSignal,
  disputeStateQuery,
  disputeWorkflowId,
} from '../disputes/dispute-messages';
import { DisputeId } from '../workflows/search-attributes';
import { line, seedDeliveredSubOrder, seedSeller } from './support/ledger-fixtures';
import { connectTestServices, eventually, testEnv, uniqueId } from './support/services';
import { newDisputeId } from './support/stripe-events';
import { startStripeRecorder, type StripeRecorder } from './support/stripe-recorder';
import { startTimeSkippingWorker, type TimeSkippingWorker } from './support/time-skipping';

const day = 86_400_000;

describe('the dispute workflow over a week, on the time-skipping test server', () => {
  let stripe: StripeRecorder;
  let services: Services;
  let harness: TimeSkippingWorker;
  let env: TestWorkflowEnvironment;
  const taskQueue = uniqueId('dispute-wf');
  const sellerId = uniqueId('sel_dwf');

  before(async () => {
    stripe = await startStripeRecorder(testEnv().STRIPE_API_BASE);
    services = await connectTestServices({ STRIPE_API_BASE: stripe.baseUrl });
    // The real activities: the ledger and records in the test database, Stripe through stripe-mock.
    harness = await startTimeSkippingWorker(taskQueue, createActivities(services));
    env = harness.env;
    await seedSeller(services.collections, sellerId, 'active');
  });

  after(async () => {
    await harness.stop();
    await services.close();
    await stripe.stop();
  });

  /** A delivered, shipped sub-order with its sale in the ledger, as fulfilment leaves it. */
  const shippedSubOrder = async () => {
    const orderId = uniqueId('ord');
    const subOrderId = await seedDeliveredSubOrder(services.collections, {
      orderId,
      sellerId,
      lines: [line(sellerId, uniqueId('sku'), 'kitchen', 4200, 1)],
      deliveredAt: new Date(Date.now() - 2 * day),
    });
    const trackingNumber = uniqueId('SBX').toUpperCase();
    await services.collections.subOrders.updateOne(
      { _id: subOrderId },
      { $set: { carrier: 'sandbox', trackingNumber, shippedAt: new Date(Date.now() - 4 * day) } },
    );
    await createActivities(services).postSaleToLedger({ orderId, sellerId });
    const sub = await services.collections.subOrders.findOne({ _id: subOrderId });
    const entries = await services.collections.sellerLedger.find({ subOrderId }).toArray();
    return {
      subOrderId,
      trackingNumber,
      sub: sub!,
      earned: entries.reduce((t, e) => t + e.amount.amount, 0),
    };
  };

  const open = async (paymentIntentId: string, amount: number) => {
    const disputeId = newDisputeId();
    // The test server's clock, which an earlier test's week has moved on: the deadline is a week from then.
    const now = await env.currentTimeMs();
    const dueBy = new Date(now + 7 * day).toISOString();
    const input: DisputeInput = {
      disputeId,
      chargeId: `ch_${disputeId.slice(3)}`,
      paymentIntentId,
      amount: { amount, currency: 'USD' },
      reason: 'product_not_received',
      stripeStatus: 'needs_response',
      dueBy,
      feeBorneBy: 'marketplace',
      reminderLeadSeconds: [3 * 86_400, 86_400],
      submitLeadSeconds: 6 * 3_600,
      opsEmail: 'ops@marketplace.local',
    };
    const created: DisputeEvent = {
      eventId: uniqueId('evt'),
      type: 'charge.dispute.created',
      created: Math.floor(now / 1000),
      stripeStatus: 'needs_response',
    };
    const handle = await env.client.workflow.signalWithStart<typeof disputeWorkflow, [DisputeEvent]>(
      'disputeWorkflow',
      {
        taskQueue,
        workflowId: disputeWorkflowId(disputeId),
        args: [input],
        signal: disputeEventSignal,
        signalArgs: [created],
        typedSearchAttributes: [{ key: DisputeId, value: disputeId }],
      },
    );
    return { disputeId, dueBy, handle };
  };

  const mailsAbout = (disputeId: string, template: string) =>
    services.collections.outbox.find({ template, body: { $regex: disputeId } }).toArray();

  test('a seller who never answers is reminded twice, and our shipment evidence goes in before due_by', async () => {
    const { sub, trackingNumber, earned, subOrderId } = await shippedSubOrder();
    const { disputeId, dueBy, handle } = await open(sub.paymentIntentId, 4200);
    await env.sleep('7 days');
    const state = await handle.query(disputeStateQuery);
    assert.equal(state.status, 'submitted');
    assert.equal(state.evidenceSubmittedBy, 'marketplace');
    assert.equal(state.remindersSent, 2);
    assert.ok(Date.parse(state.evidenceSubmittedAt ?? '') < Date.parse(dueBy), 'submitted before due_by');
    const reminders = await mailsAbout(disputeId, 'dispute-reminder');
    assert.equal(reminders.length, 2);
    assert.deepEqual(
      reminders.map((m) => m.to),
      [`${sellerId}@example.test`, `${sellerId}@example.test`],
    );
    const updates = stripe.calls.filter((c) => c.path === `/v1/disputes/${disputeId}`);
    assert.equal(updates.length, 1);
    assert.equal(updates[0]?.idempotencyKey, `dispute-${disputeId}-evidence`);
    const form = new URLSearchParams(updates[0]?.body ?? '');
    assert.equal(form.get('submit'), 'true');
    assert.equal(form.get('evidence[shipping_tracking_number]'), trackingNumber);
    assert.equal(form.get('evidence[shipping_carrier]'), 'sandbox');
    assert.equal(form.get('evidence[shipping_date]'), sub.shippedAt?.toISOString().slice(0, 10));

    await handle.signal(disputeEventSignal, {
      eventId: uniqueId('evt'),
      type: 'charge.dispute.closed',
      created: Math.floor(Date.now() / 1000) + 60,
      stripeStatus: 'won',
    });
    const result = await handle.result();
    assert.equal(result.status, 'won');
    const entries = await services.collections.sellerLedger.find({ subOrderId }).toArray();
    assert.equal(
      entries.reduce((t, e) => t + e.amount.amount, 0),
      earned,
    );
  });

  test('a seller who answers early gets no reminders; their words go in with our records', async () => {
    const { sub } = await shippedSubOrder();
    const { disputeId, handle } = await open(sub.paymentIntentId, 4200);
    await handle.executeUpdate(addDisputeEvidenceUpdate, {
      args: [
        { by: 'seller', evidence: { text: { product_description: 'A copper kettle' }, documentUrls: [] } },
      ],
    });
    await env.sleep('7 days');
    const state = await handle.query(disputeStateQuery);
    assert.equal(state.status, 'submitted');
    assert.equal(state.remindersSent, 0);
    assert.equal((await mailsAbout(disputeId, 'dispute-reminder')).length, 0);
    const update = stripe.calls.find((c) => c.path === `/v1/disputes/${disputeId}`);
    assert.equal(
      new URLSearchParams(update?.body ?? '').get('evidence[product_description]'),
      'A copper kettle',
    );
    await handle.terminate('test finished');
  });

  test('evidence sent once the marketplace is submitting on its own is refused, not silently dropped', async () => {
    const { sub } = await shippedSubOrder();
    const { disputeId, handle } = await open(sub.paymentIntentId, 4200);
    // Stripe is slow to take the submission: the deadline has fired and the evidence is on its way.
    const slowStripe = stripe.hold((c) => c.method === 'POST' && c.path === `/v1/disputes/${disputeId}`);
    const week = env.sleep('7 days');
    await eventually(() => Promise.resolve(slowStripe.waiting > 0 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the submission to reach Stripe',
    });
    const late = handle.executeUpdate(addDisputeEvidenceUpdate, {
      args: [{ by: 'seller', evidence: { text: { product_description: 'Too late' }, documentUrls: [] } }],
    });
    await assert.rejects(late, (error: Error) => {
      assert.ok(error instanceof WorkflowUpdateFailedError, String(error));
      assert.match(String(error.cause?.message), /time to add evidence has passed/);
      return true;
    });
    slowStripe.release();
    await week;
    const state = await handle.query(disputeStateQuery);
    assert.equal(state.status, 'submitted');
    assert.equal(state.evidence.text.product_description, undefined);
    await handle.terminate('test finished');
  });
});
