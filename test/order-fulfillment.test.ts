import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SandboxCarrier } from '../integrations/carriers/sandbox-carrier';
import type { Services } from '../integrations/services';
import { sellerFulfillmentWorkflowId } from '../workflows/seller-fulfillment-definitions';
import {
  call,
  eventually,
  register,
  startTestStack,
  stockedProduct,
  testShipTo as shipTo,
  uniqueId,
  type Account,
  type RunningApi,
  type TestStack,
} from './support/stack';

interface SubOrder {
  sellerId: string;
  status: string;
  trackingNumber?: string;
  captured?: { amount: number };
  total: { amount: number };
}
interface Order {
  orderId: string;
  status: string;
  subOrders?: SubOrder[];
  payment?: { status: string };
  failureReason?: string;
}

describe('checkout, the multi-vendor split and fulfilment, end to end', () => {
  let stack: TestStack;
  let services: Services;
  let api: RunningApi;
  let buyer: Account;
  let sellerA: Account;
  let sellerB: Account;
  let carrier: SandboxCarrier;

  before(async () => {
    stack = await startTestStack();
    ({ services, api } = stack);
    [buyer, sellerA, sellerB] = await Promise.all([
      register(api.baseUrl, 'buyer'),
      register(api.baseUrl, 'seller'),
      register(api.baseUrl, 'seller'),
    ]);
    carrier = new SandboxCarrier(services.env.CARRIER_WEBHOOK_SECRET);
  });

  after(() => stack.stop());

  const order = (orderId: string) =>
    call<Order>(api.baseUrl, 'GET', `/orders/${orderId}`, { headers: buyer.auth }).then((r) => r.body);
  const orderReaches = (orderId: string, status: string) =>
    eventually(
      async () => {
        const o = await order(orderId);
        if (['failed', 'cancelled'].includes(o.status) && status !== o.status) {
          throw new Error(`order ${o.status}: ${o.failureReason}`);
        }
        return o.status === status ? o : undefined;
      },
      { what: `order ${orderId} to be ${status}`, timeoutMs: 30_000 },
    );
  const sellerStep = (seller: Account, orderId: string, step: string, body: unknown = {}) =>
    call<SubOrder & { status: string }>(api.baseUrl, 'POST', `/seller/orders/${orderId}/${step}`, {
      body,
      headers: seller.auth,
    });
  const carrierEvent = (trackingNumber: string, status: string, eventId = uniqueId('evt')) => {
    const body = JSON.stringify({ eventId, trackingNumber, status, occurredAt: new Date().toISOString() });
    return call(api.baseUrl, 'POST', '/webhooks/carrier/sandbox', {
      body,
      headers: { 'content-type': 'application/json', 'x-carrier-signature': carrier.sign(body) },
    });
  };
  const placeTwoSellerOrder = async (
    extra: Record<string, unknown> = { paymentMethodId: 'pm_card_visa' },
  ) => {
    const a = await stockedProduct(services, { stock: 5, price: 2000, sellerId: sellerA.sellerId ?? '' });
    const b = await stockedProduct(services, { stock: 5, price: 3000, sellerId: sellerB.sellerId ?? '' });
    const res = await call<Order>(api.baseUrl, 'POST', '/orders', {
      body: {
        lines: [
          { sku: a.sku, quantity: 1 },
          { sku: b.sku, quantity: 2 },
        ],
        shipTo,
        ...extra,
      },
      headers: { ...buyer.auth, 'Idempotency-Key': uniqueId('key') },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    return { orderId: res.body.orderId, skuA: a.sku, skuB: b.sku };
  };

  test('each seller works its part; payment is captured per part as it ships; what never ships is released', async () => {
    const { orderId, skuA, skuB } = await placeTwoSellerOrder();
    await orderReaches(orderId, 'confirmed');
    await eventually(async () => ((await order(orderId)).subOrders?.length === 2 ? true : undefined), {
      what: 'both sub-orders to be recorded',
    });

    // Seller B may not touch seller A's part, and steps out of order are refused with the reason.
    assert.equal((await sellerStep(sellerA, orderId, 'packed')).status, 409);
    for (const step of ['accept', 'picked', 'packed']) {
      const res = await sellerStep(sellerA, orderId, step);
      assert.equal(res.status, 200, JSON.stringify(res.body));
    }
    const labelled = await sellerStep(sellerA, orderId, 'label', { weightGrams: 800 });
    assert.equal(labelled.status, 200, JSON.stringify(labelled.body));
    const trackingNumber = labelled.body.trackingNumber ?? '';
    assert.match(trackingNumber, /^SBX/);

    // Seller B declines its part: its stock comes back and its authorization is voided.
    assert.equal(
      (await sellerStep(sellerB, orderId, 'decline', { reason: 'out of stock in the shop' })).status,
      200,
    );

    const transit = await carrierEvent(trackingNumber, 'in_transit');
    assert.equal(transit.status, 200);
    const shipped = await orderReaches(orderId, 'shipped');
    const partA = shipped.subOrders?.find((s) => s.sellerId === sellerA.sellerId);
    const partB = shipped.subOrders?.find((s) => s.sellerId === sellerB.sellerId);
    assert.equal(partB?.status, 'cancelled');
    await eventually(async () => {
      const doc = await services.collections.subOrders.findOne({ _id: `${orderId}:${sellerA.sellerId}` });
      return doc?.captured ? doc : undefined;
    });
    assert.equal(partA?.status, 'shipped');

    const stock = await services.counters.totalAvailable([skuA, skuB]);
    assert.equal(stock.get(skuA), 4, 'the shipped unit is sold');
    assert.equal(stock.get(skuB), 5, 'the declined part is back in stock');
    const kinds = await services.collections.stockLedger.find({ holdId: orderId }).toArray();
    assert.deepEqual(kinds.map((e) => `${e.sku === skuA ? 'A' : 'B'}:${e.kind}`).sort(), [
      'A:commit',
      'A:reserve',
      'B:release',
      'B:reserve',
    ]);

    // The same event again, and a late "in transit" after delivery, change nothing.
    const delivered = await carrierEvent(trackingNumber, 'delivered', 'evt-delivered-' + orderId);
    assert.equal(delivered.status, 200);
    const again = await carrierEvent(trackingNumber, 'delivered', 'evt-delivered-' + orderId);
    assert.deepEqual(again.body, { received: true, duplicate: true });
    await orderReaches(orderId, 'delivered');
    await carrierEvent(trackingNumber, 'in_transit');
    assert.equal((await order(orderId)).status, 'delivered');
  });

  test('the storefront pays through /payments/checkout; a wrong state is a 409, a stranger gets a 404', async () => {
    const { orderId } = await placeTwoSellerOrder({});
    await orderReaches(orderId, 'awaiting_payment');
    const stranger = await register(api.baseUrl, 'buyer');
    const peek = await call(api.baseUrl, 'POST', '/payments/checkout', {
      body: { orderId, paymentMethodId: 'pm_card_visa' },
      headers: stranger.auth,
    });
    assert.equal(peek.status, 404);
    const paid = await call<{ status: string }>(api.baseUrl, 'POST', '/payments/checkout', {
      body: { orderId, paymentMethodId: 'pm_card_visa' },
      headers: buyer.auth,
    });
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.equal(paid.body.status, 'authorized');
    await orderReaches(orderId, 'confirmed');
    const twice = await call(api.baseUrl, 'POST', '/payments/checkout', {
      body: { orderId, paymentMethodId: 'pm_card_visa' },
      headers: buyer.auth,
    });
    assert.equal(twice.status, 409);
  });

  test('a buyer cancels before anything ships: every part is cancelled, stock released', async () => {
    const { orderId, skuA, skuB } = await placeTwoSellerOrder();
    await orderReaches(orderId, 'confirmed');
    const cancel = await call<{ cancelling: string[] }>(api.baseUrl, 'POST', `/orders/${orderId}/cancel`, {
      body: { reason: 'changed my mind' },
      headers: buyer.auth,
    });
    assert.equal(cancel.status, 202, JSON.stringify(cancel.body));
    assert.equal(cancel.body.cancelling.length, 2);
    await orderReaches(orderId, 'cancelled');
    const stock = await services.counters.totalAvailable([skuA, skuB]);
    assert.equal(stock.get(skuA), 5);
    assert.equal(stock.get(skuB), 5);
    const late = await call(api.baseUrl, 'POST', `/orders/${orderId}/cancel`, {
      body: { reason: 'again' },
      headers: buyer.auth,
    });
    assert.equal(late.status, 409);
  });

  test('a buyer cancels after one seller declined: the part still open is cancelled, the declined one is left', async () => {
    const { orderId, skuA, skuB } = await placeTwoSellerOrder();
    await orderReaches(orderId, 'confirmed');
    await eventually(async () => ((await order(orderId)).subOrders?.length === 2 ? true : undefined), {
      what: 'both sub-orders to be recorded',
    });
    const declined = await sellerStep(sellerB, orderId, 'decline', { reason: 'cannot ship this week' });
    assert.equal(declined.status, 200, JSON.stringify(declined.body));
    // Seller B's part has ended: its workflow, too, which tells the order before it ends (the record alone
    // is written a moment before the order hears of it). The cancel names only seller A's part.
    await services.temporal.workflow
      .getHandle(sellerFulfillmentWorkflowId(orderId, sellerB.sellerId ?? ''))
      .result();
    const cancel = await call<{ cancelling: string[] }>(api.baseUrl, 'POST', `/orders/${orderId}/cancel`, {
      body: { reason: 'the rest alone is no use to me' },
      headers: buyer.auth,
    });
    assert.equal(cancel.status, 202, JSON.stringify(cancel.body));
    assert.deepEqual(cancel.body.cancelling, [sellerA.sellerId]);
    await orderReaches(orderId, 'cancelled');
    const stock = await services.counters.totalAvailable([skuA, skuB]);
    assert.equal(stock.get(skuA), 5);
    assert.equal(stock.get(skuB), 5);
  });

  test('a forged or unknown carrier webhook is refused', async () => {
    const body = JSON.stringify({
      eventId: 'e1',
      trackingNumber: 'SBX1',
      status: 'delivered',
      occurredAt: 'x',
    });
    const forged = await call(api.baseUrl, 'POST', '/webhooks/carrier/sandbox', {
      body,
      headers: { 'content-type': 'application/json', 'x-carrier-signature': '0'.repeat(64) },
    });
    assert.equal(forged.status, 401);
    const unknown = await call(api.baseUrl, 'POST', '/webhooks/carrier/fedex', {
      body,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(unknown.status, 404);
  });
});
