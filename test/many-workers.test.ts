import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { temporal } from '@temporalio/proto';
import { ledgerBalances } from '../inventory/stock-ledger';
import type { Services } from '../integrations/services';
import { orderWorkflowId } from '../workflows/order-definitions';
import { sellerFulfillmentWorkflowId } from '../workflows/seller-fulfillment-definitions';
import {
  call,
  connectTestServices,
  eventually,
  register,
  stockedProduct,
  testShipTo as shipTo,
  uniqueId,
  type Account,
} from './support/stack';
import { startApiProcess, type ApiProcess } from './support/api-process';
import { startStripeRecorder, type StripeRecorder } from './support/stripe-recorder';
import { activitiesOf } from './support/workflow-history';
import { startWorkerProcess, writeWorkflowBundle, type WorkerProcess } from './support/worker-process';

const stock = 100;
const firstWave = 12;
const secondWave = 8;

/** Which worker processes (by pid) started this workflow's tasks, read from its recorded history. */
async function workerPidsOf(services: Services, workflowId: string): Promise<Set<number>> {
  const history = await services.temporal.workflow.getHandle(workflowId).fetchHistory();
  const events: temporal.api.history.v1.IHistoryEvent[] = history.events ?? [];
  const pids = new Set<number>();
  for (const event of events) {
    const identity =
      event.workflowTaskStartedEventAttributes?.identity ??
      event.activityTaskStartedEventAttributes?.identity;
    const pid = Number(/^(\d+)@/.exec(identity ?? '')?.[1]);
    if (pid) pids.add(pid);
  }
  return pids;
}

