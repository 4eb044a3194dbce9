import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { MarketplaceActivities } from '../activities';
import type { returnWorkflow } from '../workflows/return';
import {
  type ReturnInput,
  approveReturnUpdate,
  inspectReturnUpdate,
  opsReturnDecisionUpdate,
  returnCarrierEventSignal,
  returnStateQuery,
  returnWorkflowId,
} from '../returns/return-process';
import { eventually, testShipTo, uniqueId } from './support/stack';
import { startTimeSkippingWorker, type TimeSkippingWorker } from './support/time-skipping';

type Activities = Pick<
  MarketplaceActivities,
  | 'recordReturn'
  | 'setReturnStatus'
  | 'buyerContact'
  | 'sellerContact'
  | 'sendEmail'
  | 'buyShippingLabel'
  | 'returnRefundBasis'
  | 'refundPayment'
  | 'returnRestockPlan'
  | 'adjustStock'
  | 'postReturnRefund'
>;

const usd = (amount: number) => ({ amount, currency: 'USD' });

describe('the return workflow over days, on the time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  let harness: TimeSkippingWorker;
  const taskQueue = uniqueId('return-wf');
  const calls: Array<{ name: keyof Activities; input: unknown }> = [];
  const record =
    <K extends keyof Activities>(name: K, answer: Awaited<ReturnType<Activities[K]>>) =>
    (input: unknown) => {
      calls.push({ name, input });
      return Promise.resolve(answer);
    };

  // Recorded activities: what the workflow asked the outside world to do, answered as the services would.
  const activities = {
    recordReturn: record('recordReturn', undefined),
    setReturnStatus: record('setReturnStatus', undefined),
    buyerContact: record('buyerContact', { email: 'buyer@example.test' }),
    sellerContact: record('sellerContact', { email: 'seller@example.test' }),
    sendEmail: record('sendEmail', { notificationId: 'n', provider: 'outbox', duplicate: false }),
    buyShippingLabel: record('buyShippingLabel', {
      carrier: 'sandbox',
      trackingNumber: 'SBXRETURN',
      labelUrl: 'https://labels.test/r.pdf',
      cost: usd(450),
    }),
    returnRefundBasis: record('returnRefundBasis', {
      paymentIntentId: 'pi_return_test',
      pricing: {
        lines: [{ sku: 'KETTLE', quantity: 2, unitPrice: usd(2000) }],
        subtotal: usd(4000),
        discount: usd(0),
        shipping: usd(0),
        tax: usd(0),
        taxShipping: false,
      },
      earlier: {},
    }),
    refundPayment: record('refundPayment', { refundId: 're_test', amount: usd(2000) }),
    returnRestockPlan: record('returnRestockPlan', [{ sku: 'KETTLE', warehouseId: 'wh-1', quantity: 1 }]),
    adjustStock: record('adjustStock', undefined),
    postReturnRefund: record('postReturnRefund', { refund: usd(2000), commissionRefund: usd(200) }),
  } as unknown as Activities;

  const callsFor = (returnId: string, name: keyof Activities) =>
    calls.filter((c) => c.name === name && JSON.stringify(c.input).includes(returnId));

  before(async () => {
    harness = await startTimeSkippingWorker(taskQueue, activities);
    env = harness.env;
  });

  after(async () => {
    await harness.stop();
  });

  const day = 86_400;
  async function startReturn() {
    const returnId = uniqueId('ret');
    const input: ReturnInput = {
      returnId,
      orderId: `ord-${returnId}`,
      sellerId: 'sel_kettles',
      customerId: 'usr_buyer',
      lines: [{ sku: 'KETTLE', quantity: 2, title: 'Kettle' }],
      reason: { code: 'defective' },
      photos: [],
      pickupFrom: testShipTo,
      returnTo: testShipTo,
      sellerDecisionSeconds: 3 * day,
      shipBackSeconds: 14 * day,
      inspectionSeconds: 7 * day,
    };
    const handle = await env.client.workflow.start<typeof returnWorkflow>('returnWorkflow', {
      taskQueue,
      workflowId: returnWorkflowId(returnId),
      args: [input],
    });
    return { returnId, handle };
  }

  test('approved but never sent back: after 14 days the return closes, nothing refunded', async () => {
    const { returnId, handle } = await startReturn();
    await handle.executeUpdate(approveReturnUpdate, { args: [{}] });
    const end = await handle.result();
    assert.equal(end.status, 'closed');
    assert.match(end.closeReason ?? '', /not sent back/);
    assert.equal(callsFor(returnId, 'refundPayment').length, 0);
    assert.equal(callsFor(returnId, 'buyShippingLabel').length, 1);
  });

  test('a silent seller at decision and at inspection: escalated each time, ops finish it, one refund', async () => {
    const { returnId, handle } = await startReturn();
    await env.sleep('4 days');
    let state = await handle.query(returnStateQuery);
    assert.equal(state.status, 'escalated');
    assert.equal(state.escalatedStep, 'decision');
    await handle.executeUpdate(opsReturnDecisionUpdate, { args: [{ decision: 'approve', reason: 'ok' }] });
    await handle.signal(returnCarrierEventSignal, { eventId: 'e1', status: 'delivered' });
    await handle.signal(returnCarrierEventSignal, { eventId: 'e1', status: 'delivered' });
    await env.sleep('8 days');
    state = await handle.query(returnStateQuery);
    assert.equal(state.status, 'escalated');
    assert.equal(state.escalatedStep, 'inspection');
    await assert.rejects(
      handle.executeUpdate(inspectReturnUpdate, {
        args: [{ lines: [{ sku: 'KETTLE', acceptedQuantity: 3 }] }],
      }),
    );
    await handle.executeUpdate(inspectReturnUpdate, {
      args: [{ lines: [{ sku: 'KETTLE', acceptedQuantity: 1 }] }],
    });
    const end = await handle.result();
    assert.equal(end.status, 'refunded');
    assert.deepEqual(end.refund, usd(2000), 'one of two 20.00 units, no discount or tax');
    assert.equal(end.decidedBy, 'ops');
    const refunds = callsFor(returnId, 'refundPayment');
    assert.equal(refunds.length, 1);
    assert.deepEqual(refunds[0]?.input, {
      paymentIntentId: 'pi_return_test',
      amount: usd(2000),
      idempotencyKey: `return-${returnId}-refund`,
      metadata: { returnId, orderId: `ord-${returnId}`, sellerId: 'sel_kettles' },
    });
    assert.deepEqual(
      callsFor(returnId, 'adjustStock').map((c) => c.input),
      [{ sku: 'KETTLE', warehouseId: 'wh-1', delta: 1, adjustmentKey: `return-${returnId}-KETTLE-wh-1` }],
    );
    assert.equal(callsFor(returnId, 'postReturnRefund').length, 1);
    const statuses = callsFor(returnId, 'setReturnStatus').map((c) => (c.input as { status: string }).status);
    assert.deepEqual(statuses, [
      'escalated',
      'approved',
      'label_created',
      'received',
      'escalated',
      'refund_pending',
      'refunded',
    ]);
  });

  test('the Temporal UI says what a return waits for, who acts and until when, and names its timers', async () => {
    const { handle } = await startReturn();
    const currentDetails = async () =>
      (await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata')).currentDetails ?? '';
    const startedAt = Date.parse((await handle.describe()).startTime.toISOString());
    let details = await currentDetails();
    assert.match(details, /\*\*Waiting for:\*\* the seller to approve or reject the return/);
    assert.match(details, /\*\*Who acts:\*\* seller sel_kettles/);
    const until = /\*\*Until:\*\* (\d{4}-\d\d-\d\d \d\d:\d\d) UTC/.exec(details)?.[1];
    assert.ok(until, details);
    const untilMs = Date.parse(`${until.replace(' ', 'T')}:00Z`);
    assert.ok(Math.abs(untilMs - (startedAt + 3 * day * 1000)) <= 60_000, `3 days after the start: ${until}`);
    assert.match(details, /\*\*Then:\*\* escalated to ops/);

    await env.sleep('4 days');
    assert.match(await currentDetails(), /\*\*Waiting for:\*\* a decision by ops/);
    await handle.executeUpdate(opsReturnDecisionUpdate, { args: [{ decision: 'approve', reason: 'ok' }] });
    // The label is bought right after the decision; the details move on once it is.
    details = await eventually(async () => {
      const now = await currentDetails();
      return now.includes('send the parcel back') ? now : undefined;
    });
    assert.match(details, /\*\*Waiting for:\*\* the buyer to send the parcel back/);
    assert.match(details, /SBXRETURN/);

    const history = await handle.fetchHistory();
    const timerSummaries = (history.events ?? [])
      .filter((event) => event.timerStartedEventAttributes)
      .map((event) => event.userMetadata?.summary?.data);
    assert.ok(timerSummaries.length >= 2, 'the decision and ship-back timers');
    assert.ok(
      timerSummaries.every((summary) => summary && summary.length > 0),
      'every timer is named',
    );
  });
});
