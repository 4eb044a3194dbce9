import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Cluster, type Redis } from 'ioredis';
import { createActivities } from '../activities';
import type { ReconciliationReport } from '../activities/stock-reconciliation';
import { ledgerBalances } from '../inventory/stock-ledger';
import type { RedisClient } from '../integrations/redis';
import type { Services } from '../integrations/services';
import { stockKey } from '../integrations/stock-counters';
import {
  call,
  connectTestServices,
  opsAuth,
  startApi,
  startWorker,
  uniqueId,
  type RunningApi,
  type RunningWorker,
} from './support/stack';

// This file flushes Redis, so it works on a db of its own (5); the shared test db (1) is never touched.
// A Redis Cluster has only db 0: there the file runs only on the scale tests' own throw-away cluster
// (scripts/stack/redis-cluster.sh), and the flush empties every master, as losing the whole cluster would.
const ownRedisDb = 5;
const onTestCluster = Boolean(process.env.TEST_REDIS_CLUSTER_NODES);
async function flushEveryMaster(redis: RedisClient): Promise<void> {
  if (redis instanceof Cluster) await Promise.all(redis.nodes('master').map((node) => node.flushdb()));
  else await redis.flushdb();
}
const clientIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

describe('stock reconciliation: Redis is a cache the ledger can always rebuild', () => {
  let services: Services;
  let api: RunningApi;
  let worker: RunningWorker;
  let activities: ReturnType<typeof createActivities>;
  const auth: Record<'ops' | 'seller' | 'buyer', Record<string, string>> = { ops: {}, seller: {}, buyer: {} };

  async function signUp(role: 'buyer' | 'seller'): Promise<Record<string, string>> {
    const email = `${uniqueId(role)}@example.test`;
    const res = await call<{ token: string; sellerId?: string }>(api.baseUrl, 'POST', '/auth/register', {
      body: { email, password: 'correct horse battery', role, name: `Reconcile ${role}` },
      headers: { 'x-forwarded-for': clientIp() },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    if (res.body.sellerId) {
      await services.collections.sellers.insertOne({
        _id: res.body.sellerId,
        name: 'Reconcile seller',
        email,
        status: 'active',
        approval: 'approved',
        createdAt: new Date(),
      });
    }
    return { authorization: `Bearer ${res.body.token}` };
  }

  /** A product listed and stocked through the API; returns its SKUs. */
  async function stockedThroughApi(stock: Record<string, number>[]): Promise<string[]> {
    const skus = stock.map(() => uniqueId('SKU').toUpperCase());
    const created = await call<{ productId: string }>(api.baseUrl, 'POST', '/products', {
      body: {
        title: 'Reconciled kettle',
        category: 'kitchen',
        price: { amount: 2500, currency: 'USD' },
        skus: skus.map((sku) => ({ sku })),
        status: 'active',
      },
      headers: auth.seller,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (const [i, perWarehouse] of stock.entries()) {
      for (const [warehouseId, available] of Object.entries(perWarehouse)) {
        const res = await call(api.baseUrl, 'PUT', `/products/${created.body.productId}/stock`, {
          body: { sku: skus[i], warehouseId, available },
          headers: { ...auth.seller, 'idempotency-key': uniqueId('key') },
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }
    }
    return skus;
  }

  const reconcile = async () => {
    const res = await call<ReconciliationReport>(api.baseUrl, 'POST', '/ops/stock/reconcile', {
      headers: auth.ops,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };
  const driftOf = (report: ReconciliationReport, sku: string) => report.drifts.find((d) => d.sku === sku);

  /** Redis and the ledger agree on every warehouse of every SKU (a warehouse at 0 may be absent). */
  async function assertRedisMatchesLedger(skus: string[]): Promise<Map<string, Record<string, number>>> {
    const ledger = await ledgerBalances(services.collections, skus);
    for (const sku of skus) {
      const redis = await services.counters.available(sku);
      const expected = ledger.get(sku) ?? {};
      for (const warehouse of new Set([...Object.keys(redis), ...Object.keys(expected)])) {
        assert.equal(redis[warehouse] ?? 0, expected[warehouse] ?? 0, `${sku} in ${warehouse}`);
      }
    }
    return ledger;
  }

  before(async () => {
    services = await connectTestServices(
      onTestCluster ? {} : { REDIS_URL: `redis://127.0.0.1:6379/${ownRedisDb}` },
    );
    if (!onTestCluster) {
      assert.equal((services.redis as Redis).options.db, ownRedisDb, 'refusing to flush a shared Redis db');
    }
    activities = createActivities(services);
    worker = await startWorker(services);
    api = await startApi(services);
    auth.ops = await opsAuth(api.baseUrl, services);
    auth.seller = await signUp('seller');
    auth.buyer = await signUp('buyer');
  });

  after(async () => {
    await api.stop();
    await worker.stop();
    await services.close();
  });

  test('after Redis is flushed and rebuilt, available stock equals what the ledger says', async () => {
    const [split = '', single = ''] = await stockedThroughApi([{ 'wh-a': 10, 'wh-b': 5 }, { 'wh-a': 4 }]);
    // Holds in every state: one spanning two warehouses, one still held, one sold.
    const spanning = uniqueId('hold');
    const pending = uniqueId('hold');
    const sold = uniqueId('hold');
    const [spanned] = await activities.reserveStock({
      holdId: spanning,
      lines: [{ sku: split, quantity: 12 }],
    });
    assert.equal(spanned?.allocations.length, 2, 'no single warehouse had 12');
    await activities.reserveStock({ holdId: pending, lines: [{ sku: single, quantity: 1 }] });
    await activities.reserveStock({ holdId: sold, lines: [{ sku: split, quantity: 1 }] });
    await activities.commitStock({ holdId: sold, skus: [split] });
    const beforeFlush = new Map([
      [split, await services.counters.available(split)],
      [single, await services.counters.available(single)],
    ]);
    await assertRedisMatchesLedger([split, single]);
    assert.equal((await services.counters.totalAvailable([split])).get(split), 2);

    await flushEveryMaster(services.redis);
    assert.deepEqual(await services.counters.available(split), {}, 'Redis lost everything');

    const report = await reconcile();
    for (const sku of [split, single]) {
      const drift = driftOf(report, sku);
      assert.equal(drift?.reason, 'missing', sku);
      assert.equal(drift?.repaired, true, sku);
      assert.deepEqual(
        await services.counters.available(sku),
        beforeFlush.get(sku),
        `${sku} is as before the flush`,
      );
    }
    const ledger = await assertRedisMatchesLedger([split, single]);
    assert.deepEqual(ledger.get(single), { 'wh-a': 3 });

    // A hold Redis forgot is still released by the ledger's account: its 12 units come back, once.
    await activities.releaseStock({ holdId: spanning, skus: [split] });
    await activities.releaseStock({ holdId: spanning, skus: [split] });
    assert.equal((await services.counters.totalAvailable([split])).get(split), 14, '15 on hand, 1 sold');
    await assertRedisMatchesLedger([split, single]);
    // And a sale of a forgotten hold stands by the ledger, taking nothing further.
    await activities.commitStock({ holdId: pending, skus: [single] });
    assert.equal((await services.counters.totalAvailable([single])).get(single), 3);
    const entries = await services.collections.stockLedger.find({ holdId: pending }).toArray();
    assert.deepEqual(entries.map((e) => e.kind).sort(), ['commit', 'reserve']);

    const final = await reconcile();
    assert.equal(driftOf(final, split), undefined, 'nothing left to repair');
    assert.equal(driftOf(final, single), undefined);
  });

  test('a drift is reported but left alone on first sight, and repaired when seen unchanged again', async () => {
    const [sku = ''] = await stockedThroughApi([{ 'wh-a': 6 }]);
    // What a reservation in flight looks like: Redis already took 2 units, the ledger has not heard yet.
    await services.redis.hincrby(stockKey(sku), 'wh-a', -2);

    const first = await reconcile();
    assert.deepEqual(driftOf(first, sku), {
      sku,
      redis: { 'wh-a': 4 },
      ledger: { 'wh-a': 6 },
      repaired: false,
      reason: 'transient',
    });
    assert.deepEqual(await services.counters.available(sku), { 'wh-a': 4 }, 'not repaired yet');

    // It moved since: still possibly in flight, so still left alone.
    await services.redis.hincrby(stockKey(sku), 'wh-a', -1);
    const moved = await reconcile();
    assert.equal(driftOf(moved, sku)?.reason, 'transient');
    assert.equal(driftOf(moved, sku)?.repaired, false);
    assert.deepEqual(await services.counters.available(sku), { 'wh-a': 3 });

    const second = await reconcile();
    assert.deepEqual(driftOf(second, sku), {
      sku,
      redis: { 'wh-a': 3 },
      ledger: { 'wh-a': 6 },
      repaired: true,
      reason: 'persistent',
    });
    await assertRedisMatchesLedger([sku]);
    assert.deepEqual(await services.counters.available(sku), { 'wh-a': 6 });
    const stored = await services.collections.stockReconciliations.findOne({ _id: second.at });
    assert.ok(
      stored?.drifts.some((d) => d.sku === sku && d.repaired),
      'each run is recorded',
    );

    const third = await reconcile();
    assert.equal(driftOf(third, sku), undefined, 'in step again');
  });

  test('only staff may run a reconciliation', async () => {
    const asSeller = await call(api.baseUrl, 'POST', '/ops/stock/reconcile', { headers: auth.seller });
    assert.equal(asSeller.status, 403);
    const asBuyer = await call(api.baseUrl, 'POST', '/ops/stock/reconcile', { headers: auth.buyer });
    assert.equal(asBuyer.status, 403);
    const anonymous = await call(api.baseUrl, 'POST', '/ops/stock/reconcile');
    assert.equal(anonymous.status, 401);
  });
});
