import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Services } from '../integrations/services';
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

interface Problem {
  type: string;
  maxUnitsPerSku?: number;
  maxOpenUnpaidOrders?: number;
}
const problem = (type: string) => `https://marketplace.dev/problems/${type}`;

// An order placed without a payment method holds stock while nobody pays: a fresh account must not be able
// to hold a whole shelf that way (37 of 37 units for the whole reservation hold).
describe('what an unpaid order can hold', () => {
  let services: Services;
  let api: RunningApi;
  let worker: RunningWorker;

  before(async () => {
    services = await connectTestServices({
      UNPAID_ORDER_MAX_UNITS_PER_SKU: '5',
      UNPAID_ORDERS_PER_BUYER: '2',
    });
    worker = await startWorker(services);
    api = await startApi(services);
  });

  after(async () => {
    await api.stop();
    await worker.stop();
    await services.close();
  });

  const checkout = (buyer: Account, lines: { sku: string; quantity: number }[], pay = false) =>
    call<{ orderId: string } & Problem>(api.baseUrl, 'POST', '/orders', {
      body: { lines, shipTo, ...(pay ? { paymentMethodId: 'pm_card_visa' } : {}) },
      headers: { ...buyer.auth, 'Idempotency-Key': uniqueId('key') },
    });
  const reaches = (buyer: Account, orderId: string, status: string) =>
    eventually(
      async () => {
        const res = await call<{ status: string }>(api.baseUrl, 'GET', `/orders/${orderId}`, {
          headers: buyer.auth,
        });
        return res.body.status === status ? true : undefined;
      },
      { what: `order ${orderId} to be ${status}` },
    );

  test('an unpaid order holds at most a few units of a SKU; paying at once lifts the bound', async () => {
    const buyer = await register(api.baseUrl, 'buyer');
    const { sku } = await stockedProduct(services, { stock: 37, sellerId: uniqueId('sel') });
    const hoard = await checkout(buyer, [{ sku, quantity: 37 }]);
    assert.equal(hoard.status, 422);
    assert.equal(hoard.body.type, problem('unpaid-quantity-limit'));
    assert.equal(hoard.body.maxUnitsPerSku, 5);
    const split = await checkout(buyer, [
      { sku, quantity: 3 },
      { sku, quantity: 3 },
    ]);
    assert.equal(split.status, 422, 'lines of one SKU add up');
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 37, 'nothing was held');
    const paid = await checkout(buyer, [{ sku, quantity: 6 }], true);
    assert.equal(paid.status, 202, JSON.stringify(paid.body));
  });

  test('an account has at most a few unpaid orders open; another buyer is not affected', async () => {
    const buyer = await register(api.baseUrl, 'buyer');
    const { sku } = await stockedProduct(services, { stock: 20, sellerId: uniqueId('sel') });
    const first = await checkout(buyer, [{ sku, quantity: 1 }]);
    const second = await checkout(buyer, [{ sku, quantity: 1 }]);
    assert.equal(first.status, 202);
    assert.equal(second.status, 202);
    await reaches(buyer, first.body.orderId, 'awaiting_payment');
    await reaches(buyer, second.body.orderId, 'awaiting_payment');
    const third = await checkout(buyer, [{ sku, quantity: 1 }]);
    assert.equal(third.status, 409);
    assert.equal(third.body.type, problem('too-many-unpaid-orders'));
    assert.equal(third.body.maxOpenUnpaidOrders, 2);

    const other = await register(api.baseUrl, 'buyer');
    assert.equal((await checkout(other, [{ sku, quantity: 1 }])).status, 202);

    const cancelled = await call(api.baseUrl, 'POST', `/orders/${first.body.orderId}/cancel`, {
      headers: buyer.auth,
      body: { reason: 'changed my mind' },
    });
    assert.equal(cancelled.status, 202);
    await reaches(buyer, first.body.orderId, 'cancelled');
    assert.equal((await checkout(buyer, [{ sku, quantity: 1 }])).status, 202, 'a slot is free again');
  });
});
