import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { connectRedis, type RedisClient } from '../integrations/redis';
import { StockCounters, holdKey, stockKey } from '../integrations/stock-counters';
import type { BenchContext } from './context';
import { loopLoad, type LoadFigures } from './load';
import type { Row } from './table';

const run = promisify(execFile);
const clusterScript = resolve(__dirname, '../../scripts/stack/redis-cluster.sh');

/** The scale tests' Redis Cluster (3 masters, 3 replicas): reused if running, else started and stopped. */
async function openCluster(ctx: BenchContext): Promise<string> {
  const { stdout: status } = await run('bash', [clusterScript, 'status']);
  if (!/^cluster_state:ok/m.test(status)) {
    await run('bash', [clusterScript, 'up']);
    ctx.onCleanup(() => run('bash', [clusterScript, 'down']));
  }
  const { stdout } = await run('bash', [clusterScript, 'nodes']);
  return stdout.trim();
}

async function holdsPerSecond(counters: StockCounters, skus: string[], tag: string): Promise<LoadFigures> {
  let refused = 0;
  const figures = await loopLoad(
    async (i) => {
      const sku = skus[i % skus.length] ?? '';
      if ((await counters.reserve(sku, `${tag}-h${i}`, 1)).kind !== 'held') refused += 1;
    },
    { concurrency: 50 },
  );
  return { ...figures, failures: figures.failures + refused };
}

async function stock(redis: RedisClient, skus: string[]): Promise<void> {
  const counters = new StockCounters(redis);
  await Promise.all(skus.map((sku) => counters.adjust(sku, 'wh-1', 10_000_000, `bench-${sku}`)));
}

/** Deletes a run's keys; on a cluster each master is scanned, since a SCAN sees only its own node. */
async function forget(redis: RedisClient, skus: string[]): Promise<void> {
  const nodes = 'nodes' in redis ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    for (const sku of skus) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', holdKey(sku, '*'), 'COUNT', 1000);
        cursor = next;
        // One key per call: on a cluster, keys of different SKUs live in different slots.
        for (const key of keys) await node.unlink(key);
      } while (cursor !== '0');
      await node.unlink(stockKey(sku), `adjust:{${sku}}:bench-${sku}`).catch(() => 0);
    }
  }
}

/**
 * Holds per second through the reserve script on the Redis Cluster, each next to the same load on the
 * single Redis in the same run: one hot SKU (one slot, so one master does all the work) and 30 SKUs (spread
 * over the three masters), then the cluster with REDIS_WAIT_REPLICAS=1 (each hold waits for its replica).
 */
export async function stockOnCluster(ctx: BenchContext): Promise<Row[]> {
  const nodes = await openCluster(ctx);
  const cluster = connectRedis({ ...ctx.services.env, REDIS_CLUSTER_NODES: nodes });
  const single = ctx.services.redis;
  const hot = [`${ctx.runId}-CLHOT`.toUpperCase()];
  const spread = Array.from({ length: 30 }, (_, i) => `${ctx.runId}-CL${i}`.toUpperCase());
  const all = [...hot, ...spread];
  ctx.onCleanup(async () => {
    await forget(single, all);
    await forget(cluster, all);
    await cluster.quit();
  });
  await stock(single, all);
  await stock(cluster, all);

  const onSingle = new StockCounters(single);
  const onCluster = new StockCounters(cluster);
  const hotSingle = await holdsPerSecond(onSingle, hot, 'hot-single');
  const hotCluster = await holdsPerSecond(onCluster, hot, 'hot-cluster');
  const spreadSingle = await holdsPerSecond(onSingle, spread, 'spread-single');
  const spreadCluster = await holdsPerSecond(onCluster, spread, 'spread-cluster');
  const spreadWaited = await holdsPerSecond(new StockCounters(cluster, 1), spread, 'spread-wait');

  const warn = (...figures: LoadFigures[]) => {
    const failed = figures.reduce((n, f) => n + f.failures, 0);
    return failed > 0 ? `${failed} holds failed or refused` : undefined;
  };
  const single$ = 'the same load on the single Redis (6379), this run';
  return [
    {
      measurement: 'stock holds on Redis Cluster (3 masters + 3 replicas), one hot SKU, 50 in flight',
      ours: { value: hotCluster.perSecond, unit: 'ops/s' },
      baseline: { value: hotSingle.perSecond, unit: 'ops/s' },
      baselineIs: single$,
      warning: warn(hotCluster, hotSingle),
    },
    {
      measurement: 'stock holds on Redis Cluster, 30 SKUs over 3 masters, 50 in flight',
      ours: { value: spreadCluster.perSecond, unit: 'ops/s' },
      baseline: { value: spreadSingle.perSecond, unit: 'ops/s' },
      baselineIs: single$,
      warning: warn(spreadCluster, spreadSingle),
    },
    {
      measurement: 'stock holds on Redis Cluster, 30 SKUs, p99',
      ours: { value: spreadCluster.p99Ms, unit: 'ms' },
      baseline: { value: spreadSingle.p99Ms, unit: 'ms' },
      baselineIs: single$,
      warning: warn(spreadCluster, spreadSingle),
    },
    {
      measurement:
        'stock holds on Redis Cluster with REDIS_WAIT_REPLICAS=1 (a hold counts once its replica has it), 30 SKUs',
      ours: { value: spreadWaited.perSecond, unit: 'ops/s' },
      baseline: { value: spreadCluster.perSecond, unit: 'ops/s' },
      baselineIs: 'the same cluster without WAIT, this run',
      warning: warn(spreadWaited),
    },
  ];
}
