import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSellerLedgerActivities } from '../activities/seller-ledger';
import type { Services } from '../integrations/services';
import { payoutScheduleId } from '../workflows/payout-definitions';
import {
  call,
  connectTestServices,
  eventually,
  opsAuth,
  register,
  startApi,
  startWorker,
  uniqueId,
  type Account,
  type RunningApi,
  type RunningWorker,
} from './support/stack';
import { line, seedDeliveredSubOrder, seedSeller } from './support/ledger-fixtures';

interface Money {
  amount: number;
  currency: string;
}
interface Ledger {
  balances: { pending: Money; available: Money; paid: Money };
  entries: Array<{ id: string; kind: string; amount: Money; note: string; runningTotal: Money }>;
}
interface Payouts {
  balances: Ledger['balances'];
  schedule: { scheduleId: string; frequency: string; paused: boolean; nextPayoutAt?: string } | null;
  payouts: Array<{
    payoutId: string;
    status: string;
    amount: Money;
    transferId?: string;
    subOrderIds: string[];
  }>;
}

const day = 86_400_000;

describe('payout and ledger routes, through the real stack', () => {
  let services: Services;
  let api: RunningApi;
  let worker: RunningWorker;
  let seller: Account;
  let other: Account;
  let buyer: Account;
  let ops: Record<string, string>;
  let sellerId: string;
  let subOrderId: string;

  before(async () => {
    services = await connectTestServices({ RETURN_WINDOW_DAYS: '7' });
    api = await startApi(services);
    worker = await startWorker(services);
    [seller, other, buyer] = await Promise.all([
      register(api.baseUrl, 'seller'),
      register(api.baseUrl, 'seller'),
      register(api.baseUrl, 'buyer'),
    ]);
    ops = await opsAuth(api.baseUrl, services);
    sellerId = seller.sellerId!;
    // What onboarding and a delivered order would have left behind: an active seller, one settled sale.
    await seedSeller(services.collections, sellerId, 'active');
    const orderId = uniqueId('ord');
    subOrderId = await seedDeliveredSubOrder(services.collections, {
      orderId,
      sellerId,
      lines: [line(sellerId, 'api-bk', 'books', 2100, 2)],
      deliveredAt: new Date(Date.now() - 10 * day),
    });
    const ledger = createSellerLedgerActivities({ collections: services.collections, now: () => new Date() });
    await ledger.postSaleToLedger({ orderId, sellerId });
  });

  after(async () => {
    await services.temporal.schedule
      .getHandle(payoutScheduleId(sellerId))
      .delete()
      .catch(() => undefined);
    await worker.stop();
    await api.stop();
    await services.close();
  });

  test('a seller reads its own ledger with reasons and running totals; nobody else does', async () => {
    const res = await call<Ledger>(api.baseUrl, 'GET', `/sellers/${sellerId}/ledger`, {
      headers: seller.auth,
    });
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.entries.map((e) => e.kind),
      ['sale', 'shipping', 'commission'],
      'posted at one instant: what the seller earned first, then what is taken from it',
    );
    assert.ok(
      res.body.entries.every((e) => e.runningTotal.amount >= 0),
      'the running total never starts negative',
    );
    const total = res.body.entries.reduce((t, e) => t + e.amount.amount, 0);
    assert.equal(res.body.entries.at(-1)?.runningTotal.amount, total);
    assert.equal(res.body.balances.available.amount, total, 'delivered 10 days ago, window 7: settled');
    assert.ok(res.body.entries.every((e) => e.note.length > 0));
    const asOther = await call(api.baseUrl, 'GET', `/sellers/${sellerId}/ledger`, { headers: other.auth });
    assert.equal(asOther.status, 404);
    const asBuyer = await call(api.baseUrl, 'GET', `/sellers/${sellerId}/payouts`, { headers: buyer.auth });
    assert.equal(asBuyer.status, 403);
    const badId = await call(api.baseUrl, 'GET', '/sellers/not-a-seller/ledger', { headers: ops });
    assert.equal(badId.status, 400);
  });

  test('ops post an adjustment once per Idempotency-Key', async () => {
    const path = `/ops/sellers/${sellerId}/ledger-adjustments`;
    const body = { amount: { amount: 500, currency: 'USD' }, note: 'Goodwill credit for a late label' };
    const noKey = await call(api.baseUrl, 'POST', path, { headers: ops, body });
    assert.equal(noKey.status, 400);
    const key = { ...ops, 'idempotency-key': uniqueId('adj') };
    const invalid = await call<{ type: string }>(api.baseUrl, 'POST', path, {
      headers: key,
      body: { ...body, amount: { amount: 0, currency: 'USD' }, extra: true },
    });
    assert.equal(invalid.status, 422);
    const asSeller = await call(api.baseUrl, 'POST', path, {
      headers: { ...seller.auth, 'idempotency-key': 'k1234567' },
      body,
    });
    assert.equal(asSeller.status, 403);
    const euros = await call<{ type: string }>(api.baseUrl, 'POST', path, {
      headers: { ...ops, 'idempotency-key': uniqueId('adj') },
      body: { ...body, amount: { amount: 500, currency: 'EUR' } },
    });
    assert.equal(euros.status, 422);
    assert.match(euros.body.type, /currency-mismatch/);
    const first = await call<{ id: string; amount: Money }>(api.baseUrl, 'POST', path, {
      headers: key,
      body,
    });
    assert.equal(first.status, 201);
    const again = await call<{ id: string }>(api.baseUrl, 'POST', path, { headers: key, body });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id);
    const different = await call(api.baseUrl, 'POST', path, {
      headers: key,
      body: { ...body, amount: { amount: -500, currency: 'USD' } },
    });
    assert.equal(different.status, 422);
    const ledger = await call<Ledger>(api.baseUrl, 'GET', `/sellers/${sellerId}/ledger`, { headers: ops });
    assert.equal(ledger.body.entries.filter((e) => e.kind === 'adjustment').length, 1);
  });

  test('ops create, re-time, pause and resume the payout schedule; a triggered run pays the seller', async () => {
    const path = `/ops/sellers/${sellerId}/payout-schedule`;
    const before = await call(api.baseUrl, 'POST', path, { headers: ops, body: { action: 'pause' } });
    assert.equal(before.status, 404);
    const empty = await call(api.baseUrl, 'POST', path, { headers: ops, body: {} });
    assert.equal(empty.status, 422);
    const created = await call<NonNullable<Payouts['schedule']>>(api.baseUrl, 'POST', path, {
      headers: ops,
      body: { action: 'create' },
    });
    assert.equal(created.status, 200);
    assert.equal(created.body.frequency, 'weekly');
    assert.equal(new Date(created.body.nextPayoutAt ?? 0).getUTCDay(), 1, 'weekly runs are on Mondays');
    const daily = await call<NonNullable<Payouts['schedule']>>(api.baseUrl, 'POST', path, {
      headers: ops,
      body: { frequency: 'daily' },
    });
    assert.equal(daily.body.frequency, 'daily');
    assert.ok(new Date(daily.body.nextPayoutAt ?? 0).getTime() - Date.now() <= day);
    const paused = await call<{ paused: boolean }>(api.baseUrl, 'POST', path, {
      headers: ops,
      body: { action: 'pause', note: 'disputed sale under review' },
    });
    assert.equal(paused.body.paused, true);
    const resumed = await call<{ paused: boolean }>(api.baseUrl, 'POST', path, {
      headers: ops,
      body: { action: 'resume' },
    });
    assert.equal(resumed.body.paused, false);

    const owed = await call<Payouts>(api.baseUrl, 'GET', `/sellers/${sellerId}/payouts`, {
      headers: seller.auth,
    });
    assert.equal(owed.body.schedule?.scheduleId, payoutScheduleId(sellerId));
    const available = owed.body.balances.available.amount;
    assert.ok(available > 0);

    await services.temporal.schedule.getHandle(payoutScheduleId(sellerId)).trigger();
    const paid = await eventually(
      async () => {
        const res = await call<Payouts>(api.baseUrl, 'GET', `/sellers/${sellerId}/payouts`, {
          headers: seller.auth,
        });
        return res.body.payouts.length > 0 ? res.body : undefined;
      },
      { what: 'the triggered payout run' },
    );
    assert.equal(paid.payouts[0]?.status, 'paid');
    assert.equal(paid.payouts[0]?.amount.amount, available);
    assert.deepEqual(paid.payouts[0]?.subOrderIds, [subOrderId]);
    assert.match(paid.payouts[0]?.transferId ?? '', /^tr_/);
    assert.equal(paid.balances.paid.amount, available);
    assert.equal(paid.balances.available.amount, 0);
  });

  test('ops set a commission rule; the most specific one prices the next sale', async () => {
    const otherId = other.sellerId!;
    const rule = { sellerId: otherId, category: 'books', kind: 'percent', value: 2500 };
    const tooMuch = await call(api.baseUrl, 'PUT', '/ops/commission-rules', {
      headers: ops,
      body: { ...rule, value: 20_000 },
    });
    assert.equal(tooMuch.status, 422);
    const asSeller = await call(api.baseUrl, 'PUT', '/ops/commission-rules', {
      headers: other.auth,
      body: rule,
    });
    assert.equal(asSeller.status, 403);
    const set = await call(api.baseUrl, 'PUT', '/ops/commission-rules', { headers: ops, body: rule });
    assert.equal(set.status, 200);
    const categoryWide = { category: 'books', kind: 'percent', value: 100 };
    assert.equal(
      (await call(api.baseUrl, 'PUT', '/ops/commission-rules', { headers: ops, body: categoryWide })).status,
      200,
    );
    const listed = await call<{ rules: Array<{ ruleId: string }> }>(
      api.baseUrl,
      'GET',
      '/ops/commission-rules',
      {
        headers: ops,
      },
    );
    assert.ok(listed.body.rules.some((r) => r.ruleId === `${otherId}:books`));

    await seedSeller(services.collections, otherId, 'active');
    const orderId = uniqueId('ord');
    await seedDeliveredSubOrder(services.collections, {
      orderId,
      sellerId: otherId,
      lines: [line(otherId, 'rule-bk', 'books', 4000, 1)],
      deliveredAt: new Date(),
    });
    const ledger = createSellerLedgerActivities({ collections: services.collections, now: () => new Date() });
    await ledger.postSaleToLedger({ orderId, sellerId: otherId });
    const res = await call<Ledger>(api.baseUrl, 'GET', `/sellers/${otherId}/ledger`, { headers: other.auth });
    const byKind = Object.fromEntries(res.body.entries.map((e) => [e.kind, e.amount.amount]));
    assert.equal(byKind['sale'], 4000);
    assert.equal(byKind['commission'], -1000, 'seller + category (25%) beats category alone (1%)');
    assert.equal(res.body.balances.available.amount, 0, 'delivered today: nothing settled yet');
    assert.equal(res.body.balances.pending.amount, 4000 - 1000 + (byKind['shipping'] ?? 0));
    await services.collections.commissionRules.deleteMany({ _id: { $in: [`${otherId}:books`, '*:books'] } });
  });
});
