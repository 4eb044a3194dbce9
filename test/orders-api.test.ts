import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Services } from '../integrations/services';
import { orderWorkflowId } from '../workflows/order-definitions';
import {
  call,
  eventually,
  opsAuth,
  register,
  startTestStack,
  stockedProduct,
  testShipTo as shipTo,
  uniqueId,
  type Account,
  type RunningApi,
  type TestStack,
} from './support/stack';
import { orderPastTheDoor } from './support/past-the-door';

interface Order {
  orderId: string;
  status: string;
  total?: { amount: number; currency: string };
  paymentIntentIds?: Record<string, string>;
  failureReason?: string;
}

describe('the walking-skeleton order, through the API and every real service', () => {
  let stack: TestStack;
  let services: Services;
  let api: RunningApi;
  let buyer: Account;

  before(async () => {
    stack = await startTestStack();
    ({ services, api } = stack);
    buyer = await register(api.baseUrl, 'buyer');
  });

  after(() => stack.stop());

  const placeOrder = (body: Record<string, unknown>, key?: string, as: Account = buyer) =>
    call<Order>(api.baseUrl, 'POST', '/orders', {
      body: { shipTo, paymentMethodId: 'pm_card_visa', ...body },
      headers: { ...as.auth, ...(key === undefined ? {} : { 'Idempotency-Key': key }) },
    });

  const settledOrder = (orderId: string) =>
    eventually(
      async () => {
        const res = await call<Order>(api.baseUrl, 'GET', `/orders/${orderId}`, { headers: buyer.auth });
        return ['confirmed', 'failed', 'cancelled'].includes(res.body.status) ? res.body : undefined;
      },
      { what: `order ${orderId} to settle` },
    );

  test('an order holds stock, authorizes payment, is recorded and confirmed', async () => {
    const { sku } = await stockedProduct(services, { stock: 5, price: 1999 });
    const res = await placeOrder({ lines: [{ sku, quantity: 2 }] }, uniqueId('key'));
    assert.equal(res.status, 202);
    assert.match(res.body.orderId, /^ord_/);
    assert.equal(res.headers.get('location'), `/orders/${res.body.orderId}`);

    const order = await settledOrder(res.body.orderId);
    assert.equal(order.status, 'confirmed', order.failureReason);
    // 39.98 goods + 4.99 domestic shipping + 6.25% Texas tax on both (2.81) = 47.78
    assert.deepEqual(order.total, { amount: 4778, currency: 'USD' });
    // The buyer sees neither how fraud screening scored them nor our Stripe ids; ops see both.
    const asBuyer = JSON.stringify(order);
    assert.ok(!('fraud' in order) && !('paymentIntentIds' in order), asBuyer);
    assert.doesNotMatch(asBuyer, /pi_|score|reasons/);
    const listed = await call<{ items: Order[] }>(api.baseUrl, 'GET', '/orders', { headers: buyer.auth });
    assert.doesNotMatch(JSON.stringify(listed.body), /paymentIntent|"fraud"/);
    const ops = await opsAuth(api.baseUrl, services);
    const asOps = await call<Order & { fraud?: { score: number } }>(
      api.baseUrl,
      'GET',
      `/orders/${res.body.orderId}`,
      { headers: ops },
    );
    assert.match(Object.values(asOps.body.paymentIntentIds ?? {})[0] ?? '', /^pi_/);
    assert.equal(typeof asOps.body.fraud?.score, 'number');

    const available = await services.counters.totalAvailable([sku]);
    assert.equal(available.get(sku), 3, 'two of five units are held for the order');
    const ledger = await services.collections.stockLedger.find({ sku, holdId: res.body.orderId }).toArray();
    assert.deepEqual(
      ledger.map((e) => [e.kind, e.delta]),
      [['reserve', -2]],
    );
    const doc = await services.collections.orders.findOne({ _id: res.body.orderId });
    assert.equal(doc?.status, 'confirmed');
    assert.equal(doc?.customerId, buyer.userId);
  });

  test('the same Idempotency-Key twice is one order; a different body under it is refused', async () => {
    const { sku } = await stockedProduct(services, { stock: 3 });
    const key = uniqueId('key');
    const body = { lines: [{ sku, quantity: 1 }] };
    const [first, second] = await Promise.all([placeOrder(body, key), placeOrder(body, key)]);
    assert.equal(first.status, 202);
    assert.equal(second.status, 202);
    assert.equal(first.body.orderId, second.body.orderId);
    await settledOrder(first.body.orderId);
    const third = await placeOrder(body, key);
    assert.equal(third.body.orderId, first.body.orderId);
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 2, 'stock was held once');

    const changed = await placeOrder({ ...body, lines: [{ sku, quantity: 2 }] }, key);
    assert.equal(changed.status, 422);
    assert.equal(
      (changed.body as unknown as { type: string }).type,
      'https://marketplace.dev/problems/idempotency-key-reused',
    );
  });

  test('ops find the order in Temporal by its order id, with live status', async () => {
    const { sku } = await stockedProduct(services, { stock: 2 });
    const res = await placeOrder({ lines: [{ sku, quantity: 1 }] }, uniqueId('key'));
    await settledOrder(res.body.orderId);
    const found = await eventually(
      async () => {
        const ids: string[] = [];
        for await (const wf of services.temporal.workflow.list({
          query: `WorkflowType = 'orderWorkflow' AND OrderId = '${res.body.orderId}' AND MarketplaceStatus = 'confirmed'`,
        })) {
          ids.push(wf.workflowId);
        }
        return ids.length > 0 ? ids : undefined;
      },
      { what: 'visibility to index the order' },
    );
    assert.deepEqual(found, [orderWorkflowId(res.body.orderId)]);
  });

  test('an order for more than is in stock is refused at the door, holding and charging nothing', async () => {
    const { sku } = await stockedProduct(services, { stock: 1 });
    const { sku: other } = await stockedProduct(services, { stock: 4 });
    const res = await call<Order & { type: string; skus: unknown }>(api.baseUrl, 'POST', '/orders', {
      body: {
        shipTo,
        paymentMethodId: 'pm_card_visa',
        lines: [
          { sku: other, quantity: 2 },
          { sku, quantity: 2 },
        ],
      },
      headers: { ...buyer.auth, 'Idempotency-Key': uniqueId('key') },
    });
    assert.equal(res.status, 409);
    assert.equal(res.body.type, 'https://marketplace.dev/problems/out-of-stock');
    assert.deepEqual(res.body.skus, [{ sku, requested: 2, available: 1 }]);
    const available = await services.counters.totalAvailable([sku, other]);
    assert.equal(available.get(sku), 1);
    assert.equal(available.get(other), 4);
  });

  test('an order that passed the door but lost the stock fails and releases what it held', async () => {
    const { sku } = await stockedProduct(services, { stock: 1 });
    const { sku: other } = await stockedProduct(services, { stock: 4 });
    // Another buyer took the last unit between this checkout's door check and its reservation.
    const orderId = await orderPastTheDoor(services, buyer.userId, [
      { sku: other, quantity: 2 },
      { sku, quantity: 2 },
    ]);
    const order = await settledOrder(orderId);
    assert.equal(order.status, 'failed');
    assert.match(order.failureReason ?? '', /Only 1 of/);
    assert.deepEqual(order.paymentIntentIds ?? {}, {});
    const available = await services.counters.totalAvailable([sku, other]);
    assert.equal(available.get(sku), 1);
    assert.equal(available.get(other), 4, 'the line that was held is released again');
  });

  test('bad requests get a problem body, never a 500', async () => {
    const noKey = await placeOrder({ lines: [{ sku: 'X1', quantity: 1 }] });
    assert.equal(noKey.status, 400);
    assert.equal(noKey.headers.get('content-type'), 'application/problem+json; charset=utf-8');

    const negative = await placeOrder({ lines: [{ sku: 'X1', quantity: -1 }] }, uniqueId('key'));
    assert.equal(negative.status, 422);
    assert.deepEqual(
      (negative.body as unknown as { errors: { field: string }[] }).errors.map((e) => e.field),
      ['lines.0.quantity'],
    );

    const unknownField = await placeOrder(
      { lines: [{ sku: 'X1', quantity: 1 }], admin: true },
      uniqueId('key'),
    );
    assert.equal(unknownField.status, 422);

    const malformed = await call(api.baseUrl, 'POST', '/orders', {
      body: '{"lines": [',
      headers: { ...buyer.auth, 'content-type': 'application/json', 'Idempotency-Key': uniqueId('key') },
    });
    assert.equal(malformed.status, 400);

    const wrongType = await call(api.baseUrl, 'POST', '/orders', {
      body: 'lines=1',
      headers: { ...buyer.auth, 'content-type': 'text/plain', 'Idempotency-Key': uniqueId('key') },
    });
    assert.equal(wrongType.status, 415);

    const huge = await placeOrder({ lines: [{ sku: 'X'.repeat(200_000), quantity: 1 }] }, uniqueId('key'));
    assert.equal(huge.status, 413);

    const notAnId = await call(api.baseUrl, 'GET', '/orders/..%2F..%2Fetc', { headers: buyer.auth });
    assert.equal(notAnId.status, 400);
    const missing = await call(api.baseUrl, 'GET', '/orders/ord_000000000aaaaaaaaaaaaaaaa', {
      headers: buyer.auth,
    });
    assert.equal(missing.status, 404);
    const anonymous = await call(api.baseUrl, 'POST', '/orders', { body: { lines: [] } });
    assert.equal(anonymous.status, 401);
    const forged = await call(api.baseUrl, 'GET', '/orders/ord_000000000aaaaaaaaaaaaaaaa', {
      headers: { authorization: `Bearer ${buyer.token.slice(0, -2)}xx` },
    });
    assert.equal(forged.status, 401);
  });

  test("a buyer cannot see another buyer's order, and a seller cannot place one", async () => {
    const { sku } = await stockedProduct(services, { stock: 2 });
    const res = await placeOrder({ lines: [{ sku, quantity: 1 }] }, uniqueId('key'));
    const stranger = await register(api.baseUrl, 'buyer');
    const peek = await call(api.baseUrl, 'GET', `/orders/${res.body.orderId}`, { headers: stranger.auth });
    assert.equal(peek.status, 404);
    const seller = await register(api.baseUrl, 'seller');
    const asSeller = await placeOrder({ lines: [{ sku, quantity: 1 }] }, uniqueId('key'), seller);
    assert.equal(asSeller.status, 403);
  });

  test('health, readiness and the OpenAPI document', async () => {
    assert.equal((await call(api.baseUrl, 'GET', '/healthz')).status, 200);
    const ready = await call<{ status: string; checks: { name: string; ok: boolean }[] }>(
      api.baseUrl,
      'GET',
      '/readyz',
    );
    assert.equal(ready.status, 200, JSON.stringify(ready.body));
    assert.deepEqual(ready.body.checks.map((c) => c.name).sort(), [
      'mongodb',
      'opensearch',
      'redis',
      'temporal',
    ]);
    const doc = await call<{ openapi: string; paths: Record<string, unknown> }>(
      api.baseUrl,
      'GET',
      '/openapi.json',
    );
    assert.equal(doc.body.openapi, '3.1.0');
    assert.ok(doc.body.paths['/orders']);
    assert.ok(doc.body.paths['/orders/{id}']);
  });
});
