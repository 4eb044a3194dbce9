import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createActivities } from '../activities';
import { ledgerBalances } from '../inventory/stock-ledger';
import type { Services } from '../integrations/services';
import { stockKey } from '../integrations/stock-counters';
import type { stockReconciliationWorkflow } from '../workflows';
import {
  connectTestServices,
  eventually,
  startWorker,
  stockedProduct,
  uniqueId,
  type RunningWorker,
} from './support/stack';
import {
  failOverGracefully,
  killNode,
  replicaLinked,
  restartNode,
  roleOf,
  shardOf,
  testClusterNodes,
  type Shard,
} from './support/redis-cluster';

/** This file's ledger lives in a database of its own, so a reconciliation sees only this file's SKUs. */
function ownDatabase(): string {
  const url = new URL(process.env.TEST_MONGODB_URI ?? 'mongodb://127.0.0.1:27017/marketplace_test');
  url.pathname = `${url.pathname.replace(/\/$/, '') || '/marketplace_test'}_cluster_failover`;
  return url.toString();
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Buyers race for one SKU on the scale tests' own Redis Cluster while the master serving that SKU's slot
// is failed over: once as planned maintenance (CLUSTER FAILOVER on its replica), once as a crash (SIGKILL,
// the replica promoted by the cluster itself). A last test loses a whole shard (master and replica), the
// case only the ledger can repair. Holds are written with REDIS_WAIT_REPLICAS=1, so a hold
// counts only once the replica has it. Whatever happens, exactly the stock is taken, Redis and the ledger
// agree afterwards, and the reconciliation finds nothing left to repair.
describe(
  'Redis Cluster: a master fails over in the middle of a reserve race',
  { skip: !testClusterNodes && 'needs TEST_REDIS_CLUSTER_NODES (npm run test:scale)' },
  () => {
    let services: Services;
    let worker: RunningWorker;
    let activities: ReturnType<typeof createActivities>;

    before(async () => {
      services = await connectTestServices({ MONGODB_URI: ownDatabase(), REDIS_WAIT_REPLICAS: '1' });
      await services.collections.stockLedger.deleteMany({});
      activities = createActivities(services);
      worker = await startWorker(services);
    });

    after(async () => {
      await worker.stop();
      await services.close();
    });

    /** As Temporal would: an infrastructure error is retried with the same key; a business refusal is final. */
    async function retried<T>(step: () => Promise<T>, errors: string[]): Promise<T> {
      const giveUpAt = Date.now() + 120_000;
      for (;;) {
        try {
          return await step();
        } catch (error) {
          if ((error as { type?: string }).type === 'OutOfStock') throw error;
          errors.push(error instanceof Error ? error.message : String(error));
          if (Date.now() > giveUpAt) throw new Error(`still failing after 2 minutes: ${errors.at(-1)}`);
          await pause(50);
        }
      }
    }

    const reconcile = () =>
      services.temporal.workflow.execute<typeof stockReconciliationWorkflow>('stockReconciliationWorkflow', {
        taskQueue: services.env.TEMPORAL_TASK_QUEUE,
        workflowId: uniqueId('stock-reconciliation-failover'),
      });

    /**
     * Four buyers check out one unit at a time (every fourth stays awaiting payment) until the SKU is sold
     * out; `fault` runs once a dozen units are gone, while the buyers keep going.
     */
    async function raceThrough(fault: (shard: Shard, errors: string[], landed: () => void) => Promise<void>) {
      // Enough units that the race goes on well after the fault.
      const stock = 400;
      const { sku } = await stockedProduct(services, { stock: 250 });
      await activities.adjustStock({ sku, warehouseId: 'wh-b', delta: 150, adjustmentKey: uniqueId('adj') });
      // Every node's view of a node restarted by an earlier test converges by gossip within a few seconds.
      const before = await eventually(() => shardOf(services.redis, stockKey(sku)), {
        what: "the SKU's master to have a replica",
      });
      const sold: string[] = [];
      const pending: string[] = [];
      const errors: string[] = [];
      // Past a dozen units the buyers wait for the fault to land, so it always lands mid-race, on a fast
      // machine too (else four buyers could sell all 400 before a kill reached the node).
      let landed = () => {};
      const faultLanded = new Promise<void>((resolve) => (landed = resolve));

      const lane = async (laneNo: number) => {
        for (let n = 0; ; n++) {
          if (sold.length + pending.length >= 12) await faultLanded;
          const holdId = `failover-${sku}-${laneNo}-${n}`;
          try {
            await retried(() => activities.reserveStock({ holdId, lines: [{ sku, quantity: 1 }] }), errors);
          } catch {
            return; // sold out
          }
          if (n % 4 === 3) {
            pending.push(holdId);
            continue;
          }
          await retried(() => activities.commitStock({ holdId, skus: [sku] }), errors);
          sold.push(holdId);
        }
      };
      const lanes = [0, 1, 2, 3].map((laneNo) => lane(laneNo));
      await eventually(() => Promise.resolve(sold.length + pending.length >= 12 ? true : undefined), {
        what: 'sales before the failover',
      });
      await fault(before, errors, landed);
      landed();
      await Promise.all(lanes);

      await eventually(
        async () => {
          const now = await shardOf(services.redis, stockKey(sku));
          return now.masterPort === before.replicaPort && now.replicaPort === before.masterPort
            ? true
            : undefined;
        },
        { what: 'the replica to serve the slot, with the old master as its replica' },
      );
      assert.equal(
        sold.length + pending.length,
        stock,
        'exactly the stock was taken: nothing oversold, nothing lost',
      );
      const holds = await services.collections.stockLedger.distinct('holdId', { sku, kind: 'reserve' });
      assert.equal(holds.length, stock, 'one ledger hold per unit taken');
      const commits = await services.collections.stockLedger.countDocuments({ sku, kind: 'commit' });
      assert.equal(commits, sold.length, 'one sale entry per sale');
      const ledger = await ledgerBalances(services.collections, [sku]);
      assert.deepEqual(
        await services.counters.available(sku),
        ledger.get(sku),
        'Redis agrees with the ledger',
      );
      assert.ok(
        Object.values(ledger.get(sku) ?? {}).every((n) => n === 0),
        'no warehouse below zero',
      );
      const report = await reconcile();
      assert.equal(
        report.drifts.find((d) => d.sku === sku),
        undefined,
        'the reconciliation finds nothing to repair',
      );
      return { errors };
    }

    test('planned failover (CLUSTER FAILOVER on the replica): no hold lost, none taken twice', async () => {
      await raceThrough(async ({ masterPort, replicaPort }, _errors, landed) => {
        await failOverGracefully(replicaPort);
        landed();
        await eventually(async () => ((await roleOf(replicaPort)) === 'master' ? true : undefined), {
          what: `replica ${replicaPort} to take over`,
        });
        await eventually(async () => ((await replicaLinked(masterPort)) ? true : undefined), {
          what: `old master ${masterPort} to follow it`,
        });
      });
    });

    test('crashed master (SIGKILL): holds wait for the restarted node, and none is lost or oversold', async () => {
      const { errors } = await raceThrough(async ({ masterPort, replicaPort }, errors, landed) => {
        await killNode(masterPort);
        landed();
        await eventually(async () => ((await roleOf(replicaPort)) === 'master' ? true : undefined), {
          timeoutMs: 30_000,
          what: `replica ${replicaPort} to be promoted`,
        });
        // With no replica left, the promoted master cannot acknowledge a hold: buyers are told to retry
        // rather than given a unit a second crash could hand out again.
        await eventually(
          () => Promise.resolve(errors.some((e) => /of 1 replicas/.test(e)) ? true : undefined),
          {
            what: 'a hold refused for want of a replica',
          },
        );
        await restartNode(masterPort);
        await eventually(async () => ((await replicaLinked(masterPort)) ? true : undefined), {
          timeoutMs: 30_000,
          what: `restarted node ${masterPort} to rejoin as a replica`,
        });
      });
      assert.ok(errors.length > 0, 'the crash was felt by the buyers');
    });

    test('a whole shard lost (master and replica killed, back empty): no oversell, and the reconciliation rebuilds its counters', async () => {
      const { sku } = await stockedProduct(services, { stock: 20 });
      const holds = Array.from({ length: 5 }, (_, i) => `shard-loss-${sku}-${i}`);
      for (const holdId of holds) await activities.reserveStock({ holdId, lines: [{ sku, quantity: 1 }] });
      const [sold1 = '', sold2 = '', sold3 = '', pending = ''] = holds;
      for (const holdId of [sold1, sold2, sold3]) await activities.commitStock({ holdId, skus: [sku] });

      const { masterPort, replicaPort } = await shardOf(services.redis, stockKey(sku));
      await Promise.all([killNode(masterPort), killNode(replicaPort)]);
      await Promise.all([restartNode(masterPort), restartNode(replicaPort)]);
      await eventually(
        async () =>
          (await roleOf(masterPort)) === 'master' && (await replicaLinked(replicaPort)) ? true : undefined,
        { timeoutMs: 60_000, what: 'the shard to serve its slots again' },
      );
      await eventually(async () => ((await services.redis.ping()) === 'PONG' ? true : undefined), {
        what: 'the client to reach the cluster',
      });
      assert.deepEqual(await services.counters.available(sku), {}, 'the shard came back with nothing');
      // No counter means no stock: a buyer is refused rather than sold a unit that may be gone.
      await assert.rejects(
        activities.reserveStock({ holdId: `shard-loss-${sku}-late`, lines: [{ sku, quantity: 1 }] }),
        (error: { type?: string }) => error.type === 'OutOfStock',
      );

      const report = await reconcile();
      const drift = report.drifts.find((d) => d.sku === sku);
      assert.equal(drift?.reason, 'missing');
      assert.equal(drift?.repaired, true);
      assert.deepEqual(await services.counters.available(sku), { 'wh-test': 15 }, 'rebuilt from the ledger');
      // The hold the shard forgot is released by the ledger's account: its unit comes back, once.
      await activities.releaseStock({ holdId: pending, skus: [sku] });
      await activities.releaseStock({ holdId: pending, skus: [sku] });
      assert.deepEqual(await services.counters.available(sku), { 'wh-test': 16 });
      assert.deepEqual((await ledgerBalances(services.collections, [sku])).get(sku), { 'wh-test': 16 });
    });
  },
);
