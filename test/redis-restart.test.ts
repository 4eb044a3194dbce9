import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createActivities } from '../activities';
import { ledgerBalances } from '../inventory/stock-ledger';
import type { Services } from '../integrations/services';
import type { stockReconciliationWorkflow } from '../workflows';
import {
  connectTestServices,
  eventually,
  startWorker,
  stockedProduct,
  uniqueId,
  type RunningWorker,
} from './support/stack';
import { startPrivateRedis, type PrivateRedis } from './support/private-redis';

/** This file's ledger lives in a database of its own, so a reconciliation sees only this file's SKUs. */
function ownDatabase(): string {
  const url = new URL(process.env.TEST_MONGODB_URI ?? 'mongodb://127.0.0.1:27017/marketplace_test');
  url.pathname = `${url.pathname.replace(/\/$/, '') || '/marketplace_test'}_redis_restart`;
  return url.toString();
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Redis is killed with SIGKILL while buyers keep checking out, and comes back empty (no RDB, no AOF): every
// stock counter and every hold it knew is gone. Sales must never oversell meanwhile, and the reconciliation
// workflow must rebuild the counters from the ledger so that exactly the stock is sold in the end.
describe('Redis restarted, losing every counter, in the middle of sales', () => {
  let redis: PrivateRedis;
  let services: Services;
  let worker: RunningWorker;
  let activities: ReturnType<typeof createActivities>;

  before(async () => {
    redis = await startPrivateRedis();
    services = await connectTestServices({
      REDIS_URL: redis.url,
      REDIS_CLUSTER_NODES: '',
      MONGODB_URI: ownDatabase(),
    });
    await services.collections.stockLedger.deleteMany({});
    activities = createActivities(services);
    worker = await startWorker(services);
  });

  after(async () => {
    await worker.stop();
    await services.close();
    await redis.stop();
  });

  /** As Temporal would: an infrastructure error is retried with the same key; a business refusal is final. */
  async function retried<T>(step: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        return await step();
      } catch (error) {
        if ((error as { type?: string }).type === 'OutOfStock') throw error;
        await pause(50);
      }
    }
  }

  const reconcile = () =>
    services.temporal.workflow.execute<typeof stockReconciliationWorkflow>('stockReconciliationWorkflow', {
      taskQueue: services.env.TEMPORAL_TASK_QUEUE,
      workflowId: uniqueId('stock-reconciliation-fault'),
    });

  test('nothing is oversold, and the ledger rebuilds the lost counters so exactly the stock sells', async () => {
    // Enough units that Redis dies mid-sale however fast the database answers (on PostgreSQL-backed
    // FerretDB four buyers sold 40 units before the kill landed).
    const stock = 400;
    const { sku } = await stockedProduct(services, { stock: 250 });
    await activities.adjustStock({ sku, warehouseId: 'wh-b', delta: 150, adjustmentKey: uniqueId('adj') });

    const sold: string[] = [];
    const pending: string[] = [];
    let outageOver = false;
    let resumed = false;
    let soldOut = false;
    const refusedWhileEmpty = new Set<number>();

    // A buyer's checkout: hold one unit, then pay (commit) or, for every fourth, stay awaiting payment.
    const lane = async (laneNo: number) => {
      for (let n = 0; ; n++) {
        const holdId = `fault-${sku}-${laneNo}-${n}`;
        try {
          await retried(() => activities.reserveStock({ holdId, lines: [{ sku, quantity: 1 }] }));
        } catch {
          if (soldOut) return;
          // Refused while the counters are gone: nothing was taken, which is the safe answer. The buyer
          // waits here until the test has looked at the rebuilt counters.
          if (outageOver && !resumed) {
            refusedWhileEmpty.add(laneNo);
            while (!resumed) await pause(20);
            continue;
          }
          if (resumed) soldOut = true;
          else await pause(50);
          continue;
        }
        if (n % 4 === 3) {
          pending.push(holdId);
          continue;
        }
        await retried(() => activities.commitStock({ holdId, skus: [sku] }));
        sold.push(holdId);
      }
    };
    const lanes = [0, 1, 2, 3].map((laneNo) => lane(laneNo));

    await eventually(() => Promise.resolve(sold.length + pending.length >= 12 ? true : undefined), {
      what: 'sales before the crash',
    });
    await redis.kill();
    await pause(300);
    await redis.restart();
    outageOver = true;
    await eventually(() => Promise.resolve(refusedWhileEmpty.size === 4 ? true : undefined), {
      what: 'every buyer to be refused while Redis is empty',
    });
    assert.deepEqual(await services.counters.available(sku), {}, 'Redis came back with nothing');
    const takenBeforeRebuild = sold.length + pending.length;
    assert.ok(takenBeforeRebuild <= stock);

    const report = await reconcile();
    const drift = report.drifts.find((d) => d.sku === sku);
    assert.equal(drift?.reason, 'missing');
    assert.equal(drift?.repaired, true);
    const ledger = await ledgerBalances(services.collections, [sku]);
    assert.deepEqual(await services.counters.available(sku), ledger.get(sku), 'counters rebuilt from ledger');
    const rebuilt = (await services.counters.totalAvailable([sku])).get(sku);
    assert.equal(rebuilt, stock - takenBeforeRebuild, 'every hold and sale before the crash still counts');

    // The holds Redis forgot are released by the ledger's account: their units come back, once.
    const abandoned = pending.splice(0);
    for (const holdId of abandoned) {
      await activities.releaseStock({ holdId, skus: [sku] });
      await activities.releaseStock({ holdId, skus: [sku] });
    }
    resumed = true;
    await Promise.all(lanes);

    // Sold out exactly: what was sold plus what still awaits payment is the stock, never more.
    assert.equal(sold.length + pending.length, stock, 'exactly the stock was taken');
    assert.equal((await services.counters.totalAvailable([sku])).get(sku), 0);
    const final = await ledgerBalances(services.collections, [sku]);
    assert.deepEqual(await services.counters.available(sku), final.get(sku));
    assert.ok(
      Object.values(final.get(sku) ?? {}).every((n) => n === 0),
      'no warehouse below zero',
    );
    const entries = await services.collections.stockLedger.find({ sku, kind: 'commit' }).toArray();
    assert.equal(entries.length, sold.length, 'one sale entry per sale');
    const after = await reconcile();
    assert.equal(
      after.drifts.find((d) => d.sku === sku),
      undefined,
      'Redis and the ledger agree',
    );
  });
});
