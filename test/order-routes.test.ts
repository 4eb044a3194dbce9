import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newOrderId } from '../api/order-ids';
import type { Services } from '../integrations/services';
import { orderWorkflowId } from '../workflows/order-definitions';
import { opsAuth, register, type Account } from './support/accounts';
import { testShipTo as shipTo } from './support/addresses';
import { stockedProduct } from './support/catalog';
import { call } from './support/http';
import {
  connectTestServices,
  eventually,
  startApi,
  startWorker,
  uniqueId,
  type RunningApi,
  type RunningWorker,
} from './support/services';

interface Answer {
  type?: string;
  orderId?: string;
  status?: string;
  customerId?: string;
  cancelling?: string[];
  items?: { orderId: string; customerId: string }[];
}
const problem = (type: string) => `https://marketplace.dev/problems/${type}`;

// Each order route parses, authorizes, calls one function of the order capability and maps its answer:
// these are the refusals and answers no other test reaches (an empty cart, who lists whose orders, who
// pays, ops' fraud decision off its moment, a cancel after the order has ended).
describe('the order routes, refusal by refusal', () => {
  let services: Services;
  let api: RunningApi;
  let worker: RunningWorker;
  let buyer: Account;
  let other: Account;
  let ops: Record<string, string>;

  before(async () => {
    services = await connectTestServices();
    worker = await startWorker(services);
    api = await startApi(services);
    [buyer, other] = await Promise.all([register(api.baseUrl, 'buyer'), register(api.baseUrl, 'buyer')]);
    ops = await opsAuth(api.baseUrl, services);
  });
  after(async () => {
    await api.stop();
    await worker.stop();
    await services.close();
  });

  const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    call<Answer>(api.baseUrl, method, path, {
      headers: { ...headers, ...(method === 'POST' ? { 'Idempotency-Key': uniqueId('key') } : {}) },
      ...(body === undefined ? {} : { body }),
    });

  /** An order placed without a card, once its workflow waits for payment. */
  async function unpaidOrder(as: Account): Promise<{ orderId: string; sellerId: string }> {
    const { sku, product } = await stockedProduct(services, { stock: 5 });
    const placed = await send('POST', '/orders', as.auth, { lines: [{ sku, quantity: 1 }], shipTo });
    assert.equal(placed.status, 202);
    const orderId = placed.body.orderId ?? '';
    await eventually(
      async () => {
        const res = await send('GET', `/orders/${orderId}`, as.auth);
        return res.body.status === 'awaiting_payment' ? true : undefined;
      },
      { what: `order ${orderId} to await payment` },
    );
    return { orderId, sellerId: product.sellerId };
  }

  test('an empty cart is nothing to order', async () => {
    const res = await send('POST', '/orders', buyer.auth, { shipTo });
    assert.equal(res.status, 422);
    assert.equal(res.body.type, problem('empty-cart'));
  });

  test('a buyer lists only its own orders, ops list any buyer’s, a seller is sent to its sub-orders', async () => {
    const { orderId } = await unpaidOrder(buyer);
    const own = await send('GET', `/orders?customerId=${other.userId}`, buyer.auth);
    assert.equal(own.status, 200);
    assert.ok(own.body.items?.some((o) => o.orderId === orderId));
    assert.ok(own.body.items?.every((o) => o.customerId === buyer.userId));
    const byOps = await send('GET', `/orders?customerId=${buyer.userId}`, ops);
    assert.ok(byOps.body.items?.some((o) => o.orderId === orderId));
    assert.ok(byOps.body.items?.every((o) => o.customerId === buyer.userId));
    const seller = await register(api.baseUrl, 'seller');
    const asSeller = await send('GET', '/orders', seller.auth);
    assert.equal(asSeller.status, 403);
    assert.equal(asSeller.body.type, problem('forbidden'));
  });

  test('only its buyer pays an order; ops decide on fraud only for an order held for it', async () => {
    const { orderId } = await unpaidOrder(buyer);
    const pay = { orderId, paymentMethodId: 'pm_card_visa' };
    const stranger = await send('POST', '/payments/checkout', other.auth, pay);
    assert.equal(stranger.status, 404);
    assert.equal(stranger.body.type, problem('order-not-found'));
    const decision = { decision: 'approve', reason: 'looks fine' };
    const offMoment = await send('POST', `/ops/orders/${orderId}/fraud-decision`, ops, decision);
    assert.equal(offMoment.status, 409);
    assert.equal(offMoment.body.type, problem('invalid-state'));
    const unknown = await send('POST', `/ops/orders/${newOrderId()}/fraud-decision`, ops, decision);
    assert.equal(unknown.status, 404);
    const paid = await send('POST', '/payments/checkout', buyer.auth, pay);
    assert.equal(paid.status, 200);
    assert.equal(paid.body.status, 'authorized');
  });

  test('a cancel names the sellers whose parts go; once the order has ended it is a 409', async () => {
    const { orderId, sellerId } = await unpaidOrder(buyer);
    const reason = { reason: 'changed my mind' };
    const stranger = await send('POST', `/orders/${orderId}/cancel`, other.auth, reason);
    assert.equal(stranger.status, 404);
    assert.equal(stranger.body.type, problem('order-not-found'));
    const cancel = await send('POST', `/orders/${orderId}/cancel`, buyer.auth, reason);
    assert.equal(cancel.status, 202);
    assert.deepEqual(cancel.body.cancelling, [sellerId]);
    const handle = services.temporal.workflow.getHandle(orderWorkflowId(orderId));
    await eventually(async () => ((await handle.describe()).status.name === 'COMPLETED' ? true : undefined), {
      what: `order ${orderId}'s workflow to end`,
    });
    const again = await send('POST', `/orders/${orderId}/cancel`, buyer.auth, reason);
    assert.equal(again.status, 409);
    assert.equal(again.body.type, problem('invalid-state'));
  });
});