// Two worker processes and two API processes share one task queue, one database and one Redis, as a
// scaled-out deployment does. Orders arrive through both APIs; one worker is killed with SIGKILL while
// orders are in flight. The other finishes everything: each order is confirmed, each seller's part is
// authorized once (one idempotency key at Stripe), each line is held once, and stock adds up.
describe('two workers and two API processes, one worker killed mid-load', () => {
  const taskQueue = `scale-workers-${randomBytes(4).toString('hex')}`;
  let services: Services;
  let stripe: StripeRecorder;
  let dir: string;
  const apis: ApiProcess[] = [];
  const workers: WorkerProcess[] = [];
  let buyers: Account[] = [];
  let sellers: Account[] = [];
  const orderIds: string[] = [];

  before(async () => {
    services = await connectTestServices({ TEMPORAL_TASK_QUEUE: taskQueue });
    stripe = await startStripeRecorder(services.env.STRIPE_API_BASE);
    dir = await mkdtemp(join(tmpdir(), 'scale-workers-'));
    const bundlePath = await writeWorkflowBundle(dir);
    for (let i = 0; i < 2; i++) {
      workers.push(
        await startWorkerProcess({
          TEMPORAL_TASK_QUEUE: taskQueue,
          WORKFLOW_BUNDLE_PATH: bundlePath,
          STRIPE_API_BASE: stripe.baseUrl,
        }),
      );
    }
    // One after another: each API process (re)sets the ops account at start, and two at once would race.
    for (let i = 0; i < 2; i++) apis.push(await startApiProcess(services.env));
    const [first = apis[0], second = apis[1]] = apis;
    // Ten buyers with two orders each: one buyer placing many orders within the hour would (rightly) be
    // parked for fraud review, which is not what this test is about.
    buyers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => register(apis[i % 2]?.baseUrl ?? '', 'buyer')),
    );
    sellers = await Promise.all([
      register(first?.baseUrl ?? '', 'seller'),
      register(second?.baseUrl ?? '', 'seller'),
    ]);
  });

  after(async () => {
    await Promise.allSettled(workers.map((w) => w.stop()));
    await Promise.allSettled(apis.map((a) => a.stop()));
    // The sellers would wait days to accept; end this run's workflows on the shared server.
    const ids = orderIds.flatMap((orderId) => [
      orderWorkflowId(orderId),
      ...sellers.map((s) => sellerFulfillmentWorkflowId(orderId, s.sellerId ?? '')),
    ]);
    await Promise.allSettled(
      ids.map((id) => services.temporal.workflow.getHandle(id).terminate('scale test finished')),
    );
    await stripe.stop();
    await services.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('every order is confirmed; each authorization and each hold happens once', async () => {
    const skus = await Promise.all(
      sellers.map(
        async (seller) => (await stockedProduct(services, { stock, sellerId: seller.sellerId ?? '' })).sku,
      ),
    );
    const lines = skus.map((sku, i) => ({ sku, quantity: i + 1 }));

    const place = async (n: number) => {
      const api = apis[n % 2];
      const buyer = buyers[n % buyers.length];
      const res = await call<{ orderId: string }>(api?.baseUrl ?? '', 'POST', '/orders', {
        body: { lines, shipTo, paymentMethodId: 'pm_card_visa' },
        headers: { ...buyer?.auth, 'Idempotency-Key': uniqueId('key') },
      });
      assert.equal(res.status, 202, JSON.stringify(res.body));
      orderIds.push(res.body.orderId);
    };
    const statusOf = async (orderId: string) =>
      (await services.collections.orders.findOne({ _id: orderId }))?.status;

    // Authorizations wait at the payment provider until the worker is killed, so orders are surely in
    // flight then (on a fast machine the whole wave would otherwise be confirmed before the kill).
    const slowProvider = stripe.hold((c) => c.method === 'POST' && c.path === '/v1/payment_intents');
    await Promise.all(Array.from({ length: firstWave }, (_, n) => place(n)));
    await eventually(() => Promise.resolve(slowProvider.waiting >= 4 ? true : undefined), {
      timeoutMs: 120_000,
      intervalMs: 100,
      what: 'authorizations of the first wave to reach the payment provider',
    });
    const [doomed, survivor] = workers;
    const unfinishedAtKill = (await Promise.all(orderIds.map(statusOf))).filter(
      (s) => s !== 'confirmed',
    ).length;
    await doomed?.kill();
    slowProvider.release();
    await Promise.all(Array.from({ length: secondWave }, (_, n) => place(firstWave + n)));

    for (const orderId of orderIds) {
      await eventually(
        async () => {
          const doc = await services.collections.orders.findOne({ _id: orderId });
          if (doc?.status === 'failed') throw new Error(`order ${orderId} failed: ${doc.failureReason}`);
          return doc?.status === 'confirmed' ? doc : undefined;
        },
        // Work the killed worker had started is retried once its timeout passes (30 s for an activity).
        { timeoutMs: 180_000, intervalMs: 500, what: `order ${orderId} to be confirmed` },
      );
    }
    assert.ok(unfinishedAtKill > 0, 'orders were in flight when the worker was killed');

    const both = new Set<number>();
    for (const orderId of orderIds) {
      for (const pid of await workerPidsOf(services, orderWorkflowId(orderId))) both.add(pid);

      // One authorization per seller's part, under one idempotency key each; nothing voided.
      const order = await services.collections.orders.findOne({ _id: orderId });
      assert.deepEqual(
        Object.keys(order?.paymentIntentIds ?? {}).sort(),
        sellers.map((s) => s.sellerId ?? '').sort(),
      );
      const keys = stripe.calls
        .filter((c) => c.method === 'POST' && c.path === '/v1/payment_intents')
        .map((c) => c.idempotencyKey ?? '')
        .filter((key) => key.startsWith(`order-${orderId}-`));
      assert.equal(new Set(keys).size, sellers.length, `${orderId}: one authorization key per part`);
      const history = await activitiesOf(services.temporal, orderWorkflowId(orderId));
      const ran = (type: string) => history.filter((h) => h.activityType === type);
      // Every part in one authorization step, scheduled once (a retry after the kill is an attempt of it).
      assert.equal(ran('authorizeOrderParts').length, 1, `${orderId}: one authorization step`);
      assert.equal(ran('authorizePayment').length, 0, `${orderId}: no step per part`);
      // Priced, recorded and held in one local step, recorded once.
      assert.equal(ran('checkOutOrder').length, 1, `${orderId}: checked out once`);
      assert.equal(ran('cancelPaymentAuthorization').length, 0, `${orderId}: nothing voided`);
      assert.equal(ran('releaseStock').length, 0, `${orderId}: nothing released`);

      // Each line held once in the ledger.
      const entries = await services.collections.stockLedger.find({ holdId: orderId }).toArray();
      assert.deepEqual(
        entries.map((e) => `${e.sku}:${e.kind}:${e.delta}`).sort(),
        lines.map((l) => `${l.sku}:reserve:${-l.quantity}`).sort(),
      );
    }
    assert.ok(
      [...both].filter((pid) => workers.some((w) => w.pid === pid)).length === 2,
      `both worker processes ran order tasks (saw pids ${[...both].join(', ')})`,
    );
    assert.ok(survivor, 'a worker was left');

    // Stock adds up: every order took its lines once, in Redis and in the ledger alike.
    const redis = await services.counters.totalAvailable(skus);
    const ledger = await ledgerBalances(services.collections, skus);
    for (const line of lines) {
      const left = stock - line.quantity * orderIds.length;
      assert.equal(redis.get(line.sku), left, `${line.sku} in Redis`);
      assert.deepEqual(ledger.get(line.sku), { 'wh-test': left }, `${line.sku} in the ledger`);
    }
  });
});
