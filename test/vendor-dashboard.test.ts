import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { readSellerBalances } from '../payouts/seller-balances';
import { returnPolicyOf } from '../config/env';
import type { Money } from '../domain/money';
import type { SubOrderDoc } from '../orders/documents';
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
import { confirmedOrder, deliverSubOrder, listedProduct, type OrderDriver } from './support/delivered-order';

interface Dashboard {
  sellerId: string;
  period: string;
  range: { start: string; end: string };
  sales: Array<{ start: string; end: string; orders: number; revenue: Money[] }>;
  totals: { orders: number; revenue: Money[] };
  topProducts: Array<{ productId: string; title: string; units: number; revenue: Money[] }>;
  returns: { opened: number; delivered: number; rate: number | null };
  balances: { pending: Money; available: Money; paid: Money };
  payout: { schedule: string; nextPayoutAt: string | null };
}

const dayMs = 86_400_000;

describe("a seller's dashboard: sales by period, top products, returns, balances, next payout", () => {
  let services: Services;
  let api: RunningApi;
  let worker: RunningWorker;
  let driver: OrderDriver;
  let seller: Account;
  let neighbour: Account;
  let historic: Account;
  let buyer: Account;
  let ops: Record<string, string>;
  let kettle: string;
  let mug: string;
  let delivered: string;
  const schedules: string[] = [];

  before(async () => {
    services = await connectTestServices();
    worker = await startWorker(services);
    api = await startApi(services);
    driver = { services, baseUrl: api.baseUrl };
    [seller, neighbour, historic, buyer] = await Promise.all([
      register(api.baseUrl, 'seller'),
      register(api.baseUrl, 'seller'),
      register(api.baseUrl, 'seller'),
      register(api.baseUrl, 'buyer'),
    ]);
    ops = await opsAuth(api.baseUrl, services);
    const [k, m, n] = await Promise.all([
      listedProduct(services, { sellerId: seller.sellerId ?? '', price: 2000 }),
      listedProduct(services, { sellerId: seller.sellerId ?? '', price: 500 }),
      listedProduct(services, { sellerId: neighbour.sellerId ?? '', price: 9900 }),
    ]);
    kettle = k.product._id;
    mug = m.product._id;
    // Delivered: 2 kettles + 1 mug. Confirmed, shared with another seller: 3 mugs. Declined: 1 kettle.
    const [first, shared, declined] = await Promise.all([
      confirmedOrder(driver, buyer, [
        { sku: k.sku, quantity: 2 },
        { sku: m.sku, quantity: 1 },
      ]),
      confirmedOrder(driver, buyer, [
        { sku: m.sku, quantity: 3 },
        { sku: n.sku, quantity: 1 },
      ]),
      confirmedOrder(driver, buyer, [{ sku: k.sku, quantity: 1 }]),
    ]);
    delivered = first;
    await deliverSubOrder(driver, seller, first);
    const decline = await call(api.baseUrl, 'POST', `/seller/orders/${declined}/decline`, {
      body: { reason: 'cannot ship this week' },
      headers: seller.auth,
    });
    assert.equal(decline.status, 200, JSON.stringify(decline.body));
    // The update answers once the workflow decided; its write to the projection lands a moment later.
    await eventually(
      async () =>
        (await services.collections.subOrders.findOne({ orderId: declined, status: 'cancelled' })) ??
        undefined,
      { what: 'the declined sub-order to be recorded as cancelled' },
    );
    assert.ok(shared);
  });
  after(async () => {
    await Promise.allSettled(schedules.map((id) => services.temporal.schedule.getHandle(id).delete()));
    await api.stop();
    await worker.stop();
    await services.close();
  });

  const dashboard = (sellerId: string, query = '', headers: Record<string, string> = seller.auth) =>
    call<Dashboard & { type: string }>(api.baseUrl, 'GET', `/vendors/${sellerId}/dashboard${query}`, {
      headers,
    });

  test("daily sales, totals and best sellers come from the seller's own, uncancelled sub-orders", async () => {
    const res = await dashboard(seller.sellerId ?? '', '?period=day&periods=7');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const body = res.body;
    assert.equal(body.sales.length, 7);
    const mine = await services.collections.subOrders.find({ sellerId: seller.sellerId ?? '' }).toArray();
    const live = mine.filter((s) => s.status !== 'cancelled');
    assert.equal(mine.length, 3, 'three sub-orders, one of them declined');
    const expected = live.reduce((sum, s: SubOrderDoc) => sum + s.total.amount, 0);
    // Each day holds exactly the live sub-orders placed on it (today, unless the run straddled midnight).
    for (const day of body.sales) {
      const placed = live.filter(
        (s) => s.createdAt >= new Date(day.start) && s.createdAt < new Date(day.end),
      );
      const amount = placed.reduce((sum, s) => sum + s.total.amount, 0);
      assert.equal(day.orders, placed.length, day.start);
      assert.deepEqual(day.revenue, placed.length > 0 ? [{ amount, currency: 'USD' }] : [], day.start);
    }
    assert.deepEqual(body.totals, { orders: 2, revenue: [{ amount: expected, currency: 'USD' }] });

    // Units: 4 mugs (1 + 3) beat 2 kettles; the neighbour's line in the shared order is not ours.
    assert.deepEqual(
      body.topProducts.map((p) => [p.productId, p.units, p.revenue]),
      [
        [mug, 4, [{ amount: 2000, currency: 'USD' }]],
        [kettle, 2, [{ amount: 4000, currency: 'USD' }]],
      ],
    );
    assert.match(body.topProducts[0]?.title ?? '', /^Test product/);
    const topOne = await dashboard(seller.sellerId ?? '', '?top=1');
    assert.deepEqual(
      topOne.body.topProducts.map((p) => p.productId),
      [mug],
    );
    assert.equal(topOne.body.sales.length, 30, 'thirty days by default');
  });

  test('returns rate: returns opened over sub-orders delivered; a withdrawn return does not count', async () => {
    let res = await dashboard(seller.sellerId ?? '');
    assert.deepEqual(res.body.returns, { opened: 0, delivered: 1, rate: 0 });
    const now = new Date();
    const base = {
      orderId: delivered,
      sellerId: seller.sellerId ?? '',
      customerId: buyer.userId,
      lines: [{ sku: 'ANY', quantity: 1 }],
      reason: { code: 'damaged' },
      photos: [],
      createdAt: now,
      updatedAt: now,
    };
    // Written as the return workflow writes its projection.
    await services.collections.returns.insertMany([
      { ...base, _id: uniqueId('ret'), status: 'requested' },
      { ...base, _id: uniqueId('ret'), status: 'cancelled' },
    ]);
    res = await dashboard(seller.sellerId ?? '');
    assert.deepEqual(res.body.returns, { opened: 1, delivered: 1, rate: 1 });
    const other = await dashboard(neighbour.sellerId ?? '', '', neighbour.auth);
    assert.deepEqual(other.body.returns, { opened: 0, delivered: 0, rate: null });
  });

  test('balances are the ledger’s, as of now: a delivered sale waits out its return window as pending', async () => {
    const res = await eventually(
      async () => {
        const r = await dashboard(seller.sellerId ?? '');
        return r.body.balances.pending.amount > 0 ? r : undefined;
      },
      { what: 'the delivered sale to reach the ledger' },
    );
    assert.equal(res.body.balances.available.amount, 0);
    assert.equal(res.body.balances.paid.amount, 0);
    const expected = await readSellerBalances(
      services.collections,
      seller.sellerId ?? '',
      new Date(),
      returnPolicyOf(services.env),
    );
    assert.deepEqual(res.body.balances, expected);
    for (const money of Object.values(res.body.balances)) assert.ok(Number.isSafeInteger(money.amount));
  });

  test('past weeks and months are bucketed by calendar period (UTC)', async () => {
    const sellerId = historic.sellerId ?? '';
    const now = Date.now();
    const at = (ms: number) => new Date(ms);
    const startOfToday = Date.UTC(
      new Date(now).getUTCFullYear(),
      new Date(now).getUTCMonth(),
      new Date(now).getUTCDate(),
    );
    const placed = [
      { when: at(startOfToday - dayMs + 60_000), amount: 1000, status: 'delivered' as const },
      { when: at(startOfToday - dayMs + 120_000), amount: 2000, status: 'shipped' as const },
      { when: at(startOfToday - 3 * dayMs), amount: 4000, status: 'cancelled' as const },
      { when: at(startOfToday - 40 * dayMs), amount: 8000, status: 'delivered' as const },
    ];
    // Sub-orders as the order workflow records them, placed in the past.
    await services.collections.subOrders.insertMany(
      placed.map((p, i) => ({
        _id: `ord_hist${i}${sellerId}:${sellerId}`,
        orderId: `ord_hist${i}${sellerId}`,
        sellerId,
        customerId: buyer.userId,
        status: p.status,
        lines: [
          {
            sku: 'HIST',
            quantity: 1,
            productId: 'prd_hist',
            sellerId,
            title: 'Old thing',
            unitPrice: { amount: p.amount, currency: 'USD' },
          },
        ],
        total: { amount: p.amount, currency: 'USD' },
        paymentIntentId: 'pi_hist',
        createdAt: p.when,
        updatedAt: p.when,
      })),
    );
    const days = await dashboard(sellerId, '?period=day&periods=2', historic.auth);
    assert.equal(days.status, 200, JSON.stringify(days.body));
    assert.deepEqual(
      days.body.sales.map((p) => [p.orders, p.revenue]),
      [
        [2, [{ amount: 3000, currency: 'USD' }]],
        [0, []],
      ],
    );
    assert.equal(days.body.sales[0]?.start, new Date(startOfToday - dayMs).toISOString());

    const months = await dashboard(sellerId, '?period=month&periods=3', historic.auth);
    assert.equal(months.status, 200);
    const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);
    const expected = new Map<string, number>();
    for (const p of placed) {
      if (p.status === 'cancelled') continue;
      const key = monthOf(p.when.getTime());
      expected.set(key, (expected.get(key) ?? 0) + p.amount);
    }
    for (const period of months.body.sales) {
      const amount = expected.get(period.start.slice(0, 7));
      assert.deepEqual(period.revenue, amount ? [{ amount, currency: 'USD' }] : [], period.start);
    }
    assert.deepEqual(months.body.totals.revenue, [{ amount: 11_000, currency: 'USD' }]);

    const weeks = await dashboard(sellerId, '?period=week&periods=8', historic.auth);
    assert.equal(weeks.body.sales.length, 8);
    assert.ok(
      weeks.body.sales.every((p) => new Date(p.start).getUTCDay() === 1),
      'weeks start on Monday',
    );
    assert.equal(weeks.body.totals.orders, 3);
    assert.deepEqual(
      weeks.body.topProducts.map((p) => [p.productId, p.units, p.revenue]),
      [['prd_hist', 3, [{ amount: 11_000, currency: 'USD' }]]],
    );
  });

  test('the next payout is read from the seller’s Temporal schedule', async () => {
    const sellerId = seller.sellerId ?? '';
    assert.deepEqual((await dashboard(sellerId)).body.payout, { schedule: 'none', nextPayoutAt: null });
    const scheduleId = payoutScheduleId(sellerId);
    schedules.push(scheduleId);
    const handle = await services.temporal.schedule.create({
      scheduleId,
      spec: { calendars: [{ hour: 6, minute: 30 }] },
      // A queue nobody polls: the test reads the schedule, it never lets it pay anyone.
      action: {
        type: 'startWorkflow',
        workflowType: 'sellerPayoutWorkflow',
        workflowId: `payout-${sellerId}`,
        taskQueue: uniqueId('nobody-polls'),
        args: [{ sellerId }],
      },
    });
    const next = (await handle.describe()).info.nextActionTimes[0];
    assert.ok(next);
    const scheduled = await dashboard(sellerId);
    assert.deepEqual(scheduled.body.payout, { schedule: 'scheduled', nextPayoutAt: next.toISOString() });
    assert.match(scheduled.body.payout.nextPayoutAt ?? '', /T06:30:00\.000Z$/);
    await handle.pause('ops: account under review');
    assert.deepEqual((await dashboard(sellerId)).body.payout, { schedule: 'paused', nextPayoutAt: null });
  });

  test('only that seller or ops may read it; bad ranges are a 400', async () => {
    const sellerId = seller.sellerId ?? '';
    assert.equal((await dashboard(sellerId, '', neighbour.auth)).status, 403);
    assert.equal((await dashboard(sellerId, '', buyer.auth)).status, 403);
    assert.equal((await dashboard(sellerId, '', {})).status, 401);
    const asOps = await dashboard(sellerId, '?period=week', ops);
    assert.equal(asOps.status, 200, JSON.stringify(asOps.body));
    assert.equal(asOps.body.sellerId, sellerId);
    assert.equal((await dashboard('sel_nobody', '', ops)).status, 404);
    for (const query of [
      '?period=year',
      '?period=day&periods=91',
      '?period=month&periods=25',
      '?periods=0',
      '?top=50',
      '?from=2020-01-01',
    ]) {
      const res = await dashboard(sellerId, query);
      assert.equal(res.status, 400, query);
      assert.match(res.body.type, /invalid-parameter$/);
    }
    assert.equal((await dashboard('not-a-seller', '', ops)).status, 400);
  });
});
