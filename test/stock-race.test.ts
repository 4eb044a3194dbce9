import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createActivities } from '../activities';
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
import { orderPastTheDoor } from './support/past-the-door';
import { ledgerAvailable as ledgerOf } from './support/stock';

const problem = (type: string) => `https://marketplace.dev/problems/${type}`;

// The race a busy storefront runs through ordinary checkout: more buyers than units, a third placing unpaid
// orders and cancelling them, a third paying, a third paying and then cancelling, all at once. The ledger is
// the truth Redis is rebuilt from, so after everything settles both must say the same: stock − units sold.

type Plan = 'unpaid-then-cancel' | 'paid' | 'paid-then-cancel';
const plans: Plan[] = ['unpaid-then-cancel', 'paid', 'paid-then-cancel'];
const finalStatuses = ['confirmed', 'failed', 'cancelled'];

interface OrderView {
  orderId: string;
  status: string;
  failureReason?: string;
}

const rounds = Number(process.env.STOCK_RACE_ROUNDS ?? 2);
const buyersPerRound = Number(process.env.STOCK_RACE_BUYERS ?? 36);
const unitsPerRound = 11;

describe('stock truth under racing cancellations, through ordinary checkout', () => {
  let services: Services;
  let api: RunningApi;
  let worker: RunningWorker | undefined;
  let buyers: Account[];

  before(async () => {
    // Holds last as long as a real storefront's; the race ends by cancellation, not by expiry.
    services = await connectTestServices({ RESERVATION_HOLD_SECONDS: '600' });
    worker = await startWorker(services);
    api = await startApi(services);
    buyers = await Promise.all(Array.from({ length: buyersPerRound }, () => register(api.baseUrl, 'buyer')));
  });

  after(async () => {
    await api.stop();
    await worker?.stop();
    await services.close();
  });

  const orderOf = async (buyer: Account, orderId: string) =>
    (await call<OrderView>(api.baseUrl, 'GET', `/orders/${orderId}`, { headers: buyer.auth })).body;

  const settled = (buyer: Account, orderId: string, done: (o: OrderView) => boolean) =>
    eventually(
      async () => {
        const order = await orderOf(buyer, orderId);
        return done(order) ? order : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 250, what: `order ${orderId} to settle` },
    );

  const cancel = (buyer: Account, orderId: string) =>
    call(api.baseUrl, 'POST', `/orders/${orderId}/cancel`, {
      body: { reason: 'changed my mind' },
      headers: buyer.auth,
    });

  /** One buyer's checkout: its order id, or undefined when the door refused it as sold out. */
  async function place(buyer: Account, plan: Plan, sku: string): Promise<string | undefined> {
    const placed = await call<OrderView & { type?: string }>(api.baseUrl, 'POST', '/orders', {
      body: {
        shipTo,
        lines: [{ sku, quantity: 1 }],
        ...(plan === 'unpaid-then-cancel' ? {} : { paymentMethodId: 'pm_card_visa' }),
      },
      headers: { ...buyer.auth, 'Idempotency-Key': uniqueId('race') },
    });
    if (placed.status === 409 && placed.body.type === problem('out-of-stock')) return undefined;
    assert.equal(placed.status, 202, JSON.stringify(placed.body));
    return placed.body.orderId;
  }

  /** The rest of one buyer's part in the race; returns the order's final status. */
  async function race(buyer: Account, plan: Plan, orderId: string): Promise<OrderView> {
    if (plan === 'unpaid-then-cancel') {
      // Cancel at once, while the reservation may still be in flight.
      await cancel(buyer, orderId);
      return settled(buyer, orderId, (o) => finalStatuses.includes(o.status));
    }
    const first = await settled(buyer, orderId, (o) => finalStatuses.includes(o.status));
    if (plan === 'paid' || first.status !== 'confirmed') return first;
    const answer = await cancel(buyer, orderId);
    assert.equal(answer.status, 202, JSON.stringify(answer.body));
    return settled(buyer, orderId, (o) => o.status === 'cancelled');
  }

  for (let round = 1; round <= rounds; round += 1) {
    test(`round ${round}: ${buyersPerRound} buyers for ${unitsPerRound} units settle to one truth`, async () => {
      const { sku } = await stockedProduct(services, { stock: unitsPerRound, price: 1200 });
      const planOf = (i: number) => plans[i % plans.length] ?? 'paid';
      // No worker takes stock while the buyers check out, so no order has reserved yet: the door lets
      // exactly as many checkouts through as there are units (those on their way count) and refuses the rest.
      await worker?.stop();
      worker = undefined;
      const atTheDoor = await Promise.all(buyers.map((buyer, i) => place(buyer, planOf(i), sku)));
      const through = atTheDoor.filter((id) => id !== undefined).length;
      assert.equal(through, unitsPerRound, 'the door lets through as many checkouts as there are units');
      // The buyers it refused race past it anyway, as checkouts whose door checks landed a moment before
      // the others' did: every order then races in its reservation (the no-oversell proof).
      const orderIds = await Promise.all(
        atTheDoor.map(async (id, i) =>
          id !== undefined
            ? id
            : orderPastTheDoor(services, buyers[i]?.userId ?? '', [{ sku, quantity: 1 }], {
                pay: planOf(i) !== 'unpaid-then-cancel',
              }),
        ),
      );
      worker = await startWorker(services);
      const outcomes = await Promise.all(buyers.map((buyer, i) => race(buyer, planOf(i), orderIds[i] ?? '')));
      const sold = outcomes.filter((o) => o.status === 'confirmed').length;
      assert.ok(sold <= unitsPerRound, `oversold: ${sold} confirmed of ${unitsPerRound}`);
      assert.ok(sold > 0, 'some paying buyer got a unit');

      // Every order's workflow has ended its stock moves once the order reads final; wait for the children
      // of cancelled orders too, which release after telling the parent.
      const expected = unitsPerRound - sold;
      const ledgerAvailable = () => ledgerOf(services, sku);
      await eventually(async () => ((await ledgerAvailable()) === expected ? true : undefined), {
        timeoutMs: 30_000,
        what: `the ledger to read ${expected} available`,
      }).catch(async (error: unknown) => {
        const entries = await services.collections.stockLedger.find({ sku }).toArray();
        const byHold = new Map<string, string[]>();
        for (const e of entries)
          byHold.set(e.holdId ?? e._id, [...(byHold.get(e.holdId ?? e._id) ?? []), e.kind]);
        const statusOf = new Map(outcomes.map((o) => [o.orderId, o.status]));
        const holds = [...byHold].map(
          ([hold, kinds]) => `${hold}=${statusOf.get(hold) ?? '?'}:${kinds.join('+')}`,
        );
        throw new Error(
          `${(error as Error).message}; ledger reads ${await ledgerAvailable()}; ${holds.join(' ')}`,
        );
      });
      const redis = (await services.counters.totalAvailable([sku])).get(sku);
      assert.equal(redis, expected, 'Redis = stock − units confirmed');
      assert.equal(await ledgerAvailable(), expected, 'ledger = stock − units confirmed');

      // Each hold of an order that did not end confirmed was released exactly as much as it reserved.
      const entries = await services.collections.stockLedger.find({ sku }).toArray();
      for (const order of outcomes) {
        const mine = entries.filter((e) => e.holdId === order.orderId);
        const net = mine.reduce((a, e) => a + e.delta, 0);
        assert.equal(net, order.status === 'confirmed' ? -1 : 0, `hold ${order.orderId} (${order.status})`);
      }

      // The door reads the same counters: one unit more than is left is refused before any order.
      const buyer = buyers[0];
      assert.ok(buyer);
      const tooMany = await call<{ type: string; skus: unknown }>(api.baseUrl, 'POST', '/orders', {
        body: { shipTo, lines: [{ sku, quantity: expected + 1 }], paymentMethodId: 'pm_card_visa' },
        headers: { ...buyer.auth, 'Idempotency-Key': uniqueId('race') },
      });
      assert.equal(tooMany.status, 409, JSON.stringify(tooMany.body));
      assert.deepEqual(tooMany.body.skus, [{ sku, requested: expected + 1, available: expected }]);

      // A reconciliation run afterwards has nothing to repair and changes nothing.
      const report = await createActivities(services).reconcileStock();
      assert.deepEqual(
        report.drifts.filter((d) => d.sku === sku),
        [],
      );
      assert.equal((await services.counters.totalAvailable([sku])).get(sku), expected);
    });
  }
});
