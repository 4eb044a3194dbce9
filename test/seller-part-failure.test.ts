import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApplicationFailure } from '@temporalio/activity';
import { createActivities, type MarketplaceActivities } from '../activities';
import { newOrderId } from '../api/order-ids';
import { SandboxCarrier } from '../integrations/carriers/sandbox-carrier';
import type { Services } from '../integrations/services';
import { orderWorkflowId, type OrderState, type PlaceOrderInput } from '../workflows/order-definitions';
import { sellerFulfillmentWorkflowId } from '../workflows/seller-fulfillment-definitions';
import {
  call,
  connectTestServices,
  eventually,
  register,
  startApi,
  startWorker,
  stockedProduct,
  testShipTo as shipTo,
  uniqueId,
  type Account,
  type RunningApi,
  type RunningWorker,
} from './support/stack';
import { lostWorkflowTasks } from './support/workflow-history';

// A seller's part whose capture the bank refuses when the parcel ships: the part gives its stock back and
// voids its authorization, and the order ends in a defined state. Before, the part failed and the order's
// unhandled rejection failed every workflow task after it, for ever.
describe('a part whose capture is refused', () => {
  let services: Services;
  let api: RunningApi;
  let worker: RunningWorker;
  let buyer: Account;
  let seller: Account;
  const captures: string[] = [];
  const voids: string[] = [];
  /** Attempts per message key: every buyer message fails, as if SendGrid were down for good. */
  const messageAttempts = new Map<string, number>();

  before(async () => {
    services = await connectTestServices();
    const real: MarketplaceActivities = createActivities(services);
    worker = await startWorker(services, {
      // What Stripe answers for an authorization that lapsed or was revoked: a refusal, not an outage.
      capturePayment: (input) => {
        captures.push(input.paymentIntentId);
        return Promise.reject(
          ApplicationFailure.nonRetryable('This PaymentIntent could not be captured', 'PaymentRejected'),
        );
      },
      cancelPaymentAuthorization: async (input) => {
        voids.push(input.paymentIntentId);
        return real.cancelPaymentAuthorization(input);
      },
      notifyBuyer: (input) => {
        messageAttempts.set(input.idempotencyKey, (messageAttempts.get(input.idempotencyKey) ?? 0) + 1);
        return Promise.reject(new Error('connect ECONNREFUSED api.sendgrid.com'));
      },
    });
    api = await startApi(services);
    [buyer, seller] = await Promise.all([register(api.baseUrl, 'buyer'), register(api.baseUrl, 'seller')]);
  });
  after(async () => {
    await api.stop();
    await worker.stop();
    await services.close();
  });

  /** Drives a confirmed order's only part to the carrier's first scan, where its capture is refused. */
  const shipIt = async (orderId: string) => {
    const step = (name: string, body: unknown = {}) =>
      call<{ trackingNumber?: string }>(api.baseUrl, 'POST', `/seller/orders/${orderId}/${name}`, {
        body,
        headers: seller.auth,
      });
    for (const name of ['accept', 'picked', 'packed']) assert.equal((await step(name)).status, 200);
    const label = await step('label', { weightGrams: 500 });
    assert.equal(label.status, 200, JSON.stringify(label.body));
    const carrier = new SandboxCarrier(services.env.CARRIER_WEBHOOK_SECRET);
    const event = JSON.stringify({
      eventId: uniqueId('evt'),
      trackingNumber: label.body.trackingNumber,
      status: 'in_transit',
      occurredAt: new Date().toISOString(),
    });
    const shipped = await call(api.baseUrl, 'POST', '/webhooks/carrier/sandbox', {
      body: event,
      headers: { 'content-type': 'application/json', 'x-carrier-signature': carrier.sign(event) },
    });
    assert.equal(shipped.status, 200);
  };
  const confirmed = (orderId: string) =>
    eventually(
      async () => {
        const doc = await services.collections.orders.findOne({ _id: orderId });
        // The first shape's part records its own sub-order, just after the order says confirmed.
        const sub = await services.collections.subOrders.findOne({ orderId });
        return doc?.status === 'confirmed' && sub ? doc : undefined;
      },
      { what: `order ${orderId} to be confirmed with its sub-order` },
    );
  const finalState = (orderId: string): Promise<OrderState> =>
    services.temporal.workflow
      .getHandle<(input: unknown) => Promise<OrderState>>(orderWorkflowId(orderId))
      .result();

  test('releases the part once, and the order ends cancelled without a failed workflow task', async () => {
    const { sku } = await stockedProduct(services, { stock: 5, sellerId: seller.sellerId ?? '' });
    const placed = await call<{ orderId: string }>(api.baseUrl, 'POST', '/orders', {
      body: { lines: [{ sku, quantity: 2 }], shipTo, paymentMethodId: 'pm_card_visa' },
      headers: { ...buyer.auth, 'Idempotency-Key': uniqueId('key') },
    });
    assert.equal(placed.status, 202, JSON.stringify(placed.body));
    const { orderId } = placed.body;
    await confirmed(orderId);
    await shipIt(orderId);

    const final = await finalState(orderId);
    assert.equal(final.status, 'cancelled');
    const order = await services.collections.orders.findOne({ _id: orderId });
    assert.equal(order?.status, 'cancelled');
    const sub = await services.collections.subOrders.findOne({ _id: `${orderId}:${seller.sellerId}` });
    assert.equal(sub?.status, 'cancelled');
    assert.match(sub?.cancelReason ?? '', /capture was refused/);

    // The refusal was final (one capture call), the authorization was voided once, the stock came back.
    const intent = order?.paymentIntentIds?.[seller.sellerId ?? ''] ?? '';
    assert.deepEqual(
      captures.filter((id) => id === intent),
      [intent],
    );
    assert.deepEqual(
      voids.filter((id) => id === intent),
      [intent],
    );
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 5);
    const ledger = await services.collections.stockLedger.find({ holdId: orderId }).toArray();
    assert.deepEqual(ledger.map((e) => e.kind).sort(), ['release', 'reserve']);

    // Neither the order nor the part ever failed a workflow task.
    for (const workflowId of [
      orderWorkflowId(orderId),
      sellerFulfillmentWorkflowId(orderId, seller.sellerId ?? ''),
    ]) {
      assert.equal(await lostWorkflowTasks(services.temporal, workflowId), 0, workflowId);
    }

    // Every message failed, yet the order confirmed and ended; each was tried a bounded number of times.
    const keys = [...messageAttempts.keys()].filter((key) => key.startsWith(`order-${orderId}-`));
    assert.deepEqual(keys.sort(), [
      `order-${orderId}-order-cancelled-cancelled`,
      `order-${orderId}-order-confirmed-confirmed`,
    ]);
    for (const key of keys) assert.equal(messageAttempts.get(key), 4, key);
  });

  test('an order of the first shape whose part fails undoes that part instead of failing every task', async () => {
    const { sku } = await stockedProduct(services, { stock: 5, sellerId: seller.sellerId ?? '' });
    const orderId = newOrderId();
    // As orders started before the lean shape were: no version in the input.
    const input: PlaceOrderInput = {
      orderId,
      customerId: buyer.userId,
      lines: [{ sku, quantity: 2 }],
      shipTo,
      paymentMethodId: 'pm_card_visa',
      holdSeconds: 60,
    };
    await services.temporal.workflow.start('orderWorkflow', {
      taskQueue: services.env.TEMPORAL_TASK_QUEUE,
      workflowId: orderWorkflowId(orderId),
      args: [input],
    });
    await confirmed(orderId);
    await shipIt(orderId);

    const final = await finalState(orderId);
    assert.equal(final.status, 'cancelled');
    const intent = final.paymentIntentIds[seller.sellerId ?? ''] ?? '';
    assert.deepEqual(
      voids.filter((id) => id === intent),
      [intent],
    );
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 5);
    assert.equal(await lostWorkflowTasks(services.temporal, orderWorkflowId(orderId)), 0);
  });
});
