import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HistoryAndWorkflowId } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import type { Services } from '../integrations/services';
import type {
  boughtTogetherWorkflow,
  orderWorkflow,
  sellerPayoutWorkflow,
  stockReconciliationWorkflow,
} from '../workflows';
import { payoutWorkflowId } from '../workflows/payout-definitions';
import { returnWorkflowId } from '../returns/return-process';
import { orderWorkflowId } from '../workflows/order-definitions';
import { sellerFulfillmentWorkflowId } from '../workflows/seller-fulfillment-definitions';
import { sellerOnboardingWorkflowId } from '../workflows/seller-onboarding-definitions';
import {
  call,
  connectTestServices,
  eventually,
  register,
  startApi,
  startWorker,
  uniqueId,
  workflowBundle,
  type Account,
  type RunningApi,
  type RunningWorker,
} from './support/stack';
import { orderPastTheDoor } from './support/past-the-door';
import { confirmedOrder, deliverSubOrder, listedProduct } from './support/delivered-order';
import { historyFromFile, historyToFile } from './support/history-file';
import { accountUpdatedEvent, liveAccount, postStripeEvent } from './support/stripe-events';

// Histories recorded from real runs, kept so that a change to workflow code is checked against how past
// runs went. `RECORD_HISTORIES=1` rewrites them from this file's fresh runs. `*-v1.json` are runs of the
// first order shape (input without `version`), kept for as long as such orders may still be running.
const fixtures = resolve(__dirname, '..', '..', 'test', 'fixtures', 'histories');
// Payouts and returns join once their workflows have settled; until then their runs are replayed fresh only.
const storedAsFixtures = [
  'order',
  'order-out-of-stock',
  'seller-fulfillment',
  'seller-onboarding',
  'stock-reconciliation',
  'bought-together',
];

async function replay(histories: HistoryAndWorkflowId[]): Promise<string[]> {
  const failures: string[] = [];
  const results = Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories);
  for await (const result of results) {
    if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
  }
  return failures;
}

