import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import { createSellerLedgerActivities } from '../activities/seller-ledger';
import type { Services } from '../integrations/services';
import { type PayoutOutcome, payoutWorkflowId } from '../workflows/payout-definitions';
import type { sellerPayoutWorkflow } from '../workflows/seller-payout';
import {
  call,
  connectTestServices,
  opsAuth,
  startApi,
  startWorker,
  testEnv,
  uniqueId,
  workflowBundle,
  type RunningApi,
  type RunningWorker,
} from './support/stack';
import { historyToFile } from './support/history-file';
import { line, seedDeliveredSubOrder, seedSeller } from './support/ledger-fixtures';
import { startStripeRecorder, type StripeRecorder } from './support/stripe-recorder';

interface Payouts {
  balances: { available: { amount: number } };
  payouts: Array<{ payoutId: string; status: string; reason?: string; amount: { amount: number } }>;
}

const day = 86_400_000;

// A transfer Stripe refuses for good (here: the connected account cannot receive it) must end the run as
// failed with the reason, tell ops, and leave the money to the next run; it must not retry forever, which
// (the schedule skipping overlapping runs) would stop that seller's payouts until someone noticed.
describe('a payout Stripe refuses ends failed and does not stop the next ones', () => {
  let stripe: StripeRecorder;
  let services: Services;
  let worker: RunningWorker;
  let api: RunningApi;
  let refusing = true;
  const sellerId = `sel_${uniqueId('refused').replace(/-/g, '')}`;

  before(async () => {
    stripe = await startStripeRecorder(testEnv().STRIPE_API_BASE, (c) =>
      refusing && c.method === 'POST' && c.path === '/v1/transfers'
        ? {
            status: 400,
            body: {
              error: {
                type: 'invalid_request_error',
                code: 'account_invalid',
                param: 'destination',
                message: 'The destination account cannot receive transfers.',
              },
            },
          }
        : undefined,
    );
    services = await connectTestServices({ STRIPE_API_BASE: stripe.baseUrl, RETURN_WINDOW_DAYS: '7' });
    worker = await startWorker(services);
    api = await startApi(services);
    await seedSeller(services.collections, sellerId, 'active');
    const orderId = uniqueId('ord');
    await seedDeliveredSubOrder(services.collections, {
      orderId,
      sellerId,
      lines: [line(sellerId, 'refused-bk', 'books', 3000, 1)],
      deliveredAt: new Date(Date.now() - 10 * day),
    });
    await createSellerLedgerActivities({
      collections: services.collections,
      now: () => new Date(),
    }).postSaleToLedger({ orderId, sellerId });
  });

  after(async () => {
    await api.stop();
    await worker.stop();
    await services.close();
    await stripe.stop();
  });

  const run = (period: string) =>
    services.temporal.workflow.execute<typeof sellerPayoutWorkflow>('sellerPayoutWorkflow', {
      taskQueue: services.env.TEMPORAL_TASK_QUEUE,
      workflowId: payoutWorkflowId(sellerId, period),
      args: [{ sellerId, period }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  const payouts = async () =>
    (
      await call<Payouts>(api.baseUrl, 'GET', `/sellers/${sellerId}/payouts`, {
        headers: await opsAuth(api.baseUrl, services),
      })
    ).body;

  test('the refused run is failed with the reason, ops are told, and the next run pays it all', async () => {
    const owed = (await payouts()).balances.available.amount;
    assert.ok(owed > 0);

    const refused: PayoutOutcome = await run('2026-01-05');
    assert.equal(refused.status, 'failed');
    assert.match(refused.reason ?? '', /cannot receive transfers/);
    const attempts = stripe.calls.filter((c) => c.path === '/v1/transfers');
    assert.equal(attempts.length, 1, 'a permanent refusal is not retried');

    // The new shape of a run is kept as a replay fixture (test/workflow-replay.test.ts replays every file).
    const history = await services.temporal.workflow
      .getHandle(payoutWorkflowId(sellerId, '2026-01-05'))
      .fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history);
    if (process.env.RECORD_HISTORIES === '1') {
      await writeFile(
        resolve(__dirname, '..', '..', 'test', 'fixtures', 'histories', 'payout-refused.json'),
        historyToFile(history),
      );
    }

    const seen = await payouts();
    assert.equal(seen.payouts[0]?.status, 'failed');
    assert.match(seen.payouts[0]?.reason ?? '', /cannot receive transfers/);
    assert.equal(seen.balances.available.amount, owed, 'nothing left the balance');
    const alert = await services.collections.outbox.findOne({
      to: services.env.OPS_EMAIL,
      template: 'payout-failed',
      body: { $regex: sellerId },
    });
    assert.ok(alert, 'ops were told');

    refusing = false;
    const paid = await run('2026-01-12');
    assert.equal(paid.status, 'paid');
    assert.equal(paid.amount.amount, owed);
    assert.equal((await payouts()).balances.available.amount, 0);
    // A run of the failed period again finds its record instead of paying twice.
    const again = await services.temporal.workflow
      .start<typeof sellerPayoutWorkflow>('sellerPayoutWorkflow', {
        taskQueue: services.env.TEMPORAL_TASK_QUEUE,
        workflowId: `${payoutWorkflowId(sellerId, '2026-01-05')}-again`,
        args: [{ sellerId, period: '2026-01-05' }],
      })
      .then((handle) => handle.result());
    assert.equal(again.status, 'failed');
  });
});
