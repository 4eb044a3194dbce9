import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type Stripe from 'stripe';
import { createActivities } from '../activities';
import { readSellerBalances } from '../payouts/seller-balances';
import { returnPolicyOf } from '../config/env';
import type { SellerLedgerEntry } from '../domain/seller-ledger';
import type { Services } from '../integrations/services';
import { type PayoutOutcome, payoutPeriodOf, payoutWorkflowId } from '../workflows/payout-definitions';
import { PayoutPeriod, SellerId } from '../workflows/search-attributes';
import type { sellerPayoutWorkflow } from '../workflows/seller-payout';
import { line, seedDeliveredSubOrder, seedSeller, setReturnStatus } from './support/ledger-fixtures';
import { connectTestServices, uniqueId } from './support/services';
import { startTimeSkippingWorker, type TimeSkippingWorker } from './support/time-skipping';

const day = 86_400_000;

interface TransferRequest {
  params: Stripe.TransferCreateParams;
  idempotencyKey: string | undefined;
}

/**
 * The time-skipping test server has no Temporal schedules (it refuses CreateSchedule), so the test starts
 * each weekly run itself at the simulated date the schedule would; test/payouts-api.test.ts triggers the
 * real schedule on the dev server.
 */
describe('a month of payouts, on the time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  // A plain client: env.client unlocks time skipping while awaiting a result, which may leap past the dates
  // this month is about. Here simulated time moves only when the test sleeps.
  let client: Client;
  let services: Services;
  let harness: TimeSkippingWorker;
  let activities: ReturnType<typeof createActivities>;
  const taskQueue = uniqueId('payout-wf');
  const transfers: TransferRequest[] = [];
  const sellerA = `sel_${uniqueId('a')}`;
  const sellerB = `sel_${uniqueId('b')}`;
  const orderIds: string[] = [];
  const outcomes: PayoutOutcome[] = [];

  const simulatedNow = async () => new Date(await env.currentTimeMs());
  let t0 = 0;
  /** Moves simulated time to `days` after the start of the month. */
  const dayOf = async (days: number) => {
    const target = t0 + days * day;
    const now = await env.currentTimeMs();
    if (target > now) await env.sleep(target - now);
  };

  before(async () => {
    // A short, per-category return window keeps the month readable: books 7 days, food not returnable.
    services = await connectTestServices({
      RETURN_WINDOW_DAYS: '7',
      RETURN_WINDOW_DAYS_BY_CATEGORY: 'food=0',
    });
    // Record what the payout asked Stripe to move, then send the real request to stripe-mock.
    const real = services.stripe;
    const stripe = Object.create(real) as Stripe;
    Object.defineProperty(stripe, 'transfers', {
      value: {
        create: (params: Stripe.TransferCreateParams, options?: Stripe.RequestOptions) => {
          transfers.push({ params, idempotencyKey: options?.idempotencyKey });
          return real.transfers.create(params, options);
        },
      },
    });
    activities = createActivities({ ...services, stripe });
    harness = await startTimeSkippingWorker(taskQueue, activities);
    env = harness.env;
    client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
    t0 = await env.currentTimeMs();
    await seedSeller(services.collections, sellerA, 'active');
    await seedSeller(services.collections, sellerB, 'restricted');
    // Seller rules outrank any category or default rule other tests may have set in a shared database.
    for (const sellerId of [sellerA, sellerB]) {
      await services.collections.commissionRules.replaceOne(
        { _id: `${sellerId}:*` },
        { sellerId, kind: 'percent', value: 1200, setBy: 'test', updatedAt: new Date() },
        { upsert: true },
      );
    }
  });

  after(async () => {
    await harness.stop();
    await services.close();
  });

  const deliver = async (sellerId: string, lines: ReturnType<typeof line>[]) => {
    const orderId = uniqueId('ord');
    orderIds.push(orderId);
    const id = await seedDeliveredSubOrder(services.collections, {
      orderId,
      sellerId,
      lines,
      deliveredAt: await simulatedNow(),
    });
    await activities.postSaleToLedger({ orderId, sellerId });
    return { orderId, subOrderId: id };
  };

  const ledgerOf = (sellerId: string): Promise<SellerLedgerEntry[]> =>
    services.collections.sellerLedger.find({ sellerId }).toArray();

  /** What the seller earned on these sub-orders, summed straight from their entries. */
  const netOf = async (sellerId: string, subOrderIds: string[]) =>
    (await ledgerOf(sellerId))
      .filter((e) => e.subOrderId !== undefined && subOrderIds.includes(e.subOrderId))
      .reduce((total, e) => total + e.amount.amount, 0);

  const runPayout = async (sellerId: string): Promise<PayoutOutcome> => {
    const period = payoutPeriodOf(await simulatedNow());
    const handle = await client.workflow.start<typeof sellerPayoutWorkflow>('sellerPayoutWorkflow', {
      taskQueue,
      workflowId: payoutWorkflowId(sellerId, period),
      args: [{ sellerId }],
    });
    const outcome = await handle.result();
    assert.equal(outcome.period, period);
    const described = await handle.describe();
    assert.equal(described.typedSearchAttributes.get(PayoutPeriod), period);
    assert.equal(described.typedSearchAttributes.get(SellerId), sellerId);
    outcomes.push(outcome);
    return outcome;
  };

  const transfersTo = (sellerId: string) =>
    transfers.filter((t) => t.params.metadata?.['sellerId'] === sellerId);

  test('pays each week only what has settled, holds open returns, waits for a restricted seller', async () => {
    const refund = (input: { returnId: string; orderId: string; sellerId: string; amount: number }) =>
      activities.postReturnRefund({
        returnId: input.returnId,
        orderId: input.orderId,
        sellerId: input.sellerId,
        refund: { amount: input.amount, currency: 'USD' },
      });

    // Day 0: two books and a food parcel for A, a book for the restricted seller B.
    const a1 = await deliver(sellerA, [line(sellerA, 'bk-1', 'books', 2500, 2)]);
    const a2 = await deliver(sellerA, [line(sellerA, 'fd-1', 'food', 1800)]);
    const b1 = await deliver(sellerB, [line(sellerB, 'bk-9', 'books', 3000)]);
    const a1Commission = (await ledgerOf(sellerA)).find((e) => e._id === `commission:${a1.subOrderId}`);
    assert.equal(a1Commission?.amount.amount, -((2 * 2500 * 1200) / 10_000), "the seller's 12% rule");
    // Day 2: another book; a return on it opens on day 3 and is refunded on day 5, inside the window.
    await dayOf(2);
    const a3 = await deliver(sellerA, [line(sellerA, 'bk-2', 'books', 4000)]);
    await dayOf(3);
    const r1 = { returnId: uniqueId('ret'), orderId: a3.orderId, sellerId: sellerA };
    await setReturnStatus(services.collections, { ...r1, status: 'requested' });
    await dayOf(5);
    await setReturnStatus(services.collections, { ...r1, status: 'refunded' });
    await refund({ ...r1, amount: 1500 });
    // Day 5: a fourth parcel; its return opens on day 6 and stays open past the window.
    const a4 = await deliver(sellerA, [line(sellerA, 'bk-3', 'books', 6000)]);
    await dayOf(6);
    const r2 = { returnId: uniqueId('ret'), orderId: a4.orderId, sellerId: sellerA };
    await setReturnStatus(services.collections, { ...r2, status: 'requested' });

    // Week 1: A1's window closed on day 7, the food settled on delivery; A3 (day 9) is still pending.
    await dayOf(7.5);
    const run1 = await runPayout(sellerA);
    assert.equal(run1.status, 'paid');
    assert.deepEqual(run1.subOrderIds, [a1.subOrderId, a2.subOrderId].sort());
    assert.equal(run1.amount.amount, await netOf(sellerA, [a1.subOrderId, a2.subOrderId]));
    const b1Run = await runPayout(sellerB);
    assert.equal(b1Run.status, 'skipped');
    assert.match(b1Run.reason ?? '', /restricted/);
    assert.equal(transfersTo(sellerB).length, 0, 'a restricted seller is not paid');
    // The same period again (a second trigger the same day) moves nothing twice.
    const again = await client.workflow.execute<typeof sellerPayoutWorkflow>('sellerPayoutWorkflow', {
      taskQueue,
      workflowId: `${payoutWorkflowId(sellerA, run1.period)}-retrigger`,
      args: [{ sellerId: sellerA }],
    });
    assert.deepEqual(again, run1);
    assert.equal(transfersTo(sellerA).length, 1);

    // B is reinstated; the money waited for it.
    await dayOf(8);
    await seedSeller(services.collections, sellerB, 'active');

    // Week 2: A3 settled net of its refund; A4 is held by its open return.
    await dayOf(14.5);
    const run2 = await runPayout(sellerA);
    assert.deepEqual(run2.subOrderIds, [a3.subOrderId]);
    assert.equal(run2.amount.amount, await netOf(sellerA, [a3.subOrderId]));
    const refunded = (await ledgerOf(sellerA)).filter((e) => e.returnId === r1.returnId);
    assert.deepEqual(refunded.map((e) => e.kind).sort(), ['commission_refund', 'refund']);
    const b2Run = await runPayout(sellerB);
    assert.equal(b2Run.status, 'paid');
    assert.equal(b2Run.amount.amount, await netOf(sellerB, [b1.subOrderId]));

    // Day 16: a refund on A1, which was already paid out; A4's return is rejected.
    await dayOf(16);
    const r3 = { returnId: uniqueId('ret'), orderId: a1.orderId, sellerId: sellerA };
    await setReturnStatus(services.collections, { ...r3, status: 'refunded' });
    const late = await refund({ ...r3, amount: 1000 });
    assert.equal(late.refund.amount, -1000);
    const lateEntry = (await ledgerOf(sellerA)).find(
      (e) => e.returnId === r3.returnId && e.kind === 'refund',
    );
    assert.match(lateEntry?.note ?? '', /already paid out.*next payout/);
    await setReturnStatus(services.collections, { ...r2, status: 'rejected' });

    // Week 3: A4 is paid, less what the late refund took back.
    await dayOf(21.5);
    const run3 = await runPayout(sellerA);
    assert.deepEqual(run3.subOrderIds, [a4.subOrderId]);
    const lateNet = (await ledgerOf(sellerA))
      .filter((e) => e.returnId === r3.returnId)
      .reduce((t, e) => t + e.amount.amount, 0);
    assert.equal(run3.amount.amount, (await netOf(sellerA, [a4.subOrderId])) + lateNet);

    // Day 22: the food parcel (paid in week 1) is refunded in full; week 4 has nothing new to offset it.
    await dayOf(22);
    const r4 = { returnId: uniqueId('ret'), orderId: a2.orderId, sellerId: sellerA };
    await setReturnStatus(services.collections, { ...r4, status: 'refunded' });
    await refund({ ...r4, amount: 100_000 });
    await dayOf(28.5);
    const run4 = await runPayout(sellerA);
    assert.equal(run4.status, 'skipped');
    assert.match(run4.reason ?? '', /negative balance carried/);

    // The ledger sums to exactly what Stripe was asked to move, and every request was keyed by its payout.
    const asOf = await simulatedNow();
    const policy = returnPolicyOf(services.env);
    for (const sellerId of [sellerA, sellerB]) {
      const sent = transfersTo(sellerId);
      const paidRuns = outcomes.filter((o) => o.sellerId === sellerId && o.status === 'paid');
      assert.deepEqual(
        sent.map((t) => t.idempotencyKey),
        paidRuns.map((o) => o.payoutId),
      );
      for (const t of sent) {
        assert.equal(t.params.currency, 'usd');
        assert.equal(t.params.destination, `acct_${sellerId.replace(/\W/g, '')}`);
      }
      const entries = await ledgerOf(sellerId);
      const transferEntries = entries.filter((e) => e.kind === 'transfer');
      const moved = sent.reduce((t, s) => t + (s.params.amount ?? 0), 0);
      assert.equal(-transferEntries.reduce((t, e) => t + e.amount.amount, 0), moved);
      const balances = await readSellerBalances(services.collections, sellerId, asOf, policy);
      assert.equal(balances.paid.amount, moved);
      const earned = entries.filter((e) => e.kind !== 'transfer').reduce((t, e) => t + e.amount.amount, 0);
      assert.equal(balances.pending.amount + balances.available.amount + balances.paid.amount, earned);
      assert.equal(balances.pending.amount, 0, 'by the end of the month everything has settled');
    }
    const finalA = await readSellerBalances(services.collections, sellerA, asOf, policy);
    const r4Net = (await ledgerOf(sellerA))
      .filter((e) => e.returnId === r4.returnId)
      .reduce((t, e) => t + e.amount.amount, 0);
    assert.ok(r4Net < 0);
    assert.equal(finalA.available.amount, r4Net, 'the full refund is carried into the next payout');

    // Each paid run mailed one statement.
    const statements = await services.collections.notifications
      .find({
        _id: { $in: outcomes.filter((o) => o.status === 'paid').map((o) => `${o.payoutId}-statement`) },
      })
      .toArray();
    assert.equal(statements.length, outcomes.filter((o) => o.status === 'paid').length);
  });

  test('posting a sale or a refund twice changes nothing', async () => {
    const orderId = orderIds[0]!;
    const before = await ledgerOf(sellerA);
    await activities.postSaleToLedger({ orderId, sellerId: sellerA });
    const r = (await ledgerOf(sellerA)).find((e) => e.kind === 'refund')!;
    await activities.postReturnRefund({
      returnId: r.returnId!,
      orderId: r.orderId!,
      sellerId: sellerA,
      refund: { amount: 999_999, currency: 'USD' },
    });
    const afterwards = await ledgerOf(sellerA);
    assert.deepEqual(
      afterwards.map((e) => [e._id, e.amount.amount]).sort(),
      before.map((e) => [e._id, e.amount.amount]).sort(),
    );
  });
});
