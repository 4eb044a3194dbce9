import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SandboxCarrier } from '../integrations/carriers/sandbox-carrier';
import type { Services } from '../integrations/services';
import type { orderWorkflow, sellerFulfillmentWorkflow } from '../workflows';
import { orderWorkflowId } from '../workflows/order-definitions';
import { sellerFulfillmentWorkflowId } from '../workflows/seller-fulfillment-definitions';
import {
  sellerOnboardingStateQuery,
  sellerOnboardingWorkflowId,
} from '../workflows/seller-onboarding-definitions';
import {
  call,
  connectTestServices,
  eventually,
  register,
  startApi,
  startWorker,
  testEnv,
  uniqueId,
  type Account,
  type RunningApi,
  type RunningWorker,
} from './support/stack';
import { confirmedOrder, listedProduct } from './support/delivered-order';
import {
  accountUpdatedEvent,
  liveAccount,
  postStripeEvent,
  restrictedAccount,
} from './support/stripe-events';
import { startStripeRecorder, type StripeRecorder } from './support/stripe-recorder';
import { startTcpProxy } from './support/tcp-proxy';

// Carriers and Stripe deliver at least once, late, and in any order. Whatever arrives, each fact has one
// effect and the end state is the one the newest fact says.
describe('webhooks delivered twice, late and out of order', () => {
  let stripe: StripeRecorder;
  let services: Services;
  let worker: RunningWorker;
  let api: RunningApi;
  let buyer: Account;
  let seller: Account;
  let carrier: SandboxCarrier;

  before(async () => {
    stripe = await startStripeRecorder(testEnv().STRIPE_API_BASE);
    services = await connectTestServices({ STRIPE_API_BASE: stripe.baseUrl });
    worker = await startWorker(services);
    api = await startApi(services);
    [buyer, seller] = await Promise.all([register(api.baseUrl, 'buyer'), register(api.baseUrl, 'seller')]);
    carrier = new SandboxCarrier(services.env.CARRIER_WEBHOOK_SECRET);
  });

  after(async () => {
    await services.temporal.workflow
      .getHandle(sellerOnboardingWorkflowId(seller.sellerId ?? ''))
      .terminate('test finished')
      .catch(() => undefined);
    await api.stop();
    await worker.stop();
    await services.close();
    await stripe.stop();
  });

  const carrierEvent = (
    trackingNumber: string,
    status: string,
    eventId = uniqueId('evt'),
    baseUrl = api.baseUrl,
  ) => {
    const body = JSON.stringify({ eventId, trackingNumber, status, occurredAt: new Date().toISOString() });
    return call<{ received: boolean; duplicate?: boolean }>(baseUrl, 'POST', '/webhooks/carrier/sandbox', {
      body,
      headers: { 'content-type': 'application/json', 'x-carrier-signature': carrier.sign(body) },
    });
  };

  /** A confirmed order whose seller has bought a label; returns its ids and tracking number. */
  async function labelledOrder(stock: number, quantity: number) {
    const { sku } = await listedProduct(services, { sellerId: seller.sellerId ?? '', stock });
    const orderId = await confirmedOrder({ services, baseUrl: api.baseUrl }, buyer, [{ sku, quantity }]);
    let trackingNumber = '';
    for (const step of ['accept', 'picked', 'packed', 'label']) {
      const res = await call<{ trackingNumber?: string }>(
        api.baseUrl,
        'POST',
        `/seller/orders/${orderId}/${step}`,
        { body: step === 'label' ? { weightGrams: 900 } : {}, headers: seller.auth },
      );
      assert.equal(res.status, 200, `${step}: ${JSON.stringify(res.body)}`);
      trackingNumber = res.body.trackingNumber ?? trackingNumber;
    }
    return { sku, orderId, trackingNumber };
  }

  test('carrier: an event that reached us while Temporal was unreachable is taken when redelivered', async () => {
    const { orderId, trackingNumber } = await labelledOrder(2, 1);
    // A second API process whose way to Temporal this test can cut.
    const [host = '127.0.0.1', port = '7233'] = services.env.TEMPORAL_ADDRESS.split(':');
    const proxy = await startTcpProxy({ host, port: Number(port) });
    const viaProxy = await connectTestServices({
      TEMPORAL_ADDRESS: `127.0.0.1:${proxy.port}`,
      TEMPORAL_TASK_QUEUE: services.env.TEMPORAL_TASK_QUEUE,
    });
    const cutApi = await startApi(viaProxy);
    try {
      const eventId = uniqueId('evt-transit');
      await proxy.cut();
      const failed = await carrierEvent(trackingNumber, 'in_transit', eventId, cutApi.baseUrl);
      assert.ok(failed.status >= 500, `not acknowledged while Temporal is unreachable: ${failed.status}`);
      await proxy.restore();
      const redelivered = await carrierEvent(trackingNumber, 'in_transit', eventId, cutApi.baseUrl);
      assert.equal(redelivered.status, 200);
      assert.deepEqual(redelivered.body, { received: true }, 'the redelivery is not dropped as a duplicate');
      const shipped = await eventually(async () => {
        const doc = await services.collections.subOrders.findOne({ _id: `${orderId}:${seller.sellerId}` });
        return doc?.status === 'shipped' && doc.captured ? doc : undefined;
      });
      assert.equal(shipped.captured?.amount, shipped.total.amount);
    } finally {
      await cutApi.stop();
      await viaProxy.close();
      await proxy.stop();
    }
  });

  test('carrier: "delivered" before "in transit", twice at once, then late: captured once, delivered', async () => {
    const { sku, orderId, trackingNumber } = await labelledOrder(4, 3);

    // The "delivered" scan overtakes "in transit", and is itself delivered twice at the same moment.
    const deliveredId = uniqueId('evt-delivered');
    const both = await Promise.all([
      carrierEvent(trackingNumber, 'delivered', deliveredId),
      carrierEvent(trackingNumber, 'delivered', deliveredId),
    ]);
    assert.deepEqual(
      both.map((r) => r.status),
      [200, 200],
    );
    assert.deepEqual(
      both.map((r) => r.body.duplicate === true).sort(),
      [false, true],
      'one delivery taken in, one refused as a duplicate',
    );
    const result = await services.temporal.workflow
      .getHandle<typeof sellerFulfillmentWorkflow>(
        sellerFulfillmentWorkflowId(orderId, seller.sellerId ?? ''),
      )
      .result();
    assert.equal(result.status, 'delivered');

    // The late "in transit", for a workflow that has finished: acknowledged, and nothing moves back.
    const late = await carrierEvent(trackingNumber, 'in_transit');
    assert.equal(late.status, 200);
    const redelivered = await carrierEvent(trackingNumber, 'delivered', deliveredId);
    assert.deepEqual(redelivered.body, { received: true, duplicate: true });

    const order = await eventually(async () => {
      const doc = await services.collections.orders.findOne({ _id: orderId });
      return doc?.status === 'delivered' ? doc : undefined;
    });
    const subOrder = await services.collections.subOrders.findOne({ _id: `${orderId}:${seller.sellerId}` });
    assert.equal(subOrder?.status, 'delivered');
    assert.equal(subOrder?.captured?.amount, order.total.amount, 'the whole part was captured');
    const captures = stripe.calls.filter(
      (c) => c.method === 'POST' && c.path === `/v1/payment_intents/${subOrder?.paymentIntentId}/capture`,
    );
    assert.deepEqual(
      captures.map((c) => c.idempotencyKey),
      [`order-${orderId}-${seller.sellerId}-capture`],
      'captured exactly once',
    );
    const ledger = await services.collections.stockLedger.find({ holdId: orderId }).toArray();
    assert.deepEqual(ledger.map((e) => e.kind).sort(), ['commit', 'reserve'], 'sold once');
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 1);
    const ended = await services.temporal.workflow
      .getHandle<typeof orderWorkflow>(orderWorkflowId(orderId))
      .result();
    assert.equal(ended.status, 'delivered', 'the order workflow ended delivered');
  });

  test('Stripe: an older account.updated arriving late, and one sent twice at once, change nothing', async () => {
    const sellerId = seller.sellerId ?? '';
    const started = await call<{ stripeAccountId: string }>(api.baseUrl, 'POST', '/sellers', {
      body: { businessName: 'Late Kettles', country: 'US', email: `${uniqueId('shop')}@example.test` },
      headers: seller.auth,
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    const accountId = started.body.stripeAccountId;
    const now = Math.floor(Date.now() / 1000);
    const staleId = uniqueId('evt-stale');
    const restrictedEarlier = accountUpdatedEvent(sellerId, accountId, restrictedAccount, {
      id: staleId,
      created: now - 60,
    });
    const liveLater = accountUpdatedEvent(sellerId, accountId, liveAccount, { created: now });

    const both = await Promise.all([
      postStripeEvent(services, api.baseUrl, liveLater),
      postStripeEvent(services, api.baseUrl, liveLater),
    ]);
    assert.deepEqual(both.map((r) => r.body.duplicate).sort(), [false, true]);
    await eventually(async () => {
      const doc = await services.collections.sellers.findOne({ _id: sellerId });
      return doc?.status === 'active' ? doc : undefined;
    });

    // Stripe's retry of an older event lands after the newer one: the account stays as the newest says.
    const stale = await postStripeEvent(services, api.baseUrl, restrictedEarlier);
    assert.deepEqual(stale.body, { received: true, duplicate: false });
    const handle = services.temporal.workflow.getHandle(sellerOnboardingWorkflowId(sellerId));
    const state = await eventually(async () => {
      const seen = await handle.query(sellerOnboardingStateQuery);
      return seen.recentEventIds.includes(staleId) ? seen : undefined;
    });
    assert.equal(state.status, 'active');
    assert.equal(state.lastEventCreated, now);
    const doc = await services.collections.sellers.findOne({ _id: sellerId });
    assert.equal(doc?.status, 'active', 'a late, older restriction does not win');
    const notices = await services.collections.outbox
      .find({ template: 'seller-restricted', to: doc?.email })
      .toArray();
    assert.equal(notices.length, 0, 'nobody was told of a restriction');

    // An event for an onboarding that is over is acknowledged, so Stripe stops retrying it.
    await handle.terminate('onboarding closed by the test');
    const afterEnd = await postStripeEvent(
      services,
      api.baseUrl,
      accountUpdatedEvent(sellerId, accountId, restrictedAccount, { created: now + 60 }),
    );
    assert.equal(afterEnd.status, 200);
    assert.deepEqual(afterEnd.body, { received: true, duplicate: false });
  });
});
