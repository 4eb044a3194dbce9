import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ledgerBalances } from '../inventory/stock-ledger';
import type { Services } from '../integrations/services';
import { orderWorkflowId } from '../workflows/order-definitions';
import { sellerFulfillmentWorkflowId } from '../workflows/seller-fulfillment-definitions';
import {
  call,
  connectTestServices,
  eventually,
  register,
  startApi,
  stockedProduct,
  testShipTo as shipTo,
  uniqueId,
  type Account,
  type RunningApi,
} from './support/stack';
import { startStripeRecorder, type StripeRecorder } from './support/stripe-recorder';
import { activitiesOf, lostWorkflowTasks } from './support/workflow-history';
import { startWorkerProcess, writeWorkflowBundle, type WorkerProcess } from './support/worker-process';

// The worker runs as its own OS process and is killed with SIGKILL at the worst moments of the checkout
// saga: right after Redis took the stock (a local activity, inside a workflow task), and right after Stripe
// authorized a card (an activity), each before Temporal heard of it. A fresh worker process then finishes
// both orders from the recorded history.
describe('a worker killed with SIGKILL in the middle of a checkout', () => {
  const taskQueue = `fault-worker-${randomBytes(4).toString('hex')}`;
  let services: Services;
  let api: RunningApi;
  let stripe: StripeRecorder;
  let dir: string;
  let bundlePath: string;
  let buyer: Account;
  let sellers: Account[];
  const workers: WorkerProcess[] = [];
  const orderIds: string[] = [];

  before(async () => {
    services = await connectTestServices({ TEMPORAL_TASK_QUEUE: taskQueue });
    stripe = await startStripeRecorder(services.env.STRIPE_API_BASE);
    api = await startApi(services);
    dir = await mkdtemp(join(tmpdir(), 'fault-worker-'));
    bundlePath = await writeWorkflowBundle(dir);
    [buyer, ...sellers] = await Promise.all([
      register(api.baseUrl, 'buyer'),
      register(api.baseUrl, 'seller'),
      register(api.baseUrl, 'seller'),
    ]);
  });

  after(async () => {
    await Promise.allSettled(workers.map((w) => w.stop()));
    // The orders' sellers would wait days to accept; end this run's workflows on the shared server.
    const ids = orderIds.flatMap((orderId) => [
      orderWorkflowId(orderId),
      ...sellers.map((s) => sellerFulfillmentWorkflowId(orderId, s.sellerId ?? '')),
    ]);
    await Promise.allSettled(
      ids.map((id) => services.temporal.workflow.getHandle(id).terminate('fault test finished')),
    );
    await api.stop();
    await stripe.stop();
    await services.close();
    await rm(dir, { recursive: true, force: true });
  });

  const worker = async (hangAfter = '') => {
    const started = await startWorkerProcess({
      TEMPORAL_TASK_QUEUE: taskQueue,
      WORKFLOW_BUNDLE_PATH: bundlePath,
      STRIPE_API_BASE: stripe.baseUrl,
      FAULT_HANG_AFTER: hangAfter,
    });
    workers.push(started);
    return started;
  };

  const placeOrder = async () => {
    const lines = await Promise.all(
      sellers.map(async (seller, i) => {
        const { sku } = await stockedProduct(services, { stock: 5, sellerId: seller.sellerId ?? '' });
        return { sku, quantity: i + 1 };
      }),
    );
    const res = await call<{ orderId: string }>(api.baseUrl, 'POST', '/orders', {
      body: { lines, shipTo, paymentMethodId: 'pm_card_visa' },
      headers: { ...buyer.auth, 'Idempotency-Key': uniqueId('key') },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    orderIds.push(res.body.orderId);
    return { orderId: res.body.orderId, lines };
  };

  const authorizationKeys = (orderId: string) =>
    stripe.calls
      .filter((c) => c.method === 'POST' && c.path === '/v1/payment_intents')
      .map((c) => c.idempotencyKey ?? '')
      .filter((key) => key.startsWith(`order-${orderId}-`));

  test('the orders complete, each card part is authorized once and each line is held once', async () => {
    const crashing = await worker('checkOutOrder,authorizeOrderParts');
    // Order A: its stock is held in Redis and the ledger, then the worker dies before reporting it.
    const a = await placeOrder();
    const heldLine = await crashing.waitForLine(/^after checkOutOrder /);
    assert.match(heldLine, new RegExp(a.orderId));
    // Order B: held normally, then every part is authorized at Stripe and the worker dies before reporting.
    const b = await placeOrder();
    const authorizedLine = await crashing.waitForLine(/^after authorizeOrderParts /);
    assert.match(authorizedLine, new RegExp(b.orderId));
    await crashing.kill();
    // B's parts are authorized in one step, which hung after Stripe answered every part.
    const beforeCrash = authorizationKeys(b.orderId);
    assert.equal(new Set(beforeCrash).size, sellers.length, beforeCrash.join(', '));

    await worker();
    for (const { orderId } of [a, b]) {
      await eventually(
        async () => {
          const doc = await services.collections.orders.findOne({ _id: orderId });
          if (doc?.status === 'failed') throw new Error(`order failed: ${doc.failureReason}`);
          return doc?.status === 'confirmed' ? doc : undefined;
        },
        // The lost attempt is retried only once its 30 s start-to-close timeout has passed.
        { what: `order ${orderId} to be confirmed`, timeoutMs: 75_000, intervalMs: 500 },
      );
    }

    for (const { orderId, lines } of [a, b]) {
      const order = await services.collections.orders.findOne({ _id: orderId });
      const intents = order?.paymentIntentIds ?? {};
      assert.deepEqual(Object.keys(intents).sort(), sellers.map((s) => s.sellerId ?? '').sort());
      for (const seller of sellers) {
        const subOrder = await eventually(() =>
          services.collections.subOrders
            .findOne({ _id: `${orderId}:${seller.sellerId}` })
            .then((doc) => doc ?? undefined),
        );
        assert.equal(
          subOrder.paymentIntentId,
          intents[seller.sellerId ?? ''],
          'the sub-order holds its part',
        );
      }

      // One authorization per seller's part: the retried call reused its idempotency key.
      const keys = authorizationKeys(orderId);
      assert.equal(new Set(keys).size, sellers.length, `${orderId}: one authorization key per part`);
      const history = await activitiesOf(services.temporal, orderWorkflowId(orderId));
      const ran = (type: string) => history.filter((h) => h.activityType === type);
      // Every part in one step: scheduled once, completed (by the second worker for order B).
      assert.equal(ran('authorizeOrderParts').length, 1);
      assert.ok(ran('authorizeOrderParts').every((h) => h.completed));
      // The checkout step (price, record, hold) is a local activity: recorded once, by the worker that
      // finished the task.
      assert.equal(ran('checkOutOrder').length, 1);
      assert.ok(ran('checkOutOrder').every((h) => h.local && h.completed));
      assert.equal(ran('cancelPaymentAuthorization').length, 0, 'nothing was voided');
      assert.equal(ran('releaseStock').length, 0, 'nothing was released');

      // Stock held once: one reserve entry per line, and Redis agrees with the ledger.
      const skus = lines.map((l) => l.sku);
      const entries = await services.collections.stockLedger.find({ holdId: orderId }).toArray();
      assert.deepEqual(
        entries.map((e) => `${e.sku}:${e.kind}:${e.delta}`).sort(),
        [...lines.map((l) => `${l.sku}:reserve:${-l.quantity}`)].sort(),
      );
      const redis = await services.counters.totalAvailable(skus);
      const ledger = await ledgerBalances(services.collections, skus);
      for (const line of lines) {
        assert.equal(redis.get(line.sku), 5 - line.quantity, `${line.sku} held once in Redis`);
        assert.deepEqual(ledger.get(line.sku), { 'wh-test': 5 - line.quantity });
      }
    }

    // The work the crash swallowed was done again: A's workflow task (with its hold) ran again on the new
    // worker, and B's hung authorization was called again at Stripe under the same key.
    assert.ok((await lostWorkflowTasks(services.temporal, orderWorkflowId(a.orderId))) >= 1);
    // (Its sibling may have been in flight at the kill too, and then is called again the same way.)
    const bKeys = authorizationKeys(b.orderId);
    assert.equal(new Set(bKeys).size, sellers.length, 'every retry reused its part key');
    assert.ok(bKeys.length > sellers.length, 'the call that hung was made again');
    assert.ok(bKeys.every((key) => bKeys.filter((k) => k === key).length <= 2));
  });
});