describe('workflow replay: recorded histories run again without nondeterminism', () => {
  let services: Services;
  let worker: RunningWorker;
  let api: RunningApi;
  let buyer: Account;
  let seller: Account;
  const runs = new Map<string, string>();
  const delivered = { orderId: '', sku: '' };

  before(async () => {
    services = await connectTestServices();
    // No workflow cache: every workflow task replays the whole history so far, so the happy path below is
    // itself a replay check of every step.
    worker = await startWorker(services, {}, {}, { maxCachedWorkflows: 0 });
    api = await startApi(services);
    [buyer, seller] = await Promise.all([register(api.baseUrl, 'buyer'), register(api.baseUrl, 'seller')]);
  });

  after(async () => {
    // These wait days for people; end this run's ones so the shared dev server keeps no strays.
    for (const name of ['seller-onboarding', 'return']) {
      const workflowId = runs.get(name);
      if (!workflowId) continue;
      await services.temporal.workflow
        .getHandle(workflowId)
        .terminate('replay test finished')
        .catch(() => undefined);
    }
    await api.stop();
    await worker.stop();
    await services.close();
  });

  test('an order is delivered with workflow caching off', async () => {
    const { sku } = await listedProduct(services, { sellerId: seller.sellerId ?? '', stock: 3 });
    const driver = { services, baseUrl: api.baseUrl };
    const orderId = await confirmedOrder(driver, buyer, [{ sku, quantity: 2 }]);
    await deliverSubOrder(driver, seller, orderId);
    const result = await services.temporal.workflow
      .getHandle<typeof orderWorkflow>(orderWorkflowId(orderId))
      .result();
    assert.equal(result.status, 'delivered');
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 1, 'two units sold');
    Object.assign(delivered, { orderId, sku });
    runs.set('order', orderWorkflowId(orderId));
    runs.set('seller-fulfillment', sellerFulfillmentWorkflowId(orderId, seller.sellerId ?? ''));

    // And the saga's failure path: more than the stock, so the order fails and undoes what it did. The
    // door would refuse such a checkout before any order; this one passed it just before the units went.
    const shortOrderId = await orderPastTheDoor(services, buyer.userId, [{ sku, quantity: 5 }]);
    const failed = await services.temporal.workflow
      .getHandle<typeof orderWorkflow>(orderWorkflowId(shortOrderId))
      .result();
    assert.equal(failed.status, 'failed');
    runs.set('order-out-of-stock', orderWorkflowId(shortOrderId));
  });

  test('the scheduled jobs, a payout, a return and seller onboarding run', async () => {
    const taskQueue = services.env.TEMPORAL_TASK_QUEUE;
    const reconcileId = uniqueId('stock-reconciliation-replay');
    await services.temporal.workflow.execute<typeof stockReconciliationWorkflow>(
      'stockReconciliationWorkflow',
      {
        taskQueue,
        workflowId: reconcileId,
      },
    );
    runs.set('stock-reconciliation', reconcileId);
    const boughtId = uniqueId('bought-together-replay');
    await services.temporal.workflow.execute<typeof boughtTogetherWorkflow>('boughtTogetherWorkflow', {
      taskQueue,
      workflowId: boughtId,
    });
    runs.set('bought-together', boughtId);

    const sellerId = seller.sellerId ?? '';
    const period = `replay-${uniqueId('period')}`;
    await services.temporal.workflow.execute<typeof sellerPayoutWorkflow>('sellerPayoutWorkflow', {
      taskQueue,
      workflowId: payoutWorkflowId(sellerId, period),
      args: [{ sellerId, period }],
    });
    runs.set('seller-payout', payoutWorkflowId(sellerId, period));

    const asked = await call<{ returnId: string }>(
      api.baseUrl,
      'POST',
      `/orders/${delivered.orderId}/returns`,
      {
        body: { lines: [{ sku: delivered.sku, quantity: 1 }], reason: { code: 'damaged' } },
        headers: { ...buyer.auth, 'Idempotency-Key': uniqueId('key') },
      },
    );
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    runs.set('return', returnWorkflowId(asked.body.returnId));
    await eventually(async () => {
      const doc = await services.collections.returns.findOne({ _id: asked.body.returnId });
      return doc ? doc : undefined;
    });

    const started = await call<{ stripeAccountId: string }>(api.baseUrl, 'POST', '/sellers', {
      body: { businessName: 'Replay Kettles', country: 'US', email: `${uniqueId('shop')}@example.test` },
      headers: seller.auth,
    });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    runs.set('seller-onboarding', sellerOnboardingWorkflowId(sellerId));
    const event = accountUpdatedEvent(sellerId, started.body.stripeAccountId, liveAccount);
    assert.equal((await postStripeEvent(services, api.baseUrl, event)).status, 200);
    await eventually(async () => {
      const doc = await services.collections.sellers.findOne({ _id: sellerId });
      return doc?.status === 'active' ? true : undefined;
    });
  });

  test('every run replays from its history fetched from the server', async () => {
    assert.ok(runs.size >= 8, `runs: ${[...runs.keys()].join(', ')}`);
    const histories: HistoryAndWorkflowId[] = [];
    for (const workflowId of runs.values()) {
      histories.push({
        workflowId,
        history: await services.temporal.workflow.getHandle(workflowId).fetchHistory(),
      });
    }
    assert.deepEqual(await replay(histories), []);

    if (process.env.RECORD_HISTORIES === '1') {
      await mkdir(fixtures, { recursive: true });
      const names = [...runs.keys()];
      for (const [i, { history }] of histories.entries()) {
        const name = names[i] ?? '';
        if (!storedAsFixtures.includes(name)) continue;
        await writeFile(
          join(fixtures, `${name}.json`),
          historyToFile(history as Parameters<typeof historyToFile>[0]),
        );
      }
    }
  });

  test('the stored histories of past runs replay on the current code', async () => {
    const files = (await readdir(fixtures)).filter((f) => f.endsWith('.json')).sort();
    assert.ok(files.length >= storedAsFixtures.length, `fixtures in ${fixtures}: ${files.join(', ')}`);
    const histories = await Promise.all(
      files.map(async (file) => ({
        workflowId: file.replace(/\.json$/, ''),
        history: historyFromFile(await readFile(join(fixtures, file), 'utf8')),
      })),
    );
    assert.deepEqual(await replay(histories), []);
  });
});
